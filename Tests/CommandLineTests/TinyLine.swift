import Appliance
import Foundation
import Imaging
import Inspection
import PatchCore
import TestFixtures

/// A line `eagle-edge run` can run in a test, in one scratch directory: a folder of frames
/// (`frames/`), the tiny expert's model (`tiny.eagle`, a few ms per frame, under qemu too) and a
/// configuration (`eagle-edge.yaml`) naming them by relative paths, with the journal beside
/// them (`journal.sqlite`) unless ``Settings/journal`` says otherwise.
struct TinyLine {
    /// What a test varies in the configuration; the rest fits the tiny expert.
    struct Settings {
        /// Frames per second of the folder source.
        var fps = 30
        /// Whether the folder replays from the start after its last frame.
        var loop = true
        /// `storage.journal`, relative to the directory.
        var journal = "journal.sqlite"
        /// `expert.precision`; the tiny model is fp32.
        var precision = "fp32"
        /// `expert.input_size`; the tiny model takes 64 px.
        var inputSize = 64
        /// The status page's loopback port; nil serves none (tests run side by side, and beside
        /// an appliance that may hold the default port).
        var webPort: Int?
    }

    let directory: URL

    var config: String { directory.appendingPathComponent("eagle-edge.yaml").path }
    var model: String { directory.appendingPathComponent("tiny.eagle").path }
    var frames: URL { directory.appendingPathComponent("frames") }
    /// The journal of the default settings.
    var journal: String { directory.appendingPathComponent("journal.sqlite").path }
    var summary: String { directory.appendingPathComponent("summary.json").path }

    /// Writes `frames` good frames (`frame-000.png`, ... each a moved square), `corrupt`
    /// unreadable ones sorted among them, the model and the configuration of `settings`.
    init(in directory: URL, frames: Int = 4, corrupt: [String: Data] = [:], settings: Settings = Settings()) throws {
        self.directory = directory
        try FileManager.default.createDirectory(at: self.frames, withIntermediateDirectories: true)
        for index in 0..<frames {
            try ImageFile.write(TinyExpert.image(seed: index % 5),
                                to: self.frames.appendingPathComponent(String(format: "frame-%03d.png", index)).path)
        }
        for (name, bytes) in corrupt {
            try bytes.write(to: self.frames.appendingPathComponent(name))
        }
        try ModelFile.save(TinyExpert.shared.get().model, to: model)
        try configure(settings)
    }

    /// Rewrites the configuration.
    func configure(_ settings: Settings) throws {
        let yaml = """
            camera:
              source: folder
              folder: frames
              loop: \(settings.loop)
              fps: \(settings.fps)
              width: 80
              height: 72
            recipe:
              name: tiny
              model: tiny.eagle
            expert:
              precision: \(settings.precision)
              input_size: \(settings.inputSize)
              threads: 1
            decision:
              # Generous: a loaded machine or qemu must not turn verdicts into over-budget parts.
              budget_ms: 10000
            storage:
              journal: \(settings.journal)
              images_dir: images
            web:
              enabled: \(settings.webPort != nil)
              listen: 127.0.0.1:\(settings.webPort ?? 8080)

            """
        try yaml.write(toFile: config, atomically: true, encoding: .utf8)
    }

    /// The parts in the journal at `path` (the default journal when nil), oldest first; none
    /// when there is no journal file (nothing, or a directory, at the path).
    func journalledParts(_ path: String? = nil) throws -> [Part] {
        let path = path ?? journal
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { return [] }
        return try Journal(path: path, access: .readOnly).parts()
    }

    /// `run` on this line, with `arguments` after the configuration.
    func runArguments(_ arguments: [String] = []) -> [String] {
        ["run", "--config", config, "--json-summary", summary] + arguments
    }

    /// The `--json-summary` the last run wrote, as a user's script reads it.
    func writtenSummary() throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: summary)))
        guard let summary = object as? [String: Any] else { throw CocoaError(.coderReadCorrupt) }
        return summary
    }
}
