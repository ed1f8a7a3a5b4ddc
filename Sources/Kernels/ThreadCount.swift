import COpenBLAS

/// Sets how many threads OpenBLAS may use for the sgemm/sgemv behind the pointwise convolutions,
/// the stem and the classifier; call as `Kernels.setThreadCount(n)`.
///
/// The setting is process-wide (OpenBLAS keeps one pool), so the appliance sets it once at start,
/// from its configuration: on a board that also decodes and publishes, fewer threads than cores
/// can give steadier frame times. The depthwise kernels run on the calling thread.
public func setThreadCount(_ count: Int) {
    precondition(count >= 1, "thread count must be at least 1, got \(count)")
    openblas_set_num_threads(Int32(clamping: count))
}

/// The number of threads OpenBLAS currently uses.
public var threadCount: Int { Int(openblas_get_num_threads()) }
