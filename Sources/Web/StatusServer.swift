import EagleLog
import FlyingFox
import Foundation
import Inspection
import Synchronization

/// The local status server: the page, the live view, `/api/status`, `/api/parts`, the archived
/// pictures, `/healthz` and `/metrics`, on FlyingFox's own tasks and threads. Everything it
/// shows comes from `source` and the live view's slot: the line never waits on a viewer.
public final class StatusServer: Sendable {
    public enum StartError: Error, CustomStringConvertible {
        case cannotListen(String, String)

        public var description: String {
            switch self {
            case let .cannotListen(address, why): "the status page cannot listen on \(address): \(why)"
            }
        }
    }

    private let options: WebOptions
    private let source: any StatusSource
    private let live: LiveView
    private let logger: Logger
    private let server: HTTPServer
    private let task = Mutex<Task<Void, Never>?>(nil)
    private let failure = Mutex<String?>(nil)
    private let requests = Mutex<UInt64>(0)

    public init(options: WebOptions, source: any StatusSource, live: LiveView, logger: Logger) throws {
        self.options = options
        self.source = source
        self.live = live
        self.logger = logger
        let address: sockaddr_in
        do {
            address = try .inet(ip4: options.host, port: options.port)
        } catch {
            throw StartError.cannotListen("\(options.host):\(options.port)", "not an IPv4 address")
        }
        server = HTTPServer(address: address, timeout: 15, logger: .disabled)
    }

    /// Starts listening and returns the port (the one taken when `options.port` is 0); throws
    /// when the address cannot be had (in use, not this host's).
    @discardableResult
    public func start() throws -> UInt16 {
        let server = self.server
        let handler: @Sendable (HTTPRequest) async -> HTTPResponse = { [self] request in self.respond(to: request) }
        let running = Task { [self] in
            await server.appendRoute("*", handler: handler)
            do {
                try await server.run()
            } catch {
                self.failure.withLock { $0 = "\(error)" }
            }
        }
        task.withLock { $0 = running }
        // Bounded: the socket is bound or has failed within moments.
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            if let why = failure.withLock({ $0 }) {
                throw StartError.cannotListen("\(options.host):\(options.port)", why)
            }
            let listening: UInt16?? = Self.blocking {
                switch await server.listeningAddress {
                case let .ip4(_, port)?: port
                case let .ip6(_, port)?: port
                default: nil
                }
            }
            if let port = listening ?? nil {
                logger.info("status page listening", ["address": "http://\(options.host):\(port)/",
                                                      "token": options.token == nil ? "none" : "required"])
                return port
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
        throw StartError.cannotListen("\(options.host):\(options.port)", "not listening after 5 s")
    }

    /// Closes the socket and the connections (a viewer's request in hand gets up to a second).
    public func stop() {
        let server = self.server
        Self.blocking { await server.stop(timeout: 1) }
        task.withLock { $0?.cancel() }
    }

    /// Requests answered since the start.
    public var requestCount: UInt64 { requests.withLock { $0 } }

    /// Runs `body` to its end from synchronous code (start and stop, never a request); nil only
    /// if the task ended without a value.
    @discardableResult
    private static func blocking<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T? {
        let result = Mutex<T?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            let value = await body()
            result.withLock { $0 = value }
            done.signal()
        }
        done.wait()
        return result.withLock { $0 }
    }

    // MARK: routes

    func respond(to request: HTTPRequest) -> HTTPResponse {
        requests.withLock { $0 += 1 }
        guard request.method == .GET || request.method == .HEAD else {
            return text(.methodNotAllowed, "only GET is served\n")
        }
        let path = request.path
        if path == "/healthz" { return healthz() }
        guard authorized(request) else {
            var response = text(.unauthorized, "a token is required: Authorization: Bearer <token>, or ?token=<token>\n")
            response.headers[HTTPHeader("WWW-Authenticate")] = "Bearer realm=\"eagle-edge\""
            return response
        }
        switch path {
        case "/", "/index.html":
            let interval = Int((1000 / max(options.liveFramesPerSecond, 0.01)).rounded())
            return HTTPResponse(statusCode: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                                body: Data(StatusPageHTML.document(liveIntervalMs: interval).utf8))
        case "/live.jpg":
            return liveJPEG()
        case "/api/status":
            return json(source.snapshot())
        case "/api/parts":
            return parts(request)
        case "/metrics":
            let snapshot = source.snapshot()
            let own = [
                MetricFamily(name: "eagle_edge_web_live_encodings_total", help: "Live-view frames the status page encoded.",
                             kind: .counter, samples: [.init(Double(live.encodings))]),
                MetricFamily(name: "eagle_edge_web_requests_total", help: "Requests the status server answered.",
                             kind: .counter, samples: [.init(Double(requestCount))]),
            ]
            return HTTPResponse(statusCode: .ok, headers: [.contentType: PrometheusText.contentType],
                                body: Data(PrometheusText.render(snapshot, extra: own).utf8))
        default:
            if let id = Self.imagePartID(path) {
                guard let jpeg = source.image(of: id) else { return text(.notFound, "no image kept for part \(id)\n") }
                return HTTPResponse(statusCode: .ok, headers: [.contentType: "image/jpeg", .cacheControl: "max-age=3600"], body: Data(jpeg))
            }
            return text(.notFound, "not found: \(path)\n")
        }
    }

    /// 200 `ok`, or 503 with the components that failed.
    private func healthz() -> HTTPResponse {
        let snapshot = source.snapshot()
        if snapshot.isHealthy {
            let degraded = snapshot.problems.isEmpty ? "" : " (\(snapshot.problems))"
            return text(.ok, "\(snapshot.overall)\(degraded)\n")
        }
        return text(.serviceUnavailable, "failed: \(snapshot.problems)\n")
    }

    private func liveJPEG() -> HTTPResponse {
        do {
            guard let jpeg = try live.jpeg() else { return text(.serviceUnavailable, "no frame yet\n") }
            return HTTPResponse(statusCode: .ok, headers: [.contentType: "image/jpeg", .cacheControl: "no-store"], body: Data(jpeg))
        } catch {
            logger.warning("live view could not be drawn", ["error": "\(error)"])
            return text(.internalServerError, "the live view could not be drawn\n")
        }
    }

    private func parts(_ request: HTTPRequest) -> HTTPResponse {
        var query = PartsRequest()
        if let limit = request.query["limit"] {
            guard let n = Int(limit), n >= 1 else { return text(.badRequest, "limit must be a whole number from 1\n") }
            query.limit = min(n, PartsRequest.maximumLimit)
        }
        if let before = request.query["before"] {
            guard let n = Int64(before) else { return text(.badRequest, "before must be a part id\n") }
            query.before = PartID(rawValue: n)
        }
        switch request.query["outcome"] {
        case nil, "all": break
        case "reject": query.rejectsOnly = true
        default: return text(.badRequest, "outcome must be reject or all\n")
        }
        do {
            let found = try source.parts(query)
            return json(PartsPage(parts: found, nextBefore: found.count == query.limit ? found.last?.part.id : nil))
        } catch {
            logger.warning("parts could not be read from the journal", ["error": "\(error)"])
            return text(.serviceUnavailable, "the journal could not be read\n")
        }
    }

    private struct PartsPage: Encodable {
        var parts: [PartEntry]
        /// Pass as `before` for the next (older) page; nil when this was the last.
        var nextBefore: PartID?

        enum CodingKeys: String, CodingKey {
            case parts
            case nextBefore = "next_before"
        }
    }

    /// `/parts/<id>/image.jpg`.
    static func imagePartID(_ path: String) -> PartID? {
        let pieces = path.split(separator: "/")
        guard pieces.count == 3, pieces[0] == "parts", pieces[2] == "image.jpg", let id = Int64(pieces[1]) else { return nil }
        return PartID(rawValue: id)
    }

    private func authorized(_ request: HTTPRequest) -> Bool {
        guard let token = options.token else { return true }
        let header = request.headers[.authorization]
        let offered = header.flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil } ?? request.query["token"]
        guard let offered else { return false }
        return Self.constantTimeEqual(Array(offered.utf8), Array(token.utf8))
    }

    /// Compares without stopping at the first difference, so timing does not tell how much of a guess was right.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for index in 0..<max(a.count, b.count) {
            difference |= (index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0)
        }
        return difference == 0
    }

    private func json(_ value: some Encodable) -> HTTPResponse {
        do {
            return HTTPResponse(statusCode: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                                body: try Self.encoder.encode(value))
        } catch {
            return text(.internalServerError, "could not encode: \(error)\n")
        }
    }

    private func text(_ status: HTTPStatusCode, _ body: String) -> HTTPResponse {
        HTTPResponse(statusCode: status, headers: [.contentType: "text/plain; charset=utf-8"], body: Data(body.utf8))
    }

    private static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            var container = encoder.singleValueContainer()
            try container.encode(formatter.string(from: date))
        }
        return encoder
    }
}
