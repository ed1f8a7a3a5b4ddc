/// The release of this build, shown by `--version` and `eagle-edge version`.
enum EagleEdgeVersion {
    static let string = "0.1.0"
}
