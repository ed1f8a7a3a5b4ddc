import EagleLog
import Synchronization
import Web

/// The status page of a running line (`web.*`): the slot the line posts its latest frame to,
/// and the server over it. A port that cannot be had is logged and the line runs without the
/// page: a viewer's convenience never stops inspection.
public final class StatusPage: Sendable {
    /// Where the line posts each part's frame, map and boxes (never waiting).
    public let live = LatestSlot<LiveFrame>()
    private let config: ApplianceConfig
    private let logger: Logger
    private let server = Mutex<StatusServer?>(nil)

    /// Nil when `web.enabled` is false.
    public init?(config: ApplianceConfig, logger: Logger) {
        guard config.web.enabled else { return nil }
        self.config = config
        self.logger = logger
    }

    /// Starts serving `status` (nil before the line exists); returns the port, or nil when the
    /// page could not start (logged).
    @discardableResult
    public func start(status: @escaping @Sendable () -> LineStatus?) -> UInt16? {
        let web = config.web
        let options = WebOptions(host: web.listen.host, port: web.listen.port, token: web.token?.revealed, liveFramesPerSecond: web.liveFPS)
        let source = LineStatusPage(status: status, storage: config.storage, logger: logger)
        do {
            let started = try StatusServer(options: options, source: source,
                                           live: LiveView(slot: live, framesPerSecond: web.liveFPS), logger: logger)
            let port = try started.start()
            server.withLock { $0 = started }
            return port
        } catch {
            logger.error("status page not started; the line runs without it", ["error": "\(error)"])
            return nil
        }
    }

    /// Stops the server, if it started.
    public func stop() {
        let started = server.withLock { server -> StatusServer? in
            defer { server = nil }
            return server
        }
        started?.stop()
    }
}
