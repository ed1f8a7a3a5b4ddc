import Foundation

/// The softmax of `logits`: non-negative values summing to 1.
///
/// The largest logit is subtracted before exponentiating, so logits in the thousands (where
/// exp overflows Float) give the same result as their shifted copies instead of NaN.
public func softmax(_ logits: [Float]) -> [Float] {
    guard let largest = logits.max() else { return [] }
    var result = logits.map { exp($0 - largest) }
    // At least the largest logit contributes exp(0) = 1, so the sum is never 0.
    let scale = 1 / result.reduce(0, +)
    for i in result.indices { result[i] *= scale }
    return result
}
