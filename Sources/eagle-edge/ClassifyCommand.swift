import ArgumentParser
import Imaging
import PatchCore

/// `eagle-edge classify IMAGE...`: ImageNet top-5, to check the weights were installed right.
struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Classify images into ImageNet classes: a check that the backbone's weights are installed right.",
        discussion: "Point the camera at a coffee mug: espresso, cup or coffee mug should come first."
    )

    @OptionGroup var backbone: BackboneOptions

    @Option(name: .shortAndLong, help: "Classes to show per image.")
    var top = 5

    @Argument(help: "JPEG or PNG files.")
    var images: [String]

    func run() throws {
        let network = backbone.network()
        let classes: ImageNetClasses
        do {
            classes = try ImageNetClasses(nextToWeights: backbone.weights ?? WeightsLocation.defaultWeightsPath())
        } catch {
            Diagnostics.fail("\(error)")
        }
        var failures = 0
        for path in images {
            do {
                let p = network.classProbabilities(try EfficientNetLite0.classificationInput(ImageFile.readRGB(path)))
                print(path)
                for index in p.indices.sorted(by: { p[$0] > p[$1] }).prefix(max(1, top)) {
                    let percent = (Double(p[index]) * 1000).rounded() / 10
                    print("  \(String(index).leftPadded(3))  \(String(percent).leftPadded(5)) %  \(classes.shortName(index))")
                }
            } catch {
                failures += 1
                Diagnostics.warn("\(error)")
            }
        }
        if failures > 0 { throw ExitCode.failure }
    }
}

extension String {
    /// Right-aligned in a column of `width` characters.
    func leftPadded(_ width: Int) -> String {
        String(repeating: " ", count: max(0, width - count)) + self
    }
}
