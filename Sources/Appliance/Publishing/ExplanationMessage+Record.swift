import Explain
import Publish

extension ExplanationMessage {
    /// The message for a journalled explanation record.
    init(_ record: ExplanationRecord, line: String, station: String) {
        let answer = record.explanation.map {
            Answer(anomalous: $0.anomalous, agreesWithExpert: $0.agreesWithExpert, defectType: $0.defectType, box: $0.box,
                   location: $0.location, severity: $0.severity?.rawValue, description: $0.description,
                   confidence: $0.confidence, salvage: $0.salvage)
        }
        self.init(partID: record.partID.rawValue, status: record.status.rawValue, reason: record.reason, answer: answer,
                  model: record.model, latencyMs: record.latencyMs, queuedMs: record.queuedMs, attempts: record.attempts,
                  promptTokens: record.usage?.prompt, completionTokens: record.usage?.completion,
                  finishedAt: record.finishedAt, line: line, station: station)
    }
}
