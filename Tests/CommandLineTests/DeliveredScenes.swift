import Capture
import Foundation
import Imaging
import Inspection
import PatchCore

/// The scenes a test streams into vivid as the line receives them: each YUYV frame decoded by
/// the capture loop's own ``FrameDecoder``, so the RGB pixels are exactly those the line
/// inspects (YUYV loses colour detail: the originals would score differently).
struct DeliveredScenes {
    /// What `eagle-edge inspect --json` said about one image.
    struct Reference: Decodable, Equatable {
        struct Region: Decodable, Equatable {
            let x: Int
            let y: Int
            let width: Int
            let height: Int
            let peak: Double
        }

        let image: String
        let verdict: String
        let score: Double
        let normalizedScore: Double
        let regions: [Region]
    }

    let images: [RGBImage]

    init(yuyv frames: [[UInt8]], width: Int, height: Int) throws {
        let decoder = try FrameDecoder()
        images = try frames.map {
            try decoder.decode(Frame(format: .yuyv, width: width, height: height, bytesPerLine: width * 2,
                                     data: $0, timestamp: 0, sequence: 0))
        }
    }

    /// `eagle-edge inspect --model model --json` on the scenes, written as PNG (lossless) into
    /// `directory`: the reference the journal is held to, computed by another process along
    /// the command line's path. One result per scene, in scene order.
    func inspect(model: String, threads: Int, in directory: URL) throws -> [Reference] {
        let paths = try images.indices.map { index in
            let path = directory.appendingPathComponent("scene-\(index).png").path
            try ImageFile.write(images[index], to: path)
            return path
        }
        let outcome = try EagleEdgeProcess.run(["inspect", "--model", model, "--threads", "\(threads)", "--json"] + paths)
        guard outcome.status == 0 else { throw CommandFailure(message: "inspect exited \(outcome.status): \(outcome.stderr)") }
        // JSONDecoder, not JSONSerialization: the latter does not read every double back exactly.
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let references = try outcome.stdout.split(separator: "\n").map { try decoder.decode(Reference.self, from: Data($0.utf8)) }
        guard references.map(\.image) == paths else { throw CommandFailure(message: "inspect answered for \(references.map(\.image))") }
        return references
    }

    /// The suspect boxes the line journals for a part whose frame got `reference`: the regions
    /// mapped from the backbone's input back to frame pixels, scored by the model's calibration.
    static func boxes(of reference: Reference, model: PatchCoreModel, frameWidth: Int, frameHeight: Int) -> [SuspectBox] {
        let geometry = InputGeometry(settings: model.settings, sourceWidth: frameWidth, sourceHeight: frameHeight)
        return reference.regions.map { region in
            let box = geometry.sourceRect(Rect(x: region.x, y: region.y, width: region.width, height: region.height))
            return SuspectBox(x: box.x, y: box.y, width: box.width, height: box.height,
                              score: model.calibration.normalized(region.peak))
        }
    }
}
