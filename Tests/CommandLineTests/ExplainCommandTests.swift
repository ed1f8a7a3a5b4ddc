import Explain
import Foundation
import TestFixtures
import XCTest

/// `eagle-edge explain` as an integrator runs it: what would leave the plant (dry run), then the
/// answers of an endpoint (the stand-in), with the key from a file and never printed.
final class ExplainCommandTests: XCTestCase {
    static let bottle = ExpertCommandTests.data + "/mvtec_ad/bottle"

    func testDryRunWritesTheRequestThenTheEndpointExplains() throws {
        let dir = try scratch()
        let good = dir.appendingPathComponent("good")
        try FileManager.default.createDirectory(at: good, withIntermediateDirectories: true)
        for i in 0..<10 {
            let name = String(format: "%03d.png", i * 20)
            try FileManager.default.copyItem(atPath: Self.bottle + "/train/good/" + name, toPath: good.appendingPathComponent(name).path)
        }
        let model = dir.appendingPathComponent("bottle.eagle").path
        let taught = try EagleEdgeProcess.run(["teach", "--coreset-ratio", "0.05", "--quantization-images", "4", "--out", model, good.path])
        XCTAssertEqual(taught.status, 0, taught.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: model + ".refs").count, 8, "references kept beside the model")

        let server = try StandInLLM()
        let key = "sk-cli-9d8c7b6a"
        try key.write(to: dir.appendingPathComponent("mllm.key"), atomically: true, encoding: .utf8)
        try """
            defect: broken_large - a large piece of the rim missing
            defect: contamination - a foreign object on the bottle
            """.write(to: dir.appendingPathComponent("knowledge.txt"), atomically: true, encoding: .utf8)
        let config = dir.appendingPathComponent("site.yaml").path
        try """
            recipe:
              name: bottle
              knowledge: knowledge.txt
            mllm:
              enabled: true
              endpoint: \(server.baseURL)
              model: stand-in-vl
              api_key_file: mllm.key
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let defect = Self.bottle + "/test/broken_large/000.png", normal = Self.bottle + "/test/good/000.png"

        let requests = dir.appendingPathComponent("requests").path
        let dry = try EagleEdgeProcess.run(["explain", "--model", model, "--config", config, "--dry-run", requests, defect, normal])
        XCTAssertEqual(dry.status, 0, dry.stderr)
        XCTAssertTrue(dry.stdout.contains("good/000.png  pass: not flagged"), dry.stdout)
        let written = requests + "/broken_large_000"
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: written).sorted(),
                       ["boxed.jpg", "original.jpg", "reference.jpg", "request.json"])
        let body = try String(contentsOfFile: written + "/request.json", encoding: .utf8)
        XCTAssertTrue(body.contains("The inspection system flagged this part as anomalous."))
        XCTAssertTrue(body.contains("broken_large - a large piece of the rim missing"))
        XCTAssertFalse(body.contains(key))
        XCTAssertEqual(try server.requests().count, 0, "a dry run sends nothing")

        try server.script([["kind": "json", "answer": [
            "anomalous": true, "agrees_with_expert": true, "defect_type": "broken_large", "box": 1,
            "location": "right side of the rim", "severity": "critical",
            "description": "A large piece of the rim is missing. Reject the bottle.", "confidence": 0.93,
        ]]])
        let asked = try EagleEdgeProcess.run(["explain", "--model", model, "--config", config, defect])
        XCTAssertEqual(asked.status, 0, asked.stderr)
        XCTAssertTrue(asked.stdout.contains("broken_large/000.png  reject: explained by stand-in-vl"), asked.stdout)
        XCTAssertTrue(asked.stdout.contains("defect broken_large, box 1, at right side of the rim, severity critical"), asked.stdout)
        XCTAssertTrue(asked.stdout.contains("A large piece of the rim is missing."), asked.stdout)
        XCTAssertFalse(asked.stdout.contains(key) || asked.stderr.contains(key), "the key is never printed")
        let sent = try server.requests()
        XCTAssertEqual(sent.count, 1)
        XCTAssertEqual(sent[0]["headers"]?["authorization"]?.stringValue, "Bearer \(key)")
        // What was sent is what the dry run wrote.
        XCTAssertEqual(sent[0]["body"], try JSONValue.parse(Array(Data(contentsOf: URL(fileURLWithPath: written + "/request.json")))))

        let probe = try EagleEdgeProcess.run(["check-config", "--quiet", "--probe", config])
        XCTAssertEqual(probe.status, 0, probe.stderr)
        XCTAssertTrue(probe.stdout.contains("stand-in-vl among them"), probe.stdout)
    }
}
