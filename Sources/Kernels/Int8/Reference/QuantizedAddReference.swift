extension QuantizedAdd {
    /// The plain twin of ``apply(_:_:)``: ``code(_:_:)`` element by element.
    public func applyReference(_ x: QuantizedTensor, _ y: QuantizedTensor) -> QuantizedTensor {
        QuantizedTensor(height: x.height, width: x.width, channels: x.channels, parameters: output) { out in
            for i in 0..<x.values.count { out[i] = code(x.values[i], y.values[i]) }
        }
    }
}
