import Foundation

/// A safetensors file, validated as a whole when opened: an 8-byte little-endian header length,
/// a JSON header `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {...}}`, then
/// the data section, which the tensors must cover exactly (no overlaps, no holes, no trailing bytes).
///
/// Only F32 tensors are accepted: EagleEdge's converter writes nothing else, and refusing other
/// dtypes up front is cheaper than discovering them in the middle of building a network.
/// Values are decoded on demand by `tensor(named:)`.
public struct SafeTensors: Sendable {
    /// Where one tensor's bytes are, relative to the data section.
    struct Entry: Sendable {
        let name: String
        let shape: [Int]
        let begin: Int
        let end: Int
    }

    /// The file the tensors came from, for messages.
    public let path: String
    /// Tensor names in the order their data appears in the file (the converter writes network order).
    public let names: [String]
    /// The `__metadata__` string map (empty when the file has none).
    public let metadata: [String: String]

    private let bytes: Data
    private let dataStart: Int
    private let entries: [String: Entry]

    /// Reads and validates the safetensors file at `path`.
    /// - Throws: `WeightsError` naming the file and what is wrong with it.
    public init(contentsOf path: String) throws {
        try self.init(bytes: SafeTensors.read(path), path: path)
    }

    /// Validates `bytes` as a safetensors file; `path` only names it in errors.
    init(bytes: Data, path: String) throws {
        let size = bytes.count
        guard size >= 8 else { throw WeightsError.truncated(path: path, size: size) }
        let headerLength = UInt64(littleEndian: bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        guard headerLength <= UInt64(size - 8) else {
            throw WeightsError.headerOutOfRange(path: path, headerLength: headerLength, fileSize: size)
        }
        let dataStart = 8 + Int(headerLength)
        let header = try SafeTensors.parseHeader(bytes.subdata(in: 8..<dataStart), path: path)
        let entries = try SafeTensors.entries(of: header, dataSize: size - dataStart, path: path)

        self.path = path
        self.bytes = bytes
        self.dataStart = dataStart
        self.metadata = try SafeTensors.metadata(of: header, path: path)
        self.names = entries.map(\.name)
        self.entries = Dictionary(uniqueKeysWithValues: entries.map { ($0.name, $0) })
    }

    /// The shape of the tensor called `name`, without decoding its values.
    /// - Throws: `WeightsError.noSuchTensor` if the file has no such tensor.
    public func shape(named name: String) throws -> [Int] {
        guard let entry = entries[name] else { throw WeightsError.noSuchTensor(path: path, name: name) }
        return entry.shape
    }

    /// The tensor called `name`, decoded to float32.
    /// - Throws: `WeightsError.noSuchTensor` if the file has no such tensor.
    public func tensor(named name: String) throws -> WeightTensor {
        guard let entry = entries[name] else { throw WeightsError.noSuchTensor(path: path, name: name) }
        let count = (entry.end - entry.begin) / 4
        let start = dataStart + entry.begin
        // A byte copy, not a typed load: the data section need not be 4-byte aligned in memory.
        let values = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            bytes.withUnsafeBytes { raw in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(
                    from: UnsafeRawBufferPointer(rebasing: raw[start..<(start + count * 4)]))
            }
            initialized = count
        }
        #if _endian(big)
        let native = values.map { Float(bitPattern: UInt32(littleEndian: $0.bitPattern)) }
        return WeightTensor(name: name, shape: entry.shape, values: native)
        #else
        return WeightTensor(name: name, shape: entry.shape, values: values)
        #endif
    }

    /// The total number of elements over all tensors.
    public var elementCount: Int {
        entries.values.reduce(0) { $0 + ($1.end - $1.begin) / 4 }
    }

    // MARK: - parsing

    private static func read(_ path: String) throws -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw WeightsError.unreadable(path: path, reason: "no such file")
        }
        if isDirectory.boolValue { throw WeightsError.unreadable(path: path, reason: "is a directory, not a file") }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw WeightsError.unreadable(path: path, reason: "cannot be read (\(error.localizedDescription))")
        }
    }

    private static func parseHeader(_ text: Data, path: String) throws -> [String: Any] {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: text)
        } catch {
            throw WeightsError.malformedHeader(path: path, reason: "the \(text.count)-byte header is not valid JSON")
        }
        guard let header = object as? [String: Any] else {
            throw WeightsError.malformedHeader(path: path, reason: "the header is JSON but not an object")
        }
        return header
    }

    private static func metadata(of header: [String: Any], path: String) throws -> [String: String] {
        guard let value = header["__metadata__"] else { return [:] }
        guard let metadata = value as? [String: String] else {
            throw WeightsError.malformedHeader(path: path, reason: "__metadata__ is not a map of strings")
        }
        return metadata
    }

    /// Every tensor entry, checked on its own and against the others, in data order.
    private static func entries(of header: [String: Any], dataSize: Int, path: String) throws -> [Entry] {
        var entries: [Entry] = []
        // Sorted so that a file with several problems always reports the same one first.
        for (name, value) in header.sorted(by: { $0.key < $1.key }) where name != "__metadata__" {
            entries.append(try entry(name, value, dataSize: dataSize, path: path))
        }
        entries.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var covered = 0
        var previous: Entry?
        for entry in entries {
            if entry.begin < covered, let previous {
                throw WeightsError.overlappingTensors(path: path, first: previous.name, second: entry.name)
            }
            if entry.begin > covered { throw WeightsError.uncoveredBytes(path: path, begin: covered, end: entry.begin) }
            covered = entry.end
            previous = entry
        }
        if covered < dataSize { throw WeightsError.uncoveredBytes(path: path, begin: covered, end: dataSize) }
        return entries
    }

    private static func entry(_ name: String, _ value: Any, dataSize: Int, path: String) throws -> Entry {
        func malformed(_ reason: String) -> WeightsError {
            WeightsError.malformedHeader(path: path, reason: "tensor '\(name)': \(reason)")
        }
        guard let fields = value as? [String: Any] else { throw malformed("entry is not an object") }
        guard let dtype = fields["dtype"] as? String else { throw malformed("no dtype string") }
        guard dtype == "F32" else { throw WeightsError.unsupportedDType(path: path, tensor: name, dtype: dtype) }
        guard let rawShape = fields["shape"] as? [Any] else { throw malformed("no shape array") }
        let shape = rawShape.compactMap(integer)
        guard shape.count == rawShape.count, shape.allSatisfy({ $0 >= 0 }) else {
            throw malformed("shape is not a list of non-negative integers")
        }
        guard let rawOffsets = fields["data_offsets"] as? [Any], rawOffsets.count == 2,
              let begin = integer(rawOffsets[0]), let end = integer(rawOffsets[1]), begin >= 0, begin <= end
        else { throw malformed("data_offsets is not [begin, end] with 0 <= begin <= end") }
        guard end <= dataSize else {
            throw WeightsError.offsetsOutOfRange(path: path, tensor: name, begin: begin, end: end, dataSize: dataSize)
        }
        var byteCount = 4
        for extent in shape {
            let (product, overflow) = byteCount.multipliedReportingOverflow(by: extent)
            guard !overflow else { throw WeightsError.sizeMismatch(path: path, tensor: name, shape: shape, byteCount: end - begin) }
            byteCount = product
        }
        guard byteCount == end - begin else {
            throw WeightsError.sizeMismatch(path: path, tensor: name, shape: shape, byteCount: end - begin)
        }
        return Entry(name: name, shape: shape, begin: begin, end: end)
    }

    /// A JSON integer; nil for fractions, strings and numbers beyond `Int`. (Foundation cannot
    /// tell `true` from 1 on Linux; a boolean that slips through still has to pass the size check.)
    private static func integer(_ value: Any) -> Int? {
        value as? Int
    }
}
