import EagleLog
import Explain
import Foundation
import Imaging
import Inspection
import TestFixtures
import XCTest

/// The explainer against the stand-in endpoint, failing in each way a real one does; every part
/// submitted must end with exactly one outcome, and the key must never reach a log.
final class ExplainerTests: XCTestCase {
    static let key = "sk-test-7f3a9c2e5b"
    var server: StandInLLM!
    let log = CapturedLog()
    let outcomes = OutcomeLog()

    override func setUpWithError() throws {
        server = try StandInLLM()
    }

    override func tearDown() {
        server = nil
    }

    func explainer(_ options: ExplainerOptions = ExplainerOptions(timeout: 5, retries: 2, backoff: Backoff(base: 0.01, cap: 0.05)),
                   references: ReferenceSet? = nil) -> Explainer {
        let outcomes = self.outcomes
        return Explainer(endpoint: ChatEndpoint(baseURL: server.baseURL, apiKey: Self.key),
                         settings: PromptSettings(model: "stand-in-vl", product: "demo", imageSize: 256, knowledge: demoKnowledge),
                         options: options, references: references,
                         logger: Logger(label: "explain", minimumLevel: .debug, format: .plain, sink: log),
                         random: { 0.5 }, onOutcome: { outcomes.append($0) })
    }

    /// Submits `count` parts, waits for their outcomes, closes, and returns them by part.
    func run(_ explainer: Explainer, parts count: Int) -> [ExplanationRecord] {
        for id in 1...count { XCTAssertTrue(explainer.submit(flaggedSubject(id: Int64(id)))) }
        XCTAssertTrue(explainer.flush(timeout: 60))
        explainer.close()
        let records = outcomes.records
        XCTAssertEqual(records.map(\.partID.rawValue).sorted(), Array(1...Int64(count)), "one outcome per part")
        for line in log.lines { XCTAssertFalse(line.contains(Self.key), "the key was logged: \(line)") }
        for record in records { XCTAssertFalse(record.reason?.contains(Self.key) ?? false) }
        return records.sorted { $0.partID < $1.partID }
    }

    func testGoodAnswerIsExplainedAndTheRequestCarriesTheEvidence() throws {
        var good = RGBImage(width: 320, height: 240, fill: 171)
        good.fill(Rect(x: 5, y: 5, width: 4, height: 4), color: .white)
        let records = run(explainer(references: try ReferenceSet(images: [good])), parts: 1)
        let record = try XCTUnwrap(records.first)
        XCTAssertEqual(record.status, .explained, record.reason ?? "")
        XCTAssertEqual(record.explanation?.defectType, "scratch")
        XCTAssertEqual(record.explanation?.salvage, [])
        XCTAssertEqual(record.model, "stand-in-vl")
        XCTAssertEqual(record.usage, TokenUsage(prompt: 1234, completion: 56))
        XCTAssertEqual(record.attempts, 1)
        XCTAssertNotNil(record.latencyMs)

        let sent = try server.requests()
        XCTAssertEqual(sent.count, 1)
        XCTAssertEqual(sent[0]["path"], "/v1/chat/completions")
        XCTAssertEqual(sent[0]["headers"]?["authorization"], .string("Bearer \(Self.key)"))
        let body = try XCTUnwrap(sent[0]["body"])
        XCTAssertEqual(body["model"], "stand-in-vl")
        XCTAssertEqual(body["response_format"]?["json_schema"]?["name"], "part_explanation")
        let content = userContent(body)
        let images = try content.images.map { try JPEG.decodeRGB(try XCTUnwrap(jpegBytes(dataURL: $0))) }
        XCTAssertEqual(images.count, 3, "reference, original, boxed")
        XCTAssertEqual(images.map { max($0.width, $0.height) }, [256, 256, 256])
        XCTAssertEqual(images.map(redPixels).map { $0 > 100 }, [false, false, true], "boxes only on the boxed image")
        XCTAssertFalse(content.text.contains("0.8374"))
        XCTAssertFalse(content.text.lowercased().contains("score"))
    }

    func testFencedProseTruncatedAndRenamedAnswersAreSalvaged() throws {
        try server.script([
            ["kind": "fenced"],
            ["kind": "prose", "text": "The cap shows a dark scratch near the top edge. It should be rejected. Thanks."],
            ["kind": "truncated"],
            ["kind": "content", "text": "{\"is_defective\": true, \"explanation\": \"A dent on the rim.\", \"type\": \"dent\"}"],
        ])
        let records = run(explainer(ExplainerOptions(concurrency: 1, timeout: 5)), parts: 4)
        XCTAssertEqual(records.map(\.status), [.explained, .explained, .explained, .explained], "\(records.map(\.reason))")
        XCTAssertEqual(records[0].explanation?.salvage, ["answer in a Markdown fence"])
        XCTAssertEqual(records[1].explanation?.description, "The cap shows a dark scratch near the top edge. It should be rejected.")
        XCTAssertTrue(records[2].explanation?.salvage.contains("answer cut off and repaired") ?? false)
        XCTAssertEqual(records[3].explanation?.defectType, "dent")
        XCTAssertEqual(explainerCountersSalvaged(records), 4)
    }

    private func explainerCountersSalvaged(_ records: [ExplanationRecord]) -> Int {
        records.filter { !($0.explanation?.salvage.isEmpty ?? true) }.count
    }

    func testGarbageAndWrongFieldsFailWithTheirReason() throws {
        try server.script([["kind": "garbage"], ["kind": "content", "text": "{\"foo\": 1}"]])
        let records = run(explainer(ExplainerOptions(concurrency: 1, timeout: 5)), parts: 2)
        XCTAssertEqual(records.map(\.status), [.failed, .failed])
        XCTAssertTrue(records[0].reason?.hasPrefix("the response is not JSON") ?? false, records[0].reason ?? "")
        XCTAssertEqual(records[1].reason, "the answer lacks a description (fields: foo)")
        XCTAssertEqual(records.map(\.attempts), [1, 1], "an unreadable answer is not retried")
    }

    func testRetryAfterIsHonouredThenTheAnswerCounts() throws {
        try server.script([["kind": "status", "code": 429, "retry_after": 1], ["kind": "status", "code": 503]])
        let explainer = explainer()
        let records = run(explainer, parts: 1)
        XCTAssertEqual(records[0].status, .explained)
        XCTAssertEqual(records[0].attempts, 3)
        XCTAssertGreaterThanOrEqual(records[0].latencyMs ?? 0, 1000, "the retry waited for Retry-After")
        XCTAssertEqual(explainer.counters.retries, 2)
    }

    func testServerErrorsAndResetsFailAfterTheRetries() throws {
        // The reset first, on a fresh connection: libcurl itself retries a request whose reused
        // connection died before answering, which would take the next scenario.
        try server.script([["kind": "reset"], ["kind": "status", "code": 500], ["kind": "status", "code": 502]])
        let records = run(explainer(), parts: 1)
        XCTAssertEqual(records[0].status, .failed)
        XCTAssertEqual(records[0].attempts, 3)
        XCTAssertEqual(records[0].reason, "HTTP 502: stand-in failure (after 3 attempts)")
    }

    func testQuotaRetryAfterGivesUpAtOnceAndPausesTheEndpoint() throws {
        try server.script([["kind": "status", "code": 429, "retry_after": 3600, "message": "quota exceeded"]])
        let explainer = explainer(ExplainerOptions(concurrency: 1, timeout: 5, retries: 3, maxRetryAfter: 30))
        let records = run(explainer, parts: 2)
        XCTAssertEqual(records.map(\.status), [.failed, .notExplained])
        XCTAssertEqual(records[0].attempts, 1)
        XCTAssertTrue(records[0].reason?.contains("retry after 3600 s") ?? false, records[0].reason ?? "")
        XCTAssertTrue(records[1].reason?.hasPrefix("endpoint paused after repeated failures") ?? false)
        XCTAssertEqual(try server.requests().count, 1, "no call while paused")
    }

    func testSlowAnswerTimesOut() throws {
        try server.script([["kind": "slow", "seconds": 3]])
        let records = run(explainer(ExplainerOptions(timeout: 1, retries: 0)), parts: 1)
        XCTAssertEqual(records[0].status, .failed)
        XCTAssertTrue(records[0].reason?.contains("curl 28") ?? false, records[0].reason ?? "")
    }

    func testEndlessStreamIsCutOff() throws {
        try server.script([["kind": "endless"]])
        let records = run(explainer(ExplainerOptions(timeout: 20, retries: 0, maxResponseBytes: 64 << 10)), parts: 1)
        XCTAssertEqual(records[0].status, .failed)
        XCTAssertTrue(records[0].reason?.contains("passed 65536 bytes") ?? false, records[0].reason ?? "")
    }

    func testCircuitOpensThenAProbeClosesIt() throws {
        try server.script([["kind": "status", "code": 500], ["kind": "status", "code": 500]])
        let explainer = explainer(ExplainerOptions(concurrency: 1, timeout: 5, retries: 0, breakerFailures: 2, breakerPause: 1))
        for id in 1...4 { explainer.submit(flaggedSubject(id: Int64(id))) }
        XCTAssertTrue(explainer.flush(timeout: 30))
        XCTAssertEqual(explainer.counters.breaker, "open")
        // Past the pause the next part is the probe; the stand-in answers again.
        Thread.sleep(forTimeInterval: 1.2)
        explainer.submit(flaggedSubject(id: 5))
        explainer.submit(flaggedSubject(id: 6))
        XCTAssertTrue(explainer.flush(timeout: 30))
        XCTAssertEqual(explainer.counters.breaker, "closed")
        explainer.close()
        let records = outcomes.records.sorted { $0.partID < $1.partID }
        XCTAssertEqual(records.map(\.status), [.failed, .failed, .notExplained, .notExplained, .explained, .explained])
        XCTAssertEqual(try server.requests().count, 4, "nothing sent while open")
        XCTAssertEqual(explainer.counters.breakerOpened, 1)
    }

    func testFullQueueDropsTheOldestAndSaysSo() throws {
        try server.script([["kind": "slow", "seconds": 1]])
        let explainer = explainer(ExplainerOptions(queueCapacity: 2, concurrency: 1, timeout: 5, retries: 0))
        XCTAssertTrue(explainer.submit(flaggedSubject(id: 1)))
        // Part 1 is in flight once the stand-in has it; then 2...6 compete for two places.
        let deadline = Date() + 10
        while try server.requests().isEmpty, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        for id in 2...6 { explainer.submit(flaggedSubject(id: Int64(id))) }
        XCTAssertTrue(explainer.flush(timeout: 30))
        explainer.close()
        let records = outcomes.records.sorted { $0.partID < $1.partID }
        XCTAssertEqual(records.map(\.status), [.explained, .notExplained, .notExplained, .notExplained, .explained, .explained])
        XCTAssertEqual(records[1].reason, "queue full (2): dropped for a newer part")
        XCTAssertEqual(explainer.counters.dropped, 3)
    }

    func testCloseCutsARequestInFlightShortAndReportsTheQueued() throws {
        try server.script([["kind": "slow", "seconds": 20]])
        let explainer = explainer(ExplainerOptions(concurrency: 1, timeout: 30, retries: 0))
        explainer.submit(flaggedSubject(id: 1))
        explainer.submit(flaggedSubject(id: 2))
        let deadline = Date() + 10
        while try server.requests().isEmpty, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        explainer.close(timeout: 10)
        let records = outcomes.records.sorted { $0.partID < $1.partID }
        XCTAssertEqual(records.map(\.status), [.failed, .notExplained], "both outcomes reported by the time close returns")
        XCTAssertEqual(records.first?.reason, "the appliance stopped during the request")
        XCTAssertEqual(records.last?.reason, "the appliance stopped before it was sent")
    }

    func testPassAndNotInspectedPartsAreNotQueued() {
        let explainer = explainer()
        var pass = flaggedSubject(id: 1)
        pass.part.verdict = .pass
        var unknown = flaggedSubject(id: 2)
        unknown.part.verdict = nil
        XCTAssertFalse(explainer.submit(pass))
        XCTAssertFalse(explainer.submit(unknown))
        XCTAssertTrue(explainer.submit(flaggedSubject(id: 3, verdict: .unsure)))
        XCTAssertTrue(explainer.flush(timeout: 30))
        explainer.close()
        XCTAssertEqual(outcomes.records.map(\.partID.rawValue), [3])
    }

    func testUnreachableEndpointFailsWithCurlsMessage() throws {
        let outcomes = self.outcomes
        let explainer = Explainer(endpoint: ChatEndpoint(baseURL: "http://127.0.0.1:1/v1", apiKey: Self.key),
                                  settings: PromptSettings(model: "m", product: "demo"),
                                  options: ExplainerOptions(timeout: 2, retries: 1, backoff: Backoff(base: 0.01, cap: 0.02)),
                                  logger: Logger(label: "explain", format: .plain, sink: log), onOutcome: { outcomes.append($0) })
        explainer.submit(flaggedSubject())
        XCTAssertTrue(explainer.flush(timeout: 30))
        explainer.close()
        let record = try XCTUnwrap(outcomes.records.first)
        XCTAssertEqual(record.status, .failed)
        XCTAssertEqual(record.attempts, 2)
        XCTAssertTrue(record.reason?.contains("curl 7") ?? false, record.reason ?? "")
    }
}
