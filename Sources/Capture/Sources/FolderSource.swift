import Foundation
import Imaging

/// Replays the PNG and JPEG files of a folder as frames, in file-name order, at a fixed rate.
///
/// For demos and for checking a recipe on recorded images without a camera. A file that cannot
/// be decoded is reported as a corrupt frame and skipped; it still takes its time slot, so a
/// folder of bad files cannot spin the loop.
public final class FolderSource: FrameSource {
    public let folder: String
    /// Frames per second; nil replays as fast as frames are asked for.
    public let framesPerSecond: Double?
    /// Whether to start again after the last file.
    public let loops: Bool

    private var files: [String] = []
    private var position = 0
    private var sequence: UInt32 = 0
    private var pacer: FramePacer

    /// The image files a folder source would play, in order: `.png`, `.jpg`, `.jpeg` in any
    /// letter case, sorted by name (byte order, so `000.png` comes before `010.png`).
    public static func imageFiles(in folder: String) throws -> [String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            throw CaptureError.folder(path: folder, reason: "cannot be listed (\((error as NSError).localizedDescription))")
        }
        let images = names.filter { ["png", "jpg", "jpeg"].contains(($0 as NSString).pathExtension.lowercased()) }
        return images.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { folder + "/" + $0 }
    }

    public init(folder: String, framesPerSecond: Double?, loops: Bool) {
        self.folder = folder
        self.framesPerSecond = framesPerSecond
        self.loops = loops
        self.pacer = FramePacer(framesPerSecond: framesPerSecond)
    }

    public var name: String { folder }

    public func start() throws -> StreamInfo {
        files = try Self.imageFiles(in: folder)
        guard !files.isEmpty else {
            throw CaptureError.folder(path: folder, reason: "holds no .png, .jpg or .jpeg files")
        }
        position = 0
        return StreamInfo(source: "folder \(folder) (\(files.count) images\(loops ? ", looping" : ""))", format: .rgb24,
                          width: nil, height: nil, framesPerSecond: framesPerSecond)
    }

    public func next(stop: StopSignal) throws -> SourceEvent {
        guard !files.isEmpty else { throw CaptureError.folder(path: folder, reason: "not started") }
        if position == files.count {
            guard loops else { return .end }
            position = 0
        }
        guard let slot = pacer.waitForSlot(stop: stop) else { return .interrupted }
        let path = files[position]
        position += 1
        let frameSequence = sequence
        sequence &+= 1
        do {
            return .frame(Frame(image: try ImageFile.readRGB(path), timestamp: slot, sequence: frameSequence))
        } catch {
            return .corrupt(sequence: frameSequence, reason: "\(error)")
        }
    }

    public func stop() {
        files = []
    }
}
