extension Tensor3 {
    /// The mean of each channel plane: `channels` values, what EfficientNet's head feeds its
    /// classifier. An empty plane averages to 0.
    public func globalAveragePooled() -> [Float] {
        let plane = planeSize
        guard plane > 0 else { return [Float](repeating: 0, count: channels) }
        let scale = 1 / Float(plane)
        return values.withUnsafeBufferPointer { values in
            (0..<channels).map { c in sum(values.baseAddress! + c * plane, count: plane) * scale }
        }
    }
}

/// The sum of `count` values. Float addition is not associative, so the compiler will not
/// vectorise a plain running sum; eight lanes of partial sums do it by hand.
private func sum(_ start: UnsafePointer<Float>, count: Int) -> Float {
    var lanes = SIMD8<Float>()
    var i = 0
    while i + 8 <= count {
        lanes += (start + i).loadVector(SIMD8<Float>.self)
        i += 8
    }
    var total = lanes.sum()
    while i < count {
        total += start[i]
        i += 1
    }
    return total
}
