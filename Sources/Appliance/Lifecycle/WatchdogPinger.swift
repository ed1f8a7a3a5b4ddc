import Dispatch

/// Pings systemd's watchdog at half its interval, but only while `isAlive` says the line is
/// making progress: a hung inspection thread stops the pings, and systemd restarts the
/// service (`WatchdogSec=` with `Restart=on-failure`). Dispatch sources are thread-safe.
public final class WatchdogPinger: @unchecked Sendable {
    private let timer: (any DispatchSourceTimer)?

    /// A pinger for `notifier`'s watchdog; inert when systemd asked for none.
    public init(notifier: SystemdNotifier, isAlive: @escaping @Sendable () -> Bool) {
        guard let interval = notifier.watchdogInterval else {
            timer = nil
            return
        }
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "eagle-edge.watchdog"))
        timer.schedule(deadline: .now(), repeating: interval / 2)
        timer.setEventHandler {
            if isAlive() { notifier.watchdog() }
        }
        self.timer = timer
    }

    public func start() { timer?.resume() }

    public func stop() { timer?.cancel() }
}
