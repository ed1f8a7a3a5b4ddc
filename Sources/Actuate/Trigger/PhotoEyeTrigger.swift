import EagleLog
import Foundation
import Inspection
import Synchronization

/// The photo-eye input read on a thread of its own ("photo-eye"): every rising edge becomes a
/// part, announced at once (so the reject scheduler knows it before its verdict, and takes the
/// fail-safe action if the verdict is late), then waits in ``PhotoEyeParts`` for its frame.
public final class PhotoEyeTrigger: @unchecked Sendable {
    public let input: GPIOInput
    private let logger: Logger
    private let nextID: @Sendable () -> PartID
    private let announce: @Sendable (PartID, UInt64) -> Void
    private let parts: Mutex<PhotoEyeParts>
    private let stopRequested = Mutex(false)
    private let finished = Mutex(false)
    private let dropped = Mutex<[PhotoEyeParts.Pending]>([])
    private let edgeCount = Mutex<UInt64>(0)
    private let failing = Mutex(false)

    /// - Parameters:
    ///   - nextID: the line's next part id.
    ///   - announce: a new part and its edge time, on the trigger's thread (must not block).
    public init(input: GPIOInput, offsetMs: Int, windowMs: Int, logger: Logger,
                nextID: @escaping @Sendable () -> PartID, announce: @escaping @Sendable (PartID, UInt64) -> Void) {
        self.input = input
        self.logger = logger
        self.nextID = nextID
        self.announce = announce
        parts = Mutex(PhotoEyeParts(offsetNanoseconds: UInt64(offsetMs) * 1_000_000, windowNanoseconds: UInt64(windowMs) * 1_000_000))
    }

    /// Rising edges seen so far.
    public var edges: UInt64 { edgeCount.withLock { $0 } }

    public func start() {
        let thread = Thread { [self] in
            Thread.current.name = "photo-eye"
            run()
        }
        thread.start()
    }

    public func stop() {
        stopRequested.withLock { $0 = true }
        let deadline = MonotonicTime.now() + 1_000_000_000
        while !finished.withLock({ $0 }) && MonotonicTime.now() < deadline { usleep(1000) }
    }

    /// The part of the frame captured at `frameTime`, and the parts that will have no frame.
    public func claim(frameTime: UInt64) -> (part: PhotoEyeParts.Pending?, missed: [PhotoEyeParts.Pending]) {
        // Taken apart inside the lock: Swift 6.0's SIL generation crashes on a labelled tuple
        // returned through Mutex.withLock.
        var part: PhotoEyeParts.Pending?
        var missed: [PhotoEyeParts.Pending] = []
        parts.withLock { parts in
            let claimed = parts.claim(frameTime: frameTime)
            part = claimed.part
            missed = claimed.missed
        }
        return (part, takeDropped() + missed)
    }

    /// Parts whose window closed more than `grace` ns ago without a frame.
    public func expire(now: UInt64, grace: UInt64) -> [PhotoEyeParts.Pending] {
        takeDropped() + parts.withLock { $0.expire(now: now, grace: grace) }
    }

    private func takeDropped() -> [PhotoEyeParts.Pending] {
        dropped.withLock { list in
            defer { list.removeAll() }
            return list
        }
    }

    private func run() {
        while !stopRequested.withLock({ $0 }) {
            do {
                let edges = try input.waitForEdges(timeout: 0.1)
                if failing.withLock({ $0 }) {
                    failing.withLock { $0 = false }
                    logger.notice("the photo-eye reads again")
                }
                for edge in edges where edge.rising {
                    let part = PhotoEyeParts.Pending(id: nextID(), edgeTime: edge.timestampNanoseconds)
                    edgeCount.withLock { $0 += 1 }
                    announce(part.id, part.edgeTime)
                    if let overflow = parts.withLock({ $0.add(part) }) {
                        dropped.withLock { $0.append(overflow) }
                    }
                }
            } catch {
                let isNew = failing.withLock { failing in
                    defer { failing = true }
                    return !failing
                }
                if isNew { logger.error("cannot read the photo-eye; parts are not announced until it reads again", ["error": "\(error)"]) }
                usleep(100_000)
            }
        }
        finished.withLock { $0 = true }
    }
}
