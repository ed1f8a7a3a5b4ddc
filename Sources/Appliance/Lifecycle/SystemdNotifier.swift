import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Tells systemd how the service is doing through `$NOTIFY_SOCKET` (the `sd_notify` protocol:
/// one datagram of `KEY=value` lines to a Unix socket), so a `Type=notify` unit knows when the
/// line is up (`READY=1`), shows its `STATUS=`, and restarts it when the `WATCHDOG=1` pings
/// stop. Without `NOTIFY_SOCKET` (not under systemd) every call does nothing.
///
/// The datagram is written here rather than through libsystemd: it is a documented, stable
/// wire format of a few lines, and the board image need not carry libsystemd's headers.
public final class SystemdNotifier: Sendable {
    private let address: sockaddr_un?
    private let addressLength: socklen_t
    private let socket: Int32
    /// The watchdog interval systemd asked for (`WATCHDOG_USEC`), if any, in seconds.
    public let watchdogInterval: Double?

    /// A notifier for the socket `environment` names; inert when it names none.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let path = environment["NOTIFY_SOCKET"] ?? ""
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        var bytes = Array(path.utf8)
        // "@name" is the abstract namespace: a leading NUL byte instead of the "@".
        if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 }
        let usable = !path.isEmpty && (path.hasPrefix("/") || path.hasPrefix("@")) && bytes.count < capacity
        if usable {
            withUnsafeMutableBytes(of: &address.sun_path) { buffer in
                for (index, byte) in bytes.enumerated() { buffer[index] = byte }
            }
            self.address = address
            self.addressLength = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + (bytes.first == 0 ? 0 : 1))
            self.socket = Glibc.socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        } else {
            self.address = nil
            self.addressLength = 0
            self.socket = -1
        }
        if let text = environment["WATCHDOG_USEC"], let microseconds = Double(text), microseconds > 0,
           environment["WATCHDOG_PID"].map({ $0 == String(getpid()) }) ?? true {
            watchdogInterval = microseconds / 1e6
        } else {
            watchdogInterval = nil
        }
    }

    deinit {
        if socket >= 0 { close(socket) }
    }

    /// Whether the process runs under systemd's notify protocol.
    public var isActive: Bool { socket >= 0 }

    /// The line is up: inspecting parts.
    public func ready(status: String) { send("READY=1\nSTATUS=\(status)") }
    /// A one-line status `systemctl status` shows.
    public func status(_ text: String) { send("STATUS=\(text)") }
    /// The line made progress since the last ping: keep the watchdog from restarting it.
    public func watchdog() { send("WATCHDOG=1") }
    /// The line is stopping.
    public func stopping() { send("STOPPING=1") }

    /// Sends one datagram; a failure is ignored (systemd gone, or not listening): the line
    /// must not stop for its supervisor's sake.
    func send(_ message: String) {
        guard var address, socket >= 0 else { return }
        let bytes = Array(message.utf8)
        _ = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                sendto(socket, bytes, bytes.count, Int32(MSG_NOSIGNAL), raw, addressLength)
            }
        }
    }
}
