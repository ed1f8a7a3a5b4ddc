extension UnsafePointer where Pointee == Float {
    /// The `V.scalarCount` floats starting here as one vector, whatever their alignment.
    ///
    /// Not `UnsafeRawPointer.loadUnaligned`: Swift 6.0's version (the board's toolchain) goes
    /// through a stack temporary that LLVM cannot remove inside a loop, which tripled the loads
    /// of the convolution's inner loop on aarch64. A fixed-size copy into a local folds into one
    /// unaligned vector load with either compiler.
    @inline(__always)
    func loadVector<V: SIMD>(_: V.Type) -> V where V.Scalar == Float {
        var vector = V()
        withUnsafeMutableBytes(of: &vector) { bytes in
            bytes.baseAddress!.copyMemory(from: UnsafeRawPointer(self), byteCount: MemoryLayout<V>.size)
        }
        return vector
    }
}
