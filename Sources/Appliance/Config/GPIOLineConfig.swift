import Actuate
import Yams

/// One GPIO line, named the way that survives kernel upgrades: chip by label, line by name.
public struct GPIOLineConfig: Sendable, Equatable {
    /// The chip's label as `gpiodetect` prints it in brackets (e.g. `pinctrl-rp1`), never its
    /// number: the Pi 5 renumbered its header chip between kernels.
    public var chip: String
    /// The line's name (`GPIO17`) or its offset on the chip written as text (`"17"`).
    public var line: String
    /// Whether the line is active when low (an open-collector output, an NPN photo-eye).
    public var activeLow: Bool
    /// An input's internal resistor (an open-collector sensor needs a pull-up).
    public var bias: GPIOBias
    /// An input's debounce period in microseconds, 0 for none; only libgpiod v2 can ask the
    /// kernel for it (v1 ignores it, and check-config says so).
    public var debounceUs: Int

    /// A line on `chip`.
    public init(chip: String, line: String, activeLow: Bool = false, bias: GPIOBias = .asIs, debounceUs: Int = 0) {
        self.chip = chip
        self.line = line
        self.activeLow = activeLow
        self.bias = bias
        self.debounceUs = debounceUs
    }
}

extension GPIOLineConfig {
    /// Reads a line section. With `defaults`, absent keys keep them; without, chip and line
    /// are required and a section missing one is nil (and reported).
    static func read(_ section: SectionReader, defaults: GPIOLineConfig?) -> GPIOLineConfig? {
        let chip: String?
        let line: String?
        if let defaults {
            chip = section.value("chip", default: defaults.chip, .chipLabel)
            line = section.value("line", default: defaults.line, .lineName)
        } else {
            chip = section.required("chip", .chipLabel)
            line = section.required("line", .lineName)
        }
        let activeLow = section.value("active_low", default: defaults?.activeLow ?? false, .boolean)
        let bias = section.value("bias", default: defaults?.bias ?? .asIs, .choice)
        let debounceUs = section.value("debounce_us", default: defaults?.debounceUs ?? 0, .integer(in: 0...1_000_000))
        guard let chip, let line else { return nil }
        return GPIOLineConfig(chip: chip, line: line, activeLow: activeLow, bias: bias, debounceUs: debounceUs)
    }
}

extension Conversion where T == String {
    /// A chip label; numbers, `gpiochipN` and device paths are refused because they change.
    static var chipLabel: Conversion<String> {
        text.checked { chip in
            let numbered = chip.allSatisfy(\.isNumber) || chip.hasPrefix("gpiochip") || chip.hasPrefix("/dev/")
            return numbered ? "\(Node.quoted(chip)) names a chip by number or device; give its label as"
                + " gpiodetect prints it in brackets (e.g. pinctrl-rp1), because chip numbers change between kernels" : nil
        }
    }

    /// A line name, or an offset that is not negative.
    static var lineName: Conversion<String> {
        text.checked { line in
            if let offset = Int(line), offset < 0 { return "\(offset) is not a line offset (offsets start at 0)" }
            return nil
        }
    }
}
