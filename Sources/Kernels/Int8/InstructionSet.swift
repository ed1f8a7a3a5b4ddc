import CEagleKernels

/// The instruction set the int8 kernels run on: detected from the CPU at first use; tests and
/// `bench` may force the portable path to compare it with the fast one.
public enum InstructionSet: String, Sendable, CaseIterable {
    case portable
    case avx2
    case neonDot = "neon-dotprod"

    init(_ isa: eagle_isa) {
        switch isa {
        case EAGLE_ISA_AVX2: self = .avx2
        case EAGLE_ISA_NEON_DOT: self = .neonDot
        default: self = .portable
        }
    }

    var cValue: eagle_isa {
        switch self {
        case .portable: EAGLE_ISA_PORTABLE
        case .avx2: EAGLE_ISA_AVX2
        case .neonDot: EAGLE_ISA_NEON_DOT
        }
    }

    /// The best this CPU offers.
    public static var detected: InstructionSet { InstructionSet(eagle_kernels_detected_isa()) }

    /// The one in use now.
    public static var current: InstructionSet { InstructionSet(eagle_kernels_isa()) }

    /// Makes the kernels use `isa`; false (and nothing changes) if this CPU lacks it.
    @discardableResult
    public static func force(_ isa: InstructionSet) -> Bool {
        eagle_kernels_force_isa(isa.cValue) == 0
    }
}
