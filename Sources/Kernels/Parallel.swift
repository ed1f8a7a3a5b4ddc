import CEagleKernels
import Dispatch

/// A buffer pointer that may cross into the worker closures of ``Parallel/forEach(_:_:)``.
///
/// `@unchecked Sendable` is a promise the caller keeps: the memory outlives the parallel loop
/// (it is only used inside `withUnsafe...` scopes around it) and workers write disjoint ranges.
public struct SharedBuffer<Element>: @unchecked Sendable {
    public let pointer: UnsafeMutableBufferPointer<Element>

    public init(_ pointer: UnsafeMutableBufferPointer<Element>) {
        self.pointer = pointer
    }

    /// Read-only memory, shared the same way.
    public init(readOnly pointer: UnsafeBufferPointer<Element>) {
        self.pointer = UnsafeMutableBufferPointer(mutating: pointer)
    }

    @inlinable
    public subscript(index: Int) -> Element {
        get { pointer[index] }
        nonmutating set { pointer[index] = newValue }
    }
}

/// Data-parallel loops on the cores the appliance may use.
public enum Parallel {
    /// Runs `body(i)` for i in 0..<iterations, spread over the system's worker threads; returns
    /// when all are done. One iteration runs inline, with no thread hop.
    public static func forEach(_ iterations: Int, _ body: @Sendable (Int) -> Void) {
        if iterations == 1 {
            body(0)
        } else if iterations > 1 {
            DispatchQueue.concurrentPerform(iterations: iterations, execute: body)
        }
    }

    /// Runs `body(i)` for i in 0..<iterations on up to `workers` threads of the kernels' persistent
    /// pool (the calling thread and helpers that spin briefly between jobs, then sleep), handing
    /// out iterations in increasing order; returns when all are done. Meant for the short parallel
    /// loops of the int8 kernels (pass ``int8ThreadCount``), where waking Dispatch's threads costs
    /// more than the work. With one worker, one iteration, or while the pool runs another job (a
    /// call from another thread or from inside `body`), every iteration runs on the calling thread.
    public static func forEach(_ iterations: Int, workers: Int, _ body: @Sendable (Int) -> Void) {
        guard iterations > 0 else { return }
        if workers <= 1 || iterations == 1 {
            for i in 0..<iterations { body(i) }
            return
        }
        withoutActuallyEscaping(body) { body in
            var task = body
            withUnsafeMutablePointer(to: &task) { pointer in
                eagle_parallel_run(Int32(clamping: workers), Int32(clamping: iterations), { context, index in
                    context!.assumingMemoryBound(to: (@Sendable (Int) -> Void).self).pointee(Int(index))
                }, pointer)
            }
        }
    }
}
