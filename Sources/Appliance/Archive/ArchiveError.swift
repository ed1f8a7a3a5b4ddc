import Capture

/// Why a part's images were not written; one sentence each.
public enum ArchiveError: Error, Equatable, CustomStringConvertible {
    /// The archive directory, or a day's directory in it, cannot be created.
    case directory(SystemCallError)
    /// The archive directory cannot be read (when the archive starts).
    case read(SystemCallError)
    /// An image file cannot be written (no space, read-only file system, no permission).
    case write(SystemCallError)
    /// The disk has less free space than the archive leaves to the journal.
    case lowSpace(path: String, availableBytes: Int64, reserveBytes: Int64)
    /// The image cannot be encoded as JPEG.
    case encode(String)

    public var description: String {
        switch self {
        case .directory(let error):
            return "cannot create the image directory: \(error)"
        case .read(let error):
            return "cannot read the image directory: \(error)"
        case .write(let error):
            return "cannot write an image: \(error)"
        case .lowSpace(let path, let available, let reserve):
            return "only \(available >> 20) MiB free on the disk of \(path): the archive leaves \(reserve >> 20) MiB to the journal"
        case .encode(let reason):
            return "cannot encode an image: \(reason)"
        }
    }

    /// The same for every file that fails the same way, so that health changes (and is
    /// logged) once per cause, not once per image: the errno text, not the file's name.
    var cause: String {
        switch self {
        case .directory(let error): "cannot create \(error.path): \(error.reason)"
        case .read(let error): "cannot read \(error.path): \(error.reason)"
        case .write(let error): "cannot write images: \(error.reason)"
        case .lowSpace(let path, _, let reserve): "less than \(reserve >> 20) MiB free on the disk of \(path)"
        case .encode(let reason): "cannot encode images: \(reason)"
        }
    }

    /// Whether the disk is at fault (archiving degrades until it recovers); an encoding failure
    /// concerns one image only.
    var isDiskProblem: Bool {
        if case .encode = self { return false }
        return true
    }
}
