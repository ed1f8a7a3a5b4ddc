/// What a line running on one threshold would do with a labelled test set: the figures a
/// controls engineer chooses a threshold by, rather than AUROC.
///
/// - At the model's label-free threshold: escapes and false rejects per defect type.
/// - At false-reject targets (1 %, 2 %, 5 % by default): the lowest escape rate any threshold
///   reaches without rejecting more than that share of the test set's good parts. It uses the
///   labels, so it is the best the scores allow, the yardstick for a label-free threshold.
/// - The trade-off curve between them, and how far the label-free threshold itself moves when
///   the held-out good images are drawn again (``ThresholdSpread``).
public struct OperatingPoint: Sendable, Equatable {
    /// One defect type at the label-free threshold.
    public struct DefectTypeOutcome: Sendable, Equatable {
        public let defectType: String
        /// Test images of this type.
        public let anomalousCount: Int
        /// Of them, scored below the threshold: passed as good.
        public let escaped: Int
    }

    /// The best threshold within a false-reject budget.
    public struct AtFalseRejectTarget: Sendable, Equatable {
        /// The budget: at most this share of good parts rejected.
        public let target: Double
        /// The lowest threshold keeping within the budget (`+infinity` when even the highest
        /// good score is too many: the budget is below one good part).
        public let threshold: Double
        /// Good parts rejected there / good parts.
        public let falseRejectRate: Double
        /// Defective parts passed there / defective parts.
        public let escapeRate: Double
        /// Defective parts passed there.
        public let escaped: Int
    }

    /// One point of the trade-off: the false-reject and escape rates of one threshold.
    public struct TradeOff: Sendable, Equatable {
        public let threshold: Double
        public let falseRejectRate: Double
        public let escapeRate: Double
    }

    /// What a label-free rule's threshold does on the test set.
    public struct RuleOutcome: Sendable, Equatable {
        public let rule: ThresholdRule
        /// The threshold the rule reads off the model's held-out good scores.
        public let threshold: Double
        /// Test-set good parts rejected / good parts.
        public let falseRejectRate: Double
        /// Test-set defective parts passed / defective parts.
        public let escapeRate: Double
    }

    /// The label-free threshold the model carries.
    public let threshold: Double
    /// Escapes per defect type at `threshold`, sorted by type name.
    public let perDefectType: [DefectTypeOutcome]
    /// One entry per requested target, in the order requested.
    public let targets: [AtFalseRejectTarget]
    /// Every distinct threshold's rates, false-reject rate increasing (the ROC curve read as
    /// escape = 1 - true-positive rate).
    public let curve: [TradeOff]
    /// The model's own rule, then the quantile and Pareto-tail rules at each target, all on the
    /// model's held-out scores: how the label-free estimators compare against the targets.
    public let rules: [RuleOutcome]
    /// The spread of the label-free threshold over re-draws of the held-out good images; nil
    /// when the model has fewer than two held-out scores.
    public let spread: ThresholdSpread?
    /// Labelled calibration (`teach --defects`) at ``knownDefectTarget``: thresholds set from k
    /// of the test set's defects, each measured on the other defects and the good test parts.
    public let knownDefects: [KnownDefectThreshold.Stability]

    /// The false-reject budgets reported by default.
    public static let defaultTargets = [0.01, 0.02, 0.03, 0.05]
    /// The false-reject target of the labelled-calibration figures.
    public static let knownDefectTarget = 0.02
    /// How many known defects the labelled-calibration figures try.
    public static let knownDefectSizes = [1, 2, 3, 5, 8, 12, 20, 30]

    /// - Parameters:
    ///   - images: the test set's labelled scores (both classes present).
    ///   - roc: their ROC curve.
    ///   - calibration: the model's label-free threshold and its held-out scores.
    ///   - targets: false-reject budgets, each in 0...1.
    public init(images: [LabeledImageScore], roc: ROCCurve, calibration: Calibration,
                targets: [Double] = OperatingPoint.defaultTargets) {
        threshold = calibration.threshold
        let anomalous = Dictionary(grouping: images.filter(\.isAnomalous), by: \.defectType)
        perDefectType = anomalous.keys.sorted().map { type in
            let scores = anomalous[type, default: []].map(\.score)
            return DefectTypeOutcome(defectType: type, anomalousCount: scores.count,
                                     escaped: scores.filter { $0 < calibration.threshold }.count)
        }
        // The ROC's points go from rejecting nothing to rejecting everything; each false-positive
        // rate's best point is the last one that still has it.
        curve = roc.points.map {
            TradeOff(threshold: $0.threshold, falseRejectRate: $0.falsePositiveRate, escapeRate: 1 - $0.truePositiveRate)
        }
        self.targets = targets.map { target in
            // Points are ordered by rising false-positive rate: the last within budget catches most.
            let best = roc.points.last { $0.falsePositiveRate <= target + 1e-12 } ?? roc.points[0]
            return AtFalseRejectTarget(
                target: target, threshold: best.threshold, falseRejectRate: best.falsePositiveRate,
                escapeRate: 1 - best.truePositiveRate, escaped: roc.anomalousCount - best.truePositives)
        }
        spread = ThresholdSpread(calibration: calibration, images: images)
        let good = images.filter { !$0.isAnomalous }.map(\.score), bad = images.filter(\.isAnomalous).map(\.score)
        let candidates = [calibration.rule] + targets.flatMap { [ThresholdRule.quantile(falseRejectTarget: $0), .paretoTail(falseRejectTarget: $0)] }
        knownDefects = KnownDefectThreshold.stability(
            goodScores: calibration.heldOutScores, defectScores: bad.map(Float.init), falseRejectTarget: Self.knownDefectTarget,
            sizes: Self.knownDefectSizes, goodTestScores: good)
        rules = candidates.map { rule in
            let threshold = calibration.with(rule).threshold
            return RuleOutcome(rule: rule, threshold: threshold,
                               falseRejectRate: Double(good.filter { $0 >= threshold }.count) / Double(max(good.count, 1)),
                               escapeRate: Double(bad.filter { $0 < threshold }.count) / Double(max(bad.count, 1)))
        }
    }
}
