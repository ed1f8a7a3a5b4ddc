/// Releases frames at a fixed rate on CLOCK_MONOTONIC, for sources that are not clocked by
/// hardware (a folder replay, the synthetic line).
///
/// Slots are absolute deadlines, so rounding never accumulates into drift; when the caller
/// falls more than a period behind, the schedule restarts from now instead of bursting to
/// catch up, as a camera would simply have dropped those frames.
struct FramePacer {
    /// Nanoseconds between frames; 0 releases frames as fast as they are asked for.
    let period: UInt64
    private var nextSlot: UInt64?

    /// - Parameter framesPerSecond: nil or not positive: no pacing.
    init(framesPerSecond: Double?) {
        if let fps = framesPerSecond, fps > 0, fps.isFinite {
            period = UInt64((1_000_000_000 / fps).rounded())
        } else {
            period = 0
        }
    }

    /// Waits for the next slot; returns its time, or nil when `stop` was raised meanwhile.
    mutating func waitForSlot(stop: StopSignal) -> UInt64? {
        let now = MonotonicClock.now()
        guard period > 0 else { return stop.isSignalled ? nil : now }
        var slot = nextSlot ?? now
        if now > slot &+ period { slot = now }
        if slot > now, stop.wait(nanoseconds: slot - now) { return nil }
        if stop.isSignalled { return nil }
        nextSlot = slot &+ period
        return slot
    }
}
