import Foundation
import Glibc
import XCTest

/// A Mosquitto broker of the test's own: a child process on a free loopback port with a
/// generated configuration (persistence on, so a restart keeps subscribers' sessions, as a
/// plant broker would), stopped at the end of the test.
final class MosquittoBroker {
    static let executable = ["/usr/sbin/mosquitto", "/usr/bin/mosquitto"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static let subscriberExecutable = ["/usr/bin/mosquitto_sub"].first { FileManager.default.isExecutableFile(atPath: $0) }

    let port: Int
    let directory: URL
    private var process: Process?

    /// Skips the test when Mosquitto is not installed (the aarch64 test root has none).
    static func skipUnlessInstalled() throws {
        guard executable != nil, subscriberExecutable != nil, passwordExecutable != nil else {
            throw XCTSkip("no mosquitto broker in this test root (Debian packages mosquitto and mosquitto-clients;"
                + " the aarch64 test root has none)")
        }
    }

    static var passwordExecutable: String? {
        ["/usr/bin/mosquitto_passwd"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Writes the configuration; `user` and `password` make it refuse anyone else.
    init(directory: URL, user account: String? = nil, password: String? = nil) throws {
        self.directory = directory
        port = try Self.freePort()
        // Run as root, the broker would switch to user mosquitto and lose access to the test's
        // directory: keep it as whoever runs the tests.
        let user = getpwuid(getuid()).map { String(cString: $0.pointee.pw_name) } ?? "root"
        var config = """
            user \(user)
            listener \(port) 127.0.0.1
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
        try config.write(to: directory.appendingPathComponent("mosquitto.conf"), atomically: true, encoding: .utf8)
    }

    deinit { stop() }

    /// Starts the broker and waits until it accepts connections.
    func start() throws {
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
            if Self.accepts(port: port) { return }
            usleep(20_000)
        }
        throw XCTSkip("the test broker did not start listening on 127.0.0.1:\(port) within 5 s")
    }

    /// Stops the broker cleanly (SIGTERM: it saves its persistence file) and waits for it.
    func stop() {
        guard let process, process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
        self.process = nil
    }

    /// What the broker logged, for failure messages.
    var log: String {
        (try? String(contentsOf: directory.appendingPathComponent("broker.log"), encoding: .utf8)) ?? ""
    }

    /// A port the kernel just handed out on loopback (free unless someone grabs it in between).
    private static func freePort() throws -> Int {
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

    private static func accepts(port: Int) -> Bool {
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
