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
}
