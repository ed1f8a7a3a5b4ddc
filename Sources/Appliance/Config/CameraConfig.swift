import Capture

/// Where frames come from and how the camera is set up (`camera.*`): the capture module's own
/// settings, so the file's keys and what the camera is opened with cannot drift apart.
public typealias CameraConfig = CaptureSettings

extension CaptureSettings {
    static func read(_ section: SectionReader) -> CaptureSettings {
        let defaults = CaptureSettings()
        return CaptureSettings(
            source: section.value("source", default: defaults.source, .choice),
            device: section.optional("device", .absolutePath),
            format: section.value("format", default: defaults.format, .choice),
            width: section.value("width", default: defaults.width, .integer(in: 16...8192)),
            height: section.value("height", default: defaults.height, .integer(in: 16...8192)),
            fps: section.value("fps", default: defaults.fps, .integer(in: 1...240)),
            buffers: section.value("buffers", default: defaults.buffers, .integer(in: 2...32)),
            timeoutMs: section.value("timeout_ms", default: defaults.timeoutMs, .integer(in: 100...60_000)),
            controls: section.freeMap("controls", .integer()),
            folder: section.optional("folder", section.filePath),
            loop: section.value("loop", default: defaults.loop, .boolean),
            synthetic: section.section("synthetic") { synthetic in
                Synthetic(
                    seed: synthetic.value("seed", default: defaults.synthetic.seed, .unsigned64),
                    defectRate: synthetic.value("defect_rate", default: defaults.synthetic.defectRate, .number(in: 0...1))
                )
            }
        )
    }
}
