import Foundation
import Yams

/// The local status page and Prometheus `/metrics` (`web.*`; docs/status-page.md).
public struct WebConfig: Sendable, Equatable {
    /// An IPv4 address and TCP port to listen on.
    public struct Listen: Sendable, Equatable, CustomStringConvertible {
        public var host: String
        public var port: UInt16

        public init(host: String, port: UInt16) {
            self.host = host
            self.port = port
        }

        public var description: String { "\(host):\(port)" }
    }

    /// Whether `run` and `demo` serve the page.
    public var enabled: Bool
    /// Where.
    public var listen: Listen
    /// Required by every endpoint but `/healthz` when set, from `token_file` or `token_env`.
    public var token: Secret?
    /// Most live-view frames encoded per second, whatever the number of viewers.
    public var liveFPS: Double

    /// Enabled on loopback port 8080, without a token, two live frames a second.
    public init(enabled: Bool = true, listen: Listen = Listen(host: "127.0.0.1", port: 8080), token: Secret? = nil,
                liveFPS: Double = 2) {
        self.enabled = enabled
        self.listen = listen
        self.token = token
        self.liveFPS = liveFPS
    }
}

extension WebConfig {
    static func read(_ section: SectionReader) -> WebConfig {
        let defaults = WebConfig()
        return WebConfig(
            enabled: section.value("enabled", default: defaults.enabled, .boolean),
            listen: section.value("listen", default: defaults.listen, .listenAddress),
            token: section.secret("token"),
            liveFPS: section.value("live_fps", default: defaults.liveFPS, .number(in: 0.1...30))
        )
    }
}

extension Conversion where T == WebConfig.Listen {
    /// `address:port`, the address a dotted IPv4 one (`127.0.0.1`, or `0.0.0.0` for every interface).
    static var listenAddress: Conversion<WebConfig.Listen> {
        Conversion<String>.text.flatMap { text in
            let example = "e.g. 127.0.0.1:8080, or 0.0.0.0:8080 for every interface"
            let pieces = text.split(separator: ":", omittingEmptySubsequences: false)
            guard pieces.count == 2, let port = UInt16(pieces[1]), port > 0 else {
                return .failure(Rejection(problem: "\(Node.quoted(text)) is not address:port (\(example))"))
            }
            let octets = pieces[0].split(separator: ".", omittingEmptySubsequences: false)
            guard octets.count == 4, octets.allSatisfy({ UInt8($0) != nil }) else {
                return .failure(Rejection(problem: "\(Node.quoted(String(pieces[0]))) is not an IPv4 address (\(example))"))
            }
            return .success(WebConfig.Listen(host: String(pieces[0]), port: port))
        }
    }
}
