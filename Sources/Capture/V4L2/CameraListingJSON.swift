import Foundation

/// The machine form of `eagle-edge cameras`, for provisioning scripts.
public enum CameraListingJSON {
    /// One object: "cameras" (everything the text form shows, controls without their class
    /// headings), "other_nodes" and "errors"; keys sorted, values a camera does not report null.
    public static func render(_ scan: CameraScan) throws -> String {
        let object: [String: Any] = [
            "cameras": scan.cameras.map(camera),
            "other_nodes": scan.otherNodes.map { ["path": $0.path, "description": $0.text] },
            "errors": scan.failures.map { ["path": $0.path, "error": $0.text] },
        ]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])
        return String(decoding: data, as: UTF8.self)
    }

    private static func camera(_ c: CameraDescription) -> [String: Any] {
        var object: [String: Any] = [
            "path": c.path, "card": c.capabilities.card, "driver": c.capabilities.driver,
            "driver_version": c.capabilities.version, "bus_info": c.capabilities.busInfo,
            "capabilities": c.capabilities.capabilityNames, "stable_ids": c.stableLinks,
            "inputs": c.inputs.map { ["index": $0.index, "name": $0.name, "type": $0.type, "status": $0.status] as [String: Any] },
            "current_input": c.currentInput.map { $0 as Any } ?? NSNull(),
            "formats": c.formats.map(format),
            "controls": c.controls.filter { $0.kind != .controlClass }.map(control),
        ]
        if let f = c.currentFormat {
            object["current_format"] = [
                "fourcc": f.format.description, "width": f.width, "height": f.height,
                "fps": c.currentFramesPerSecond.map { $0 as Any } ?? NSNull(),
            ] as [String: Any]
        } else {
            object["current_format"] = NSNull()
        }
        return object
    }

    private static func format(_ f: V4L2FormatDescription) -> [String: Any] {
        [
            "fourcc": f.pixelFormat.description, "description": f.name, "compressed": f.isCompressed,
            "sizes": f.sizes.map(size),
        ]
    }

    private static func size(_ s: V4L2FrameSize) -> [String: Any] {
        var object: [String: Any] = ["intervals": s.intervals.map(interval)]
        switch s.kind {
        case .discrete(let width, let height):
            object["type"] = "discrete"
            object["width"] = width
            object["height"] = height
        case .stepwise(let minW, let maxW, let stepW, let minH, let maxH, let stepH):
            object["type"] = "stepwise"
            object["min_width"] = minW
            object["max_width"] = maxW
            object["step_width"] = stepW
            object["min_height"] = minH
            object["max_height"] = maxH
            object["step_height"] = stepH
        }
        return object
    }

    private static func interval(_ i: V4L2FrameInterval) -> [String: Any] {
        func fraction(_ f: V4L2FrameInterval.Fraction) -> [String: Any] {
            ["numerator": f.numerator, "denominator": f.denominator, "fps": f.framesPerSecond.map { $0 as Any } ?? NSNull()]
        }
        switch i {
        case .discrete(let f):
            return ["type": "discrete", "interval": fraction(f)]
        case .stepwise(let lower, let upper, let step):
            return ["type": "stepwise", "min": fraction(lower), "max": fraction(upper), "step": fraction(step)]
        }
    }

    private static func control(_ c: V4L2Control) -> [String: Any] {
        [
            "name": c.key, "label": c.name, "id": Int(c.id), "type": c.kind.description,
            "minimum": c.minimum, "maximum": c.maximum, "step": c.step, "default": c.defaultValue,
            "value": c.value.map { $0 as Any } ?? NSNull(), "flags": c.flags.names,
            "menu": c.menu.map { ["index": $0.index, "label": $0.label] as [String: Any] },
        ]
    }
}
