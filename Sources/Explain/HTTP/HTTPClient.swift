import CCurl
import CEagleShims
import Foundation

/// An HTTP client over one libcurl easy handle, which it owns and cleans up.
///
/// libcurl does the protocol: TLS with the peer's certificate and host name verified, HTTP/1.1
/// or HTTP/2, redirects refused, and the proxies of the environment (`https_proxy`,
/// `http_proxy`, `no_proxy`) as curl itself reads them. The handle is reused between requests,
/// so its connection stays open for the next one.
///
/// Not thread-safe: one client per thread (the explainer gives each worker its own).
public final class HTTPClient {
    private let handle: UnsafeMutableRawPointer
    /// libcurl writes its message for a failed transfer here (CURLOPT_ERRORBUFFER).
    private let errorBuffer: UnsafeMutablePointer<CChar>
    /// Asked about once a second during a transfer (and whenever data moves); true aborts it
    /// with ``HTTPError/Kind/cancelled``, so that a shutdown need not wait out a timeout.
    public var shouldAbort: (@Sendable () -> Bool)?

    /// A new handle; throws when libcurl cannot make one (its global set-up failed, or no memory).
    public init() throws {
        guard HTTPClient.globalSetUp, let handle = curl_easy_init() else {
            throw HTTPError(kind: .other, code: Int32(CURLE_FAILED_INIT.rawValue), message: "libcurl could not create a handle")
        }
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// `curl_global_init` once per process, before the first handle; Swift runs a static
    /// initialiser exactly once, whichever thread gets there first.
    private static let globalSetUp: Bool = eagle_curl_global_init() == CURLE_OK

    /// The version libcurl reports, e.g. "libcurl/7.88.1 OpenSSL/3.0.15 zlib/1.2.13".
    public static var libraryVersion: String { String(cString: curl_version()) }

    /// Sends `request` and returns the response, whatever its status; throws ``HTTPError``
    /// when there was none (timeout, no connection, TLS failure, a body over the limit).
    public func send(_ request: HTTPRequest) throws -> HTTPResponse {
        curl_easy_reset(handle)
        errorBuffer[0] = 0
        let sink = TransferSink(limit: request.maxResponseBytes, shouldAbort: shouldAbort)
        let context = Unmanaged.passRetained(sink)
        defer { context.release() }
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        for header in request.headers {
            guard let appended = curl_slist_append(headerList, "\(header.name): \(header.value)") else {
                throw HTTPError(kind: .other, code: Int32(CURLE_OUT_OF_MEMORY.rawValue), message: "out of memory for the request headers")
            }
            headerList = appended
        }
        try set(CURLOPT_ERRORBUFFER, pointer: errorBuffer)
        try set(CURLOPT_URL, string: request.url)
        try set(CURLOPT_NOSIGNAL, 1) // threads: no SIGALRM for DNS timeouts
        try set(CURLOPT_TIMEOUT_MS, Int(max(1, request.timeout * 1000)))
        try set(CURLOPT_CONNECTTIMEOUT_MS, Int(max(1, request.connectTimeout * 1000)))
        try set(CURLOPT_SSL_VERIFYPEER, 1)
        try set(CURLOPT_SSL_VERIFYHOST, 2)
        try set(CURLOPT_FOLLOWLOCATION, 0)
        try set(CURLOPT_PROTOCOLS_STR, string: "http,https")
        try set(CURLOPT_ACCEPT_ENCODING, string: "") // whatever libcurl can decode
        try set(CURLOPT_TCP_KEEPALIVE, 1)
        try check(eagle_curl_setopt_pointer(handle, CURLOPT_HTTPHEADER, headerList))
        if let body = request.body {
            try set(CURLOPT_POST, 1)
            try check(eagle_curl_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
            // COPYPOSTFIELDS: libcurl keeps its own copy, so no pointer into `body` outlives this call.
            if body.isEmpty {
                try set(CURLOPT_COPYPOSTFIELDS, string: "")
            } else {
                try body.withUnsafeBufferPointer { bytes in
                    try check(eagle_curl_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, bytes.baseAddress))
                }
            }
        }
        // Closure literals, not stored values: each becomes a plain C function pointer.
        try check(eagle_curl_setopt_write_function(handle, CURLOPT_WRITEFUNCTION) { TransferSink.receiveBody($0, $1, $2, $3) })
        try check(eagle_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, context.toOpaque()))
        try check(eagle_curl_setopt_write_function(handle, CURLOPT_HEADERFUNCTION) { TransferSink.receiveHeader($0, $1, $2, $3) })
        try check(eagle_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, context.toOpaque()))
        if shouldAbort != nil {
            try check(eagle_curl_setopt_xferinfo_function(handle) { context, _, _, _, _ in TransferSink.progress(context) })
            try check(eagle_curl_setopt_pointer(handle, CURLOPT_XFERINFODATA, context.toOpaque()))
            try set(CURLOPT_NOPROGRESS, 0)
        }

        let code = curl_easy_perform(handle)
        if code != CURLE_OK {
            if sink.aborted {
                throw HTTPError(kind: .cancelled, code: Int32(code.rawValue), message: "the transfer was cancelled")
            }
            if sink.overflowed {
                throw HTTPError(kind: .tooLarge, code: Int32(code.rawValue),
                                message: "the response passed \(request.maxResponseBytes) bytes")
            }
            throw error(code)
        }
        var status = 0
        try check(eagle_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status))
        return HTTPResponse(status: status, headers: sink.headers, body: sink.body)
    }

    // MARK: - Options

    private func set(_ option: CURLoption, _ value: Int) throws {
        try check(eagle_curl_setopt_long(handle, option, value))
    }

    private func set(_ option: CURLoption, string: String) throws {
        // libcurl copies string options (since 7.17), so the temporary C string may go.
        try string.withCString { try check(eagle_curl_setopt_pointer(handle, option, $0)) }
    }

    private func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer) throws {
        try check(eagle_curl_setopt_pointer(handle, option, pointer))
    }

    private func set(_ option: CURLoption, pointer: UnsafeMutablePointer<CChar>) throws {
        try check(eagle_curl_setopt_pointer(handle, option, pointer))
    }

    private func check(_ code: CURLcode) throws {
        if code != CURLE_OK { throw error(code) }
    }

    /// The handle's message for the failed transfer, else libcurl's text for the code. Neither
    /// carries request headers, so a key sent in one never reaches a log through an error.
    private func error(_ code: CURLcode) -> HTTPError {
        let detail = String(cString: errorBuffer)
        let message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        return HTTPError(kind: HTTPError.kind(of: code), code: Int32(code.rawValue), message: message)
    }
}

/// Collects one transfer's body and headers from libcurl's callbacks (on the sending thread).
private final class TransferSink {
    let limit: Int
    let shouldAbort: (@Sendable () -> Bool)?
    var body: [UInt8] = []
    var headers: [String: String] = [:]
    var overflowed = false
    var aborted = false

    init(limit: Int, shouldAbort: (@Sendable () -> Bool)?) {
        self.limit = limit
        self.shouldAbort = shouldAbort
    }

    static func progress(_ context: UnsafeMutableRawPointer?) -> Int32 {
        guard let context else { return 0 }
        let sink = Unmanaged<TransferSink>.fromOpaque(context).takeUnretainedValue()
        guard sink.shouldAbort?() == true else { return 0 }
        sink.aborted = true
        return 1
    }

    static func receiveBody(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int,
                            _ context: UnsafeMutableRawPointer?) -> Int {
        guard let data, let context else { return 0 }
        let sink = Unmanaged<TransferSink>.fromOpaque(context).takeUnretainedValue()
        let length = size * count
        guard sink.body.count + length <= sink.limit else {
            sink.overflowed = true
            return 0 // anything but `length` makes libcurl abort the transfer
        }
        data.withMemoryRebound(to: UInt8.self, capacity: length) { sink.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: length)) }
        return length
    }

    static func receiveHeader(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int,
                              _ context: UnsafeMutableRawPointer?) -> Int {
        guard let data, let context else { return 0 }
        let sink = Unmanaged<TransferSink>.fromOpaque(context).takeUnretainedValue()
        let length = size * count
        let line = data.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
        if line.hasPrefix("HTTP/") {
            sink.headers = [:] // a new response (after a 100 Continue): only the final one counts
        } else if let colon = line.firstIndex(of: ":") {
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
            sink.headers[name] = value
        }
        return length
    }
}
