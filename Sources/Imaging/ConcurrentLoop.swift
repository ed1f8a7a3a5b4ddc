/// Runs `body(i)` for every i in 0..<count, possibly several at once on other threads, and
/// returns when all have run. Imaging has no threads of its own: a caller that has a pool (the
/// expert, with the int8 kernels' one) passes it to the operations that take one.
public typealias ConcurrentLoop = (_ count: Int, _ body: @Sendable (Int) -> Void) -> Void

/// Bands of rows per pass when a loop shares them: a few per thread, so that a thread that starts
/// late or loses its core does not hold up the others for long.
let concurrentBands = 16

/// Runs `body` on contiguous ranges covering 0..<count: `concurrentBands` of them through `loop`,
/// or the whole range on this thread without one. The bands must write disjoint memory.
func forEachBand(_ count: Int, loop: ConcurrentLoop?, _ body: @Sendable (Range<Int>) -> Void) {
    guard let loop, count > 1 else {
        if count > 0 { body(0..<count) }
        return
    }
    let bands = min(concurrentBands, count)
    withoutActuallyEscaping(body) { body in
        loop(bands) { band in body((count * band / bands)..<(count * (band + 1) / bands)) }
    }
}

/// Memory that the bands of one pass share: they read it, or write disjoint parts of it. Only
/// used inside the `withUnsafe...` scope that made the pointer.
struct SharedMemory<Pointer>: @unchecked Sendable {
    let pointer: Pointer
    init(_ pointer: Pointer) { self.pointer = pointer }
}
