import CEagleShims
import Glibc

/// One driver buffer mapped into our address space (`V4L2_MEMORY_MMAP`). Unmaps on release.
public final class MappedBuffer {
    /// The buffer's index in the driver's queue.
    public let index: Int
    /// Start of the mapping.
    public let base: UnsafeMutableRawPointer
    /// Length of the mapping in bytes.
    public let length: Int

    /// Maps `length` bytes at `offset` (from `VIDIOC_QUERYBUF`) of `device`.
    public init(device: V4L2Device, index: Int, offset: UInt32, length: Int) throws {
        let address = eagle_v4l2_mmap(nil, length, PROT_READ | PROT_WRITE, MAP_SHARED, device.descriptor, Int64(offset))
        guard let address, address != MAP_FAILED else {
            throw SystemCallError.current("mmap buffer \(index)", path: device.path)
        }
        self.index = index
        self.base = address
        self.length = length
    }

    deinit { _ = eagle_v4l2_munmap(base, length) }

    /// The first `count` bytes (clamped to the mapping) as a read-only view.
    public func bytes(count: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base, count: min(max(0, count), length))
    }
}
