import Foundation
import Imaging

/// A labelled test image: its file, its defect mask if any, and what it is.
public struct LabeledSample: Sendable, Equatable {
    public let imagePath: String
    /// nil for good images and for data sets without masks.
    public let maskPath: String?
    /// "good", or the defect type ("broken_large", "crack", ...).
    public let defectType: String
    public var isAnomalous: Bool { defectType != InspectionDataset.goodType }
}

/// Teach images (good parts only) and labelled test images, read from a folder layout.
public struct InspectionDataset: Sendable {
    public static let goodType = "good"

    public let name: String
    public let teachImages: [String]
    public let testSamples: [LabeledSample]
    /// One line saying how teach and test were chosen, for reports.
    public let split: String
    /// Whether the test samples carry pixel masks (pixel AUROC and PRO need them).
    public var hasMasks: Bool { testSamples.contains { $0.maskPath != nil } }

    /// Recognises the layout under `root`: MVTec AD (`train/good`, `test/<type>`) or
    /// KolektorSDD (`kosNN/PartK.jpg` with `PartK_label.png`).
    public static func open(_ root: String) throws -> InspectionDataset {
        let fm = FileManager.default
        if fm.fileExists(atPath: root + "/train/good") && fm.fileExists(atPath: root + "/test") {
            return try mvtec(root)
        }
        if (try? fm.contentsOfDirectory(atPath: root))?.contains(where: { $0.hasPrefix("kos") }) == true {
            return try kolektor(root)
        }
        throw DatasetError.unknownLayout(root)
    }

    /// MVTec AD: teach on `train/good`, test on every `test/<type>` image, masks from
    /// `ground_truth/<type>/<name>_mask.png`.
    public static func mvtec(_ root: String) throws -> InspectionDataset {
        let teach = try images(in: root + "/train/good")
        var samples: [LabeledSample] = []
        for type in try sortedContents(root + "/test") {
            for path in try images(in: root + "/test/" + type) {
                var mask: String?
                if type != goodType {
                    let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
                    let candidate = "\(root)/ground_truth/\(type)/\(stem)_mask.png"
                    mask = FileManager.default.fileExists(atPath: candidate) ? candidate : nil
                }
                samples.append(LabeledSample(imagePath: path, maskPath: mask, defectType: type))
            }
        }
        guard !teach.isEmpty, !samples.isEmpty else { throw DatasetError.empty(root) }
        return InspectionDataset(name: (root as NSString).lastPathComponent, teachImages: teach, testSamples: samples,
                                 split: "MVTec AD: teach train/good (\(teach.count)), test test/* (\(samples.count))")
    }

    /// KolektorSDD (no official unsupervised split). Ours: teach on the defect-free parts of
    /// the first `teachFolders` folders in name order; test on everything else (the defect-free
    /// parts of the remaining folders and every defective part). A part is defective when its
    /// label mask has any nonzero pixel.
    public static func kolektor(_ root: String, teachFolders: Int = 30) throws -> InspectionDataset {
        let folders = try sortedContents(root).filter { $0.hasPrefix("kos") }
        var teach: [String] = [], samples: [LabeledSample] = []
        for (index, folder) in folders.enumerated() {
            for path in try images(in: root + "/" + folder).filter({ !$0.hasSuffix("_label.png") }) {
                let mask = ((path as NSString).deletingPathExtension) + "_label.png"
                let defective = try ImageFile.readGray(mask).pixels.contains { $0 != 0 }
                if !defective && index < teachFolders {
                    teach.append(path)
                } else {
                    samples.append(LabeledSample(imagePath: path, maskPath: mask, defectType: defective ? "defect" : goodType))
                }
            }
        }
        guard !teach.isEmpty, !samples.isEmpty else { throw DatasetError.empty(root) }
        let good = samples.filter { !$0.isAnomalous }.count
        return InspectionDataset(
            name: (root as NSString).lastPathComponent, teachImages: teach, testSamples: samples,
            split: "KolektorSDD: teach defect-free parts of folders 1-\(min(teachFolders, folders.count)) (\(teach.count)), "
                + "test the other defect-free parts (\(good)) and all defective parts (\(samples.count - good))")
    }

    /// JPEG and PNG files in a folder, in name order.
    static func images(in folder: String) throws -> [String] {
        try sortedContents(folder)
            .filter { ["png", "jpg", "jpeg"].contains(($0 as NSString).pathExtension.lowercased()) }
            .map { folder + "/" + $0 }
    }

    static func sortedContents(_ folder: String) throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: folder).filter { !$0.hasPrefix(".") }.sorted()
        } catch {
            throw DatasetError.unreadable(folder)
        }
    }
}

/// Why a data set could not be opened.
public enum DatasetError: Error, Equatable, CustomStringConvertible {
    case unknownLayout(String)
    case unreadable(String)
    case empty(String)

    public var description: String {
        switch self {
        case .unknownLayout(let root):
            return "\(root) is neither an MVTec AD category (train/good, test/<type>) nor KolektorSDD (kosNN/PartK.jpg)"
        case .unreadable(let folder): return "cannot read the folder \(folder)"
        case .empty(let root): return "\(root) has no teach or no test images"
        }
    }
}
