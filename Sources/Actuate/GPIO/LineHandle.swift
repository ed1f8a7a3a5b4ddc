/// A requested line's C handle. libgpiod's objects are not thread-safe: the owning line type
/// keeps its handle behind a mutex, which is what makes passing it between threads sound.
struct LineHandle: @unchecked Sendable {
    let pointer: OpaquePointer
}
