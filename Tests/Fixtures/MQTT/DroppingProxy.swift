import Foundation
import XCTest

/// A TCP proxy on a free loopback port in front of a broker that cuts every connection through
/// it every `interval` seconds, as a flaky network or a load balancer would (a small Python
/// script, so the cut is made by a process independent of the code under test).
public final class DroppingProxy {
    public private(set) var port = 0
    private let process = Process()
    private let output = Pipe()

    public init(targetPort: Int, interval: Double) throws {
        let script = """
            from socket import SHUT_RDWR, SO_REUSEADDR, SOL_SOCKET, create_connection, socket
            from sys import argv
            from threading import Lock, Thread
            from time import sleep
            target, interval = int(argv[1]), float(argv[2])
            server = socket()
            server.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)
            server.bind(("127.0.0.1", 0))
            server.listen(16)
            print(server.getsockname()[1], flush=True)
            open_sockets, lock = [], Lock()
            def pipe(source, sink):
                try:
                    while True:
                        data = source.recv(65536)
                        if not data:
                            break
                        sink.sendall(data)
                except OSError:
                    pass
                for s in (source, sink):
                    try:
                        s.shutdown(SHUT_RDWR)
                    except OSError:
                        pass
            def cut():
                while True:
                    sleep(interval)
                    with lock:
                        for s in open_sockets:
                            try:
                                s.shutdown(SHUT_RDWR)
                            except OSError:
                                pass
                        open_sockets.clear()
            Thread(target=cut, daemon=True).start()
            while True:
                client, _ = server.accept()
                try:
                    upstream = create_connection(("127.0.0.1", target))
                except OSError:
                    client.close()
                    continue
                with lock:
                    open_sockets.extend([client, upstream])
                Thread(target=pipe, args=(client, upstream), daemon=True).start()
                Thread(target=pipe, args=(upstream, client), daemon=True).start()
            """
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, "\(targetPort)", "\(interval)"]
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw XCTSkip("python3 is not available for the dropping proxy")
        }
        var text = ""
        while !text.contains("\n") {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
        }
        guard let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw XCTSkip("the dropping proxy did not start")
        }
        self.port = port
    }

    deinit { stop() }

    public func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }
}
