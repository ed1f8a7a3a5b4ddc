import Foundation
import Imaging
import Synchronization

/// The live view's JPEG at a bounded cost: at most `framesPerSecond` encodings a second however
/// many viewers ask, each viewer between two encodings getting the cached bytes. Encoding happens
/// on the viewer's request, never on the line.
public final class LiveView: Sendable {
    private struct Cache {
        var jpeg: [UInt8]?
        var version: UInt64 = 0
        var encodedAt: ContinuousClock.Instant?
        var encodings: UInt64 = 0
    }

    private let slot: LatestSlot<LiveFrame>
    private let interval: Duration
    private let quality: Int
    private let cache = Mutex(Cache())

    public init(slot: LatestSlot<LiveFrame>, framesPerSecond: Double, quality: Int = 75) {
        self.slot = slot
        interval = .milliseconds(Int(1000 / max(framesPerSecond, 0.01)))
        self.quality = quality
    }

    /// Frames encoded since the start.
    public var encodings: UInt64 { cache.withLock { $0.encodings } }

    /// The latest frame as JPEG, or nil before the line has made one. Viewers that ask while
    /// another encodes wait for that one encoding (the lock), not for the line.
    public func jpeg() throws -> [UInt8]? {
        try cache.withLock { cache in
            let now = ContinuousClock.now
            let latest = slot.latest
            let fresh = cache.version == latest.version
            let recent = cache.encodedAt.map { now - $0 < interval } ?? false
            if cache.jpeg != nil, fresh || recent { return cache.jpeg }
            guard let frame = latest.value else { return nil }
            cache.jpeg = try JPEG.encode(try frame.rendered(), quality: quality)
            cache.version = latest.version
            cache.encodedAt = now
            cache.encodings += 1
            return cache.jpeg
        }
    }
}
