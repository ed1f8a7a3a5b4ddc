/// One key the loader understands, recorded while it walks a document.
///
/// Walking an empty document records every key, so this table cannot drift from the loader:
/// tests compare it with the shipped `Config/eagle-edge.yaml`.
struct ConfigKey: Sendable, Equatable {
    /// How the loader treats the value under the key.
    enum Kind: Sendable, Equatable {
        /// A single value: number, string, boolean or choice.
        case value
        /// A mapping of further known keys that is always present (absent means all defaults).
        case section
        /// A mapping of further known keys that may be left out (`~`) as a whole.
        case optionalSection
        /// A mapping whose keys are free names chosen by the operator (camera controls).
        case freeMap
    }

    /// Dotted path, e.g. `camera.synthetic.seed`.
    let path: String
    /// How the value is read.
    let kind: Kind
}
