import Foundation
import Glibc
import Imaging
import Storage

/// The model file: one SQLite database per recipe, self-describing and checked on load.
///
/// - `PRAGMA application_id` marks it as ours, `PRAGMA user_version` is the format version.
/// - `meta(key, value)`: settings, calibration and provenance as text, plus `meta_crc32` over
///   all other rows (sorted `key=value` lines).
/// - `tensors(name, rows, columns, data, crc32)`: the memory bank, the held-out scores and, for
///   an int8 model, the activation ranges (one row of min, max per point named in the meta key
///   `activation_points`) and, when taught with bias correction, the bias corrections (one row
///   of all layers' per-channel values in accumulator units, integers stored exactly as Float32;
///   the meta key `bias_correction_layers` lists `layer:channels` in order), all as little-endian
///   Float32 (x86-64 and AArch64 are both little-endian).
///
/// Version 2 added the precision and the activation ranges, version 3 the bias correction
/// setting and tensor and the reference-coreset setting, version 4 the threshold rule (meta
/// `threshold_rule`) and, for a threshold set with known defects, their scores (tensor
/// `defect_scores`), version 5 the line evidence (meta `line_evidence` and `score_fusion`, empty
/// when off: an older build would score such a model without it). A build reads version 3 too
/// (its threshold is mean + k std); older files are refused with a request to teach again
/// (nothing was ever deployed with them).
///
/// Saving writes a temporary file beside the target and renames it over the target, so a
/// reader (or a power cut) sees either the old model or the new one, never half of one.
public enum ModelFile {
    /// 'EAGL' in the SQLite header.
    public static let applicationID: Int32 = 0x4541_474C
    public static let formatVersion = 5
    /// The oldest format this build still reads.
    public static let oldestReadableVersion = 3
    static let format = "eagle-edge patchcore"

    // MARK: Saving

    public static func save(_ model: PatchCoreModel, to path: String) throws {
        guard model.settings.precision == .fp32 || model.activationRanges != nil else {
            throw PatchCoreError.modelFile(path: path, reason: "an int8 model needs its activation ranges")
        }
        guard model.settings.precision == .fp32 || !model.settings.biasCorrection || model.biasCorrections != nil else {
            throw PatchCoreError.modelFile(path: path, reason: "an int8 model taught with bias correction needs its bias corrections")
        }
        let temporary = path + ".tmp-\(getpid())"
        unlink(temporary)
        do {
            try write(model, to: temporary)
        } catch {
            unlink(temporary)
            throw PatchCoreError.modelFile(path: path, reason: "cannot write: \(error)")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw PatchCoreError.modelFile(path: path, reason: "cannot move the new model into place: \(reason)")
        }
    }

    private static func write(_ model: PatchCoreModel, to path: String) throws {
        let db = try SQLiteDatabase(path: path, mode: .create)
        try db.execute("""
            PRAGMA application_id = \(applicationID);
            PRAGMA user_version = \(formatVersion);
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE tensors (name TEXT PRIMARY KEY, rows INTEGER NOT NULL, columns INTEGER NOT NULL,
                                  data BLOB NOT NULL, crc32 INTEGER NOT NULL);
            """)
        try db.transaction {
            let meta = metadata(of: model)
            let insert = try db.prepare("INSERT INTO meta (key, value) VALUES (?, ?)")
            for (key, value) in meta { try insert.run([.text(key), .text(value)]) }
            try insert.run([.text("meta_crc32"), .text(String(metaChecksum(meta)))])
            let tensor = try db.prepare("INSERT INTO tensors (name, rows, columns, data, crc32) VALUES (?, ?, ?, ?, ?)")
            var tensors = [
                ("bank", model.bank.count, model.bank.dimension, model.bank.features.values),
                ("held_out_scores", 1, model.calibration.heldOutScores.count, model.calibration.heldOutScores),
            ]
            if case .knownDefects(_, let defects) = model.calibration.rule {
                tensors.append(("defect_scores", 1, defects.count, defects))
            }
            if let ranges = model.activationRanges {
                tensors.append(("activation_ranges", ranges.names.count, 2,
                                zip(ranges.minimums, ranges.maximums).flatMap { [$0, $1] }))
            }
            if let corrections = storedCorrections(of: model) {
                let values = corrections.values.flatMap { $0.map(Float.init) }
                tensors.append(("bias_corrections", 1, values.count, values))
            }
            for (name, rows, columns, values) in tensors {
                let bytes = values.withUnsafeBytes { Array($0) }
                try tensor.run([.text(name), .integer(Int64(rows)), .integer(Int64(columns)), .blob(bytes),
                                .integer(Int64(CRC32.checksum(bytes)))])
            }
        }
    }

    static func metadata(of model: PatchCoreModel) -> [String: String] {
        let s = model.settings, p = model.provenance, c = model.calibration
        return [
            "format": format,
            "backbone": p.backbone,
            "weights_sha256": p.weightsSHA256,
            "taps": s.taps.map(\.description).joined(separator: ","),
            "fit": s.fit.storedName,
            "input_width": String(s.inputWidth),
            "input_height": String(s.inputHeight),
            "resize_filter": s.resizeFilter.rawValue,
            "feature_dimension": s.featureDimension.map(String.init) ?? "",
            "tap_dimension": s.tapDimension.map(String.init) ?? "",
            "coreset_ratio": String(s.coresetRatio),
            "projection_dimension": String(s.projectionDimension),
            "seed": String(s.seed),
            "blur_sigma": String(s.blurSigma),
            "reweighting": String(s.reweighting),
            "reweighting_neighbours": String(s.reweightingNeighbours),
            "threshold_sigmas": String(s.thresholdSigmas),
            "holdout_share": String(s.holdoutShare),
            "cross_fit": String(s.crossFit),
            "precision": s.precision.rawValue,
            "quantization_images": String(s.quantizationImages),
            "range_estimator": s.rangeEstimator.storedName,
            "activation_points": model.activationRanges?.names.joined(separator: ",") ?? "",
            "bias_correction": String(s.biasCorrection),
            "reference_coreset": String(s.referenceCoreset),
            "augment": s.augment.map(\.rawValue).joined(separator: ","),
            "flatten_sigma": s.flattenSigma.map { String($0) } ?? "",
            "line_evidence": s.lineEvidence?.storedName ?? "",
            "score_fusion": model.scoreFusion.map { f in
                [f.patchCenter, f.patchSpread, f.lineCenter, f.lineSpread].map { String($0) }.joined(separator: ",")
            } ?? "",
            "bias_correction_layers": storedCorrections(of: model).map { c in
                zip(c.layers, c.values).map { "\($0):\($1.count)" }.joined(separator: ",")
            } ?? "",
            "calibration_mean": String(c.mean),
            "calibration_std": String(c.standardDeviation),
            "threshold": String(c.threshold),
            "threshold_rule": storedName(of: c.rule),
            "created_at": String(p.createdAt),
            "teach_images": String(p.teachImageCount),
            "held_out_images": String(p.heldOutImageCount),
            "teach_patches": String(p.teachPatchCount),
            "teach_source": p.teachSource,
            "teach_seconds": String(p.teachSeconds),
        ]
    }

    /// The corrections a model stores: those of an int8 model taught with bias correction.
    static func storedCorrections(of model: PatchCoreModel) -> BiasCorrections? {
        model.settings.precision == .int8 && model.settings.biasCorrection ? model.biasCorrections : nil
    }

    /// "sigmas:3.0", "quantile:0.01", "pareto_tail:0.01", "known_defects:0.01" (the scores
    /// in their own tensor).
    static func storedName(of rule: ThresholdRule) -> String {
        switch rule {
        case .sigmas(let k): "sigmas:\(k)"
        case .quantile(let target): "quantile:\(target)"
        case .paretoTail(let target): "pareto_tail:\(target)"
        case .knownDefects(let target, _): "known_defects:\(target)"
        }
    }

    /// The rule a stored name says; nil for an unknown one.
    static func rule(storedName: String, defectScores: () throws -> [Float]) rethrows -> ThresholdRule? {
        let parts = storedName.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let value = Double(parts[1]), value.isFinite else { return nil }
        switch parts[0] {
        case "sigmas": return .sigmas(value)
        case "quantile": return .quantile(falseRejectTarget: value)
        case "pareto_tail": return .paretoTail(falseRejectTarget: value)
        case "known_defects": return .knownDefects(falseRejectTarget: value, defectScores: try defectScores())
        default: return nil
        }
    }

    static func metaChecksum(_ meta: [String: String]) -> UInt32 {
        let text = meta.keys.sorted().map { "\($0)=\(meta[$0] ?? "")\n" }.joined()
        return CRC32.checksum(Array(text.utf8))
    }

    // MARK: Loading

    /// Loads and checks a model file; every failure is a ``PatchCoreError/modelFile(path:reason:)``
    /// saying what is wrong.
    public static func load(_ path: String) throws -> PatchCoreModel {
        func fail(_ reason: String) -> PatchCoreError { .modelFile(path: path, reason: reason) }
        guard FileManager.default.fileExists(atPath: path) else { throw fail("no such file") }
        do {
            let db = try SQLiteDatabase(path: path, mode: .readOnly)
            let appID = try db.prepare("PRAGMA application_id")
            guard try appID.step(), Int32(truncatingIfNeeded: appID.int(0)) == applicationID else {
                throw fail("not an EagleEdge model file")
            }
            let version = try db.userVersion()
            guard (oldestReadableVersion...formatVersion).contains(version) else {
                throw fail("format version \(version); this build reads versions \(oldestReadableVersion) to \(formatVersion)"
                           + (version < formatVersion ? ": teach the model again with this build" : ": use a newer build"))
            }
            if let problem = try db.integrityProblem() { throw fail("damaged (\(problem))") }
            var meta: [String: String] = [:]
            let rows = try db.prepare("SELECT key, value FROM meta")
            while try rows.step() { meta[rows.text(0)] = rows.text(1) }
            guard let stored = meta.removeValue(forKey: "meta_crc32"), UInt32(stored) == metaChecksum(meta) else {
                throw fail("settings checksum mismatch (edited or damaged)")
            }
            guard meta["format"] == format else { throw fail("format '\(meta["format"] ?? "")' is not \(format)") }
            let bank = try tensor("bank", in: db, fail)
            let scores = try tensor("held_out_scores", in: db, fail)
            let rule: ThresholdRule?
            if let stored = meta["threshold_rule"] {
                rule = try Self.rule(storedName: stored) { try tensor("defect_scores", in: db, fail).values }
                guard rule != nil else { throw fail("unknown threshold rule '\(stored)'") }
            } else {
                rule = nil
            }
            var loaded = try model(meta: meta, bank: bank, heldOutScores: scores.values, rule: rule, fail)
            if loaded.settings.precision == .int8 {
                let stored = try tensor("activation_ranges", in: db, fail)
                let names = (meta["activation_points"] ?? "").split(separator: ",").map(String.init)
                guard stored.columns == 2, stored.rows == names.count else {
                    throw fail("activation ranges hold \(stored.rows)x\(stored.columns) values for \(names.count) points")
                }
                do {
                    loaded.activationRanges = try ActivationRanges(
                        names: names, minimums: stride(from: 0, to: stored.values.count, by: 2).map { stored.values[$0] },
                        maximums: stride(from: 1, to: stored.values.count, by: 2).map { stored.values[$0] })
                } catch { throw fail("\(error)") }
                if loaded.settings.biasCorrection {
                    loaded.biasCorrections = try corrections(meta: meta, in: db, fail)
                }
            }
            return loaded
        } catch let error as PatchCoreError {
            throw error
        } catch let error as SQLiteError {
            throw fail(error.isCorruption ? "damaged or truncated (\(error.message))" : error.description)
        } catch {
            throw fail("\(error)")
        }
    }

    /// The bias corrections: the `bias_corrections` row split as `bias_correction_layers` says.
    private static func corrections(meta: [String: String], in db: SQLiteDatabase, _ fail: (String) -> PatchCoreError) throws
        -> BiasCorrections {
        let stored = try tensor("bias_corrections", in: db, fail)
        var layers: [String] = [], values: [[Int32]] = [], next = 0
        for entry in (meta["bias_correction_layers"] ?? "").split(separator: ",") {
            let parts = entry.split(separator: ":")
            guard parts.count == 2, let count = Int(parts[1]), count >= 0, next + count <= stored.values.count else {
                throw fail("bias correction layer '\(entry)' does not fit the \(stored.values.count) stored values")
            }
            let slice = stored.values[next..<(next + count)]
            guard slice.allSatisfy({ $0.rounded() == $0 && abs($0) <= Float(BiasCorrections.limit) }) else {
                throw fail("bias corrections of '\(parts[0])' are not integers within 2^22")
            }
            layers.append(String(parts[0]))
            values.append(slice.map { Int32($0) })
            next += count
        }
        guard stored.rows == 1 || stored.values.isEmpty, next == stored.values.count else {
            throw fail("bias corrections hold \(stored.values.count) values, their layers \(next)")
        }
        do { return try BiasCorrections(layers: layers, values: values) } catch { throw fail("\(error)") }
    }

    private static func tensor(_ name: String, in db: SQLiteDatabase, _ fail: (String) -> PatchCoreError) throws
        -> (rows: Int, columns: Int, values: [Float]) {
        let query = try db.prepare("SELECT rows, columns, data, crc32 FROM tensors WHERE name = ?")
        try query.bind([.text(name)])
        guard try query.step() else { throw fail("tensor '\(name)' is missing") }
        let rows = Int(query.int(0)), columns = Int(query.int(1))
        let bytes = query.blob(2)
        guard rows >= 0, columns >= 0, bytes.count == rows * columns * MemoryLayout<Float>.size else {
            throw fail("tensor '\(name)' holds \(bytes.count) bytes for \(rows)x\(columns) values")
        }
        guard UInt32(truncatingIfNeeded: query.int(3)) == CRC32.checksum(bytes) else {
            throw fail("tensor '\(name)' checksum mismatch (damaged)")
        }
        var values = [Float](repeating: 0, count: rows * columns)
        values.withUnsafeMutableBytes { destination in
            bytes.withUnsafeBytes { destination.copyMemory(from: $0) }
        }
        return (rows, columns, values)
    }

    /// The model the settings describe; `rule` nil (version 3) is mean + threshold_sigmas std.
    private static func model(meta: [String: String], bank: (rows: Int, columns: Int, values: [Float]), heldOutScores: [Float],
                              rule: ThresholdRule?, _ fail: (String) -> PatchCoreError) throws -> PatchCoreModel {
        func value(_ key: String) throws -> String {
            guard let v = meta[key] else { throw fail("setting '\(key)' is missing") }
            return v
        }
        func number<T: LosslessStringConvertible>(_ key: String, _ type: T.Type) throws -> T {
            guard let v = T(try value(key)) else { throw fail("setting '\(key)' is not a valid \(T.self)") }
            return v
        }
        func estimator() throws -> RangeEstimator {
            guard let e = RangeEstimator(storedName: try value("range_estimator")) else { throw fail("unknown range estimator '\(meta["range_estimator"] ?? "")'") }
            return e
        }
        func precision() throws -> Precision {
            guard let p = Precision(rawValue: try value("precision")) else { throw fail("unknown precision '\(meta["precision"] ?? "")'") }
            return p
        }
        var taps: [FeatureTap] = []
        for name in try value("taps").split(separator: ",") {
            guard let tap = FeatureTap(String(name)) else { throw fail("unknown feature tap '\(name)'") }
            taps.append(tap)
        }
        guard let filter = ResizeFilter(rawValue: try value("resize_filter")) else { throw fail("unknown resize filter") }
        let dimensionText = try value("feature_dimension")
        guard let fit = PatchCoreSettings.Fit(storedName: try value("fit")) else { throw fail("unknown fit '\(meta["fit"] ?? "")'") }
        // Absent from version 3 files, taught without augmentation.
        var augment: [Orientation] = []
        for name in (meta["augment"] ?? "").split(separator: ",") {
            guard let orientation = Orientation(rawValue: String(name)) else { throw fail("unknown augmentation '\(name)'") }
            augment.append(orientation)
        }
        // Absent from files taught before flattening existed, and empty when it is off.
        var flattenSigma: Float?
        if let text = meta["flatten_sigma"], !text.isEmpty {
            guard let sigma = Float(text) else { throw fail("setting 'flatten_sigma' is not a valid Float") }
            flattenSigma = sigma
        }
        // Absent from files taught before line evidence existed, and empty when it is off.
        var lineEvidence: LineEvidence?
        var fusion: ScoreFusion?
        if let text = meta["line_evidence"], !text.isEmpty {
            guard let lines = LineEvidence(storedName: text) else { throw fail("setting 'line_evidence' is not sigma:offset:length") }
            let numbers = (meta["score_fusion"] ?? "").split(separator: ",").compactMap { Float($0) }
            guard numbers.count == 4, numbers.allSatisfy(\.isFinite), numbers[1] > 0, numbers[3] > 0 else {
                throw fail("setting 'score_fusion' needs four finite numbers, both spreads positive")
            }
            lineEvidence = lines
            fusion = ScoreFusion(patchCenter: numbers[0], patchSpread: numbers[1], lineCenter: numbers[2], lineSpread: numbers[3])
        }
        let settings = PatchCoreSettings(
            taps: taps, fit: fit, inputWidth: try number("input_width", Int.self), inputHeight: try number("input_height", Int.self),
            resizeFilter: filter, featureDimension: dimensionText.isEmpty ? nil : try number("feature_dimension", Int.self),
            tapDimension: try value("tap_dimension").isEmpty ? nil : try number("tap_dimension", Int.self),
            coresetRatio: try number("coreset_ratio", Double.self), projectionDimension: try number("projection_dimension", Int.self),
            seed: try number("seed", UInt64.self), blurSigma: try number("blur_sigma", Float.self),
            reweighting: try number("reweighting", Bool.self), reweightingNeighbours: try number("reweighting_neighbours", Int.self),
            thresholdSigmas: try number("threshold_sigmas", Double.self), holdoutShare: try number("holdout_share", Double.self),
            // Absent from files taught before cross-fitting existed: those held out one share.
            crossFit: meta["cross_fit"] == nil ? false : try number("cross_fit", Bool.self),
            precision: try precision(), quantizationImages: try number("quantization_images", Int.self),
            rangeEstimator: try estimator(), biasCorrection: try number("bias_correction", Bool.self),
            referenceCoreset: try number("reference_coreset", Bool.self), augment: augment,
            flattenSigma: flattenSigma, lineEvidence: lineEvidence)
        do { try settings.validate() } catch { throw fail("\(error)") }
        let expected = settings.patchDimension
        guard bank.columns == expected, bank.rows > 0 else {
            throw fail("memory bank is \(bank.rows)x\(bank.columns), the settings need \(expected) columns")
        }
        let calibration = Calibration(heldOutScores: heldOutScores, rule: rule ?? .sigmas(settings.thresholdSigmas))
        guard abs(calibration.threshold - (try number("threshold", Double.self))) <= 1e-6 * max(1, abs(calibration.threshold)) else {
            throw fail("stored threshold does not match the stored scores")
        }
        let provenance = PatchCoreModel.Provenance(
            backbone: try value("backbone"), weightsSHA256: try value("weights_sha256"),
            createdAt: try number("created_at", Double.self), teachImageCount: try number("teach_images", Int.self),
            heldOutImageCount: try number("held_out_images", Int.self), teachPatchCount: try number("teach_patches", Int.self),
            teachSource: try value("teach_source"), teachSeconds: try number("teach_seconds", Double.self))
        return PatchCoreModel(settings: settings,
                              bank: MemoryBank(features: PatchFeatureMatrix(count: bank.rows, dimension: bank.columns, values: bank.values)),
                              calibration: calibration, provenance: provenance, scoreFusion: fusion)
    }
}
