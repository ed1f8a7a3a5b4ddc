import Imaging
import Kernels
import SeededRandom
import XCTest
@testable import PatchCore

final class PatchFeatureAggregatorTests: XCTestCase {
    func testLocalMeanCountsZeroPaddingLikeTheReferenceUnfold() throws {
        // One channel 3x3 of ones: the centre sees 9 ones, an edge 6, a corner 4 (all / 9).
        let ones = Tensor3(channels: 1, height: 3, width: 3, repeating: 1)
        let pooled = PatchFeatureAggregator().localMean(ones)
        XCTAssertEqual(pooled.values, [4, 6, 4, 6, 9, 6, 4, 6, 4].map { Float($0) / 9 })
    }

    func testLocalMeanMatchesANaiveNeighbourhoodSum() throws {
        var rng = SplitMix64(seed: 12)
        let input = try Tensor3(channels: 3, height: 5, width: 7, values: (0..<105).map { _ in rng.nextGaussian() })
        let pooled = PatchFeatureAggregator().localMean(input)
        for c in 0..<3 {
            for y in 0..<5 {
                for x in 0..<7 {
                    var sum: Float = 0
                    for dy in -1...1 {
                        for dx in -1...1 where (0..<5).contains(y + dy) && (0..<7).contains(x + dx) {
                            sum += input[c, y + dy, x + dx]
                        }
                    }
                    XCTAssertEqual(pooled[c, y, x], sum / 9, accuracy: 1e-5)
                }
            }
        }
    }

    func testTapsAreUpsampledToTheFinestGridAndConcatenated() throws {
        let fine = Tensor3(channels: 2, height: 4, width: 4, repeating: 1)
        let coarse = Tensor3(channels: 3, height: 2, width: 2, repeating: 5)
        let aggregator = PatchFeatureAggregator(neighbourhood: 1)
        let (features, w, h) = try aggregator.aggregate([fine, coarse])
        XCTAssertEqual([w, h], [4, 4])
        XCTAssertEqual(features.count, 16)
        XCTAssertEqual(features.dimension, 5)
        XCTAssertEqual(Array(features.values.prefix(5)), [1, 1, 5, 5, 5])
    }

    func testAdaptivePoolingFollowsPyTorchBins() throws {
        XCTAssertEqual(PatchFeatureAggregator.adaptiveBins(length: 5, outputs: 3), [0..<2, 1..<4, 3..<5])
        XCTAssertEqual(PatchFeatureAggregator.adaptiveBins(length: 6, outputs: 3), [0..<2, 2..<4, 4..<6])
        // Channels 0...5 at one position pooled to 3: means of (0,1), (2,3), (4,5).
        let input = try Tensor3(channels: 6, height: 1, width: 1, values: [0, 1, 2, 3, 4, 5])
        let (features, _, _) = try PatchFeatureAggregator(targetDimension: 3, neighbourhood: 1).aggregate([input])
        XCTAssertEqual(features.values, [0.5, 2.5, 4.5])
        XCTAssertThrowsError(try PatchFeatureAggregator(targetDimension: 7).aggregate([input]))
        XCTAssertThrowsError(try PatchFeatureAggregator().aggregate([Tensor3]()))
    }

    func testEachTapIsPooledToTheTapDimensionBeforeConcatenation() throws {
        // Tap A has 2 channels (kept: 2 <= 3), tap B has 6 pooled to 3 channels; one position.
        let a = try Tensor3(channels: 2, height: 1, width: 1, values: [7, 8])
        let b = try Tensor3(channels: 6, height: 1, width: 1, values: [0, 1, 2, 3, 4, 5])
        let (features, _, _) = try PatchFeatureAggregator(tapDimension: 3, neighbourhood: 1).aggregate([a, b])
        XCTAssertEqual(features.values, [7, 8, 0.5, 2.5, 4.5])
        // Then the overall pooling works on the 5 pooled channels.
        let (pooled, _, _) = try PatchFeatureAggregator(targetDimension: 1, tapDimension: 3, neighbourhood: 1).aggregate([a, b])
        XCTAssertEqual(pooled.values, [(7 + 8 + 0.5 + 2.5 + 4.5) / 5])
        let settings = PatchCoreSettings(taps: [FeatureTap(block: 4), FeatureTap(block: 10)], tapDimension: 64)
        XCTAssertEqual(settings.patchDimension, 40 + 64, "block4 keeps its 40 channels, block10's 112 are pooled to 64")
    }

    /// The plane-wise C loops give the bits of the per-position twin, on random taps of odd
    /// sizes, every pooling combination and neighbourhoods 1, 3 and 5.
    func testMatchesReferenceBitForBit() throws {
        var rng = SplitMix64(seed: 0xA66)
        func tap(_ c: Int, _ h: Int, _ w: Int) throws -> Tensor3 {
            try Tensor3(channels: c, height: h, width: w, values: (0..<(c * h * w)).map { _ in rng.nextGaussian() })
        }
        for trial in 0..<24 {
            let h = 1 + trial % 9, w = 2 + (trial * 5) % 11
            let taps = [try tap(3 + trial % 5, h, w), try tap(7, h, w), try tap(11, (h + 1) / 2, (w + 1) / 2)]
            let channels = taps.reduce(0) { $0 + $1.channels }
            let tapDimension: Int? = trial % 3 == 0 ? nil : 2 + trial % 6
            let aggregator = PatchFeatureAggregator(targetDimension: trial % 4 == 1 ? min(5, channels) : nil,
                                                    tapDimension: tapDimension, neighbourhood: [1, 3, 5][trial % 3])
            let fast = try aggregator.aggregate(taps), reference = try aggregator.aggregateReference(taps)
            XCTAssertEqual([fast.gridWidth, fast.gridHeight], [reference.gridWidth, reference.gridHeight])
            XCTAssertEqual(fast.features.dimension, reference.features.dimension, "trial \(trial)")
            XCTAssertEqual(fast.features.values.map(\.bitPattern), reference.features.values.map(\.bitPattern), "trial \(trial)")
            XCTAssertEqual(aggregator.localMean(taps[0]).values.map(\.bitPattern),
                           aggregator.localMeanReference(taps[0]).values.map(\.bitPattern), "trial \(trial)")
        }
        XCTAssertThrowsError(try PatchFeatureAggregator().aggregate([Tensor3(channels: 2, height: 0, width: 3)]))
    }

    /// Random int8 taps of odd sizes (the last on a coarser grid), scales and zero points, with
    /// every pooling combination and neighbourhoods 1, 3 and 5.
    private func quantizedTrials(_ body: (PatchFeatureAggregator, [QuantizedTensor]) throws -> Void) throws {
        var rng = SplitMix64(seed: 0x1A8)
        func tap(_ c: Int, _ h: Int, _ w: Int) throws -> QuantizedTensor {
            let parameters = try QuantizationParameters(scale: 0.01 + Float(rng.next() % 100) / 1000, zeroPoint: Int32(rng.next() % 256) - 128)
            return try QuantizedTensor(height: h, width: w, channels: c, values: (0..<(c * h * w)).map { _ in Int8(truncatingIfNeeded: rng.next()) },
                                       parameters: parameters)
        }
        for trial in 0..<24 {
            let h = 1 + trial % 9, w = 2 + (trial * 5) % 11
            let taps = [try tap(3 + trial % 5, h, w), try tap(7, h, w), try tap(11, (h + 1) / 2, (w + 1) / 2)]
            let channels = taps.reduce(0) { $0 + $1.channels }
            let tapDimension: Int? = trial % 3 == 0 ? nil : 2 + trial % 6
            try body(PatchFeatureAggregator(targetDimension: trial % 4 == 1 ? min(5, channels) : nil,
                                            tapDimension: tapDimension, neighbourhood: [1, 3, 5][trial % 3]), taps)
        }
    }

    /// The int8 path's C kernel gives the bits of its per-output twin, the taps written one after
    /// the other or at the same time on two workers.
    func testInt8TapsMatchTheirReferenceBitForBit() throws {
        let twoWorkers: ConcurrentLoop = { count, body in Parallel.forEach(count, workers: 2, body) }
        try quantizedTrials { aggregator, taps in
            let reference = try aggregator.aggregateReference(taps)
            for loop in [nil, twoWorkers] {
                let fast = try aggregator.aggregate(taps, loop: loop)
                XCTAssertEqual([fast.gridWidth, fast.gridHeight], [reference.gridWidth, reference.gridHeight])
                XCTAssertEqual(fast.features.dimension, reference.features.dimension)
                XCTAssertEqual(fast.features.values.map(\.bitPattern), reference.features.values.map(\.bitPattern),
                               "\(aggregator), \(loop == nil ? "one thread" : "two workers")")
            }
        }
        XCTAssertThrowsError(try PatchFeatureAggregator().aggregate([QuantizedTensor]()))
        let empty = try QuantizedTensor(height: 0, width: 3, channels: 2, values: [], parameters: QuantizationParameters(scale: 1, zeroPoint: 0))
        XCTAssertThrowsError(try PatchFeatureAggregator().aggregate([empty]))
    }

    /// Computed from the codes, the features are those of the dequantised taps through the float
    /// path (mean, resample, pool in another order), up to Float rounding.
    func testInt8TapsGiveTheFeaturesOfTheirDequantizedValues() throws {
        try quantizedTrials { aggregator, taps in
            let codes = try aggregator.aggregate(taps), floats = try aggregator.aggregate(taps.map { $0.dequantized() })
            XCTAssertEqual([codes.gridWidth, codes.gridHeight], [floats.gridWidth, floats.gridHeight])
            XCTAssertEqual(codes.features.dimension, floats.features.dimension)
            let largest = floats.features.values.map(abs).max() ?? 0
            XCTAssertGreaterThan(largest, 0.05)
            for (a, b) in zip(codes.features.values, floats.features.values) {
                XCTAssertEqual(a, b, accuracy: 1e-5 * largest, "\(aggregator)")
            }
        }
    }
}
