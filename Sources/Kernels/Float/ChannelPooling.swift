import CEagleKernels

/// The two pooling steps of PatchCore's patch features, as C loops over whole planes (the Swift
/// twins, one position at a time, are in PatchFeatureAggregator's reference).
public enum ChannelPooling {
    /// Per-channel mean over a `neighbourhood` x `neighbourhood` window (odd), zero padding
    /// counted in the divisor: separable sums, rows then columns, times 1 / neighbourhood^2.
    public static func localMean(_ input: Tensor3, neighbourhood: Int) -> Tensor3 {
        precondition(neighbourhood >= 1 && neighbourhood % 2 == 1, "the neighbourhood must be an odd size")
        guard neighbourhood > 1, !input.values.isEmpty else { return input }
        var out = Tensor3(channels: input.channels, height: input.height, width: input.width)
        var rowSums = [Float](repeating: 0, count: input.height * input.width)
        let scale = 1 / Float(neighbourhood * neighbourhood)
        input.values.withUnsafeBufferPointer { x in
            rowSums.withUnsafeMutableBufferPointer { sums in
                out.values.withUnsafeMutableBufferPointer { y in
                    eagle_local_mean(x.baseAddress, Int32(input.channels), Int32(input.height), Int32(input.width),
                                     Int32(neighbourhood / 2), scale, sums.baseAddress, y.baseAddress)
                }
            }
        }
        return out
    }

    /// Position-major rows from CHW `planes` (channels x `positions`): the planes are first
    /// averaged over the channel ranges `tapBins`, then those over `bins`; row p holds one value
    /// per bin. Every range must lie within the channels of its step and be non-empty.
    public static func pooledRows(_ planes: [Float], positions: Int, tapBins: [Range<Int>], bins: [Range<Int>]) -> [Float] {
        precondition(positions > 0 && planes.count % positions == 0, "planes of \(positions) positions")
        let channels = planes.count / positions
        precondition(tapBins.allSatisfy { !$0.isEmpty && $0.lowerBound >= 0 && $0.upperBound <= channels }, "tap bins within the channels")
        precondition(bins.allSatisfy { !$0.isEmpty && $0.lowerBound >= 0 && $0.upperBound <= tapBins.count }, "bins within the tap bins")
        let tapBounds = tapBins.flatMap { [Int32($0.lowerBound), Int32($0.upperBound)] }
        let bounds = bins.flatMap { [Int32($0.lowerBound), Int32($0.upperBound)] }
        var scratch = [Float](repeating: 0, count: tapBins.count * positions)
        var out = [Float](repeating: 0, count: bins.count * positions)
        scratch.withUnsafeMutableBufferPointer { scratch in
            out.withUnsafeMutableBufferPointer { out in
                eagle_pool_channels(planes, Int32(positions), tapBounds, Int32(tapBins.count), bounds, Int32(bins.count),
                                    scratch.baseAddress, out.baseAddress)
            }
        }
        return out
    }
}
