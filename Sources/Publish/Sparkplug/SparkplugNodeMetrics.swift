import Foundation
import Inspection

/// The metrics of the appliance's edge node (docs/mqtt.md, "Sparkplug B"): their names,
/// aliases and datatypes, and the payloads that carry them. NBIRTH announces every metric with
/// name, alias and datatype; NDATA sends aliases and values only.
public struct SparkplugNodeMetrics: Sendable {
    /// What the node says about itself in its birth.
    public struct Identity: Sendable, Equatable {
        public var version: String
        public var line: String
        public var station: String
        public var recipe: String
        public var modelID: String?

        public init(version: String, line: String, station: String, recipe: String, modelID: String?) {
            self.version = version
            self.line = line
            self.station = station
            self.recipe = recipe
            self.modelID = modelID
        }
    }

    /// One metric of the catalogue.
    public struct Definition: Sendable, Equatable {
        public let name: String
        public let alias: UInt64
        public let dataType: SparkplugDataType
    }

    /// The birth/death sequence metric (no alias: NDEATH names it).
    public static let birthDeathSequence = "bdSeq"
    /// A host writes true here (NCMD) to ask for a new NBIRTH.
    public static let rebirth = Definition(name: "Node Control/Rebirth", alias: 1, dataType: .boolean)

    static let version = Definition(name: "Properties/Version", alias: 2, dataType: .string)
    static let line = Definition(name: "Properties/Line", alias: 3, dataType: .string)
    static let station = Definition(name: "Properties/Station", alias: 4, dataType: .string)
    static let recipe = Definition(name: "Properties/Recipe", alias: 5, dataType: .string)
    static let modelID = Definition(name: "Properties/Model ID", alias: 6, dataType: .string)

    static let partID = Definition(name: "Part/ID", alias: 10, dataType: .uint64)
    static let decidedAt = Definition(name: "Part/Decided At", alias: 11, dataType: .dateTime)
    static let verdict = Definition(name: "Part/Verdict", alias: 12, dataType: .string)
    static let action = Definition(name: "Part/Action", alias: 13, dataType: .string)
    static let reason = Definition(name: "Part/Reason", alias: 14, dataType: .string)
    static let score = Definition(name: "Part/Score", alias: 15, dataType: .double)
    static let normalizedScore = Definition(name: "Part/Normalized Score", alias: 16, dataType: .double)
    static let partRecipe = Definition(name: "Part/Recipe", alias: 17, dataType: .string)
    static let partModelID = Definition(name: "Part/Model ID", alias: 18, dataType: .string)
    static let boxCount = Definition(name: "Part/Box Count", alias: 19, dataType: .uint32)
    static let boxes = Definition(name: "Part/Boxes", alias: 20, dataType: .string)
    static let frameSequence = Definition(name: "Part/Frame Sequence", alias: 21, dataType: .uint64)
    static let totalMs = Definition(name: "Part/Total ms", alias: 22, dataType: .double)
    static let expertMs = Definition(name: "Part/Expert ms", alias: 23, dataType: .double)

    static let parts = Definition(name: "Counters/Parts", alias: 30, dataType: .uint64)
    static let passed = Definition(name: "Counters/Passed", alias: 31, dataType: .uint64)
    static let rejected = Definition(name: "Counters/Rejected", alias: 32, dataType: .uint64)
    static let unsure = Definition(name: "Counters/Unsure", alias: 33, dataType: .uint64)
    static let notInspected = Definition(name: "Counters/Not Inspected", alias: 34, dataType: .uint64)
    static let actionReject = Definition(name: "Counters/Action Reject", alias: 35, dataType: .uint64)
    static let droppedByDriver = Definition(name: "Counters/Dropped By Driver", alias: 36, dataType: .uint64)
    static let droppedBusy = Definition(name: "Counters/Dropped Busy", alias: 37, dataType: .uint64)
    static let corrupt = Definition(name: "Counters/Corrupt Frames", alias: 38, dataType: .uint64)
    static let health = Definition(name: "Health/State", alias: 40, dataType: .string)
    static let problems = Definition(name: "Health/Problems", alias: 41, dataType: .string)

    /// Every aliased metric, in birth order.
    public static let catalogue: [Definition] = [
        rebirth, version, line, station, recipe, modelID,
        partID, decidedAt, verdict, action, reason, score, normalizedScore, partRecipe, partModelID, boxCount, boxes,
        frameSequence, totalMs, expertMs,
        parts, passed, rejected, unsure, notInspected, actionReject, droppedByDriver, droppedBusy, corrupt, health, problems,
    ]

    public let identity: Identity

    public init(identity: Identity) {
        self.identity = identity
    }

    // MARK: - Payloads

    /// NBIRTH: seq 0, `bdSeq`, and every metric with name, alias, datatype and its current
    /// value (the last part sent, the counters; null before the first).
    public func birth(bdSeq: UInt64, lastPart: Part?, snapshot: SparkplugLineSnapshot, at time: UInt64) -> SparkplugPayload {
        var values: [UInt64: SparkplugValue?] = [
            Self.rebirth.alias: .boolean(false),
            Self.version.alias: .string(identity.version),
            Self.line.alias: .string(identity.line),
            Self.station.alias: .string(identity.station),
            Self.recipe.alias: .string(identity.recipe),
            Self.modelID.alias: identity.modelID.map { SparkplugValue.string($0) },
        ]
        for (alias, value) in partValues(lastPart) { values[alias] = value }
        for (alias, value) in snapshotValues(snapshot) { values[alias] = value }
        var metrics = [SparkplugMetric(name: Self.birthDeathSequence, timestamp: time, dataType: .int64, value: .int64(Int64(bdSeq)))]
        for definition in Self.catalogue {
            metrics.append(SparkplugMetric(name: definition.name, alias: definition.alias, timestamp: time,
                                           dataType: definition.dataType, value: values[definition.alias] ?? nil))
        }
        return SparkplugPayload(timestamp: time, metrics: metrics, seq: 0)
    }

    /// NDEATH (the will): `bdSeq` only, no seq.
    public static func death(bdSeq: UInt64, at time: UInt64) -> SparkplugPayload {
        SparkplugPayload(timestamp: time, metrics: [
            SparkplugMetric(name: birthDeathSequence, dataType: .int64, value: .int64(Int64(bdSeq))),
        ])
    }

    /// NDATA of one part: every part metric by alias, stamped with the decision's time;
    /// `historical` when it is sent late (store and forward).
    public func data(part: Part, historical: Bool, seq: UInt64, at time: UInt64) -> SparkplugPayload {
        let stamp = Self.milliseconds(part.decidedAt)
        let metrics = partValues(part).map { alias, value in
            SparkplugMetric(alias: alias, timestamp: stamp, value: value, isHistorical: historical)
        }
        return SparkplugPayload(timestamp: time, metrics: metrics, seq: seq)
    }

    /// NDATA of the counters and health that differ from `previous` (all when nil); nil when
    /// nothing changed (report by exception).
    public func data(snapshot: SparkplugLineSnapshot, previous: SparkplugLineSnapshot?, seq: () -> UInt64,
                     at time: UInt64) -> SparkplugPayload? {
        let old = previous.map { Dictionary(uniqueKeysWithValues: snapshotValues($0)) } ?? [:]
        let changed = snapshotValues(snapshot).filter { alias, value in previous == nil || old[alias] != value }
        guard !changed.isEmpty else { return nil }
        return SparkplugPayload(timestamp: time, metrics: changed.map { alias, value in
            SparkplugMetric(alias: alias, timestamp: time, value: value)
        }, seq: seq())
    }

    /// Milliseconds since the Unix epoch of `date` (0 before it).
    public static func milliseconds(_ date: Date) -> UInt64 {
        UInt64(max(0, (date.timeIntervalSince1970 * 1000).rounded()))
    }

    // MARK: - Values

    private func partValues(_ part: Part?) -> [(UInt64, SparkplugValue?)] {
        guard let part else {
            return [Self.partID, Self.decidedAt, Self.verdict, Self.action, Self.reason, Self.score, Self.normalizedScore,
                    Self.partRecipe, Self.partModelID, Self.boxCount, Self.boxes, Self.frameSequence, Self.totalMs,
                    Self.expertMs].map { ($0.alias, nil) }
        }
        // One append a metric: a long heterogeneous literal is slow to type-check on Swift 6.0.
        var values: [(UInt64, SparkplugValue?)] = []
        values.append((Self.partID.alias, SparkplugValue.uint64(UInt64(max(0, part.id.rawValue)))))
        values.append((Self.decidedAt.alias, SparkplugValue.dateTime(Self.milliseconds(part.decidedAt))))
        values.append((Self.verdict.alias, part.verdict.map { SparkplugValue.string($0.rawValue) }))
        values.append((Self.action.alias, SparkplugValue.string(part.action.rawValue)))
        values.append((Self.reason.alias, SparkplugValue.string(part.reason.rawValue)))
        values.append((Self.score.alias, part.score.map { SparkplugValue.double($0) }))
        values.append((Self.normalizedScore.alias, part.normalizedScore.map { SparkplugValue.double($0) }))
        values.append((Self.partRecipe.alias, SparkplugValue.string(part.recipe)))
        values.append((Self.partModelID.alias, part.modelID.map { SparkplugValue.string($0) }))
        values.append((Self.boxCount.alias, SparkplugValue.uint32(UInt32(clamping: part.boxes.count))))
        values.append((Self.boxes.alias, SparkplugValue.string(Self.json(part.boxes))))
        values.append((Self.frameSequence.alias, part.frame.map { SparkplugValue.uint64($0.sequence) }))
        values.append((Self.totalMs.alias, part.timings.totalMs.map { SparkplugValue.double($0) }))
        values.append((Self.expertMs.alias, part.timings.expertMs.map { SparkplugValue.double($0) }))
        return values
    }

    private func snapshotValues(_ snapshot: SparkplugLineSnapshot) -> [(UInt64, SparkplugValue?)] {
        var values: [(UInt64, SparkplugValue?)] = []
        values.append((Self.parts.alias, SparkplugValue.uint64(snapshot.parts)))
        values.append((Self.passed.alias, SparkplugValue.uint64(snapshot.passed)))
        values.append((Self.rejected.alias, SparkplugValue.uint64(snapshot.rejected)))
        values.append((Self.unsure.alias, SparkplugValue.uint64(snapshot.unsure)))
        values.append((Self.notInspected.alias, SparkplugValue.uint64(snapshot.notInspected)))
        values.append((Self.actionReject.alias, SparkplugValue.uint64(snapshot.actionReject)))
        values.append((Self.droppedByDriver.alias, SparkplugValue.uint64(snapshot.droppedByDriver)))
        values.append((Self.droppedBusy.alias, SparkplugValue.uint64(snapshot.droppedBusy)))
        values.append((Self.corrupt.alias, SparkplugValue.uint64(snapshot.corrupt)))
        values.append((Self.health.alias, SparkplugValue.string(snapshot.health)))
        values.append((Self.problems.alias, SparkplugValue.string(snapshot.problems)))
        return values
    }

    /// The boxes as the JSON results show them: `[{"height":..,"score":..,"width":..,"x":..,"y":..}]`.
    private static func json(_ boxes: [SuspectBox]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(boxes)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    }
}
