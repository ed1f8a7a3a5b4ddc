import CMosquitto
import Synchronization

/// libmosquitto's process-wide state: `mosquitto_lib_init` is not thread-safe and must run once
/// before any client exists, so every client goes through ``ensureInitialized()``.
enum MQTTLibrary {
    private static let initialized = Mutex<Int32?>(nil)

    /// Initialises the library the first time it is called, from any thread; later calls
    /// return the first result. Never cleaned up: clients may live until the process exits.
    static func ensureInitialized() throws(MQTTError) {
        let code = initialized.withLock { code -> Int32 in
            if let code { return code }
            let result = mosquitto_lib_init()
            code = result
            return result
        }
        guard code == MQTTError.success else { throw .library(MQTTError.describe(code)) }
    }
}
