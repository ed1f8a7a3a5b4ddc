import CMosquitto
import Dispatch
import EagleLog
import Foundation
import Synchronization

/// One connection to an MQTT broker through libmosquitto, owning its `struct mosquitto *`.
///
/// - One network thread (named `mqtt`), started by ``start()``, runs libmosquitto's loop and
///   calls the ``MQTTClientHandlers`` from there. It is ours rather than `mosquitto_loop_start`'s
///   because that thread reconnects on its own with a quadratic back-off and no jitter; here
///   every retry waits a ``ReconnectBackoff`` full-jitter delay, logged.
/// - ``publish(topic:payload:qos:retain:)`` may be called from any thread and never waits on
///   the network: libmosquitto queues the packet and the network thread writes it.
/// - QoS 1 messages not yet acknowledged when the connection drops stay in libmosquitto's
///   memory and are sent again (with DUP) after the reconnect; durability across restarts is
///   the caller's (the journal's outbox).
/// - ``stop()`` disconnects cleanly, so the broker does not publish the will.
public final class MQTTClient: @unchecked Sendable {
    public let options: MQTTClientOptions
    private let handle: OpaquePointer
    private let handlers: MQTTClientHandlers
    private let logger: Logger
    private let state = Mutex(State())
    private let finished = DispatchSemaphore(value: 0)

    private struct State {
        var started = false
        var stopping = false
        var connected = false
        /// The broker's refusal of the last CONNECT, set by the CONNACK callback.
        var refusal: String?
        var connects = 0
        /// libmosquitto's error lines since the current connection attempt began.
        var libraryErrors: [String] = []
    }

    /// Makes the client and applies `options`; nothing touches the network until ``start()``.
    public init(options: MQTTClientOptions, handlers: MQTTClientHandlers, logger: Logger) throws(MQTTError) {
        try MQTTLibrary.ensureInitialized()
        // Clean session: the outbox, not the broker, keeps what is owed.
        guard let handle = mosquitto_new(options.clientID, true, nil) else {
            throw .library("mosquitto_new could not make a client (out of memory or an invalid client id)")
        }
        self.handle = handle
        self.options = options
        self.handlers = handlers
        self.logger = logger
        do {
            try configure()
        } catch {
            mosquitto_destroy(handle)
            throw error
        }
        mosquitto_user_data_set(handle, Unmanaged.passUnretained(self).toOpaque())
        mosquitto_connect_v5_callback_set(handle) { _, context, code, _, _ in
            guard let context else { return }
            Unmanaged<MQTTClient>.fromOpaque(context).takeUnretainedValue().didConnect(code)
        }
        mosquitto_publish_v5_callback_set(handle) { _, context, mid, reason, _ in
            guard let context else { return }
            Unmanaged<MQTTClient>.fromOpaque(context).takeUnretainedValue().handlers.published(mid, reason)
        }
        mosquitto_message_callback_set(handle) { _, context, message in
            guard let context, let message else { return }
            Unmanaged<MQTTClient>.fromOpaque(context).takeUnretainedValue().didReceive(message.pointee)
        }
    }

    deinit {
        mosquitto_destroy(handle)
    }

    private func configure() throws(MQTTError) {
        try options.apply(to: handle)
        mosquitto_log_callback_set(handle) { _, context, level, text in
            guard let context, let text, level & Int32(MOSQ_LOG_ERR) != 0 else { return }
            Unmanaged<MQTTClient>.fromOpaque(context).takeUnretainedValue().libraryError(String(cString: text))
        }
    }

    /// libmosquitto's own error lines (OpenSSL's reasons for a failed handshake among them),
    /// kept for the next error this client reports.
    private func libraryError(_ text: String) {
        state.withLock { $0.libraryErrors.append(text) }
    }

    // MARK: - Using the connection

    /// Whether the broker has accepted the current connection.
    public var isConnected: Bool { state.withLock { $0.connected } }

    /// Hands a message to libmosquitto and returns its message id, which the ``MQTTClientHandlers/published``
    /// handler reports when the broker acknowledges it. Never waits on the network.
    @discardableResult
    public func publish(topic: String, payload: [UInt8], qos: Int, retain: Bool) throws(MQTTError) -> Int32 {
        var mid: Int32 = 0
        let code = payload.withUnsafeBytes { bytes in
            mosquitto_publish(handle, &mid, topic, Int32(bytes.count), bytes.baseAddress, Int32(qos), retain)
        }
        guard code == MQTTError.success else { throw .publishFailed(topic: topic, reason: MQTTError.describe(code)) }
        return mid
    }

    /// Asks the broker for messages on `topic` (delivered to ``MQTTClientHandlers/message``).
    /// Subscriptions last for the connection (clean session): subscribe again on every connect.
    public func subscribe(_ topic: String, qos: Int) throws(MQTTError) {
        let code = mosquitto_subscribe(handle, nil, topic, Int32(qos))
        guard code == MQTTError.success else { throw .subscribeFailed(topic: topic, reason: MQTTError.describe(code)) }
    }

    /// Replaces the will; it takes effect at the next (re)connect. Call it before ``start()``
    /// or from a handler on the network thread (``MQTTClientHandlers/disconnected`` runs
    /// before every reconnect), where no connect is under way.
    public func setWill(_ will: MQTTClientOptions.Will) throws(MQTTError) {
        let code = will.payload.withUnsafeBytes { bytes in
            mosquitto_will_set(handle, will.topic, Int32(bytes.count), bytes.baseAddress, Int32(will.qos), will.retain)
        }
        guard code == MQTTError.success else {
            throw .invalidOption(option: "will on \(will.topic)", reason: MQTTError.describe(code))
        }
    }

    /// Ends the current connection; the network thread reports it as lost and reconnects after
    /// the usual back-off. For a session that must start afresh (a new will) while the client
    /// keeps running. `publishingWill` asks the broker to publish the will all the same (MQTT 5
    /// reason 0x04, "disconnect with will message"); under MQTT 3.1.1 the broker drops it.
    public func dropConnection(publishingWill: Bool) {
        if options.protocolVersion == .v5 {
            _ = mosquitto_disconnect_v5(handle, publishingWill ? 4 : 0, nil)
        } else {
            _ = mosquitto_disconnect(handle)
        }
    }

    /// Starts the network thread, which connects and keeps reconnecting until ``stop()``.
    public func start() {
        let first = state.withLock { state -> Bool in
            defer { state.started = true }
            return !state.started
        }
        guard first else { return }
        let thread = Thread { [self] in
            // Named from inside: only then does Foundation pass the name on to the kernel.
            Thread.current.name = "mqtt"
            runNetwork()
            finished.signal()
        }
        thread.start()
    }

    /// Disconnects cleanly (the broker drops the will) and ends the network thread; returns
    /// once it has ended. Messages still unacknowledged stay owed to the caller's outbox.
    public func stop() {
        let running = state.withLock { state -> Bool in
            defer { state.stopping = true }
            return state.started && !state.stopping
        }
        if running { finished.wait() }
    }

    // MARK: - The network thread

    private var stopping: Bool { state.withLock { $0.stopping } }

    private func runNetwork() {
        var random = SystemRandomNumberGenerator()
        var failures = 0
        var lastLogged: MQTTError?
        var firstAttempt = true
        while !stopping {
            let error = connectAndServe(first: firstAttempt)
            firstAttempt = false
            guard let error else { break }
            let wasConnected = state.withLock { state -> Bool in
                defer { state.connected = false }
                return state.connected
            }
            if wasConnected { failures = 0 }
            handlers.disconnected(error)
            let delay = options.backoff.delay(afterFailures: failures, using: &random)
            failures += 1
            let fields: KeyValuePairs<String, String> = ["attempt": "\(failures)", "retry_in_s": String(format: "%.2f", delay)]
            if error != lastLogged || wasConnected {
                logger.error("\(error); retrying with back-off", fields)
                lastLogged = error
            } else {
                logger.debug("\(error); still retrying", fields)
            }
            sleep(seconds: delay)
        }
        disconnectCleanly()
    }

    /// One connection: connects, then runs the loop until the connection ends (returns why) or
    /// the client is stopped (returns nil).
    private func connectAndServe(first: Bool) -> MQTTError? {
        state.withLock { state in
            state.refusal = nil
            state.libraryErrors = []
        }
        let code = first
            ? mosquitto_connect_async(handle, options.host, Int32(options.port), Int32(options.keepaliveSeconds))
            : mosquitto_reconnect_async(handle)
        guard code == MQTTError.success else {
            let reason = MQTTError.describe(code)
            let errors = state.withLock { $0.libraryErrors }
            if options.caFile != nil, code == Int32(MOSQ_ERR_TLS.rawValue) || !errors.isEmpty {
                return .tlsFailed(host: options.host, port: options.port,
                                  reason: MQTTError.describeTLS(errors, fallback: reason, host: options.host))
            }
            return .unreachable(host: options.host, port: options.port, reason: reason)
        }
        while !stopping {
            let code = mosquitto_loop(handle, 100, 1)
            guard code == MQTTError.success else {
                let reason = MQTTError.describe(code)
                return state.withLock { state -> MQTTError in
                    if let refusal = state.refusal { return .refused(host: options.host, port: options.port, reason: refusal) }
                    if state.connected { return .connectionLost(host: options.host, port: options.port, reason: reason) }
                    if options.caFile != nil, code == Int32(MOSQ_ERR_TLS.rawValue) || !state.libraryErrors.isEmpty {
                        return .tlsFailed(host: options.host, port: options.port,
                                          reason: MQTTError.describeTLS(state.libraryErrors, fallback: reason, host: options.host))
                    }
                    return .unreachable(host: options.host, port: options.port, reason: reason)
                }
            }
        }
        return nil
    }

    /// CONNACK, on the network thread.
    private func didConnect(_ code: Int32) {
        guard code == 0 else {
            let reason = MQTTError.describeConnack(code, version: options.protocolVersion)
            state.withLock { $0.refusal = reason }
            return
        }
        let connects = state.withLock { state -> Int in
            state.connected = true
            state.connects += 1
            return state.connects
        }
        logger.notice(connects == 1 ? "connected to the MQTT broker" : "reconnected to the MQTT broker",
                      ["broker": "\(options.host):\(options.port)", "client_id": options.clientID,
                       "protocol": options.protocolVersion.description])
        handlers.connected()
    }

    /// A message on a subscribed topic, on the network thread.
    private func didReceive(_ message: mosquitto_message) {
        guard let topic = message.topic else { return }
        var payload: [UInt8] = []
        if let bytes = message.payload, message.payloadlen > 0 {
            payload = Array(UnsafeRawBufferPointer(start: bytes, count: Int(message.payloadlen)))
        }
        handlers.message(String(cString: topic), payload)
    }

    /// Sends DISCONNECT (so the will is not published) and gives the loop up to a second to
    /// write it.
    private func disconnectCleanly() {
        let connected = state.withLock { state -> Bool in
            defer { state.connected = false }
            return state.connected
        }
        guard connected, mosquitto_disconnect(handle) == MQTTError.success else { return }
        let deadline = DispatchTime.now() + 1
        while DispatchTime.now() < deadline, mosquitto_loop(handle, 50, 1) == MQTTError.success {}
        logger.info("disconnected from the MQTT broker", ["broker": "\(options.host):\(options.port)"])
        handlers.disconnected(nil)
    }

    /// Sleeps up to `seconds`, waking early when the client is stopped.
    private func sleep(seconds: Double) {
        let deadline = DispatchTime.now() + seconds
        while !stopping, DispatchTime.now() < deadline {
            usleep(20_000)
        }
    }
}
