import Foundation
import Glibc
import TestFixtures
import XCTest

/// The libgpiod v2 path of the C shim against the virtual board's gpio-sim chip. The appliance
/// runs in the guest with the host's libgpiod 1.6 (VirtualBoardRejectTests), so v2, the board's
/// API, runs here through `eagle-gpiod-v2`: the same unmodified `Sources/CEagleShims/gpiod.c`
/// compiled against Debian trixie's libgpiod 2 by `Packaging/gpiod-v2/build.sh`. Outputs it sets
/// are read on the simulator's side (`value`), inputs are driven there (`pull`), as the outside
/// world would.
final class VirtualBoardGPIOv2Tests: XCTestCase {
    static let harness = EagleEdgeProcess.packageRoot.appendingPathComponent(".build/gpiod-v2/eagle-gpiod-v2").path

    /// Something the test needs is not there: a failure, never a skip, so a CI run that never
    /// exercised v2 cannot pass for one that did.
    struct Missing: Error, CustomStringConvertible {
        let description: String

        static let harness = Missing(description: "\(VirtualBoardGPIOv2Tests.harness) is missing: build it on the host "
            + "with Packaging/gpiod-v2/build.sh (Packaging/test.sh does so before booting the board)")
    }

    private var label = ""
    private var sysfs = ""
    /// Line names by offset (Board/virtual/gpio-lines.tsv).
    private var names: [Int: String] = [:]

    override func setUpWithError() throws {
        let environment = ProcessInfo.processInfo.environment
        guard environment["EAGLE_VIRTUAL_BOARD"] == "1" else { throw XCTSkip(VirtualBoard.notHere) }
        guard let label = environment["EAGLE_GPIO_SIM_LABEL"], let sysfs = environment["EAGLE_GPIO_SIM_SYSFS"],
              let table = environment["EAGLE_GPIO_LINES"] else {
            throw Missing(description: "the virtual board gives no gpio-sim chip (EAGLE_GPIO_SIM_LABEL, EAGLE_GPIO_SIM_SYSFS, EAGLE_GPIO_LINES)")
        }
        self.label = label
        self.sysfs = sysfs
        for row in try String(contentsOfFile: table, encoding: .utf8).split(separator: "\n") where !row.hasPrefix("#") {
            let columns = row.split(separator: "\t")
            if columns.count >= 2, let offset = Int(columns[0]) { names[offset] = String(columns[1]) }
        }
        guard FileManager.default.isExecutableFile(atPath: Self.harness) else { throw Missing.harness }
    }

    // MARK: - Sim side

    private func offset(_ name: String) throws -> Int {
        try XCTUnwrap(names.first { $0.value == name }?.key, "\(name) is not in gpio-lines.tsv")
    }

    private func pull(_ offset: Int, up: Bool) throws {
        try Data((up ? "pull-up" : "pull-down").utf8).write(to: URL(fileURLWithPath: "\(sysfs)/sim_gpio\(offset)/pull"))
    }

    /// The line's physical level as the simulator sees it.
    private func simValue(_ offset: Int) throws -> String {
        try String(contentsOfFile: "\(sysfs)/sim_gpio\(offset)/value", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    // MARK: - The tests

    func testHarnessRunsLibgpiodV2AndListsTheSimChip() throws {
        let info = try Harness.run(["info", label])
        XCTAssertEqual(info.status, 0, info.stderr)
        let rows: [[String]] = info.stdout.split(separator: "\n").map { row in row.split(separator: " ").map(String.init) }
        let api = try XCTUnwrap(rows.first { $0.first == "api" }, info.stdout)
        XCTAssertEqual(api.dropFirst().first, "2", "built against libgpiod v2: \(info.stdout)")
        XCTAssertTrue(api.last?.hasPrefix("2.") ?? false, "the library's version is 2.x: \(info.stdout)")
        let chip = try XCTUnwrap(rows.first { $0.first == "chip" }, info.stdout)
        XCTAssertEqual(chip.dropFirst(2).first, label)
        XCTAssertEqual(chip.last, "\(names.count)")
        let lines = rows.filter { $0.first == "line" }
        XCTAssertEqual(lines.count, names.count, info.stdout)
        for line in lines where line.count >= 3 {
            XCTAssertEqual(line[2], Int(line[1]).flatMap { names[$0] }, "the names of gpio-lines.tsv: \(line)")
        }
        print("virtual-board gpiod v2: \(api.joined(separator: " "))")
    }

    func testOutputSetThroughV2ReadsBackOnTheSimAndActiveLowInvertsIt() throws {
        let reject = try offset("REJECT")
        for (logical, activeLow, physical) in [(1, false, "1"), (0, false, "0"), (1, true, "0"), (0, true, "1")] {
            var arguments = ["set", label, "REJECT", "\(logical)", "60000"]
            if activeLow { arguments.append("active-low") }
            let held = try Harness(arguments)
            XCTAssertEqual(try held.waitFor("holding"), ["holding", "\(reject)", "\(logical)"], "the line reads back its logical value")
            XCTAssertEqual(try simValue(reject), physical, "logical \(logical)\(activeLow ? ", active-low" : "") on the sim's side")
            // While held, the kernel tells everyone who holds it and how.
            let info = try Harness.run(["info", label])
            let row = info.stdout.split(separator: "\n").first { $0.hasPrefix("line \(reject) ") }.map(String.init) ?? info.stdout
            XCTAssertEqual(row, "line \(reject) REJECT output \(activeLow ? "active-low" : "active-high") as-is eagle-gpiod-v2")
            let outcome = held.finish()
            XCTAssertEqual(outcome.status, 0, outcome.stderr)
            XCTAssertEqual(try simValue(reject), "0", "released, the line falls back to the sim's pull-down: inactive")
        }
    }

    func testEdgesDrivenOnTheSimArriveThroughV2InOrderOnTheMonotonicClock() throws {
        let spare = try offset("SPARE")
        try pull(spare, up: false)
        let pulses = 3
        let watch = try Harness(["watch", label, "SPARE", "\(2 * pulses)", "60000"])
        XCTAssertEqual(try watch.waitFor("watching"), ["watching", "\(spare)", "0"], "the input starts low")
        // Paced: gpio-sim merges edges that come faster than its interrupt work runs.
        var written: [UInt64] = []
        for _ in 0..<pulses {
            for up in [true, false] {
                written.append(Self.monotonicNs())
                try pull(spare, up: up)
                usleep(100_000)
            }
        }
        let end = Self.monotonicNs()
        let outcome = watch.finish()
        XCTAssertEqual(outcome.status, 0, "every edge came before the timeout: \(outcome.stdout) \(outcome.stderr)")
        let rows: [[String]] = outcome.stdout.split(separator: "\n").map { row in row.split(separator: " ").map(String.init) }
        let edges = rows.filter { row in row.first == "edge" && row.count == 4 }
        XCTAssertEqual(edges.count, 2 * pulses, outcome.stdout)
        guard edges.count == 2 * pulses else { return }
        var previous: UInt64 = 0
        for (index, edge) in edges.enumerated() {
            XCTAssertEqual(edge[1], "\(index + 1)", "the kernel's line sequence number")
            XCTAssertEqual(edge[2], index % 2 == 0 ? "rising" : "falling", "edge \(index + 1)")
            let stamp = try XCTUnwrap(UInt64(edge[3]), "\(edge)")
            XCTAssertGreaterThan(stamp, previous, "timestamps increase")
            // CLOCK_MONOTONIC, the clock of this process: never before the pull that caused it.
            XCTAssertGreaterThanOrEqual(stamp, written[index], "edge \(index + 1) is stamped after its pull was written")
            XCTAssertLessThanOrEqual(stamp, end, "edge \(index + 1) is stamped before the last pull was done")
            previous = stamp
        }
        let first = UInt64(edges[0][3]) ?? previous
        let spanMs = Double(previous - first) / 1e6
        print("virtual-board gpiod v2: \(edges.count) edges, first to last \(spanMs) ms")
    }

    static func monotonicNs() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }
}

/// One run of `eagle-gpiod-v2`, read line by line while it runs.
private final class Harness {
    let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private let errors = Pipe()
    private var buffered = Data()

    init(_ arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: VirtualBoardGPIOv2Tests.harness)
        process.arguments = arguments
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
    }

    /// Runs to the end with stdin closed.
    static func run(_ arguments: [String]) throws -> EagleEdgeProcess.Outcome {
        try Harness(arguments).finish()
    }

    /// The words of the first line starting with `word` (stdout is read up to it); empty when the
    /// harness ended without printing one.
    func waitFor(_ word: String) throws -> [String] {
        while true {
            while let newline = buffered.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffered[buffered.startIndex..<newline], as: UTF8.self)
                buffered = Data(buffered[buffered.index(after: newline)...])
                let words = line.split(separator: " ").map(String.init)
                if words.first == word { return words }
            }
            let more = output.fileHandleForReading.availableData
            if more.isEmpty { return [] }
            buffered.append(more)
        }
    }

    /// Closes stdin (a held output is released) and waits for the end.
    func finish() -> EagleEdgeProcess.Outcome {
        try? input.fileHandleForWriting.close()
        let rest = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return EagleEdgeProcess.Outcome(status: process.terminationStatus,
                                        stdout: String(decoding: buffered + rest, as: UTF8.self),
                                        stderr: String(decoding: stderr, as: UTF8.self))
    }
}
