import Foundation
import PatchCore
import XCTest

/// The converted EfficientNet-Lite0 weights (`Packaging/weights/fetch.sh` output) and the
/// safetensors reader's refusal of every kind of damaged file.
final class WeightsTests: XCTestCase {
    // MARK: - the real converted file

    func testRealFileHoldsExactlyTheExpectedTensorsInNetworkOrder() throws {
        let weights = try loadRealWeights()
        let expected = EfficientNetLite0Weights.expectedTensors
        XCTAssertEqual(expected.count, 247, "296 checkpoint entries less 49 num_batches_tracked")
        XCTAssertEqual(weights.file.names, expected.map(\.name))
        for tensor in expected {
            XCTAssertEqual(try weights.file.shape(named: tensor.name), tensor.shape, tensor.name)
        }
        XCTAssertEqual(try weights.file.shape(named: "_blocks.3._depthwise_conv.weight"), [144, 1, 5, 5])
        XCTAssertEqual(try weights.file.shape(named: "_fc.weight"), [1000, 1280])
    }

    func testParameterCountIsThatOfEfficientNetLite0() throws {
        let weights = try loadRealWeights()
        XCTAssertEqual(Double(weights.parameterCount), 4.69e6, accuracy: 4.69e4)
        // The exact figure convert_pth.py reports (running statistics included).
        XCTAssertEqual(weights.parameterCount, 4_694_024)
    }

    func testMetadataRecordsTheSourceCheckpoint() throws {
        let weights = try loadRealWeights()
        XCTAssertEqual(weights.file.metadata["source"], "efficientnet-lite0-57934424.pth")
        XCTAssertEqual(weights.file.metadata["format"], "eagle-edge efficientnet-lite0 v1")
        XCTAssertEqual(weights.sourceSHA256, "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db")
    }

    func testValuesMatchTheConverterAtStridedPositions() throws {
        let weights = try loadRealWeights()
        // Printed by `convert_pth.py --inspect <pth> NAME I,J,K,L` and identical to torch.load's
        // values; the second number is what reading the storage without the strides would give,
        // so a reader or converter that ignored the layout fails here.
        let references: [(name: String, index: [Int], value: Float, unstrided: Float)] = [
            ("_conv_stem.weight", [7, 2, 1, 0], 1.3041374683380127, -0.13020223379135132),
            ("_blocks.3._depthwise_conv.weight", [5, 0, 1, 3], -0.3004107177257538, -0.13469259440898895),
            ("_blocks.5._expand_conv.weight", [100, 17, 0, 0], 0.1148172989487648, -0.013898052275180817),
            ("_fc.weight", [281, 640], -0.017011143267154694, 0.11381639540195465),
            ("_bn1.running_var", [5], 11.030041694641113, 11.030041694641113)
        ]
        for reference in references {
            let tensor = try weights.tensor(reference.name)
            XCTAssertEqual(tensor.element(at: reference.index), reference.value, "\(reference.name)\(reference.index)")
        }
    }

    func testDepthwiseKernelsPeakAtTheirCentreTap() throws {
        // Trained depthwise kernels put most weight on the centre tap. Read with the wrong strides
        // the "taps" mix channels and the centre is no heavier than any other position.
        let weights = try loadRealWeights()
        var peaked = 0
        for block in EfficientNetLite0Weights.blocks {
            let kernel = try weights.tensor("\(block.prefix)._depthwise_conv.weight")
            let (channels, k) = (kernel.shape[0], kernel.shape[2])
            XCTAssertEqual(kernel.shape, [block.expandedChannels, 1, block.kernelSize, block.kernelSize])
            var tapMagnitude = [Float](repeating: 0, count: k * k)
            for c in 0..<channels {
                for tap in 0..<(k * k) { tapMagnitude[tap] += abs(kernel.values[c * k * k + tap]) }
            }
            let mean = tapMagnitude.reduce(0, +) / Float(k * k)
            if tapMagnitude[(k * k) / 2] > 1.5 * mean { peaked += 1 }
        }
        XCTAssertGreaterThanOrEqual(peaked, 12, "of 16 depthwise layers (14 when converted correctly)")
    }

    func testBatchNormVariancesAreNonNegativeAndAllValuesFinite() throws {
        // Not all positive: this checkpoint has dead channels whose running_var is exactly 0
        // (4 in the stem, up to 12 per layer; torch.load reads the same zeros). They stay rare.
        let weights = try loadRealWeights()
        var channels = 0
        var zeros = 0
        for tensor in EfficientNetLite0Weights.expectedTensors where tensor.name.hasSuffix(".running_var") {
            let prefix = String(tensor.name.dropLast(".running_var".count))
            let batchNorm = try weights.batchNorm(prefix)
            XCTAssertEqual(batchNorm.channels, tensor.shape[0])
            XCTAssertTrue(batchNorm.variance.allSatisfy { $0 >= 0 && $0.isFinite }, "\(prefix) running_var")
            channels += batchNorm.channels
            zeros += batchNorm.variance.filter { $0 == 0 }.count
        }
        XCTAssertLessThan(Double(zeros), 0.01 * Double(channels), "\(zeros) of \(channels) batch-norm channels have zero variance")
        for name in weights.file.names {
            // One sum instead of a per-element predicate: debug builds under qemu are slow enough.
            var magnitude = 0.0
            for value in try weights.tensor(name).values { magnitude += Double(abs(value)) }
            XCTAssertTrue(magnitude.isFinite, "\(name) has NaN or infinity")
        }
    }

    func testClassNamesAreInTheStandardIndexOrder() throws {
        let classes = try ImageNetClasses(nextToWeights: try realWeightsPath())
        XCTAssertEqual(classes.names.count, 1000)
        let known = [(0, "tench"), (281, "tabby cat"), (282, "tiger cat"), (285, "Egyptian cat"),
                     (504, "coffee mug"), (967, "espresso")]
        for (index, name) in known {
            let lemmas = classes[index].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            XCTAssertTrue(lemmas.contains(name), "class \(index) is '\(classes[index])', expected \(name)")
        }
        XCTAssertEqual(classes.shortName(281), "tabby")
        XCTAssertEqual(classes.shortName(967), "espresso")
    }

    func testDefaultPathFindsTheCheckoutFileFromASubdirectory() throws {
        let expected = try realWeightsPath()
        let found = try WeightsLocation.defaultWeightsPath(
            environment: [:], currentDirectory: packageRoot + "/Tests/PatchCoreTests", installed: "/nonexistent")
        XCTAssertEqual(found, expected)
    }

    // MARK: - default location

    func testEnvironmentVariableWinsEvenIfTheFileIsMissing() throws {
        let found = try WeightsLocation.defaultWeightsPath(
            environment: ["EAGLE_WEIGHTS": "/elsewhere/w.safetensors"], currentDirectory: packageRoot)
        XCTAssertEqual(found, "/elsewhere/w.safetensors")
    }

    func testSearchWalksUpThenFallsBackToTheInstalledFileThenFails() throws {
        let root = try temporaryDirectory()
        let deep = root + "/a/b/c"
        try FileManager.default.createDirectory(atPath: deep, withIntermediateDirectories: true)

        let installed = root + "/installed.safetensors"
        XCTAssertThrowsError(try WeightsLocation.defaultWeightsPath(environment: [:], currentDirectory: deep, installed: installed)) {
            guard case WeightsError.notFound(let searched) = $0 else { return XCTFail("\($0)") }
            XCTAssertEqual(searched.first, deep + "/.cache/weights/efficientnet-lite0.safetensors")
            XCTAssertTrue(searched.contains("/.cache/weights/efficientnet-lite0.safetensors"), "\(searched)")
            XCTAssertEqual(searched.last, installed)
            XCTAssertTrue("\($0)".contains("run Packaging/weights/fetch.sh"))
        }

        XCTAssertTrue(FileManager.default.createFile(atPath: installed, contents: Data()))
        XCTAssertEqual(try WeightsLocation.defaultWeightsPath(environment: [:], currentDirectory: deep, installed: installed), installed)

        try FileManager.default.createDirectory(atPath: root + "/a/.cache/weights", withIntermediateDirectories: true)
        let checkout = root + "/a/.cache/weights/efficientnet-lite0.safetensors"
        XCTAssertTrue(FileManager.default.createFile(atPath: checkout, contents: Data()))
        XCTAssertEqual(try WeightsLocation.defaultWeightsPath(environment: [:], currentDirectory: deep, installed: installed), checkout)
        XCTAssertEqual(WeightsLocation.classNamesPath(nextTo: checkout), root + "/a/.cache/weights/imagenet-classes.txt")
    }

    // MARK: - crafted files

    func testReadsAValidCraftedFile() throws {
        let path = try write(craft([("b", [2, 3], (0..<6).map { Float($0) - 2.5 }), ("a", [1], [7])],
                                   metadata: #""__metadata__":{"k":"v"}"#))
        let file = try SafeTensors(contentsOf: path)
        XCTAssertEqual(file.names, ["b", "a"], "data order, not name order")
        XCTAssertEqual(file.metadata, ["k": "v"])
        XCTAssertEqual(file.elementCount, 7)
        let b = try file.tensor(named: "b")
        XCTAssertEqual(b.shape, [2, 3])
        XCTAssertEqual(b.values, [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5])
        XCTAssertEqual(b.element(at: [1, 0]), 0.5)
        XCTAssertEqual(try file.tensor(named: "a").values, [7])
    }

    func testTruncatedFilesAreRefusedAtEveryCut() throws {
        let whole = craft([("x", [4], [1, 2, 3, 4]), ("y", [2], [5, 6])])
        let headerEnd = 8 + Int(whole[0]) + Int(whole[1]) << 8
        for cut in [0, 1, 7, 8, 9, headerEnd - 1, headerEnd, headerEnd + 3, headerEnd + 16, whole.count - 1] {
            let path = try write(Array(whole.prefix(cut)), name: "cut-\(cut).safetensors")
            XCTAssertThrowsError(try SafeTensors(contentsOf: path), "cut at \(cut)") { error in
                switch (cut, error) {
                case (..<8, WeightsError.truncated(path, cut)): break
                case (8..<headerEnd, WeightsError.headerOutOfRange(path, _, cut)): break
                case (headerEnd..., WeightsError.offsetsOutOfRange(path, _, _, _, cut - headerEnd)): break
                default: XCTFail("cut at \(cut): unexpected \(error)")
                }
                XCTAssertTrue("\(error)".contains(path), "\(error)")
            }
        }
    }

    func testTruncatedRealFileIsRefused() throws {
        let real = try Data(contentsOf: URL(fileURLWithPath: try realWeightsPath()))
        for fraction in [0.001, 0.5, 0.999] {
            let path = try write(Array(real.prefix(Int(Double(real.count) * fraction))), name: "real-\(fraction).safetensors")
            XCTAssertThrowsError(try EfficientNetLite0Weights(contentsOf: path), "cut at \(fraction)") { error in
                guard let error = error as? WeightsError else { return XCTFail("\(error)") }
                switch error {
                case .headerOutOfRange, .offsetsOutOfRange: break
                default: XCTFail("cut at \(fraction): unexpected \(error)")
                }
            }
        }
    }

    func testCorruptedHeaderIsRefused() throws {
        var bytes = craft([("x", [2], [1, 2])])
        XCTAssertEqual(bytes[12], UInt8(ascii: ":"))
        bytes[12] = UInt8(ascii: "#")
        assertRefused(bytes) { if case .malformedHeader = $0 { return true } else { return false } }
        assertRefused(raw(header: "[1, 2, 3]", data: [])) { if case .malformedHeader = $0 { return true } else { return false } }
        assertRefused(raw(header: #"{"x": {"dtype": "F32", "shape": [2], "data_offsets": [0]}}"#, data: floats([1, 2]))) {
            if case .malformedHeader = $0 { return true } else { return false }
        }
        assertRefused(raw(header: #"{"x": {"dtype": "F32", "shape": [1.5], "data_offsets": [0, 8]}}"#, data: floats([1, 2]))) {
            if case .malformedHeader = $0 { return true } else { return false }
        }
        assertRefused(raw(header: #"{"x": {"dtype": "F32", "shape": [2], "data_offsets": [8, 0]}}"#, data: floats([1, 2]))) {
            if case .malformedHeader = $0 { return true } else { return false }
        }
        assertRefused(raw(header: #"{"__metadata__": {"n": 1}}"#, data: [])) {
            if case .malformedHeader = $0 { return true } else { return false }
        }
    }

    func testHeaderLengthBeyondTheFileIsRefused() throws {
        let valid = craft([("x", [2], [1, 2])])
        for length in [UInt64(valid.count - 7), UInt64(1) << 40, UInt64.max] {
            var bytes = valid
            withUnsafeBytes(of: length.littleEndian) { bytes.replaceSubrange(0..<8, with: $0) }
            assertRefused(bytes) {
                if case .headerOutOfRange(_, length, valid.count) = $0 { return true } else { return false }
            }
        }
    }

    func testOffsetsOutOfRangeAreRefused() throws {
        assertRefused(raw(header: #"{"x": {"dtype": "F32", "shape": [100], "data_offsets": [0, 400]}}"#, data: floats([1, 2, 3, 4]))) {
            if case .offsetsOutOfRange(_, "x", 0, 400, 16) = $0 { return true } else { return false }
        }
    }

    func testOffsetsThatDoNotMatchTheShapeAreRefused() throws {
        assertRefused(raw(header: #"{"x": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}"#, data: floats([1, 2]))) {
            if case .sizeMismatch(_, "x", [3], 8) = $0 { return true } else { return false }
        }
        let huge = #"{"x": {"dtype": "F32", "shape": [4611686018427387904, 4], "data_offsets": [0, 8]}}"#
        assertRefused(raw(header: huge, data: floats([1, 2]))) {
            if case .sizeMismatch(_, "x", _, 8) = $0 { return true } else { return false }
        }
    }

    func testOverlappingTensorsAndUncoveredBytesAreRefused() throws {
        let overlap = #"{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}"#
        assertRefused(raw(header: overlap, data: floats([1, 2, 3]))) {
            if case .overlappingTensors(_, "a", "b") = $0 { return true } else { return false }
        }
        let hole = #"{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "b": {"dtype": "F32", "shape": [1], "data_offsets": [8, 12]}}"#
        assertRefused(raw(header: hole, data: floats([1, 2, 3]))) {
            if case .uncoveredBytes(_, 4, 8) = $0 { return true } else { return false }
        }
        let trailing = #"{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}"#
        assertRefused(raw(header: trailing, data: floats([1, 2]))) {
            if case .uncoveredBytes(_, 4, 8) = $0 { return true } else { return false }
        }
    }

    func testUnknownDTypeIsRefused() throws {
        assertRefused(raw(header: #"{"h": {"dtype": "F16", "shape": [2], "data_offsets": [0, 4]}}"#, data: [0, 0, 0, 0])) {
            if case .unsupportedDType(_, "h", "F16") = $0 { return true } else { return false }
        }
    }

    func testUnknownTensorNameIsRefused() throws {
        let file = try SafeTensors(contentsOf: try write(craft([("x", [1], [1])])))
        XCTAssertThrowsError(try file.tensor(named: "y")) {
            XCTAssertEqual($0 as? WeightsError, .noSuchTensor(path: file.path, name: "y"))
            XCTAssertTrue("\($0)".contains("'y'"))
        }
        XCTAssertThrowsError(try file.shape(named: "y"))
    }

    func testMissingFileIsRefused() throws {
        let path = try temporaryDirectory() + "/absent.safetensors"
        XCTAssertThrowsError(try SafeTensors(contentsOf: path)) {
            XCTAssertEqual($0 as? WeightsError, .unreadable(path: path, reason: "no such file"))
        }
    }

    // MARK: - architecture check on crafted files

    func testWrongShapeForAnExpectedTensorIsRefused() throws {
        var tensors = EfficientNetLite0Weights.expectedTensors.map { ($0.name, $0.shape) }
        let index = try XCTUnwrap(tensors.firstIndex { $0.0 == "_blocks.3._depthwise_conv.weight" })
        tensors[index].1 = [144, 1, 3, 3]
        let path = try write(craftZeros(tensors))
        XCTAssertThrowsError(try EfficientNetLite0Weights(contentsOf: path)) {
            XCTAssertEqual($0 as? WeightsError, .shapeMismatch(path: path, name: "_blocks.3._depthwise_conv.weight",
                                                              expected: [144, 1, 5, 5], actual: [144, 1, 3, 3]))
        }
    }

    func testMissingExpectedTensorIsRefused() throws {
        let tensors = EfficientNetLite0Weights.expectedTensors.map { ($0.name, $0.shape) }
            .filter { $0.0 != "_blocks.7._bn1.running_var" }
        let path = try write(craftZeros(tensors))
        XCTAssertThrowsError(try EfficientNetLite0Weights(contentsOf: path)) {
            XCTAssertEqual($0 as? WeightsError, .missingTensor(path: path, name: "_blocks.7._bn1.running_var", expectedShape: [480]))
            XCTAssertTrue("\($0)".contains("run Packaging/weights/fetch.sh"))
        }
    }

    func testUnexpectedExtraTensorIsRefused() throws {
        let tensors = EfficientNetLite0Weights.expectedTensors.map { ($0.name, $0.shape) } + [("_blocks.0._se_reduce.weight", [8, 32, 1, 1])]
        let path = try write(craftZeros(tensors))
        XCTAssertThrowsError(try EfficientNetLite0Weights(contentsOf: path)) {
            XCTAssertEqual($0 as? WeightsError, .unexpectedTensor(path: path, name: "_blocks.0._se_reduce.weight"))
        }
    }

    func testClassListOfTheWrongLengthIsRefused() throws {
        let directory = try temporaryDirectory()
        let path = directory + "/imagenet-classes.txt"
        try (0..<999).map { "class \($0)\n" }.joined().write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ImageNetClasses(nextToWeights: directory + "/efficientnet-lite0.safetensors")) {
            XCTAssertEqual($0 as? WeightsError, .invalidClassNames(path: path, reason: "999 lines, expected 1000"))
        }
        try (0..<1000).map { "class \($0)\n" }.joined().write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(try ImageNetClasses(contentsOf: path)[999], "class 999")
    }

    // MARK: - helpers

    /// The checkout this test was compiled from (Tests/PatchCoreTests/WeightsTests.swift).
    private var packageRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    /// The file fetch.sh writes; a missing file fails the test rather than skipping it.
    private func realWeightsPath(file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let path = packageRoot + "/" + WeightsLocation.checkoutRelativePath
        guard FileManager.default.fileExists(atPath: path) else {
            XCTFail("missing \(path): run Packaging/weights/fetch.sh", file: file, line: line)
            throw WeightsError.notFound(searched: [path])
        }
        return path
    }

    private func loadRealWeights(file: StaticString = #filePath, line: UInt = #line) throws -> EfficientNetLite0Weights {
        try EfficientNetLite0Weights(contentsOf: try realWeightsPath(file: file, line: line))
    }

    /// A fresh directory, removed when the test ends.
    private func temporaryDirectory() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("eagle-weights-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: directory) }
        return directory
    }

    private func write(_ bytes: [UInt8], name: String = "crafted.safetensors") throws -> String {
        let path = try temporaryDirectory() + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Writes `bytes` and expects `SafeTensors` to refuse them with an error `matches` accepts.
    private func assertRefused(_ bytes: [UInt8], line: UInt = #line, _ matches: (WeightsError) -> Bool) {
        do {
            let path = try write(bytes)
            XCTAssertThrowsError(try SafeTensors(contentsOf: path), line: line) { error in
                guard let error = error as? WeightsError else { return XCTFail("not a WeightsError: \(error)", line: line) }
                XCTAssertTrue(matches(error), "unexpected \(error)", line: line)
                XCTAssertTrue(error.description.contains(path), "message does not name the file: \(error)", line: line)
            }
        } catch {
            XCTFail("\(error)", line: line)
        }
    }
}

// MARK: - building safetensors bytes

private func floats(_ values: [Float]) -> [UInt8] {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(values.count * 4)
    for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
    return bytes
}

/// A file from a literal header and data section (the header length is the header's own).
private func raw(header: String, data: [UInt8]) -> [UInt8] {
    let text = Array(header.utf8)
    var bytes: [UInt8] = []
    withUnsafeBytes(of: UInt64(text.count).littleEndian) { bytes.append(contentsOf: $0) }
    return bytes + text + data
}

/// A valid file holding `tensors` in the given order.
private func craft(_ tensors: [(String, [Int], [Float])], metadata: String? = nil) -> [UInt8] {
    var entries: [String] = metadata.map { [$0] } ?? []
    var data: [UInt8] = []
    for (name, shape, values) in tensors {
        let begin = data.count
        data += floats(values)
        entries.append(#""\#(name)":{"dtype":"F32","shape":\#(shape),"data_offsets":[\#(begin),\#(data.count)]}"#)
    }
    return raw(header: "{" + entries.joined(separator: ",") + "}", data: data)
}

/// A valid file of all-zero tensors with the given names and shapes.
private func craftZeros(_ tensors: [(String, [Int])]) -> [UInt8] {
    var entries: [String] = []
    var offset = 0
    for (name, shape) in tensors {
        let end = offset + 4 * shape.reduce(1, *)
        entries.append(#""\#(name)":{"dtype":"F32","shape":\#(shape),"data_offsets":[\#(offset),\#(end)]}"#)
        offset = end
    }
    return raw(header: "{" + entries.joined(separator: ",") + "}", data: [UInt8](repeating: 0, count: offset))
}
