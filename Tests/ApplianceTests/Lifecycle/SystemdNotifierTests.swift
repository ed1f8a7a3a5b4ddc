import Foundation
import XCTest
@testable import Appliance

/// The sd_notify datagrams, read from a socket the test binds where systemd's would be.
final class SystemdNotifierTests: XCTestCase {
    /// A bound Unix datagram socket at `path` ("@name" for the abstract namespace).
    private func listen(_ path: String) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        XCTAssertGreaterThanOrEqual(fd, 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(path.utf8)
        if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in bytes.enumerated() { buffer[index] = byte }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + (bytes.first == 0 ? 0 : 1))
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        XCTAssertEqual(status, 0, "bind \(path): errno \(errno)")
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        addTeardownBlock { close(fd) }
        return fd
    }

    private func receive(_ fd: Int32) -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(fd, &buffer, buffer.count, 0)
        return count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self) : nil
    }

    func testReadyStatusWatchdogAndStoppingReachTheSocket() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("notify-\(UUID().uuidString)").path
        let fd = try listen(path)
        addTeardownBlock { unlink(path) }
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": path, "WATCHDOG_USEC": "3000000"])
        XCTAssertTrue(notifier.isActive)
        XCTAssertEqual(notifier.watchdogInterval, 3)
        notifier.ready(status: "inspecting")
        XCTAssertEqual(receive(fd), "READY=1\nSTATUS=inspecting")
        notifier.watchdog()
        XCTAssertEqual(receive(fd), "WATCHDOG=1")
        notifier.stopping()
        XCTAssertEqual(receive(fd), "STOPPING=1")
    }

    func testAbstractNamespaceSocket() throws {
        let name = "@eagle-edge-test-\(UUID().uuidString)"
        let fd = try listen(name)
        SystemdNotifier(environment: ["NOTIFY_SOCKET": name]).status("3 parts")
        XCTAssertEqual(receive(fd), "STATUS=3 parts")
    }

    func testInertWithoutSystemdAndForAnotherProcessesWatchdog() {
        let none = SystemdNotifier(environment: [:])
        XCTAssertFalse(none.isActive)
        XCTAssertNil(none.watchdogInterval)
        none.ready(status: "nobody listens") // must not fail
        XCTAssertNil(SystemdNotifier(environment: ["WATCHDOG_USEC": "1000000", "WATCHDOG_PID": "1"]).watchdogInterval,
                     "the watchdog is another process's")
        XCTAssertFalse(SystemdNotifier(environment: ["NOTIFY_SOCKET": "relative/path"]).isActive)
    }
}
