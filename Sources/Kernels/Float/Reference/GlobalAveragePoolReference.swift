extension Tensor3 {
    /// The reference twin of ``globalAveragePooled()``: a running sum per channel.
    public func globalAveragePooledReference() -> [Float] {
        var means = [Float](repeating: 0, count: channels)
        guard height * width > 0 else { return means }
        for c in 0..<channels {
            var sum: Float = 0
            for y in 0..<height {
                for x in 0..<width {
                    sum += self[c, y, x]
                }
            }
            means[c] = sum / Float(height * width)
        }
        return means
    }
}
