import Foundation
import XCTest

@testable import Appliance

/// The board profiles (Board/profiles): each loads as a configuration, enables the reject
/// actuator, and names only GPIO lines its own line table (`<board>.lines.tsv`) lists, so a
/// controls engineer can wire from the table without reading code.
final class BoardProfileTests: XCTestCase {
    private var profilesDirectory: URL { packageRoot().appendingPathComponent("Board/profiles") }

    private func profiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: profilesDirectory.path)
            .filter { $0.hasSuffix(".yaml") }.sorted()
    }

    /// (chip, line) pairs of a profile's line table.
    private func lineTable(_ profile: String) throws -> Set<[String]> {
        let name = String(profile.dropLast(".yaml".count)) + ".lines.tsv"
        let text = try String(contentsOf: profilesDirectory.appendingPathComponent(name), encoding: .utf8)
        var lines: Set<[String]> = []
        for row in text.split(separator: "\n") where !row.hasPrefix("#") {
            let columns = row.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            XCTAssertGreaterThanOrEqual(columns.count, 4, "\(name): \(row)")
            lines.insert([columns[0], columns[1]])
        }
        return lines
    }

    func testTheRaspberryPi5AndRK3588ProfilesExist() throws {
        let names = try profiles()
        XCTAssertTrue(names.contains("raspberry-pi-5.yaml"))
        XCTAssertTrue(names.contains("rk3588.yaml"))
    }

    func testEveryProfileLoadsAndNamesOnlyLinesOfItsTable() throws {
        for profile in try profiles() {
            let config = try ApplianceConfig.load(path: profilesDirectory.appendingPathComponent(profile).path, environment: [:])
            XCTAssertTrue(config.reject.enabled, "\(profile) enables the reject actuator")
            let table = try lineTable(profile)
            XCTAssertFalse(table.isEmpty, profile)
            let used = [config.reject.gpio, config.reject.photoEye, config.reject.encoder, config.reject.ready, config.reject.confirm]
                .compactMap { $0 }
            XCTAssertGreaterThanOrEqual(used.count, 2, "\(profile) shows the reject output and at least one more line")
            for line in used {
                XCTAssertTrue(table.contains([line.chip, line.line]), "\(profile): \(line.chip)/\(line.line) is not in its line table")
            }
        }
    }
}
