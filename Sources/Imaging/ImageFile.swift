import Foundation

/// Reading and writing image files by extension or content: JPEG and PNG.
public enum ImageFile {
    /// The formats we can decode, sniffed from the first bytes rather than the file name.
    public enum Format: String, Sendable {
        case jpeg, png

        /// The format of `data` judged by its signature; nil when neither.
        public init?(sniffing data: [UInt8]) {
            if data.count >= 3, data[0] == 0xFF, data[1] == 0xD8, data[2] == 0xFF {
                self = .jpeg
            } else if data.count >= 8, data[0..<8].elementsEqual([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
                self = .png
            } else {
                return nil
            }
        }
    }

    /// The bytes of the file at `path`.
    public static func readBytes(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw ImagingError.io(path: path, reason: exists ? "cannot be read" : "no such file")
        }
        return [UInt8](data)
    }

    /// Decodes a JPEG or PNG file to RGB (gray files are expanded).
    public static func readRGB(_ path: String) throws -> RGBImage {
        try read(path, jpeg: { try JPEG.decodeRGB($0) }, png: { try PNG.decodeRGB($0) })
    }

    /// Decodes a JPEG or PNG file to gray.
    public static func readGray(_ path: String) throws -> GrayImage {
        try read(path, jpeg: { try JPEG.decodeGray($0) }, png: { try PNG.decodeGray($0) })
    }

    /// Sniffs the format and decodes; every failure names the file.
    private static func read<T>(_ path: String, jpeg: ([UInt8]) throws -> T, png: ([UInt8]) throws -> T) throws -> T {
        let bytes = try readBytes(path)
        do {
            switch Format(sniffing: bytes) {
            case .jpeg: return try jpeg(bytes)
            case .png: return try png(bytes)
            case nil: throw ImagingError.decodeFailed(format: "image", reason: "neither JPEG nor PNG data")
            }
        } catch let error as ImagingError {
            throw ImagingError.io(path: path, reason: error.description)
        }
    }

    /// Writes `image` as PNG or JPEG chosen by the extension of `path` (.png, .jpg/.jpeg),
    /// atomically (temporary file, then rename), so a reader never sees half a file.
    public static func write<L>(_ image: Image<L>, to path: String, jpegQuality: Int = 90) throws {
        let ext = (path as NSString).pathExtension.lowercased()
        let bytes: [UInt8]
        switch ext {
        case "png": bytes = try PNG.encode(image)
        case "jpg", "jpeg": bytes = try JPEG.encode(image, quality: jpegQuality)
        default: throw ImagingError.io(path: path, reason: "unknown image extension '.\(ext)' (use .png, .jpg or .jpeg)")
        }
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ImagingError.io(path: path, reason: "cannot write: \(error.localizedDescription)")
        }
    }
}
