import CMosquitto
import Glibc

/// What went wrong with the broker link, in one sentence for the log. No case ever carries the
/// password: errors are built from host, port, topic and libmosquitto's own messages only.
public enum MQTTError: Error, Sendable, Equatable, CustomStringConvertible {
    /// libmosquitto could not start (`mosquitto_lib_init`) or make a client.
    case library(String)
    /// A client option was refused (an unreadable CA file, an invalid client id...).
    case invalidOption(option: String, reason: String)
    /// The connection to the broker could not be opened (refused, unreachable, unknown host).
    case unreachable(host: String, port: Int, reason: String)
    /// The TLS handshake failed: the broker's certificate is not signed by the CA, does not
    /// name the host, or the broker refused this station's certificate.
    case tlsFailed(host: String, port: Int, reason: String)
    /// The broker answered but refused the connection (bad credentials, not authorised...).
    case refused(host: String, port: Int, reason: String)
    /// An open connection was lost (broker stopped, network down, keep-alive expired).
    case connectionLost(host: String, port: Int, reason: String)
    /// A message could not be handed to libmosquitto.
    case publishFailed(topic: String, reason: String)
    /// A subscription could not be handed to libmosquitto.
    case subscribeFailed(topic: String, reason: String)

    public var description: String {
        switch self {
        case .library(let reason):
            "libmosquitto could not start: \(reason)"
        case .invalidOption(let option, let reason):
            "the MQTT option \(option) was refused: \(reason)"
        case .unreachable(let host, let port, let reason):
            "cannot reach the MQTT broker at \(host):\(port): \(reason)"
        case .tlsFailed(let host, let port, let reason):
            "the TLS handshake with the MQTT broker at \(host):\(port) failed: \(reason)"
        case .refused(let host, let port, let reason):
            "the MQTT broker at \(host):\(port) refused the connection: \(reason)"
        case .connectionLost(let host, let port, let reason):
            "lost the connection to the MQTT broker at \(host):\(port): \(reason)"
        case .publishFailed(let topic, let reason):
            "could not publish to \(topic): \(reason)"
        case .subscribeFailed(let topic, let reason):
            "could not subscribe to \(topic): \(reason)"
        }
    }

    /// libmosquitto's "success" return code.
    static let success = Int32(MOSQ_ERR_SUCCESS.rawValue)

    /// libmosquitto's sentence for a return code; for a system error, the system's sentence
    /// (libmosquitto only says "see errno").
    static func describe(_ code: Int32) -> String {
        if code == Int32(MOSQ_ERR_ERRNO.rawValue) {
            let number = errno
            return String(cString: strerror(number))
        }
        return sentence(mosquitto_strerror(code))
    }

    /// libmosquitto's text without its final period: it ends up mid-sentence in our messages.
    private static func sentence(_ text: UnsafePointer<CChar>?) -> String {
        guard let text else { return "unknown error" }
        var sentence = String(cString: text)
        while sentence.hasSuffix(".") { sentence.removeLast() }
        return sentence
    }

    /// The sentence for a failed handshake from libmosquitto's error lines (OpenSSL's reasons),
    /// with a hint at the usual cause.
    static func describeTLS(_ errors: [String], fallback: String, host: String) -> String {
        // "OpenSSL Error[0]: error:0A000086:SSL routines::certificate verify failed" -> the reason.
        let reasons = errors.map { line -> String in
            let text = line.split(separator: ":").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? line
            return text.isEmpty ? line : text
        }
        var unique: [String] = []
        for reason in reasons where !unique.contains(reason) { unique.append(reason) }
        let reason = unique.isEmpty ? fallback : unique.joined(separator: "; ")
        if reason.contains("certificate verify failed") {
            return "\(reason) (the broker's certificate is not signed by mqtt.tls.ca_file, has expired, or does not name \(host))"
        }
        if reason.contains("unknown ca") || reason.contains("certificate required") || reason.contains("bad certificate") {
            return "\(reason) (the broker did not accept this station's certificate: check mqtt.tls.cert_file and key_file)"
        }
        return reason
    }

    /// MQTT 5's sentence for a reason code (a PUBACK's, a CONNACK's).
    static func describeReason(_ code: Int32) -> String {
        sentence(mosquitto_reason_string(code))
    }

    /// The sentence for a refused CONNACK: a reason code under MQTT 5, a return code under 3.1.1.
    static func describeConnack(_ code: Int32, version: MQTTProtocolVersion) -> String {
        switch version {
        case .v5: sentence(mosquitto_reason_string(code))
        case .v311: sentence(mosquitto_connack_string(code))
        }
    }
}
