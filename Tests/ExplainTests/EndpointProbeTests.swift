import Explain
import TestFixtures
import XCTest

final class EndpointProbeTests: XCTestCase {
    func testProbeListsTheModelsWithTheKey() throws {
        let server = try StandInLLM()
        let finding = EndpointProbe.probe(ChatEndpoint(baseURL: server.baseURL, apiKey: "k-123456"), model: "stand-in-vl")
        XCTAssertTrue(finding.reachable)
        XCTAssertEqual(finding.models, ["stand-in-vl"])
        XCTAssertTrue(finding.detail.hasSuffix("stand-in-vl among them"), finding.detail)
        XCTAssertFalse(finding.detail.contains("k-123456"))
    }

    func testProbeOfAClosedPortSaysItCannotBeReached() {
        let finding = EndpointProbe.probe(ChatEndpoint(baseURL: "http://127.0.0.1:1/v1"), model: nil, timeout: 2)
        XCTAssertFalse(finding.reachable)
        XCTAssertTrue(finding.detail.contains("cannot be reached"), finding.detail)
    }
}
