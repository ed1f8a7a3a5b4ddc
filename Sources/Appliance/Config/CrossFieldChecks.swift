extension ApplianceConfig {
    /// Reports the problems that need more than one key to see.
    func checkCrossFields(_ context: ConfigReadContext) {
        context.require(camera.source != .v4l2 || camera.device != nil, "camera.device", involving: ["camera.source"],
            "missing; camera.source is v4l2, so name the camera's device node (e.g. /dev/v4l/by-id/usb-...-video-index0,"
                + " which survives replugging)")
        context.require(camera.source != .folder || camera.folder != nil, "camera.folder", involving: ["camera.source"],
            "missing; camera.source is folder, so name the directory of images to replay")

        if let roi = recipe.roi {
            context.require(roi.maxX <= camera.width, "recipe.roi", involving: ["camera.width"],
                "x \(roi.x) + width \(roi.width) = \(roi.maxX) reaches past camera.width \(camera.width)")
            context.require(roi.maxY <= camera.height, "recipe.roi", involving: ["camera.height"],
                "y \(roi.y) + height \(roi.height) = \(roi.maxY) reaches past camera.height \(camera.height)")
        }

        context.require(line.trigger != .photoEye || reject.photoEye != nil, "reject.photo_eye", involving: ["line.trigger"],
            "missing; line.trigger is photo_eye, so give the photo-eye input's chip and line")
        context.require(reject.timing != .encoder || reject.encoder != nil, "reject.encoder", involving: ["reject.timing"],
            "missing; reject.timing is encoder, so give the encoder input's chip and line")
        checkRejectDelay(context)
        checkDistinctLines(context)

        context.require(mqtt.password == nil || mqtt.username != nil, "mqtt.username",
            involving: ["mqtt.password_file", "mqtt.password_env"],
            "missing; a password is set and MQTT sends a password only together with a user name")
        context.require(!mqtt.sparkplug.enabled || mqtt.enabled, "mqtt.enabled", involving: ["mqtt.sparkplug.enabled"],
            "is false, but mqtt.sparkplug.enabled is true; Sparkplug publishes over the broker connection of mqtt.*,"
                + " so set mqtt.enabled: true")
        context.require((mqtt.tls.certFile == nil) == (mqtt.tls.keyFile == nil), "mqtt.tls.key_file",
            involving: ["mqtt.tls.cert_file"],
            "\(mqtt.tls.certFile == nil ? "is set without mqtt.tls.cert_file" : "missing; mqtt.tls.cert_file is set"):"
                + " a client certificate needs its key and the key its certificate")
        context.require(mqtt.tls.certFile == nil || mqtt.tls.caFile != nil, "mqtt.tls.ca_file", involving: ["mqtt.tls.cert_file"],
            "missing; a client certificate is sent only over TLS, which mqtt.tls.ca_file switches on")
        context.require(!mllm.enabled || mllm.endpoint != nil, "mllm.endpoint", involving: ["mllm.enabled"],
            "missing; mllm.enabled is true, so give the API's base URL (e.g. https://llm.example.com/v1)")
        context.require(!mllm.enabled || mllm.model != nil, "mllm.model", involving: ["mllm.enabled"],
            "missing; mllm.enabled is true, so name the model to ask")
    }

    /// In delay timing a part must not reach the actuator before its verdict is due: a free-run
    /// part's verdict within decision.budget_ms, a photo-eye part's that long after its frame,
    /// which is taken line.photo_eye_offset_ms after its edge.
    private func checkRejectDelay(_ context: ConfigReadContext) {
        guard reject.enabled, reject.timing == .delay else { return }
        if line.trigger == .photoEye && line.photoEyeOffsetMs > 0 {
            context.require(reject.delayMs >= line.photoEyeOffsetMs + decision.budgetMs, "reject.delay_ms",
                involving: ["line.photo_eye_offset_ms", "decision.budget_ms", "reject.enabled", "reject.timing", "line.trigger"],
                "\(reject.delayMs) ms is shorter than line.photo_eye_offset_ms (\(line.photoEyeOffsetMs) ms) plus"
                    + " decision.budget_ms (\(decision.budgetMs) ms), so a part could pass the actuator before its verdict is due")
        } else {
            context.require(reject.delayMs >= decision.budgetMs, "reject.delay_ms",
                involving: ["decision.budget_ms", "reject.enabled", "reject.timing"],
                "\(reject.delayMs) ms is shorter than decision.budget_ms (\(decision.budgetMs) ms), so a part could pass"
                    + " the actuator before its verdict is due")
        }
    }

    /// Two signals wired to one GPIO line would fight: the output would trigger its own input.
    private func checkDistinctLines(_ context: ConfigReadContext) {
        let lines: [(path: String, line: GPIOLineConfig?)] = [
            ("reject.gpio", reject.gpio), ("reject.photo_eye", reject.photoEye), ("reject.encoder", reject.encoder),
            ("reject.ready", reject.ready), ("reject.confirm", reject.confirm),
        ]
        for (index, later) in lines.enumerated() {
            guard let laterLine = later.line else { continue }
            for earlier in lines[..<index] {
                guard let earlierLine = earlier.line else { continue }
                let same = earlierLine.chip == laterLine.chip && earlierLine.line == laterLine.line
                context.require(!same, later.path, involving: [earlier.path],
                    "uses the same GPIO line as \(earlier.path) (chip \(laterLine.chip), line \(laterLine.line));"
                        + " each signal needs its own line")
            }
        }
    }
}
