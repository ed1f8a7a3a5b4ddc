import Foundation

/// The reference twin of ``softmax(_:)``, in Double so its own rounding does not hide the
/// optimised version's.
public func softmaxReference(_ logits: [Float]) -> [Float] {
    guard !logits.isEmpty else { return [] }
    let largest = Double(logits.max()!)
    var exps: [Double] = []
    var total = 0.0
    for logit in logits {
        let e = exp(Double(logit) - largest)
        exps.append(e)
        total += e
    }
    return exps.map { Float($0 / total) }
}
