import Imaging

/// Where the backbone's input came from in the image it was made of: the inverse of
/// ``PatchCoreExpert/preprocess(_:settings:filter:loop:)``, so that a box found on the anomaly
/// map can be drawn on the camera frame.
public struct InputGeometry: Sendable, Equatable {
    /// Size of the image the input was made from (the frame, or its ROI).
    public let sourceWidth: Int
    public let sourceHeight: Int
    /// Source pixels per input pixel, horizontally and vertically.
    public let scaleX: Double
    public let scaleY: Double
    /// The input's top-left corner in the resized image (the centre crop's offset), in input
    /// pixels; zero when the source is stretched to the input.
    public let cropX: Int
    public let cropY: Int

    /// The mapping for `settings` applied to a `sourceWidth` x `sourceHeight` image.
    public init(settings: PatchCoreSettings, sourceWidth: Int, sourceHeight: Int) {
        self.sourceWidth = sourceWidth
        self.sourceHeight = sourceHeight
        switch settings.fit {
        case .centerCrop(let resize):
            // The same integer sizes as Image.resizedShorterSide(to:centerCroppedTo:).
            let (resizedWidth, resizedHeight) = sourceWidth <= sourceHeight
                ? (resize, resize * sourceHeight / max(sourceWidth, 1))
                : (resize * sourceWidth / max(sourceHeight, 1), resize)
            let crop = Rect.centered(width: settings.inputWidth, height: settings.inputHeight,
                                     inWidth: resizedWidth, height: resizedHeight)
            scaleX = Double(sourceWidth) / Double(max(resizedWidth, 1))
            scaleY = Double(sourceHeight) / Double(max(resizedHeight, 1))
            cropX = crop.x
            cropY = crop.y
        case .stretch:
            scaleX = Double(sourceWidth) / Double(settings.inputWidth)
            scaleY = Double(sourceHeight) / Double(settings.inputHeight)
            cropX = 0
            cropY = 0
        }
    }

    /// The smallest source rectangle covering `rect` (input pixels), clipped to the source.
    public func sourceRect(_ rect: Rect) -> Rect {
        let x0 = Int((Double(rect.x + cropX) * scaleX).rounded(.down))
        let y0 = Int((Double(rect.y + cropY) * scaleY).rounded(.down))
        let x1 = Int((Double(rect.maxX + cropX) * scaleX).rounded(.up))
        let y1 = Int((Double(rect.maxY + cropY) * scaleY).rounded(.up))
        return Rect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
            .intersection(Rect(x: 0, y: 0, width: sourceWidth, height: sourceHeight))
    }
}
