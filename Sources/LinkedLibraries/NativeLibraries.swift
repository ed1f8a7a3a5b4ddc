import CEagleShims
import CJPEG
import CMosquitto
import COpenBLAS
import CPNG
import CSQLite

/// The C libraries this build is linked against, with the versions they report at run time.
///
/// A support engineer's first question on a misbehaving board is "which libjpeg, which
/// libgpiod?": the board's Debian 13 and a developer's Debian 12 differ, libgpiod even in API.
public enum NativeLibraries {
    /// One linked library.
    public struct Entry: Sendable, Equatable {
        public let name: String
        public let version: String
    }

    /// Every library, in the order of the frame path.
    public static func linked() -> [Entry] {
        var mqttMajor: Int32 = 0, mqttMinor: Int32 = 0, mqttRevision: Int32 = 0
        mosquitto_lib_version(&mqttMajor, &mqttMinor, &mqttRevision)
        let turbo = Int(LIBJPEG_TURBO_VERSION_NUMBER) // e.g. 2001005 for 2.1.5
        return [
            Entry(name: "libjpeg-turbo", version: "\(turbo / 1_000_000).\(turbo / 1000 % 1000).\(turbo % 1000) (libjpeg API \(JPEG_LIB_VERSION))"),
            Entry(name: "libpng", version: png_get_libpng_ver(nil).map { String(cString: $0) } ?? "unknown"),
            Entry(name: "OpenBLAS", version: openblas_get_config().map { String(cString: $0) } ?? "unknown"),
            Entry(name: "libgpiod", version: "\(String(cString: eagle_gpiod_version())) (v\(eagle_gpiod_api_major()) API)"),
            Entry(name: "libmosquitto", version: "\(mqttMajor).\(mqttMinor).\(mqttRevision)"),
            Entry(name: "SQLite", version: String(cString: sqlite3_libversion())),
        ]
    }
}
