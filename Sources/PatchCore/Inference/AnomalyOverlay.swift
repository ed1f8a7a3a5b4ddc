import Imaging

/// The picture an operator looks at: the input crop, the anomaly map in jet colours over it
/// (0...1 of the normalised score scale, so colours mean the same on every image) and the
/// suspect regions' boxes.
public enum AnomalyOverlay {
    /// Draws `result`'s map and `regions` over its input crop.
    public static func render(_ result: AnomalyResult, regions: [SuspectRegion], calibration: Calibration) throws -> RGBImage {
        let normalized = result.anomalyMap.values.map { Float(calibration.normalized(Double($0))) }
        var image = try Heatmap.overlay(normalized, on: result.input, range: 0...1, opacity: 0.45)
        for region in regions { image.strokeRect(region.box, color: .red, thickness: 2) }
        return image
    }
}
