import ArgumentParser
import Foundation
import Imaging
import PatchCore

/// `eagle-edge eval [--model M] DATASET`: the paper's metrics on a labelled data set.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Measure image AUROC, pixel AUROC, PRO, F1-max and threshold metrics on a labelled data set.",
        discussion: """
            DATASET is an MVTec AD category folder (train/good, test/<type>, ground_truth/<type>) or \
            KolektorSDD (kosNN/PartK.jpg with PartK_label.png). Without --model, a model is taught \
            from the data set's teach images first (with the teach options).
            """
    )

    @OptionGroup var backbone: BackboneOptions
    @OptionGroup var teach: TeachOptions

    @Option(name: .shortAndLong, help: "A model file; if absent, teach one from the data set.")
    var model: String?

    @Option(help: "Also save the taught model here.")
    var saveModel: String?

    @Flag(help: "Print the figures as one JSON object.")
    var json = false

    @Option(help: "Write an HTML report (ROC curve, per-type table, worst misses as overlays) into this folder.")
    var report: String?

    @Argument(help: "The data set folder.")
    var dataset: String

    func run() throws {
        let data: InspectionDataset
        do {
            data = try InspectionDataset.open(dataset)
        } catch {
            Diagnostics.fail("\(error)")
        }
        let network = backbone.network()
        let taught: PatchCoreModel
        if let model {
            do { taught = try ModelFile.load(model) } catch { Diagnostics.fail("\(error)") }
        } else {
            taught = TeachCommand.teach(network: network, settings: teach.settings(), files: data.teachImages,
                                        source: dataset, threads: backbone.threads)
            if let saveModel {
                do { try ModelFile.save(taught, to: saveModel) } catch { Diagnostics.fail("\(error)") }
            }
        }
        let results: EvaluationReport
        do {
            let expert = try PatchCoreExpert(network: network, model: taught)
            let bar = ProgressBar("eval", total: data.testSamples.count)
            results = try Evaluator(expert: expert).evaluate(data) { done, _ in bar.update(done) }
            if let report {
                try HTMLReport.write(results, model: taught, expert: expert, to: report)
            }
        } catch {
            Diagnostics.fail("\(error)")
        }
        for (path, reason) in results.unreadable { Diagnostics.warn("skipped \(path): \(reason)") }
        if json {
            print(try ReportJSON.render(results, model: taught))
        } else {
            ReportText.print(results, model: taught)
        }
    }
}
