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
        var runs: [(expert: PatchCoreExpert, report: EvaluationReport)] = []
        for precision in teach.precisions() {
            let taught = model.map(loadModel) ?? teachModel(network: network, precision: precision, data: data)
            if taught.settings.precision != precision {
                Diagnostics.fail("\(model ?? "the model") was taught in \(taught.settings.precision.rawValue); "
                                 + "--precision \(precision.rawValue) needs a model taught in it (omit --model to teach one)")
            }
            do {
                let expert = try PatchCoreExpert(network: network, model: taught)
                let bar = ProgressBar("eval \(precision.rawValue)", total: data.testSamples.count)
                let results = try Evaluator(expert: expert).evaluate(data) { done, _ in bar.update(done) }
                if let report {
                    let folder = runs.isEmpty ? report : report + "/" + precision.rawValue
                    try EvaluationReportHTML.write(results, expert: expert, to: folder)
                }
                runs.append((expert, results))
            } catch {
                Diagnostics.fail("\(error)")
            }
        }
        var parity: PrecisionParity?
        if let fp32 = runs.first(where: { $0.expert.model.settings.precision == .fp32 }),
           let int8 = runs.first(where: { $0.expert.model.settings.precision == .int8 }) {
            do {
                parity = try PrecisionParity(fp32: fp32.expert, int8: int8.expert, fp32Report: fp32.report, int8Report: int8.report,
                                             images: int8.report.images.map(\.sample.imagePath))
            } catch {
                Diagnostics.fail("parity: \(error)")
            }
        }
        for (path, reason) in runs.first?.report.unreadable ?? [] { Diagnostics.warn("skipped \(path): \(reason)") }
        let reports = runs.map { (report: $0.report, model: $0.expert.model) }
        if json {
            print(try EvaluationReportJSON.render(reports, parity: parity))
        } else {
            print(EvaluationReportText.render(reports, parity: parity), terminator: "")
        }
    }

    private func loadModel(_ path: String) -> PatchCoreModel {
        do { return try ModelFile.load(path) } catch { Diagnostics.fail("\(error)") }
    }

    /// Teaches from the data set's teach images; saved when --save-model names a file (with the
    /// precision added to its name when several are evaluated).
    private func teachModel(network: EfficientNetLite0, precision: Precision, data: InspectionDataset) -> PatchCoreModel {
        var settings = teach.settings()
        settings.precision = precision
        let files = data.teachImages
        let taught = TeachCommand.teach(network: network, settings: settings, count: files.count,
                                        source: dataset, threads: backbone.threads) { try ImageFile.readRGB(files[$0]) }
        if var path = saveModel {
            if teach.precisions().count > 1 { path = (path as NSString).deletingPathExtension + "-\(precision.rawValue).eagle" }
            do { try ModelFile.save(taught, to: path) } catch { Diagnostics.fail("\(error)") }
        }
        return taught
    }
}
