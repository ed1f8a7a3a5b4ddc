import Imaging
import TestFixtures
import XCTest
@testable import Capture

final class FolderSourceTests: XCTestCase {
    /// b.png is not an image; notes.txt is not played at all.
    private func folder() throws -> (path: String, images: [RGBImage]) {
        let dir = try temporaryDirectory(self)
        let sources = try ["000.png", "001.png"].map { try ImageFile.readRGB(SharedData.path("mvtec_ad/bottle/test/good/" + $0)) }
        let small = try sources.map { try $0.resized(width: 64, height: 64, filter: .area) }
        try ImageFile.write(small[0], to: dir + "/a.png")
        try ImageFile.write(small[1], to: dir + "/C.JPG", jpegQuality: 95)
        try Data("not an image".utf8).write(to: URL(fileURLWithPath: dir + "/b.png"))
        try Data("notes".utf8).write(to: URL(fileURLWithPath: dir + "/notes.txt"))
        return (dir, small)
    }

    private func events(_ source: FolderSource, count: Int) throws -> [SourceEvent] {
        let stop = try StopSignal()
        return try (0..<count).map { _ in try source.next(stop: stop) }
    }

    func testNameOrderBadFileCountedAndEnd() throws {
        let (dir, images) = try folder()
        XCTAssertEqual(try FolderSource.imageFiles(in: dir).map { ($0 as NSString).lastPathComponent }, ["C.JPG", "a.png", "b.png"])
        let source = FolderSource(folder: dir, framesPerSecond: nil, loops: false)
        let info = try source.start()
        XCTAssertTrue(info.source.contains("3 images"), info.source)
        let played = try events(source, count: 4)
        guard case .frame(let first) = played[0], case .frame(let second) = played[1],
              case .corrupt(let sequence, let reason) = played[2], case .end = played[3] else {
            return XCTFail("\(played)")
        }
        XCTAssertGreaterThan(psnr(try FrameDecoder().decode(first), images[1]), 30) // C.JPG first: byte order
        XCTAssertEqual(try FrameDecoder().decode(second), images[0])
        XCTAssertEqual([first.sequence, second.sequence, sequence], [0, 1, 2])
        XCTAssertTrue(reason.contains("b.png"), reason)
    }

    func testLoopStartsOverAndKeepsCountingSequences() throws {
        let (dir, _) = try folder()
        let source = FolderSource(folder: dir, framesPerSecond: nil, loops: true)
        _ = try source.start()
        let played = try events(source, count: 7)
        let sequences: [UInt32] = played.compactMap {
            switch $0 {
            case .frame(let f): return f.sequence
            case .corrupt(let s, _): return s
            default: return nil
            }
        }
        XCTAssertEqual(sequences, [0, 1, 2, 3, 4, 5, 6])
        if case .corrupt = played[5] {} else { XCTFail("the bad file comes round again: \(played[5])") }
    }

    func testFixedRate() throws {
        let (dir, _) = try folder()
        let source = FolderSource(folder: dir, framesPerSecond: 25, loops: true)
        _ = try source.start()
        let stop = try StopSignal()
        var stamps: [UInt64] = []
        let begin = MonotonicClock.now()
        for _ in 0..<9 {
            switch try source.next(stop: stop) {
            case .frame(let frame): stamps.append(frame.timestamp)
            case .corrupt: break
            default: XCTFail("unexpected event")
            }
        }
        let elapsed = Double(MonotonicClock.now() - begin) / 1e9
        // Nine slots at 40 ms: the first at once, the last 320 ms later.
        XCTAssertGreaterThanOrEqual(elapsed, 0.315)
        XCTAssertLessThan(elapsed, 1.0)
        for (a, b) in zip(stamps, stamps.dropFirst()) {
            XCTAssertGreaterThanOrEqual(Double(b - a) / 1e6, 39.9, "slots are 40 ms apart or a multiple (bad file)")
        }
    }

    func testStopInterruptsTheWaitForTheNextSlot() throws {
        let (dir, _) = try folder()
        let source = FolderSource(folder: dir, framesPerSecond: 0.2, loops: true) // one image per 5 s
        _ = try source.start()
        let stop = try StopSignal()
        _ = try source.next(stop: stop)
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.05) { stop.signal() }
        let begin = MonotonicClock.now()
        guard case .interrupted = try source.next(stop: stop) else { return XCTFail("not interrupted") }
        XCTAssertLessThan(Double(MonotonicClock.now() - begin) / 1e9, 1)
    }

    func testMissingAndEmptyFoldersAreClearErrors() throws {
        XCTAssertThrowsError(try FolderSource(folder: "/nonexistent/eagle", framesPerSecond: nil, loops: false).start()) {
            XCTAssertTrue("\($0)".contains("folder /nonexistent/eagle: cannot be listed"), "\($0)")
        }
        let empty = try temporaryDirectory(self)
        XCTAssertThrowsError(try FolderSource(folder: empty, framesPerSecond: nil, loops: false).start()) {
            XCTAssertTrue("\($0)".contains("holds no .png, .jpg or .jpeg files"), "\($0)")
        }
    }

}
