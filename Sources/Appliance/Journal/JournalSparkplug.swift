import Foundation
import Inspection
import Storage

extension JournalSchema.Meta {
    /// The Sparkplug node's birth/death sequence of its current (or last) MQTT session, 0...255.
    static let sparkplugBirthDeathSequence = "sparkplug_bd_seq"
    /// The highest part id the Sparkplug node has published (written to the broker's socket).
    static let sparkplugPartCursor = "sparkplug_part_cursor"
}

/// What the Sparkplug edge node keeps in the journal: its `bdSeq` and its own cursor over the
/// `parts` table (docs/journal.md). Both are `meta` rows, written when first needed: they need
/// no table of their own and leave the JSON outbox alone.
extension Journal {
    /// The Sparkplug node's last bdSeq; nil before its first session.
    public func sparkplugBirthDeathSequence() throws -> UInt64? {
        try metaValue(JournalSchema.Meta.sparkplugBirthDeathSequence).map { UInt64(max(0, $0)) }
    }

    public func setSparkplugBirthDeathSequence(_ value: UInt64) throws {
        try setMetaValue(JournalSchema.Meta.sparkplugBirthDeathSequence, Int64(value & 0xFF))
    }

    /// The highest part id the Sparkplug node has published; nil before it ever ran on this journal.
    public func sparkplugPartCursor() throws -> PartID? {
        try metaValue(JournalSchema.Meta.sparkplugPartCursor).map { PartID(rawValue: $0) }
    }

    public func setSparkplugPartCursor(_ id: PartID) throws {
        try setMetaValue(JournalSchema.Meta.sparkplugPartCursor, id.rawValue)
    }

    /// Up to `limit` parts with ids above `id`, oldest first.
    public func parts(after id: PartID, limit: Int) throws -> [Part] {
        try guarded {
            let rows = try statement("SELECT \(PartRow.columns) FROM parts WHERE id > ? ORDER BY id LIMIT ?")
            try rows.bind([.integer(id.rawValue), .integer(Int64(max(0, limit)))])
            defer { try? rows.reset() }
            var parts: [Part] = []
            while try rows.step() { parts.append(try PartRow.part(from: rows, decoder: decoder)) }
            return parts
        }
    }

    /// The highest part id ever journalled (0 for none): retention does not lower it.
    public func partIDHighWater() throws -> PartID {
        PartID(rawValue: try nextPartID().rawValue - 1)
    }

    /// How many parts have ids above `id`.
    public func partCount(after id: PartID) throws -> Int {
        try count("SELECT count(*) FROM parts WHERE id > ?", [.integer(id.rawValue)])
    }

    private func metaValue(_ key: String) throws -> Int64? {
        try guarded {
            let row = try statement("SELECT value FROM meta WHERE key = ?")
            try row.bind([.text(key)])
            defer { try? row.reset() }
            return try row.step() ? row.int(0) : nil
        }
    }

    private func setMetaValue(_ key: String, _ value: Int64) throws {
        try guarded {
            let row = try statement("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            try row.run([.text(key), .integer(value)])
        }
    }
}
