extension QuantizedRows {
    /// The plain twin of ``init(_:count:dimension:codeLimit:)``: one row, then one value at a time,
    /// Swift's rounding, the norms summed in Int64.
    public static func reference(_ rows: [Float], count: Int, dimension: Int, codeLimit: Int = 127) throws -> QuantizedRows {
        try validate(rows, count: count, dimension: dimension, codeLimit: codeLimit)
        let limit = Float(codeLimit)
        var values: [Int8] = [], scales: [Float] = [], norms: [Float] = []
        for r in 0..<count {
            let row = rows[(r * dimension)..<((r + 1) * dimension)]
            let largest = row.reduce(Float(0)) { Swift.max($0, abs($1)) }
            let scale = largest > 0 ? largest / limit : 1
            var sum: Int64 = 0
            for x in row {
                let code = Swift.min(Swift.max((x / scale).rounded(.toNearestOrAwayFromZero), -limit), limit)
                values.append(Int8(code))
                sum += Int64(code) * Int64(code)
            }
            scales.append(scale)
            norms.append(scale * scale * Float(sum))
        }
        return QuantizedRows(count: count, dimension: dimension, codeLimit: codeLimit, values: values, scales: scales, squaredNorms: norms)
    }
}
