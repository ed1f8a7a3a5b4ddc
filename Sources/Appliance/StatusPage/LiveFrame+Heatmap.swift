import Imaging
import Inspection
import Web

extension LiveFrame {
    /// The live view of `part`, decided on `image` with `heatmap`: shares the image and the map
    /// (nothing is copied or drawn on the line), and draws the map on the operators' scale, as
    /// the archive's overlay does (the calibration is linear between the typical good score
    /// and as far above the threshold).
    init(_ part: Part, image: RGBImage, heatmap: PartHeatmap?) {
        guard let heatmap else {
            self.init(part: part, image: image)
            return
        }
        let calibration = heatmap.calibration
        let cold = Float(calibration.mean)
        let hot = Float(2 * calibration.threshold - calibration.mean)
        self.init(part: part, image: image, map: heatmap.map, mapArea: heatmap.area, mapRange: cold...max(hot, cold + 1e-6))
    }
}
