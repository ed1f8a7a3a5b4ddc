/// The resampling kernel of a resize.
public enum ResizeFilter: String, Sendable, CaseIterable {
    /// Each output pixel is the mean of the input area it covers (fractional coverage at the
    /// edges). The right choice for downscaling camera frames: no aliasing, no ringing.
    case area
    /// Triangle kernel, widened by the scale factor when downscaling (antialiased, as PIL does).
    case bilinear
    /// Keys cubic kernel with a = -0.5 (PIL's BICUBIC), widened when downscaling. The ImageNet
    /// preprocessing of the backbone's weights used it.
    case bicubic

    /// Half-width of the kernel in input pixels at scale 1.
    var support: Double {
        switch self {
        case .area: return 0.5
        case .bilinear: return 1
        case .bicubic: return 2
        }
    }

    /// The kernel's value at distance `x` (in output-scaled input pixels) from the sample centre.
    func weight(_ x: Double) -> Double {
        let t = abs(x)
        switch self {
        case .area:
            return t < 0.5 ? 1 : 0
        case .bilinear:
            return t < 1 ? 1 - t : 0
        case .bicubic:
            let a = -0.5
            if t < 1 { return ((a + 2) * t - (a + 3)) * t * t + 1 }
            if t < 2 { return (((t - 5) * t + 8) * t - 4) * a }
            return 0
        }
    }
}
