/// A scalar metric value with its Sparkplug type. Arrays, data sets and templates are not
/// used by the appliance and are not modelled.
public enum SparkplugValue: Sendable, Equatable {
    case int8(Int8)
    case int16(Int16)
    case int32(Int32)
    case int64(Int64)
    case uint8(UInt8)
    case uint16(UInt16)
    case uint32(UInt32)
    case uint64(UInt64)
    case float(Float)
    case double(Double)
    case boolean(Bool)
    case string(String)
    /// Milliseconds since the Unix epoch, UTC.
    case dateTime(UInt64)
    case text(String)
    case bytes([UInt8])

    /// The datatype a birth announces for this value.
    public var dataType: SparkplugDataType {
        switch self {
        case .int8: .int8
        case .int16: .int16
        case .int32: .int32
        case .int64: .int64
        case .uint8: .uint8
        case .uint16: .uint16
        case .uint32: .uint32
        case .uint64: .uint64
        case .float: .float
        case .double: .double
        case .boolean: .boolean
        case .string: .string
        case .dateTime: .dateTime
        case .text: .text
        case .bytes: .bytes
        }
    }

    /// The value as an unsigned integer, whatever its integer type (for a command or a data
    /// message decoded without its datatype); nil for other kinds.
    public var unsignedInteger: UInt64? {
        switch self {
        case .uint8(let value): UInt64(value)
        case .uint16(let value): UInt64(value)
        case .uint32(let value): UInt64(value)
        case .uint64(let value), .dateTime(let value): value
        case .int8(let value): UInt64(exactly: value)
        case .int16(let value): UInt64(exactly: value)
        case .int32(let value): UInt64(exactly: value)
        case .int64(let value): UInt64(exactly: value)
        default: nil
        }
    }
}
