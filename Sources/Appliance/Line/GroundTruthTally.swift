import Capture
import Inspection

/// How the line did against the synthetic line's ground truth: every part it recorded compared
/// with what the generator put in front of the camera (a defect or none), and the parts it
/// never saw.
public struct GroundTruthTally: Sendable, Equatable {
    /// Recorded parts that had a defect / had none.
    public private(set) var defective = 0
    public private(set) var good = 0
    /// Defective parts the actuator let pass.
    public private(set) var escapes = 0
    /// Good parts the actuator rejected.
    public private(set) var falseRejects = 0
    /// Parts rejected because the expert was unsure (counted in the two above as well).
    public private(set) var unsure = 0
    /// Escapes by defect kind.
    public private(set) var escapesByKind: [DefectKind: Int] = [:]
    private var firstPart: Int?
    private var lastPart: Int?

    public init() {}

    /// Compares one part with the truth of the frame it was decided on (none from a camera).
    public mutating func add(_ part: Part, truth: PartTruth?) {
        guard let truth else { return }
        firstPart = min(firstPart ?? truth.partNumber, truth.partNumber)
        lastPart = max(lastPart ?? truth.partNumber, truth.partNumber)
        if part.verdict == .unsure { unsure += 1 }
        if let kind = truth.defect {
            defective += 1
            if part.action == .pass {
                escapes += 1
                escapesByKind[kind, default: 0] += 1
            }
        } else {
            good += 1
            if part.action == .reject { falseRejects += 1 }
        }
    }

    /// Parts the generator made between the first and the last recorded that never reached the
    /// expert (frames dropped before inspection).
    public var unseen: Int {
        guard let firstPart, let lastPart else { return 0 }
        return lastPart - firstPart + 1 - (good + defective)
    }

    /// A few lines for people.
    public var text: String {
        func share(_ n: Int, of total: Int) -> String {
            total == 0 ? "-" : String(format: "%.1f %%", 100 * Double(n) / Double(total))
        }
        let kinds = escapesByKind.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue) \($0.value)" }
        return [
            "truth       \(good + defective) parts compared: \(good) good, \(defective) defective",
            "escapes     \(escapes) of \(defective) defective parts passed (\(share(escapes, of: defective)))"
                + (kinds.isEmpty ? "" : ": " + kinds.joined(separator: ", ")),
            "false rej.  \(falseRejects) of \(good) good parts rejected (\(share(falseRejects, of: good))); \(unsure) unsure",
            "unseen      \(unseen) parts never reached the expert",
        ].joined(separator: "\n")
    }
}
