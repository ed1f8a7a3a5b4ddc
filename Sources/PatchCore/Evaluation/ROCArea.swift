/// The area under a ROC curve, accumulated one tie group at a time in exact integer arithmetic.
///
/// A tie group with `p` anomalous and `n` good samples is one diagonal step, whose trapezoid is
/// `n * (2 * tp + p) / 2` in count units; summed, this is the Mann-Whitney U with ties counted as
/// one half. Integers keep the result exact (and independent of summation order) up to about
/// 4 billion samples, far past any map set that fits in memory.
struct ROCArea {
    private(set) var truePositives = 0
    private(set) var falsePositives = 0
    /// Twice the area in count units, so half-counted ties stay integral.
    private var twiceArea = 0

    mutating func addTieGroup(anomalous: Int, good: Int) {
        twiceArea += good * (2 * truePositives + anomalous)
        truePositives += anomalous
        falsePositives += good
    }

    /// Normalised area; call once every sample has been added.
    var value: Double {
        Double(twiceArea) / (2 * Double(truePositives) * Double(falsePositives))
    }
}
