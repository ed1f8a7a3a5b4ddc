import Explain
import XCTest

/// Answers as servers really give them: exact JSON, fenced, in prose, cut off, renamed, garbage.
final class AnswerParserTests: XCTestCase {
    let good = """
        {"anomalous": true, "agrees_with_expert": true, "defect_type": "scratch", "box": 1,
         "location": "upper left of the cap", "severity": "major",
         "description": "A thin scratch runs across the top of the cap. Reject the part.", "confidence": 0.86}
        """

    func parse(_ text: String, truncated: Bool = false) -> Result<Explanation, AnswerFailure> {
        AnswerParser.answer(text, truncated: truncated, boxCount: 2, knowledge: demoKnowledge)
    }

    func testExactJSONIsReadWithoutSalvage() throws {
        let explanation = try parse(good).get()
        XCTAssertEqual(explanation, Explanation(anomalous: true, agreesWithExpert: true, defectType: "scratch", box: 1,
                                                location: "upper left of the cap", severity: .major,
                                                description: "A thin scratch runs across the top of the cap. Reject the part.",
                                                confidence: 0.86))
    }

    func testFencedJSONIsReadAndNoted() throws {
        let explanation = try parse("Here is my assessment:\n```json\n\(good)\n```\nHope this helps.").get()
        XCTAssertEqual(explanation.defectType, "scratch")
        XCTAssertEqual(explanation.salvage, ["answer in a Markdown fence"])
    }

    func testJSONInsideProseIsRead() throws {
        let explanation = try parse("Sure. \(good) Let me know.").get()
        XCTAssertEqual(explanation.box, 1)
        XCTAssertEqual(explanation.salvage, ["JSON inside prose"])
    }

    func testTruncatedAnswerKeepsItsCompleteFields() throws {
        let cut = String(good.prefix(good.range(of: "\"description\"")!.upperBound.utf16Offset(in: good) + 20))
        let explanation = try parse(cut, truncated: true).get()
        XCTAssertEqual(explanation.anomalous, true)
        XCTAssertEqual(explanation.severity, .major)
        XCTAssertTrue(explanation.description.hasPrefix("A thin scratch"))
        XCTAssertNil(explanation.confidence)
        XCTAssertTrue(explanation.salvage.contains("answer cut off and repaired"), "\(explanation.salvage)")
        XCTAssertTrue(explanation.salvage.contains("missing: confidence"), "\(explanation.salvage)")
    }

    func testAnswerCutBeforeAnyDescriptionFails() {
        guard case .failure(let failure) = parse("{\"anomalous\": true, \"agrees_with", truncated: true) else {
            return XCTFail("a cut-off answer without a description must fail")
        }
        XCTAssertTrue(failure.reason.contains("lacks a description"), failure.reason)
    }

    func testProseKeepsTwoSentencesAsTheDescription() throws {
        let explanation = try parse("The cap has a dark scratch near the top. It looks deep. Replace the tool.").get()
        XCTAssertEqual(explanation.description, "The cap has a dark scratch near the top. It looks deep.")
        XCTAssertNil(explanation.anomalous)
        XCTAssertEqual(explanation.salvage, ["prose answer: only the description kept"])
    }

    func testSchemaIgnoringFieldNamesAreMapped() throws {
        let explanation = try parse("""
            {"is_defective": "yes", "type": "Dent", "explanation": "The rim is bent inwards.", "severity": "high",
             "confidence": 90}
            """).get()
        XCTAssertEqual(explanation.anomalous, true)
        XCTAssertEqual(explanation.defectType, "dent")
        XCTAssertEqual(explanation.severity, .critical)
        XCTAssertEqual(explanation.confidence, 0.9)
        XCTAssertEqual(explanation.description, "The rim is bent inwards.")
        XCTAssertTrue(explanation.salvage.contains { $0.hasPrefix("fields renamed by the server") }, "\(explanation.salvage)")
    }

    func testDefectTypeOutsideTheRecipeBecomesOther() throws {
        let explanation = try parse(good.replacingOccurrences(of: "\"scratch\"", with: "\"crack\"")).get()
        XCTAssertEqual(explanation.defectType, "other")
    }

    func testBoxBeyondThoseShownIsDropped() throws {
        let explanation = try parse(good.replacingOccurrences(of: "\"box\": 1", with: "\"box\": 7")).get()
        XCTAssertNil(explanation.box)
        XCTAssertTrue(explanation.salvage.contains { $0.contains("box 7") })
    }

    func testWrongFieldsFailWithTheFieldsNamed() {
        guard case .failure(let failure) = parse("{\"foo\": 1, \"bar\": [2]}") else { return XCTFail("must fail") }
        XCTAssertEqual(failure.reason, "the answer lacks a description (fields: bar, foo)")
    }

    func testGarbageBodyFails() {
        let completion = AnswerParser.completion(Array("<html>oops</html>".utf8), boxCount: 1, knowledge: nil)
        guard case .failure(let failure) = completion.answer else { return XCTFail("must fail") }
        XCTAssertTrue(failure.reason.hasPrefix("the response is not JSON"), failure.reason)
    }

    func testCompletionCarriesModelAndUsage() throws {
        let body = try JSONValue.object([
            "model": "qwen2.5-vl",
            "choices": [["message": ["role": "assistant", "content": .string(good)], "finish_reason": "stop"]],
            "usage": ["prompt_tokens": 1200, "completion_tokens": 60],
        ]).encoded()
        let completion = AnswerParser.completion(body, boxCount: 2, knowledge: demoKnowledge)
        XCTAssertEqual(completion.model, "qwen2.5-vl")
        XCTAssertEqual(completion.usage, TokenUsage(prompt: 1200, completion: 60))
        XCTAssertEqual(try completion.answer.get().severity, .major)
    }

    func testKnowledgeFileListsDefectTypes() {
        XCTAssertEqual(demoKnowledge.defectTypes, ["scratch", "dent"])
        XCTAssertFalse(demoKnowledge.text.contains("# demo product"))
        XCTAssertTrue(demoKnowledge.text.hasPrefix("A round white bottle cap"))
    }
}
