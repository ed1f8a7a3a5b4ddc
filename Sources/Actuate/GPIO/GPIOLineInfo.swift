import CEagleShims

/// What the kernel says about one line of a chip, requested or not (`eagle-edge gpio list`).
public struct GPIOLineInfo: Sendable, Equatable {
    public var offset: Int
    /// nil when the line has no name.
    public var name: String?
    /// The program holding the line ("eagle-edge", "gpio-sim"...); nil when free.
    public var consumer: String?
    public var isOutput: Bool
    public var isActiveLow: Bool
    public var isUsed: Bool
    public var bias: GPIOBias

    init(_ info: eagle_gpio_line_info) {
        var info = info
        offset = Int(info.offset)
        let name = withUnsafeBytes(of: &info.name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let consumer = withUnsafeBytes(of: &info.consumer) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        self.name = name.isEmpty ? nil : name
        self.consumer = consumer.isEmpty ? nil : consumer
        isOutput = info.is_output != 0
        isActiveLow = info.is_active_low != 0
        isUsed = info.is_used != 0
        bias = GPIOBias(shim: info.bias)
    }
}
