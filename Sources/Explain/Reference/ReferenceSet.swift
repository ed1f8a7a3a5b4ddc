import Foundation
import Imaging

/// Good parts of a product, of which the one most like a flagged part is shown to the model as
/// a normal reference (Echo).
///
/// `eagle-edge teach` keeps a few small JPEGs of good teach images beside the model file, in
/// `<model>.refs/` (see ``directory(forModel:)``). Likeness is a cheap, robust distance: each
/// image becomes a 16x16 grey thumbnail, normalised to zero mean and unit variance (so that a
/// change of exposure does not count), and the nearest by Euclidean distance wins. Choosing
/// among a handful of thumbnails costs well under a millisecond.
public struct ReferenceSet: Sendable {
    /// A reference image and its thumbnail feature.
    struct Entry: Sendable {
        var image: RGBImage
        var feature: [Float]
    }

    /// Side of the grey thumbnail compared.
    static let side = 16
    /// Longer side of the JPEGs `teach` keeps.
    public static let storedSize = 320
    /// How many `teach` keeps, spread evenly over the good images it was given.
    public static let storedCount = 8

    var entries: [Entry]

    /// References from images already in memory (the crops the expert inspected).
    public init(images: [RGBImage]) throws {
        entries = try images.map { Entry(image: $0, feature: try Self.feature($0)) }
    }

    /// How many references there are.
    public var count: Int { entries.count }

    /// The directory of the references kept with the model at `modelPath`.
    public static func directory(forModel modelPath: String) -> String { modelPath + ".refs" }

    /// Loads the JPEGs in `directory`; nil when there is none (a model taught without them).
    public static func load(directory: String) throws -> ReferenceSet? {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let images = try names.filter { $0.lowercased().hasSuffix(".jpg") }.sorted().map { name in
            try JPEG.decodeRGB(Array(try Data(contentsOf: URL(fileURLWithPath: directory).appendingPathComponent(name))))
        }
        return images.isEmpty ? nil : try ReferenceSet(images: images)
    }

    /// Writes `images` (good teach crops) as the references of the model at `modelPath`:
    /// ``storedCount`` of them, evenly spread, scaled to ``storedSize``; replaces earlier ones.
    /// Returns the directory.
    @discardableResult
    public static func store(_ images: [RGBImage], forModel modelPath: String, quality: Int = 85) throws -> String {
        let directory = directory(forModel: modelPath)
        let manager = FileManager.default
        if manager.fileExists(atPath: directory) { try manager.removeItem(atPath: directory) }
        try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let count = min(storedCount, images.count)
        for index in 0..<count {
            let image = images[index * images.count / count]
            let scale = Double(storedSize) / Double(max(image.width, image.height))
            let small = scale >= 1 ? image : try image.resized(width: max(1, Int(Double(image.width) * scale)),
                                                              height: max(1, Int(Double(image.height) * scale)), filter: .area)
            let path = URL(fileURLWithPath: directory).appendingPathComponent(String(format: "good-%02d.jpg", index + 1))
            try Data(try JPEG.encode(small, quality: quality)).write(to: path)
        }
        return directory
    }

    /// The reference most like `image`.
    public func nearest(to image: RGBImage) -> RGBImage? {
        guard let probe = try? Self.feature(image) else { return entries.first?.image }
        return entries.min { Self.distance($0.feature, probe) < Self.distance($1.feature, probe) }?.image
    }

    /// The reference most like the region of `subject` the expert inspected.
    public func nearest(to subject: ExplainSubject) -> RGBImage? {
        guard entries.count > 1 else { return entries.first?.image }
        guard let crop = try? subject.frame.cropped(to: subject.region) else { return entries.first?.image }
        return nearest(to: crop)
    }

    static func feature(_ image: RGBImage) throws -> [Float] {
        let small = try image.resized(width: side, height: side, filter: .area)
        var grey = [Float](repeating: 0, count: side * side)
        for i in 0..<grey.count {
            let p = i * 3
            grey[i] = 0.299 * Float(small.pixels[p]) + 0.587 * Float(small.pixels[p + 1]) + 0.114 * Float(small.pixels[p + 2])
        }
        let mean = grey.reduce(0, +) / Float(grey.count)
        let variance = grey.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(grey.count)
        let scale = variance > 1e-6 ? 1 / variance.squareRoot() : 1
        return grey.map { ($0 - mean) * scale }
    }

    static func distance(_ a: [Float], _ b: [Float]) -> Float {
        var sum: Float = 0
        for i in 0..<min(a.count, b.count) {
            let d = a[i] - b[i]
            sum += d * d
        }
        return sum
    }
}
