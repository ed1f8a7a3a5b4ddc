/// How the status server listens and what it costs: the app's `web` section, in the server's terms.
public struct WebOptions: Sendable, Equatable {
    /// IPv4 address to listen on; loopback unless the operator opens it up.
    public var host: String
    /// TCP port; 0 takes a free one (tests).
    public var port: UInt16
    /// Required on every endpoint but `/healthz` when set (`Authorization: Bearer` or `?token=`).
    public var token: String?
    /// Most live-view frames encoded per second, however many viewers there are; the page
    /// asks for a new one at this rate.
    public var liveFramesPerSecond: Double

    public init(host: String = "127.0.0.1", port: UInt16 = 8080, token: String? = nil, liveFramesPerSecond: Double = 2) {
        self.host = host
        self.port = port
        self.token = token
        self.liveFramesPerSecond = liveFramesPerSecond
    }
}
