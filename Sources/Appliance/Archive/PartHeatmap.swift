import Imaging
import PatchCore

/// The expert's anomaly map of a part and where it lies on the frame: what the archive needs to
/// draw the overlay on the whole frame, in camera pixels like the part's boxes.
public struct PartHeatmap: Sendable {
    /// The anomaly map over the expert's input, in raw score units.
    public var map: FloatPlane
    /// The frame's pixels the expert's input covers: the ROI, less the margins a centre crop
    /// cut off.
    public var area: Rect
    /// Brings raw scores to the operators' scale, so colours mean the same on every image.
    public var calibration: Calibration

    public init(map: FloatPlane, area: Rect, calibration: Calibration) {
        self.map = map
        self.area = area
        self.calibration = calibration
    }

    /// The map of `result`, which the expert made from `roi` of the frame. Cheap: the map is
    /// shared, not copied, and only the area is computed here.
    public init(_ result: AnomalyResult, model: PatchCoreModel, roi: Rect) {
        let geometry = InputGeometry(settings: model.settings, sourceWidth: roi.width, sourceHeight: roi.height)
        let input = geometry.sourceRect(Rect(x: 0, y: 0, width: result.anomalyMap.width, height: result.anomalyMap.height))
        self.init(map: result.anomalyMap, area: Rect(x: roi.x + input.x, y: roi.y + input.y, width: input.width, height: input.height),
                  calibration: model.calibration)
    }

    /// The map on the operators' scale: 0 typical good, 0.5 the threshold, 1 far above.
    var normalized: FloatPlane {
        var plane = map
        plane.values = map.values.map { Float(calibration.normalized(Double($0))) }
        return plane
    }
}
