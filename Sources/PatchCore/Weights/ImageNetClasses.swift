import Foundation

/// The 1000 ImageNet-1k class names in the standard class-index order (0 tench, 281 tabby cat,
/// 967 espresso), for the `classify` diagnostic. One line per class, WordNet lemmas separated by
/// commas ("tabby, tabby cat"), as `Packaging/weights/fetch.sh` writes them.
public struct ImageNetClasses: Sendable, Equatable {
    /// The number of classes; the list must have exactly this many lines.
    public static let count = 1000
    /// The list's file name, beside the weights file.
    public static let fileName = "imagenet-classes.txt"

    /// The class names; `names[i]` is class index `i`.
    public let names: [String]

    /// Reads the class list at `path`.
    /// - Throws: `WeightsError.invalidClassNames` if it cannot be read or is not 1000 non-empty lines.
    public init(contentsOf path: String) throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let exists = FileManager.default.fileExists(atPath: path)
            throw WeightsError.invalidClassNames(
                path: path, reason: exists ? "cannot be read" : "no such file (run Packaging/weights/fetch.sh)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw WeightsError.invalidClassNames(path: path, reason: "not UTF-8 text")
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
        if lines.last == "" { lines.removeLast() }
        guard lines.count == ImageNetClasses.count else {
            throw WeightsError.invalidClassNames(path: path, reason: "\(lines.count) lines, expected \(ImageNetClasses.count)")
        }
        if let blank = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            throw WeightsError.invalidClassNames(path: path, reason: "line \(blank + 1) is empty")
        }
        names = lines
    }

    /// Reads `imagenet-classes.txt` from the directory of the weights file at `weightsPath`.
    public init(nextToWeights weightsPath: String) throws {
        try self.init(contentsOf: WeightsLocation.classNamesPath(nextTo: weightsPath))
    }

    /// The name of class `index` (0..<1000), all its lemmas.
    public subscript(index: Int) -> String { names[index] }

    /// The first lemma of class `index`, for short labels ("tabby" for 281).
    public func shortName(_ index: Int) -> String {
        String(names[index].split(separator: ",", maxSplits: 1).first ?? Substring(names[index]))
            .trimmingCharacters(in: .whitespaces)
    }
}
