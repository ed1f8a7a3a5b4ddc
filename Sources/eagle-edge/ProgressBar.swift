import Glibc
import Dispatch
import EagleLog

/// A one-line progress bar on stderr with rate and ETA, redrawn in place on a terminal and
/// printed every 10 % otherwise (journald and CI logs get a few lines, not hundreds).
final class ProgressBar {
    private let label: String
    private let total: Int
    private let start = DispatchTime.now().uptimeNanoseconds
    private let interactive = isatty(2) != 0
    private var lastDecile = -1
    private let sink = StandardErrorSink()

    init(_ label: String, total: Int) {
        self.label = label
        self.total = max(total, 1)
    }

    func update(_ done: Int) {
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let eta = rate > 0 ? Double(total - done) / rate : 0
        let width = 30, filled = width * done / total
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let line = "\(label) [\(bar)] \(done)/\(total)  \(format(rate)) images/s  ETA \(format(eta)) s"
        if interactive {
            sink.write(text: "\r" + line + (done == total ? "\n" : ""))
        } else if done * 10 / total > lastDecile || done == total {
            lastDecile = done * 10 / total
            sink.write(line: line)
        }
    }

    private func format(_ value: Double) -> String {
        String(Int((value * 10).rounded()) / 10) + "." + String(Int((value * 10).rounded()) % 10)
    }
}
