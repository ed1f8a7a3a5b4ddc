import EagleLog

/// Logs corrupt frames without flooding the journal: the first one at once, then at most one
/// line every ten seconds with how many more there were.
struct CorruptFrameLog {
    private var lastLogged: UInt64?
    private var unlogged = 0
    private let interval: UInt64 = 10_000_000_000

    mutating func note(_ reason: String, logger: Logger, source: String) {
        let now = MonotonicClock.now()
        if let last = lastLogged, now - last < interval {
            unlogged += 1
            return
        }
        logger.warning("corrupt frame skipped", ["source": source, "reason": reason, "since_last_line": "\(unlogged)"])
        lastLogged = now
        unlogged = 0
    }
}
