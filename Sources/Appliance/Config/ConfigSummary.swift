import Foundation

extension ApplianceConfig {
    /// The effective configuration as a few lines per section, for `eagle-edge check-config`
    /// and the start-up log. Secrets appear only as "set" (with where from) or "not set".
    public var summary: String {
        let sections: [(String, [String])] = [
            ("line", [
                "\(line.name), station \(line.station)",
                line.trigger == .freeRun ? "parts: every frame"
                    : "parts: photo-eye edges, frame \(line.photoEyeOffsetMs) ms after, within \(line.frameWindowMs) ms",
            ]),
            ("camera", cameraSummary),
            ("recipe", ["\(recipe.name), model \(recipe.model)", "roi \(roiSummary)",
                        "knowledge \(recipe.knowledge ?? "none")"]),
            ("expert", ["\(expert.precision.rawValue), \(expert.threads) threads, input \(expert.inputSize) px"]),
            ("decision", [
                "unsure band \(shortNumber(0.5 - decision.unsureBand))...\(shortNumber(0.5 + decision.unsureBand))"
                    + " -> \(decision.onUnsure.rawValue), budget \(decision.budgetMs) ms",
                decision.falseRejectTarget.map { "threshold fitted to \(shortNumber($0 * 100)) % false rejects" }
                    ?? "threshold as taught",
            ]),
            ("reject", rejectSummary),
            ("mqtt", mqttSummary),
            ("mllm", mllmSummary),
            ("storage", [
                "journal \(storage.journal)", "images \(storage.imagesDir)",
                "keep \(storage.keepDays) days, at most \(storage.maxDiskMB) MiB",
                storage.auditEvery == 0 ? "audit images of good parts: none" : "audit images of good parts: 1 in \(storage.auditEvery)",
            ]),
            ("web", [
                web.enabled ? "http://\(web.listen)/, token \(Self.describe(web.token))" : "disabled",
                "live view at most \(shortNumber(web.liveFPS)) frames/s",
            ]),
            ("logging", ["level \(logging.level.rawValue)"]),
        ]
        let width = sections.map(\.0.count).max() ?? 0
        var lines: [String] = []
        for (name, details) in sections {
            let use = ConfigSection.named(name).map { [$0.useDescription] } ?? []
            for (index, detail) in (use + details).enumerated() {
                let label = index == 0 ? name : ""
                lines.append("\(label.padding(toLength: width, withPad: " ", startingAt: 0))  \(detail)")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// What check-config adds after the summary: which sections this build does not act on yet.
    public static var reservedSectionsNote: String? {
        let reserved = ConfigSection.all.filter { !$0.isInEffect }.map(\.name)
        guard !reserved.isEmpty else { return nil }
        return "note: \(reserved.count) of \(ConfigSection.all.count) sections are validated but not acted on by this build"
            + " (\(reserved.joined(separator: ", "))): the parts that read them are not built yet"
    }

    private var cameraSummary: [String] {
        var lines = ["\(camera.source.rawValue), \(camera.width)x\(camera.height) at \(camera.fps) fps"]
        switch camera.source {
        case .synthetic:
            lines.append("seed \(camera.synthetic.seed), defect rate \(shortNumber(camera.synthetic.defectRate))")
        case .v4l2:
            lines.append("device \(camera.device ?? "not set"), format \(camera.format.rawValue),"
                + " \(camera.buffers) buffers, timeout \(camera.timeoutMs) ms")
            let controls = camera.controls.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            lines.append("controls " + (controls.isEmpty ? "none" : controls.joined(separator: ", ")))
        case .folder:
            lines.append("folder \(camera.folder ?? "not set")\(camera.loop ? ", looping" : ", once")")
        }
        return lines
    }

    private var roiSummary: String {
        guard let roi = recipe.roi else { return "whole frame" }
        return "\(roi.width)x\(roi.height) at (\(roi.x), \(roi.y))"
    }

    private var rejectSummary: [String] {
        let timing = reject.timing == .delay ? "\(reject.delayMs) ms after capture" : "\(reject.encoderCounts) encoder counts after capture"
        return [
            "\(reject.enabled ? "enabled" : "disabled"), pulse \(reject.pulseMs) ms, \(timing)",
            "output \(Self.describe(reject.gpio))",
            "photo-eye \(reject.photoEye.map(Self.describe) ?? "none"), encoder \(reject.encoder.map(Self.describe) ?? "none")",
            "undecided -> \(reject.onUndecided.rawValue), on fault -> \(reject.onFault.rawValue)",
            "ready \(reject.ready.map(Self.describe) ?? "none"), confirm \(reject.confirm.map { "\(Self.describe($0)) within \(reject.confirmMs) ms" } ?? "none")",
        ]
    }

    private var mqttSummary: [String] {
        [
            "\(mqtt.enabled ? "enabled" : "disabled"), \(mqtt.host):\(mqtt.port)\(tlsSummary)",
            "MQTT \(mqtt.protocolVersion.rawValue), client id \(mqttClientID), topics \(mqtt.topicPrefix)/..., qos \(mqtt.qos),"
                + " keepalive \(mqtt.keepaliveS) s",
            "user \(mqtt.username ?? "none"), password \(Self.describe(mqtt.password))",
            "spool at most \(mqtt.spoolMaxMB) MiB, counters every \(mqtt.countersIntervalS) s",
            mqtt.sparkplug.enabled
                ? "Sparkplug B as spBv1.0/\(mqtt.sparkplug.groupID)/+/\(sparkplugEdgeNodeID), primary host \(mqtt.sparkplug.primaryHostID ?? "none")"
                : "Sparkplug B disabled",
        ]
    }

    private var tlsSummary: String {
        guard let caFile = mqtt.tls.caFile else { return " without TLS" }
        return " with TLS (CA \(caFile)\(mqtt.tls.certFile.map { ", client certificate \($0)" } ?? ""))"
    }

    private var mllmSummary: [String] {
        [
            "\(mllm.enabled ? "enabled" : "disabled"), endpoint \(mllm.endpoint?.absoluteString ?? "not set"),"
                + " model \(mllm.model ?? "not set")",
            "api key \(Self.describe(mllm.apiKey))",
            "explains \(mllm.explain.map(\.rawValue).joined(separator: " and ")); timeout \(mllm.timeoutS) s,"
                + " \(mllm.retries) retries, \(mllm.concurrency) at once, queue \(mllm.queue), \(mllm.maxTokens) tokens",
            "images \(mllm.imageSize) px at quality \(mllm.jpegQuality), reference \(mllm.reference ? "on" : "off"),"
                + " pause after \(mllm.breakerFailures) failures for \(mllm.breakerPauseS) s",
        ]
    }

    private static func describe(_ line: GPIOLineConfig) -> String {
        "\(line.chip)/\(line.line)\(line.activeLow ? " (active low)" : "")"
    }

    private static func describe(_ secret: Secret?) -> String {
        guard let secret else { return "not set" }
        return "set (from \(secret.source))"
    }
}
