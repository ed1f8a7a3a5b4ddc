import Imaging

/// The kinds of defect the synthetic line paints.
public enum DefectKind: String, CaseIterable, Sendable {
    /// A thin bright line across the face.
    case scratch
    /// A small shaded hollow.
    case dent
    /// A soft brownish blot.
    case stain
    /// A chunk of the part's edge gone, showing the belt.
    case missingPiece = "missing_piece"
}

/// What the synthetic line knows about the part in a frame, so the demo and tests can score
/// the expert against the truth.
public struct PartTruth: Sendable, Equatable {
    /// The part's running number on the line, from 0.
    public var partNumber: Int
    /// The defect painted on it; nil for a good part.
    public var defect: DefectKind?
    /// Where the defect is, in frame pixels; nil for a good part. Every pixel the defect
    /// changed lies inside it.
    public var defectBox: Rect?

    public init(partNumber: Int, defect: DefectKind?, defectBox: Rect?) {
        self.partNumber = partNumber
        self.defect = defect
        self.defectBox = defectBox
    }
}
