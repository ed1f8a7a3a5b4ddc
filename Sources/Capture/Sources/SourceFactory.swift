import EagleLog

extension CaptureSettings {
    /// A new, not yet started source of the configured kind.
    /// - Throws: ``CaptureError/misconfigured(_:)`` when the device or folder is missing.
    public func makeSource(logger: Logger = Logger(label: "camera")) throws -> any FrameSource {
        switch source {
        case .v4l2:
            guard let device, !device.isEmpty else {
                throw CaptureError.misconfigured("camera.device is needed for the v4l2 source")
            }
            return V4L2Camera(path: device, settings: self, logger: logger)
        case .folder:
            guard let folder, !folder.isEmpty else {
                throw CaptureError.misconfigured("camera.folder is needed for the folder source")
            }
            return FolderSource(folder: folder, framesPerSecond: Double(fps), loops: loop)
        case .synthetic:
            return SyntheticLine(width: width, height: height, framesPerSecond: Double(fps), seed: synthetic.seed,
                                 defectRate: synthetic.defectRate, product: synthetic.product)
        }
    }
}
