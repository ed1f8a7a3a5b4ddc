/// Runs `body(i)` for every i in 0..<count, possibly several at once on other threads, and
/// returns when all have run. Imaging has no threads of its own: a caller that has a pool (the
/// expert, with the int8 kernels' one) passes it to the operations that take one.
public typealias ConcurrentLoop = (_ count: Int, _ body: @Sendable (Int) -> Void) -> Void
