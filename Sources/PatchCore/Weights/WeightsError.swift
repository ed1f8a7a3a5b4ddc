/// Why weights or class names could not be loaded. Every message is one sentence naming the file
/// and the problem, fit for a log line.
public enum WeightsError: Error, Equatable, CustomStringConvertible {
    /// The file could not be read at all (missing, a directory, permissions).
    case unreadable(path: String, reason: String)
    /// The file is shorter than the 8-byte header length that starts every safetensors file.
    case truncated(path: String, size: Int)
    /// The header length points past the end of the file.
    case headerOutOfRange(path: String, headerLength: UInt64, fileSize: Int)
    /// The header is not the JSON object safetensors prescribes, or an entry in it is malformed.
    case malformedHeader(path: String, reason: String)
    /// A tensor has an element type this reader does not decode (only F32 is used).
    case unsupportedDType(path: String, tensor: String, dtype: String)
    /// A tensor's data offsets fall outside the data section.
    case offsetsOutOfRange(path: String, tensor: String, begin: Int, end: Int, dataSize: Int)
    /// A tensor's byte range does not hold exactly its shape's elements.
    case sizeMismatch(path: String, tensor: String, shape: [Int], byteCount: Int)
    /// Two tensors claim the same bytes.
    case overlappingTensors(path: String, first: String, second: String)
    /// Bytes of the data section that no tensor covers (a hole, or data after the last tensor).
    case uncoveredBytes(path: String, begin: Int, end: Int)
    /// A tensor was asked for by a name the file does not have.
    case noSuchTensor(path: String, name: String)
    /// A tensor the network needs is absent.
    case missingTensor(path: String, name: String, expectedShape: [Int])
    /// A tensor the network needs has another shape than the network's.
    case shapeMismatch(path: String, name: String, expected: [Int], actual: [Int])
    /// A tensor the network does not have: the file belongs to another model.
    case unexpectedTensor(path: String, name: String)
    /// No weights file at any of the default places.
    case notFound(searched: [String])
    /// The ImageNet class-name list is missing or not 1000 names.
    case invalidClassNames(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "weights file \(path): \(reason)"
        case .truncated(let path, let size):
            return "weights file \(path): only \(size) bytes, shorter than the 8-byte header length (truncated)"
        case .headerOutOfRange(let path, let headerLength, let fileSize):
            return "weights file \(path): header length \(headerLength) reaches past the end of the \(fileSize)-byte file (truncated or not safetensors)"
        case .malformedHeader(let path, let reason):
            return "weights file \(path): malformed header: \(reason)"
        case .unsupportedDType(let path, let tensor, let dtype):
            return "weights file \(path): tensor '\(tensor)' has dtype '\(dtype)', only F32 is supported"
        case .offsetsOutOfRange(let path, let tensor, let begin, let end, let dataSize):
            return "weights file \(path): tensor '\(tensor)' data offsets [\(begin), \(end)) lie outside the \(dataSize)-byte data section (truncated?)"
        case .sizeMismatch(let path, let tensor, let shape, let byteCount):
            return "weights file \(path): tensor '\(tensor)' spans \(byteCount) bytes but shape \(shape) of F32 needs \(WeightsError.f32ByteCount(shape))"
        case .overlappingTensors(let path, let first, let second):
            return "weights file \(path): tensors '\(first)' and '\(second)' overlap"
        case .uncoveredBytes(let path, let begin, let end):
            return "weights file \(path): data bytes [\(begin), \(end)) belong to no tensor"
        case .noSuchTensor(let path, let name):
            return "weights file \(path): no tensor named '\(name)'"
        case .missingTensor(let path, let name, let expectedShape):
            return "weights file \(path): tensor '\(name)' (shape \(expectedShape)) is missing; not EfficientNet-Lite0 weights (run Packaging/weights/fetch.sh)"
        case .shapeMismatch(let path, let name, let expected, let actual):
            return "weights file \(path): tensor '\(name)' has shape \(actual), EfficientNet-Lite0 needs \(expected)"
        case .unexpectedTensor(let path, let name):
            return "weights file \(path): unexpected tensor '\(name)'; not EfficientNet-Lite0 weights"
        case .notFound(let searched):
            return "no EfficientNet-Lite0 weights file (looked at \(searched.joined(separator: ", "))); run Packaging/weights/fetch.sh or set EAGLE_WEIGHTS"
        case .invalidClassNames(let path, let reason):
            return "ImageNet class names \(path): \(reason)"
        }
    }

    /// Bytes an F32 tensor of `shape` needs, as text; a header may claim absurd shapes.
    private static func f32ByteCount(_ shape: [Int]) -> String {
        var count = 4
        for extent in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: extent)
            if overflow { return "more than \(Int.max)" }
            count = product
        }
        return "\(count)"
    }
}
