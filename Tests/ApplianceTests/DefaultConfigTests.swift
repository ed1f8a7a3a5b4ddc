import Foundation
import Yams
import XCTest

@testable import Appliance

/// The embedded defaults, the shipped default file and the loader's key table must agree.
final class DefaultConfigTests: XCTestCase {
    func testShippedFileLoadsToTheEmbeddedDefaults() throws {
        let config = try ApplianceConfig.load(path: shippedConfigPath, environment: [:])
        XCTAssertEqual(config, ApplianceConfig())
    }

    func testShippedFileHoldsEveryKeyTheLoaderAccepts() throws {
        let text = try String(contentsOfFile: shippedConfigPath, encoding: .utf8)
        let written = writtenKeys(try XCTUnwrap(Yams.compose(yaml: text)), prefix: "")
        let known = ApplianceConfig.knownKeys
        let optionalSections = known.filter { $0.kind == .optionalSection }.map(\.path)

        for key in known where !written.contains(key.path) {
            // Keys inside a section shipped as `~` are documented in the comment above it.
            let parent = optionalSections.first { key.path.hasPrefix($0 + ".") }
            XCTAssertNotNil(parent, "\(key.path) is accepted by the loader but missing from Config/eagle-edge.yaml")
            let leaf = key.path.split(separator: ".").last.map(String.init) ?? key.path
            XCTAssertTrue(text.contains("\(leaf):"), "\(key.path) is not documented in Config/eagle-edge.yaml")
        }
        let knownPaths = Set(known.map(\.path))
        for path in written {
            XCTAssertTrue(knownPaths.contains(path), "\(path) is in Config/eagle-edge.yaml but the loader does not accept it")
        }
    }

    func testEveryShippedKeyHasACommentAboveIt() throws {
        let lines = try String(contentsOfFile: shippedConfigPath, encoding: .utf8).components(separatedBy: "\n")
        for (index, line) in lines.enumerated() where index > 0 {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#"), line.hasPrefix(" ") else { continue }
            let previous = lines[index - 1].trimmingCharacters(in: .whitespaces)
            let opensSection = trimmed.hasSuffix(":")
            XCTAssertTrue(previous.hasPrefix("#") || opensSection, "line \(index + 1) '\(trimmed)' has no comment above it")
        }
    }

    func testEmptyDocumentsGiveTheDefaults() throws {
        for yaml in ["", "\n", "# only a comment\n", "~", "---\n"] {
            XCTAssertEqual(try parse(yaml), ApplianceConfig(), "document \(yaml.debugDescription)")
        }
    }

    func testEmptySectionsGiveTheirDefaults() throws {
        XCTAssertEqual(try parse("camera:\nmqtt: ~\nreject:\n  gpio:\n"), ApplianceConfig())
    }

    func testPartialFileChangesOnlyItsKeys() throws {
        let config = try parse("""
            camera:
              fps: 15
              controls:
                exposure_time_absolute: 120
                gain: -3
            expert:
              precision: FP32
            logging:
              level: debug
            """)
        var expected = ApplianceConfig()
        expected.camera.fps = 15
        expected.camera.controls = ["exposure_time_absolute": 120, "gain": -3]
        expected.expert.precision = .fp32
        expected.logging.level = .debug
        XCTAssertEqual(config, expected)
    }

    func testFullSiteConfigurationLoads() throws {
        let config = try parse("""
            line: {name: bottles-3, station: "7"}
            camera:
              source: v4l2
              device: /dev/v4l/by-id/usb-Arducam-video-index0
              format: mjpeg
              width: 1280
              height: 720
            recipe:
              name: amber-500ml
              model: models/amber.eagle
              roi: {x: 100, y: 40, width: 800, height: 600}
            reject:
              enabled: true
              timing: encoder
              encoder_counts: 2400
              gpio: {chip: pinctrl-rp1, line: 17, active_low: yes}
              photo_eye: {chip: pinctrl-rp1, line: GPIO27}
              encoder: {chip: pinctrl-rp1, line: GPIO22}
            mqtt:
              enabled: true
              host: scada.plant.local
              tls: {ca_file: /etc/ssl/plant-ca.pem}
            mllm:
              enabled: true
              endpoint: https://llm.plant.local/v1
              model: qwen2.5-vl-7b
            web:
              listen: 0.0.0.0:9100
              token_env: EAGLE_WEB_TOKEN
              live_fps: 5
            """, environment: ["EAGLE_WEB_TOKEN": "s3cret"], baseDirectory: "/etc/eagle-edge")
        XCTAssertEqual(config.camera.device, "/dev/v4l/by-id/usb-Arducam-video-index0")
        XCTAssertEqual(config.line.station, "7")
        XCTAssertEqual(config.recipe.model, "/etc/eagle-edge/models/amber.eagle")
        XCTAssertEqual(config.recipe.roi.map { [$0.x, $0.y, $0.width, $0.height] }, [100, 40, 800, 600])
        XCTAssertEqual(config.reject.gpio, GPIOLineConfig(chip: "pinctrl-rp1", line: "17", activeLow: true))
        XCTAssertEqual(config.reject.encoder, GPIOLineConfig(chip: "pinctrl-rp1", line: "GPIO22"))
        XCTAssertEqual(config.mqtt.tls.caFile, "/etc/ssl/plant-ca.pem")
        XCTAssertEqual(config.mllm.endpoint?.absoluteString, "https://llm.plant.local/v1")
        XCTAssertEqual(config.mqttClientID, "eagle-edge-bottles-3-7")
        XCTAssertEqual(config.web.listen, WebConfig.Listen(host: "0.0.0.0", port: 9100))
        XCTAssertEqual(config.web.token?.revealed, "s3cret")
        XCTAssertEqual(config.web.liveFPS, 5)
        XCTAssertFalse(config.summary.contains("s3cret"))
    }

    func testWebListenMustBeAnIPv4AddressAndPort() throws {
        XCTAssertEqual(issues("web:\n  listen: localhost:8080\n").messages, [
            "web.listen: \"localhost\" is not an IPv4 address (e.g. 127.0.0.1:8080, or 0.0.0.0:8080 for every interface)",
        ])
        XCTAssertEqual(issues("web:\n  listen: 127.0.0.1\n").messages, [
            "web.listen: \"127.0.0.1\" is not address:port (e.g. 127.0.0.1:8080, or 0.0.0.0:8080 for every interface)",
        ])
        XCTAssertFalse(try parse("web:\n  enabled: false\n").web.enabled)
    }

    func testRelativePathsAreRelativeToTheConfigFile() throws {
        let directory = try temporaryDirectory(for: self)
        let file = directory.appendingPathComponent("site.yaml")
        try "storage:\n  journal: data/journal.sqlite\n  images_dir: ../images\n".write(to: file, atomically: true, encoding: .utf8)
        let config = try ApplianceConfig.load(path: file.path, environment: [:])
        XCTAssertEqual(config.storage.journal, directory.appendingPathComponent("data/journal.sqlite").path)
        XCTAssertEqual(config.storage.imagesDir, directory.deletingLastPathComponent().appendingPathComponent("images").path)
    }

    func testSummaryOfTheDefaults() {
        let line = "in effect (the line: eagle-edge run)"
        XCTAssertEqual(ApplianceConfig().summary, """
            line      in effect (MQTT topics and payloads; the trigger: eagle-edge run)
                      demo-line, station station-1
                      parts: every frame
            camera    \(line)
                      synthetic, 640x480 at 30 fps
                      seed 42, defect rate 0.1
            recipe    \(line)
                      demo, model /var/lib/eagle-edge/models/demo.eagle
                      roi whole frame
                      knowledge none
            expert    \(line)
                      int8, 2 threads, input 224 px
            decision  \(line)
                      unsure band 0.45...0.55 -> reject, budget 100 ms
                      threshold as taught
            reject    in effect (the reject actuator: eagle-edge run, when enabled)
                      disabled, pulse 50 ms, 500 ms after capture
                      output pinctrl-rp1/GPIO17
                      photo-eye none, encoder none
                      undecided -> reject, on fault -> reject
                      ready none, confirm none
            mqtt      in effect (MQTT publishing: eagle-edge run)
                      disabled, localhost:1883 without TLS
                      MQTT 5, client id eagle-edge-demo-line-station-1, topics eagle-edge/..., qos 1, keepalive 30 s
                      user none, password not set
                      spool at most 64 MiB, counters every 10 s
                      Sparkplug B disabled
            mllm      in effect (the MLLM explainer: eagle-edge run, explain)
                      disabled, endpoint not set, model not set
                      api key not set
                      explains reject and unsure; timeout 30 s, 2 retries, 1 at once, queue 16, 400 tokens
                      images 448 px at quality 85, reference on, pause after 5 failures for 30 s
            storage   in effect (the line's journal and image archive; eagle-edge results)
                      journal /var/lib/eagle-edge/journal.sqlite
                      images /var/lib/eagle-edge/images
                      keep 30 days, at most 2048 MiB
                      audit images of good parts: 1 in 100
            web       in effect (the status page and /metrics: eagle-edge run, demo)
                      http://127.0.0.1:8080/, token not set
                      live view at most 2 frames/s
            logging   \(line)
                      level info
            """)
    }

    /// The shipped file's section headings say what the code's section table says: in effect,
    /// or reserved for the part that will read it; the table names every section the loader reads.
    func testShippedFileSaysWhichSectionsTakeEffect() throws {
        let loaderSections = ApplianceConfig.knownKeys.compactMap { key in
            key.path.contains(".") ? nil : key.path
        }
        XCTAssertEqual(ConfigSection.all.map(\.name), loaderSections)
        let lines = try String(contentsOfFile: shippedConfigPath, encoding: .utf8).components(separatedBy: "\n")
        for section in ConfigSection.all {
            let heading = try XCTUnwrap(lines.first { $0.hasPrefix("# --- \(section.name) ") || $0.hasPrefix("# --- \(section.name):") },
                                        "Config/eagle-edge.yaml has no '# --- \(section.name)' heading")
            switch section.use {
            case .reserved(let part):
                XCTAssertTrue(heading.contains("[reserved]"), "\(section.name) is reserved for \(part): \(heading)")
            case .inEffect:
                XCTAssertFalse(heading.contains("[reserved]"), "\(section.name) is in effect: \(heading)")
            }
        }
    }

    /// Key paths written in the document, not descending into free-form maps.
    private func writtenKeys(_ node: Node, prefix: String) -> [String] {
        guard case .mapping(let mapping) = node else { return [] }
        let freeMaps = Set(ApplianceConfig.knownKeys.filter { $0.kind == .freeMap }.map(\.path))
        var paths: [String] = []
        for (key, value) in mapping {
            let path = prefix.isEmpty ? (key.string ?? "?") : "\(prefix).\(key.string ?? "?")"
            paths.append(path)
            if !freeMaps.contains(path) { paths += writtenKeys(value, prefix: path) }
        }
        return paths
    }
}
