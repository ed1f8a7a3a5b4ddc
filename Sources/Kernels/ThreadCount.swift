import COpenBLAS

/// Threads our own int8 kernels split their work over (see ``setThreadCount(_:)``).
/// Written at start-up and by benchmarks between runs, never while a kernel runs.
nonisolated(unsafe) private var int8Threads = 1

/// Sets how many threads the kernels may use: OpenBLAS's sgemm/sgemv behind the fp32 pointwise
/// convolutions, the stem and the classifier, and our int8 kernels, which split output rows or
/// channels over that many workers; call as `Kernels.setThreadCount(n)`.
///
/// The setting is process-wide (OpenBLAS keeps one pool), so the appliance sets it once at start,
/// from its configuration: on a board that also decodes and publishes, fewer threads than cores
/// can give steadier frame times. The fp32 depthwise kernels run on the calling thread.
public func setThreadCount(_ count: Int) {
    precondition(count >= 1, "thread count must be at least 1, got \(count)")
    openblas_set_num_threads(Int32(clamping: count))
    int8Threads = count
}

/// The number of threads OpenBLAS currently uses.
public var threadCount: Int { Int(openblas_get_num_threads()) }

/// The number of workers the int8 kernels split their work over.
public var int8ThreadCount: Int { int8Threads }
