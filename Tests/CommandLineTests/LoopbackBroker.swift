import Foundation
import Glibc
import XCTest

/// A Mosquitto broker of the test's own for the command-line tests: a child process on a free
/// loopback port, anonymous, no persistence, stopped when the value goes away.
final class LoopbackBroker {
    static let executable = ["/usr/sbin/mosquitto", "/usr/bin/mosquitto"].first { FileManager.default.isExecutableFile(atPath: $0) }

    let port: Int
    private let process = Process()

    /// Skips the test when Mosquitto is not installed.
    static func skipUnlessInstalled() throws {
        guard executable != nil else {
            throw XCTSkip("no mosquitto broker in this test root (Debian package mosquitto)")
        }
    }

    /// Writes the configuration into `directory`, starts the broker and waits until it listens.
    init(directory: URL) throws {
        guard let executable = Self.executable else { throw XCTSkip("mosquitto is not installed") }
        port = try Self.freePort()
        let user = getpwuid(getuid()).map { String(cString: $0.pointee.pw_name) } ?? "root"
        let config = directory.appendingPathComponent("mosquitto.conf")
        try """
            user \(user)
            listener \(port) 127.0.0.1
            allow_anonymous true
            log_dest file \(directory.path)/broker.log

            """.write(to: config, atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-c", config.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        guard RunningEagleEdge.poll(seconds: 5, { Self.accepts(port: port) }) else {
            throw XCTSkip("the test broker did not start listening on 127.0.0.1:\(port) within 5 s")
        }
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    private static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw XCTSkip("cannot open a socket") }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
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
