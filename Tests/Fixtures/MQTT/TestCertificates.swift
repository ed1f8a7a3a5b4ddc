import Foundation
import XCTest

/// Certificates made with `openssl` for one test: a CA, a broker certificate it signs naming
/// 127.0.0.1 and localhost, one it signs naming only another host, a client certificate it
/// signs, and a second CA that signed none of them (EC P-256 keys, valid for two days).
public struct TestCertificates {
    public let directory: URL
    public var caFile: String { path("ca.crt") }
    /// A CA that signed nothing the broker presents.
    public var otherCAFile: String { path("other-ca.crt") }
    public var serverCertificate: String { path("server.crt") }
    public var serverKey: String { path("server.key") }
    /// Signed by the CA, but naming only `elsewhere.example`.
    public var mismatchCertificate: String { path("mismatch.crt") }
    public var mismatchKey: String { path("mismatch.key") }
    public var clientCertificate: String { path("client.crt") }
    public var clientKey: String { path("client.key") }

    /// Makes them all in `directory`; skips the test when openssl is missing.
    public init(in directory: URL) throws {
        self.directory = directory
        guard let openssl = ["/usr/bin/openssl"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("openssl is not installed; the TLS tests make their certificates with it")
        }
        let key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        func run(_ arguments: [String]) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: openssl)
            process.arguments = arguments
            process.currentDirectoryURL = directory
            let errors = Pipe()
            process.standardOutput = FileHandle.nullDevice
            process.standardError = errors
            try process.run()
            let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw CertificateError(message: "openssl \(arguments.joined(separator: " ")) failed: \(text)")
            }
        }
        func authority(_ name: String, subject: String) throws {
            try run(["req", "-x509"] + key + ["-keyout", "\(name).key", "-out", "\(name).crt", "-days", "2", "-subj", subject])
        }
        func signed(_ name: String, subject: String, extensions: String) throws {
            try extensions.write(to: directory.appendingPathComponent("\(name).ext"), atomically: true, encoding: .utf8)
            try run(["req"] + key + ["-keyout", "\(name).key", "-out", "\(name).csr", "-subj", subject])
            try run(["x509", "-req", "-in", "\(name).csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                     "-out", "\(name).crt", "-days", "2", "-extfile", "\(name).ext"])
        }
        try authority("ca", subject: "/CN=EagleEdge test CA")
        try authority("other-ca", subject: "/CN=Somebody else's CA")
        try signed("server", subject: "/CN=broker", extensions: "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n")
        try signed("mismatch", subject: "/CN=elsewhere.example",
                   extensions: "subjectAltName=DNS:elsewhere.example\nextendedKeyUsage=serverAuth\n")
        try signed("client", subject: "/CN=station-7", extensions: "extendedKeyUsage=clientAuth\n")
    }

    private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    struct CertificateError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }
}
