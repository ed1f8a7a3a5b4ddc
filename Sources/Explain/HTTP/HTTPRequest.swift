/// One HTTP request for ``HTTPClient``: a POST with a body, or a GET without one.
public struct HTTPRequest: Sendable {
    public var url: String
    /// Header lines besides those libcurl adds; a credential here is never logged or echoed in
    /// an error by ``HTTPClient``.
    public var headers: [(name: String, value: String)]
    /// The body of a POST; nil sends a GET.
    public var body: [UInt8]?
    /// Seconds for the whole transfer (connect, send, wait, receive).
    public var timeout: Double
    /// Seconds for the TCP and TLS connection alone.
    public var connectTimeout: Double
    /// Largest response body accepted; a longer one (an endless stream) aborts the transfer.
    public var maxResponseBytes: Int

    public init(url: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil,
                timeout: Double = 30, connectTimeout: Double = 10, maxResponseBytes: Int = 4 << 20) {
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.maxResponseBytes = maxResponseBytes
    }
}
