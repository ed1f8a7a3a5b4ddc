// curl.h is included first through CEagleShims, whose module then owns its declarations.
import CCurl
import CEagleShims

/// A transfer that did not produce a response: libcurl's code and its message (from the
/// handle's error buffer when it has one), sorted into what a caller decides on.
public struct HTTPError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The whole-transfer or connect timeout passed.
        case timeout
        /// No connection, or it broke (refused, reset, DNS, proxy): worth a retry.
        case connection
        /// The TLS handshake or the peer's certificate failed: a retry does not help.
        case tls
        /// The response body passed ``HTTPRequest/maxResponseBytes``.
        case tooLarge
        /// ``HTTPClient/shouldAbort`` asked to stop (the owner is shutting down).
        case cancelled
        /// A bad URL, an option libcurl refused, out of memory.
        case other
    }

    public let kind: Kind
    /// libcurl's `CURLcode`.
    public let code: Int32
    public let message: String

    public init(kind: Kind, code: Int32, message: String) {
        self.kind = kind
        self.code = code
        self.message = message
    }

    public var description: String { "HTTP transfer failed: \(message) (curl \(code))" }

    /// Whether another attempt may succeed.
    public var isTransient: Bool { kind == .timeout || kind == .connection }

    static func kind(of code: CURLcode) -> Kind {
        switch code {
        case CURLE_OPERATION_TIMEDOUT: .timeout
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_RECV_ERROR,
             CURLE_SEND_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_HTTP2, CURLE_HTTP2_STREAM:
            .connection
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
             CURLE_SSL_CACERT_BADFILE:
            .tls
        default: .other
        }
    }
}
