import Foundation
import Glibc
import XCTest

/// A Mosquitto broker of the test's own: a child process on a free loopback port with a
/// generated configuration (persistence on, so a restart keeps subscribers' sessions, as a
/// plant broker would), stopped at the end of the test. Optionally a password file, an ACL
/// file, and a second listener speaking TLS.
public final class MosquittoBroker {
    public static let executable = ["/usr/sbin/mosquitto", "/usr/bin/mosquitto"].first { FileManager.default.isExecutableFile(atPath: $0) }
    public static let subscriberExecutable = ["/usr/bin/mosquitto_sub"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// A listener speaking TLS with `certificate` and `key` (files of ``TestCertificates``).
    public struct TLSListener {
        public var caFile: String
        public var certificate: String
        public var key: String
        /// Whether clients must present a certificate signed by `caFile`.
        public var requireClientCertificate: Bool
        /// The lowest TLS version the listener accepts (`tlsv1.2`, `tlsv1.3`); nil for the default.
        public var minimumVersion: String?

        public init(caFile: String, certificate: String, key: String, requireClientCertificate: Bool = false,
                    minimumVersion: String? = nil) {
            self.caFile = caFile
            self.certificate = certificate
            self.key = key
            self.requireClientCertificate = requireClientCertificate
            self.minimumVersion = minimumVersion
        }
    }

    /// The plain listener (test subscribers use it).
    public let port: Int
    /// The TLS listener, when one was asked for.
    public let tlsPort: Int?
    public let directory: URL
    private var process: Process?

    /// Skips the test when Mosquitto is not installed.
    public static func skipUnlessInstalled() throws {
        guard executable != nil, subscriberExecutable != nil, passwordExecutable != nil else {
            throw XCTSkip("no mosquitto broker in this test root (Debian packages mosquitto and mosquitto-clients)")
        }
    }

    public static var passwordExecutable: String? {
        ["/usr/bin/mosquitto_passwd"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Writes the configuration; `user` and `password` make it refuse anyone else, `acl` (the
    /// text of a mosquitto acl_file) limits what each user may do, `tls` adds a TLS listener.
    public init(directory: URL, user account: String? = nil, password: String? = nil, acl: String? = nil,
                tls: TLSListener? = nil) throws {
        self.directory = directory
        port = try Self.freePort()
        tlsPort = tls == nil ? nil : try Self.freePort()
        // Run as root, the broker would switch to user mosquitto and lose access to the test's
        // directory: keep it as whoever runs the tests.
        let user = getpwuid(getuid()).map { String(cString: $0.pointee.pw_name) } ?? "root"
        var config = """
            user \(user)
            persistence true
            persistence_location \(directory.path)/
            log_dest file \(directory.path)/broker.log
            log_type all

            """
        if let account, let password, let tool = Self.passwordExecutable {
            let file = directory.appendingPathComponent("passwords").path
            let make = Process()
            make.executableURL = URL(fileURLWithPath: tool)
            make.arguments = ["-b", "-c", file, account, password]
            try make.run()
            make.waitUntilExit()
            chmod(file, 0o600)
            config += "allow_anonymous false\npassword_file \(file)\n"
        } else {
            config += "allow_anonymous true\n"
        }
        if let acl {
            let file = directory.appendingPathComponent("acl").path
            try acl.write(toFile: file, atomically: true, encoding: .utf8)
            chmod(file, 0o600)
            config += "acl_file \(file)\n"
        }
        // Where /etc/hosts names ::1 localhost too (Debian 13 does), "localhost" resolves to ::1
        // first and libmosquitto connects there only: listen on both loopbacks, as a broker's
        // plain `listener 1883` does.
        let addresses = Self.ipv6Loopback ? ["127.0.0.1", "::1"] : ["127.0.0.1"]
        for address in addresses {
            config += "listener \(port) \(address)\n"
        }
        if let tls, let tlsPort {
            for address in addresses {
                config += """
                    listener \(tlsPort) \(address)
                    cafile \(tls.caFile)
                    certfile \(tls.certificate)
                    keyfile \(tls.key)
                    require_certificate \(tls.requireClientCertificate)

                    """
                if let version = tls.minimumVersion { config += "tls_version \(version)\n" }
            }
        }
        try config.write(to: directory.appendingPathComponent("mosquitto.conf"), atomically: true, encoding: .utf8)
    }

    deinit { stop() }

    /// Starts the broker and waits until it accepts connections.
    public func start() throws {
        guard let executable = Self.executable else { throw XCTSkip("mosquitto is not installed") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-c", directory.appendingPathComponent("mosquitto.conf").path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        let deadline = Date() + 5
        while Date() < deadline {
            if Self.accepts(port: port), tlsPort.map(Self.accepts(port:)) ?? true { return }
            usleep(20_000)
        }
        throw XCTSkip("the test broker did not start listening on 127.0.0.1:\(port) within 5 s:\n\(log)")
    }

    /// Stops the broker cleanly (SIGTERM: it saves its persistence file) and waits for it.
    public func stop() {
        guard let process, process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
        self.process = nil
    }

    public var isRunning: Bool { process?.isRunning ?? false }

    /// What the broker logged, for failure messages.
    public var log: String {
        (try? String(contentsOf: directory.appendingPathComponent("broker.log"), encoding: .utf8)) ?? ""
    }

    /// A port the kernel just handed out on loopback (free unless someone grabs it in between).
    public static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw XCTSkip("cannot open a socket") }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address -> Bool in
                bind(socket, address, length) == 0 && getsockname(socket, address, &length) == 0
            }
        }
        guard bound else { throw XCTSkip("cannot bind a loopback port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Whether a socket can be bound to ::1 here (some sandboxes have no IPv6 loopback).
    static let ipv6Loopback: Bool = {
        let socket = Glibc.socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return false }
        defer { close(socket) }
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_addr = in6addr_loopback
        address.sin6_port = 0
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) == 0
            }
        }
    }()

    static func accepts(port: Int) -> Bool {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return false }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
