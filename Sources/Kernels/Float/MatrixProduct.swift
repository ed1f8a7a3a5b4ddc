import COpenBLAS

/// General matrix products through OpenBLAS sgemm, for the parts of the expert that are plain
/// linear algebra rather than convolutions: random projections and nearest-neighbour distances.
public enum MatrixProduct {
    /// C = A x B (or A x B^T), all row-major: A is m x k; B is k x n, or n x k when
    /// `transposeB`; C is m x n.
    public static func multiply(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int, transposeB: Bool = false) -> [Float] {
        precondition(a.count == m * k && b.count == k * n, "matrix product \(m)x\(k) by \(k)x\(n) got \(a.count) and \(b.count) values")
        guard m > 0, n > 0 else { return [] }
        guard k > 0 else { return [Float](repeating: 0, count: m * n) }
        return [Float](unsafeUninitializedCapacity: m * n) { c, initialized in
            multiply(a, b, m: m, n: n, k: k, transposeB: transposeB, into: c)
            initialized = m * n
        }
    }

    /// ``multiply(_:_:m:n:k:transposeB:)`` into caller-owned memory of at least m x n Floats,
    /// which need not be initialised: large products (the coreset's projection of every teach
    /// patch) then need no second copy.
    public static func multiply(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int, transposeB: Bool = false,
                                into c: UnsafeMutableBufferPointer<Float>) {
        precondition(a.count == m * k && b.count == k * n && c.count >= m * n,
                     "matrix product \(m)x\(k) by \(k)x\(n) got \(a.count), \(b.count) and room for \(c.count) values")
        guard m > 0, n > 0 else { return }
        guard k > 0 else { c.baseAddress?.update(repeating: 0, count: m * n); return }
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                // beta = 0: C may be uninitialised and sgemm must not read it.
                cblas_sgemm(CblasRowMajor, CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                            blasint(m), blasint(n), blasint(k), 1,
                            pa.baseAddress, blasint(k), pb.baseAddress, blasint(transposeB ? k : n),
                            0, c.baseAddress, blasint(n))
            }
        }
    }

    /// The plain twin of ``multiply(_:_:m:n:k:transposeB:)``: triple loop in Double.
    public static func multiplyReference(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int, transposeB: Bool = false) -> [Float] {
        var c = [Float](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k {
                    sum += Double(a[i * k + p]) * Double(transposeB ? b[j * k + p] : b[p * n + j])
                }
                c[i * n + j] = Float(sum)
            }
        }
        return c
    }
}
