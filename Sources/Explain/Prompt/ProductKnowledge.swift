import Foundation

/// What the recipe says about its product (`recipe.knowledge`, Echo's per-product text): what a
/// good part looks like and the defect types known on it.
///
/// The file is plain text, sent to the model as written (lines starting with `#` left out).
/// Lines of the form `defect: NAME` or `defect: NAME - what it looks like` also name the defect
/// types the answer must choose from (or "other"):
///
/// ```
/// A round white bottle cap seen from above, a ring of ribs around the rim.
/// defect: scratch - a thin dark line across the top
/// defect: dent - a flattened or bent part of the rim
/// ```
public struct ProductKnowledge: Sendable, Equatable {
    /// The text sent to the model.
    public var text: String
    /// The known defect types, in file order, without duplicates.
    public var defectTypes: [String]

    public init(text: String, defectTypes: [String]) {
        self.text = text
        self.defectTypes = defectTypes
    }

    /// Reads the text of a knowledge file.
    public init(parsing contents: String) {
        var kept: [String] = []
        var types: [String] = []
        for raw in contents.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#") { continue }
            kept.append(String(raw).trimmingCharacters(in: CharacterSet(charactersIn: "\r")))
            guard line.lowercased().hasPrefix("defect:") else { continue }
            let rest = line.dropFirst("defect:".count).trimmingCharacters(in: .whitespaces)
            let name = rest.components(separatedBy: " - ")[0].components(separatedBy: ":")[0]
                .trimmingCharacters(in: .whitespaces).lowercased()
            if !name.isEmpty, name != "other", name != "none", !types.contains(name) { types.append(name) }
        }
        text = kept.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        defectTypes = types
    }

    /// Reads the knowledge file at `path`.
    public init(contentsOf path: String) throws {
        self.init(parsing: try String(contentsOfFile: path, encoding: .utf8))
    }
}
