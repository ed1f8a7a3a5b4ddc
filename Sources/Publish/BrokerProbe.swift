import CMosquitto
import Foundation
import Glibc
import Synchronization

/// Checks a broker connection step by step, once, for `eagle-edge check-config --probe`: name
/// resolution, TCP connect, TLS handshake (certificate and host name), authentication (the
/// CONNACK), and permission to publish (a QoS 1 message and its PUBACK). Each step says what
/// worked or precisely what did not; the steps after a failure are not tried.
public struct BrokerProbe: Sendable {
    /// One step and its outcome.
    public struct Step: Sendable, Equatable {
        public enum Outcome: String, Sendable, Equatable {
            case ok
            case failed
            /// Not tried (an earlier step failed) or not configured (TLS over plain TCP).
            case skipped
        }

        /// `dns`, `tcp`, `tls`, `auth` or `publish`.
        public var name: String
        public var outcome: Outcome
        /// What was found, in one sentence.
        public var detail: String

        public init(name: String, outcome: Outcome, detail: String) {
            self.name = name
            self.outcome = outcome
            self.detail = detail
        }
    }

    public let options: MQTTClientOptions
    /// Where the probe message goes (under the station's own topics).
    public let topic: String
    /// Longest wait of each network step.
    public let timeoutSeconds: Double

    /// The client id gets `-probe` appended, so probing beside a running appliance does not
    /// knock it off the broker; no will is registered.
    public init(options: MQTTClientOptions, topic: String, timeoutSeconds: Double = 5) {
        var options = options
        options.clientID += "-probe"
        options.will = nil
        options.sendMaximum = 1
        self.options = options
        self.topic = topic
        self.timeoutSeconds = timeoutSeconds
    }

    /// Runs the steps in order and returns each one's outcome.
    public func run() -> [Step] {
        var steps: [Step] = []
        let names = ["dns", "tcp", "tls", "auth", "publish"]
        func skipRest() -> [Step] {
            steps + names.dropFirst(steps.count).map { Step(name: $0, outcome: .skipped, detail: "not tried") }
        }
        let addresses: [ResolvedAddress]
        switch resolve() {
        case .success(let found):
            addresses = found
            steps.append(Step(name: "dns", outcome: .ok,
                              detail: "\(options.host) resolves to \(found.map(\.text).joined(separator: ", "))"))
        case .failure(let problem):
            steps.append(Step(name: "dns", outcome: .failed, detail: "cannot resolve \(options.host): \(problem.text)"))
            return skipRest()
        }
        switch connectTCP(addresses) {
        case .success(let address):
            steps.append(Step(name: "tcp", outcome: .ok, detail: "connected to \(address) port \(options.port)"))
        case .failure(let problem):
            steps.append(Step(name: "tcp", outcome: .failed, detail: problem.text))
            return skipRest()
        }
        let session = Session(options: options, timeoutSeconds: timeoutSeconds)
        defer { session.close() }
        let connect = session.connect()
        if options.caFile != nil {
            if case .tlsFailed(let reason) = connect {
                steps.append(Step(name: "tls", outcome: .failed, detail: diagnoseTLS(reason)))
                return skipRest()
            }
            let client = options.certFile == nil ? "" : ", client certificate \(options.certFile ?? "") presented"
            steps.append(Step(name: "tls", outcome: .ok,
                              detail: "handshake done: certificate signed by \(options.caFile ?? "") and naming \(options.host)\(client)"))
        } else {
            steps.append(Step(name: "tls", outcome: .skipped, detail: "not configured (plain TCP; mqtt.tls.ca_file switches TLS on)"))
        }
        switch connect {
        case .accepted:
            let who = options.username.map { "as \($0)" } ?? "anonymously"
            steps.append(Step(name: "auth", outcome: .ok, detail: "the broker accepted the connection \(who) (\(options.protocolVersion))"))
        case .refused(let reason):
            steps.append(Step(name: "auth", outcome: .failed, detail: "the broker refused the connection: \(reason)"))
            return skipRest()
        case .tlsFailed(let reason), .failed(let reason):
            steps.append(Step(name: "auth", outcome: .failed, detail: reason))
            return skipRest()
        }
        steps.append(session.publish(topic: topic))
        return steps
    }

    /// After a failed handshake: connects again without the host name check, so the report can
    /// tell a certificate that does not name the host from one the CA does not sign.
    private func diagnoseTLS(_ reason: String) -> String {
        guard reason.contains("certificate verify failed") else { return reason }
        let lenient = Session(options: options, timeoutSeconds: timeoutSeconds, checkHostName: false)
        defer { lenient.close() }
        switch lenient.connect() {
        case .tlsFailed:
            return "the broker's certificate does not verify against \(options.caFile ?? "the CA file") "
                + "(signed by another CA, or expired): certificate verify failed"
        default:
            return "the broker's certificate is signed by \(options.caFile ?? "the CA") but does not name \(options.host) "
                + "(host name mismatch): connect by a name or address in its subjectAltName"
        }
    }

    // MARK: - DNS and TCP

    struct ResolvedAddress {
        var family: Int32
        var address: Data
        var text: String
    }

    struct Problem: Error {
        var text: String
    }

    private func resolve() -> Result<[ResolvedAddress], Problem> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let code = getaddrinfo(options.host, "\(options.port)", &hints, &list)
        guard code == 0 else { return .failure(Problem(text: String(cString: gai_strerror(code)))) }
        defer { freeaddrinfo(list) }
        var found: [ResolvedAddress] = []
        var entry = list
        while let current = entry?.pointee {
            entry = current.ai_next
            guard let address = current.ai_addr else { continue }
            var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            guard getnameinfo(address, current.ai_addrlen, &host, socklen_t(host.count), nil, 0, NI_NUMERICHOST) == 0 else { continue }
            let text = String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            guard !found.contains(where: { $0.text == text }) else { continue }
            found.append(ResolvedAddress(family: current.ai_family, address: Data(bytes: address, count: Int(current.ai_addrlen)),
                                         text: text))
        }
        return found.isEmpty ? .failure(Problem(text: "no address")) : .success(found)
    }

    /// The first address that accepts a TCP connection within the timeout.
    private func connectTCP(_ addresses: [ResolvedAddress]) -> Result<String, Problem> {
        var failures: [String] = []
        for address in addresses {
            let socket = Glibc.socket(address.family, Int32(SOCK_STREAM.rawValue), 0)
            guard socket >= 0 else {
                failures.append("\(address.text): \(String(cString: strerror(errno)))")
                continue
            }
            defer { close(socket) }
            _ = fcntl(socket, F_SETFL, fcntl(socket, F_GETFL) | O_NONBLOCK)
            let started = address.address.withUnsafeBytes { bytes -> Int32 in
                connect(socket, bytes.baseAddress?.assumingMemoryBound(to: sockaddr.self), socklen_t(bytes.count))
            }
            var error = started == 0 ? 0 : errno
            if started != 0, error == EINPROGRESS {
                var poller = pollfd(fd: socket, events: Int16(POLLOUT), revents: 0)
                let ready = poll(&poller, 1, Int32(timeoutSeconds * 1000))
                if ready == 0 {
                    failures.append("\(address.text): no answer within \(Int(timeoutSeconds)) s (a firewall dropping packets?)")
                    continue
                }
                var length = socklen_t(MemoryLayout<Int32>.size)
                error = 0
                getsockopt(socket, SOL_SOCKET, SO_ERROR, &error, &length)
            }
            if error == 0 { return .success(address.text) }
            var text = "\(address.text): \(String(cString: strerror(error)))"
            if error == ECONNREFUSED { text += " (nothing listens on port \(options.port): is the broker running?)" }
            failures.append(text)
        }
        return .failure(Problem(text: "cannot connect to port \(options.port): " + failures.joined(separator: "; ")))
    }
}

extension BrokerProbe {
    /// One libmosquitto connection driven on the calling thread.
    final class Session: @unchecked Sendable {
        enum Connect {
            case accepted
            case refused(String)
            case tlsFailed(String)
            case failed(String)
        }

        private struct State {
            var connack: Int32?
            var acknowledged: (mid: Int32, reason: Int32)?
            var errors: [String] = []
        }

        private let options: MQTTClientOptions
        private let timeoutSeconds: Double
        private let state = Mutex(State())
        private var handle: OpaquePointer?
        private var setupProblem: String?

        init(options: MQTTClientOptions, timeoutSeconds: Double, checkHostName: Bool = true) {
            self.options = options
            self.timeoutSeconds = timeoutSeconds
            do {
                try MQTTLibrary.ensureInitialized()
            } catch {
                setupProblem = "\(error)"
                return
            }
            guard let handle = mosquitto_new(options.clientID, true, nil) else {
                setupProblem = "libmosquitto could not make a client"
                return
            }
            self.handle = handle
            do {
                try options.apply(to: handle)
                if !checkHostName { mosquitto_tls_insecure_set(handle, true) }
            } catch {
                setupProblem = "\(error)"
                return
            }
            mosquitto_user_data_set(handle, Unmanaged.passUnretained(self).toOpaque())
            mosquitto_connect_v5_callback_set(handle) { _, context, code, _, _ in
                guard let context else { return }
                Unmanaged<Session>.fromOpaque(context).takeUnretainedValue().state.withLock { $0.connack = code }
            }
            mosquitto_publish_v5_callback_set(handle) { _, context, mid, reason, _ in
                guard let context else { return }
                Unmanaged<Session>.fromOpaque(context).takeUnretainedValue().state.withLock { $0.acknowledged = (mid, reason) }
            }
            mosquitto_log_callback_set(handle) { _, context, level, text in
                guard let context, let text, level & Int32(MOSQ_LOG_ERR) != 0 else { return }
                let line = String(cString: text)
                Unmanaged<Session>.fromOpaque(context).takeUnretainedValue().state.withLock { $0.errors.append(line) }
            }
        }

        func close() {
            guard let handle else { return }
            if state.withLock({ $0.connack == 0 }) {
                mosquitto_disconnect(handle)
                _ = loop(until: { false }, seconds: 0.3)
            }
            mosquitto_destroy(handle)
            self.handle = nil
        }

        /// Loops until `done` or the timeout; the libmosquitto error that ended it early, if any.
        private func loop(until done: () -> Bool, seconds: Double) -> Int32? {
            guard let handle else { return nil }
            let deadline = Date() + seconds
            while !done(), Date() < deadline {
                let code = mosquitto_loop(handle, 100, 1)
                if code != MQTTError.success { return code }
            }
            return nil
        }

        func connect() -> Connect {
            if let setupProblem { return .failed(setupProblem) }
            guard let handle else { return .failed("no client") }
            let code = mosquitto_connect_async(handle, options.host, Int32(options.port), Int32(options.keepaliveSeconds))
            var failure: Int32? = code == MQTTError.success ? nil : code
            if failure == nil {
                failure = loop(until: { state.withLock { $0.connack != nil } }, seconds: timeoutSeconds)
            }
            let (connack, errors) = state.withLock { ($0.connack, $0.errors) }
            if let connack {
                return connack == 0 ? .accepted : .refused(MQTTError.describeConnack(connack, version: options.protocolVersion))
            }
            let reason = failure.map { MQTTError.describe($0) } ?? "no answer within \(Int(timeoutSeconds)) s"
            if options.caFile != nil, failure == Int32(MOSQ_ERR_TLS.rawValue) || !errors.isEmpty {
                return .tlsFailed(MQTTError.describeTLS(errors, fallback: reason, host: options.host))
            }
            if options.caFile == nil {
                return .failed("the broker closed the connection without answering the CONNECT (\(reason)); "
                    + "a TLS listener reached without mqtt.tls.ca_file?")
            }
            return .failed("no CONNACK from the broker: \(reason)")
        }

        func publish(topic: String) -> Step {
            guard let handle else { return Step(name: "publish", outcome: .failed, detail: "no client") }
            let payload = Array(#"{"probe":true}"#.utf8)
            var mid: Int32 = 0
            let code = payload.withUnsafeBytes { bytes in
                mosquitto_publish(handle, &mid, topic, Int32(bytes.count), bytes.baseAddress, 1, false)
            }
            guard code == MQTTError.success else {
                return Step(name: "publish", outcome: .failed, detail: "could not send to \(topic): \(MQTTError.describe(code))")
            }
            let failure = loop(until: { state.withLock { $0.acknowledged?.mid == mid } }, seconds: timeoutSeconds)
            guard let reason = state.withLock({ $0.acknowledged?.mid == mid ? $0.acknowledged?.reason : nil }) else {
                let why = failure.map { "the connection ended: \(MQTTError.describe($0))" } ?? "no PUBACK within \(Int(timeoutSeconds)) s"
                return Step(name: "publish", outcome: .failed,
                            detail: "QoS 1 to \(topic): \(why) (under MQTT 3.1.1 a broker drops the connection of a client it does not allow to publish)")
            }
            if reason >= 128 {
                let text = MQTTError.describeReason(reason)
                return Step(name: "publish", outcome: .failed,
                            detail: "QoS 1 to \(topic) refused with reason 0x\(String(reason, radix: 16)) (\(text)): the broker's ACL does not let this user publish under the station's topics")
            }
            switch options.protocolVersion {
            case .v5:
                return Step(name: "publish", outcome: .ok, detail: "QoS 1 to \(topic) acknowledged (PUBACK reason 0x00)")
            case .v311:
                return Step(name: "publish", outcome: .ok,
                            detail: "QoS 1 to \(topic) acknowledged; MQTT 3.1.1 cannot report a refusal, so a broker's ACL may still drop it silently")
            }
        }
    }
}
