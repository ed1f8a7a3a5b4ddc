import CSparkplug

typealias CPayload = Org__Eclipse__Tahu__Protobuf__Payload
typealias CMetric = Org__Eclipse__Tahu__Protobuf__Payload__Metric

extension SparkplugPayload {
    /// The payload's protobuf bytes, packed by protobuf-c.
    public func encoded() -> [UInt8] {
        var memory = CMemory()
        defer { memory.release() }
        var payload = CPayload()
        org__eclipse__tahu__protobuf__payload__init(&payload)
        if let timestamp {
            payload.has_timestamp = 1
            payload.timestamp = timestamp
        }
        if let seq {
            payload.has_seq = 1
            payload.seq = seq
        }
        payload.uuid = uuid.map { memory.string($0) }
        if let body {
            payload.has_body = 1
            payload.body = memory.binary(body)
        }
        let list = UnsafeMutablePointer<UnsafeMutablePointer<CMetric>?>.allocate(capacity: max(1, metrics.count))
        memory.track(list)
        for (index, metric) in metrics.enumerated() {
            let pointer = UnsafeMutablePointer<CMetric>.allocate(capacity: 1)
            memory.track(pointer)
            org__eclipse__tahu__protobuf__payload__metric__init(pointer)
            Self.fill(pointer, with: metric, memory: &memory)
            list[index] = pointer
        }
        payload.n_metrics = metrics.count
        payload.metrics = list
        let size = org__eclipse__tahu__protobuf__payload__get_packed_size(&payload)
        var bytes = [UInt8](repeating: 0, count: size)
        let written = bytes.withUnsafeMutableBufferPointer { buffer in
            org__eclipse__tahu__protobuf__payload__pack(&payload, buffer.baseAddress)
        }
        return Array(bytes.prefix(written))
    }

    /// Unpacks `bytes` with protobuf-c. A metric without a datatype (data messages and
    /// commands leave it out) keeps the value as the wire holds it: `int_value` as `.uint32`,
    /// `long_value` as `.uint64`; the birth's datatype tells the receiver more.
    public init(decoding bytes: [UInt8]) throws(SparkplugError) {
        let unpacked = bytes.withUnsafeBufferPointer { buffer in
            org__eclipse__tahu__protobuf__payload__unpack(nil, buffer.count, buffer.baseAddress)
        }
        guard let unpacked else { throw .notAPayload(bytes: bytes.count) }
        defer { org__eclipse__tahu__protobuf__payload__free_unpacked(unpacked, nil) }
        let payload = unpacked.pointee
        var metrics: [SparkplugMetric] = []
        metrics.reserveCapacity(payload.n_metrics)
        for index in 0..<payload.n_metrics {
            guard let metric = payload.metrics[index] else { continue }
            metrics.append(Self.metric(from: metric.pointee))
        }
        self.init(timestamp: payload.has_timestamp != 0 ? payload.timestamp : nil, metrics: metrics,
                  seq: payload.has_seq != 0 ? payload.seq : nil, uuid: payload.uuid.map { String(cString: $0) },
                  body: payload.has_body != 0 ? Self.bytes(payload.body) : nil)
    }

    // MARK: - Metrics

    private static func fill(_ pointer: UnsafeMutablePointer<CMetric>, with metric: SparkplugMetric, memory: inout CMemory) {
        pointer.pointee.name = metric.name.map { memory.string($0) }
        if let alias = metric.alias {
            pointer.pointee.has_alias = 1
            pointer.pointee.alias = alias
        }
        if let timestamp = metric.timestamp {
            pointer.pointee.has_timestamp = 1
            pointer.pointee.timestamp = timestamp
        }
        if let dataType = metric.dataType {
            pointer.pointee.has_datatype = 1
            pointer.pointee.datatype = dataType.rawValue
        }
        if metric.isHistorical {
            pointer.pointee.has_is_historical = 1
            pointer.pointee.is_historical = 1
        }
        if metric.isTransient {
            pointer.pointee.has_is_transient = 1
            pointer.pointee.is_transient = 1
        }
        guard let value = metric.value else {
            pointer.pointee.has_is_null = 1
            pointer.pointee.is_null = 1
            return
        }
        // Integers narrower than 64 bits travel in int_value, signed ones as their two's
        // complement within their own width (what independent hosts expect).
        switch value {
        case .int8(let number): setInt(pointer, UInt32(UInt8(bitPattern: number)))
        case .int16(let number): setInt(pointer, UInt32(UInt16(bitPattern: number)))
        case .int32(let number): setInt(pointer, UInt32(bitPattern: number))
        case .uint8(let number): setInt(pointer, UInt32(number))
        case .uint16(let number): setInt(pointer, UInt32(number))
        case .uint32(let number): setInt(pointer, number)
        case .int64(let number): setLong(pointer, UInt64(bitPattern: number))
        case .uint64(let number), .dateTime(let number): setLong(pointer, number)
        case .float(let number):
            pointer.pointee.value_case = ORG__ECLIPSE__TAHU__PROTOBUF__PAYLOAD__METRIC__VALUE_FLOAT_VALUE
            pointer.pointee.float_value = number
        case .double(let number):
            pointer.pointee.value_case = ORG__ECLIPSE__TAHU__PROTOBUF__PAYLOAD__METRIC__VALUE_DOUBLE_VALUE
            pointer.pointee.double_value = number
        case .boolean(let flag):
            pointer.pointee.value_case = ORG__ECLIPSE__TAHU__PROTOBUF__PAYLOAD__METRIC__VALUE_BOOLEAN_VALUE
            pointer.pointee.boolean_value = flag ? 1 : 0
        case .string(let text), .text(let text):
            pointer.pointee.value_case = ORG__ECLIPSE__TAHU__PROTOBUF__PAYLOAD__METRIC__VALUE_STRING_VALUE
            pointer.pointee.string_value = memory.string(text)
        case .bytes(let data):
            pointer.pointee.value_case = ORG__ECLIPSE__TAHU__PROTOBUF__PAYLOAD__METRIC__VALUE_BYTES_VALUE
            pointer.pointee.bytes_value = memory.binary(data)
        }
    }

    private static func setInt(_ pointer: UnsafeMutablePointer<CMetric>, _ value: UInt32) {
        pointer.pointee.value_case = ORG__ECLIPSE__TAHU__PROTOBUF__PAYLOAD__METRIC__VALUE_INT_VALUE
        pointer.pointee.int_value = value
    }

    private static func setLong(_ pointer: UnsafeMutablePointer<CMetric>, _ value: UInt64) {
        pointer.pointee.value_case = ORG__ECLIPSE__TAHU__PROTOBUF__PAYLOAD__METRIC__VALUE_LONG_VALUE
        pointer.pointee.long_value = value
    }

    private static func metric(from metric: CMetric) -> SparkplugMetric {
        let dataType = metric.has_datatype != 0 ? SparkplugDataType(rawValue: metric.datatype) : nil
        let isNull = metric.has_is_null != 0 && metric.is_null != 0
        return SparkplugMetric(
            name: metric.name.map { String(cString: $0) },
            alias: metric.has_alias != 0 ? metric.alias : nil,
            timestamp: metric.has_timestamp != 0 ? metric.timestamp : nil,
            dataType: dataType,
            value: isNull ? nil : value(of: metric, as: dataType ?? .unknown),
            isHistorical: metric.has_is_historical != 0 && metric.is_historical != 0,
            isTransient: metric.has_is_transient != 0 && metric.is_transient != 0)
    }

    private static func value(of metric: CMetric, as dataType: SparkplugDataType) -> SparkplugValue? {
        switch metric.value_case {
        case ORG__ECLIPSE__TAHU__PROTOBUF__PAYLOAD__METRIC__VALUE_INT_VALUE:
            let raw = metric.int_value
            switch dataType {
            case .int8: return .int8(Int8(truncatingIfNeeded: raw))
            case .int16: return .int16(Int16(truncatingIfNeeded: raw))
            case .int32: return .int32(Int32(bitPattern: raw))
            case .uint8: return .uint8(UInt8(truncatingIfNeeded: raw))
            case .uint16: return .uint16(UInt16(truncatingIfNeeded: raw))
            default: return .uint32(raw)
            }
        case ORG__ECLIPSE__TAHU__PROTOBUF__PAYLOAD__METRIC__VALUE_LONG_VALUE:
            let raw = metric.long_value
            switch dataType {
            case .int64: return .int64(Int64(bitPattern: raw))
            case .dateTime: return .dateTime(raw)
            default: return .uint64(raw)
            }
        case ORG__ECLIPSE__TAHU__PROTOBUF__PAYLOAD__METRIC__VALUE_FLOAT_VALUE:
            return .float(metric.float_value)
        case ORG__ECLIPSE__TAHU__PROTOBUF__PAYLOAD__METRIC__VALUE_DOUBLE_VALUE:
            return .double(metric.double_value)
        case ORG__ECLIPSE__TAHU__PROTOBUF__PAYLOAD__METRIC__VALUE_BOOLEAN_VALUE:
            return .boolean(metric.boolean_value != 0)
        case ORG__ECLIPSE__TAHU__PROTOBUF__PAYLOAD__METRIC__VALUE_STRING_VALUE:
            let text = metric.string_value.map { String(cString: $0) } ?? ""
            return dataType == .text ? .text(text) : .string(text)
        case ORG__ECLIPSE__TAHU__PROTOBUF__PAYLOAD__METRIC__VALUE_BYTES_VALUE:
            return .bytes(bytes(metric.bytes_value))
        default:
            // Data sets, templates and extensions: not used by the appliance.
            return nil
        }
    }

    private static func bytes(_ data: ProtobufCBinaryData) -> [UInt8] {
        guard let base = data.data, data.len > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: base, count: data.len))
    }
}

/// The C memory one encoding borrows to protobuf-c (strings, byte buffers, the metric structs),
/// all released together once the payload is packed.
private struct CMemory {
    private var pointers: [UnsafeMutableRawPointer] = []

    mutating func track<T>(_ pointer: UnsafeMutablePointer<T>) {
        pointers.append(UnsafeMutableRawPointer(pointer))
    }

    /// A NUL-terminated copy of `text`.
    mutating func string(_ text: String) -> UnsafeMutablePointer<CChar> {
        let utf8 = Array(text.utf8CString)
        let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: utf8.count)
        pointer.initialize(from: utf8, count: utf8.count)
        track(pointer)
        return pointer
    }

    mutating func binary(_ bytes: [UInt8]) -> ProtobufCBinaryData {
        let pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, bytes.count))
        pointer.initialize(from: bytes, count: bytes.count)
        track(pointer)
        return ProtobufCBinaryData(len: bytes.count, data: pointer)
    }

    func release() {
        for pointer in pointers { pointer.deallocate() }
    }
}
