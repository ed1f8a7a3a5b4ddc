/// The journal's tables, and the two header fields that say a file is one: `application_id`
/// (this file is an EagleEdge journal) and `user_version` (which layout it has).
///
/// docs/journal.md describes every column. Any change to the statements below is a new
/// ``version``: a journal of another version is refused, never migrated in place.
enum JournalSchema {
    /// `PRAGMA user_version` of the layout below.
    static let version = 2
    /// `PRAGMA application_id`: "EEJL" (EagleEdge JournaL) in ASCII, so `file(1)`-style tools
    /// and our own open tell a journal from any other SQLite file.
    static let applicationID: Int32 = 0x4545_4A4C

    /// Keys of the `meta` table.
    enum Meta {
        /// The highest part id ever inserted: kept by a trigger, never lowered by a delete.
        static let partIDHighWater = "part_id_high_water"
        /// Undelivered outbox messages dropped so far (by the outbox bound or by retention).
        static let outboxDropped = "outbox_dropped"
    }

    /// Creates every table, index and trigger; runs inside the creating transaction.
    static let create = """
        CREATE TABLE meta (
            key TEXT PRIMARY KEY,
            value INTEGER NOT NULL
        ) WITHOUT ROWID;
        INSERT INTO meta (key, value) VALUES ('\(Meta.partIDHighWater)', 0), ('\(Meta.outboxDropped)', 0);

        CREATE TABLE parts (
            id INTEGER PRIMARY KEY,
            decided_at TEXT NOT NULL,
            recipe TEXT NOT NULL,
            model_id TEXT,
            score REAL,
            normalized_score REAL,
            verdict TEXT CHECK (verdict IN ('pass', 'reject', 'unsure')),
            reason TEXT NOT NULL,
            action TEXT NOT NULL CHECK (action IN ('pass', 'reject')),
            box_count INTEGER NOT NULL,
            boxes TEXT NOT NULL,
            frame_sequence INTEGER,
            frame_monotonic_ns INTEGER,
            wait_ms REAL,
            decode_ms REAL,
            preprocess_ms REAL,
            expert_ms REAL,
            total_ms REAL,
            frame_image TEXT,
            overlay_image TEXT,
            reject_outcome TEXT CHECK (reject_outcome IN ('rejected', 'passed', 'fail_safe_rejected', 'missed')),
            reject_error_ms REAL
        );
        CREATE INDEX parts_by_time ON parts (decided_at);
        CREATE INDEX parts_by_verdict ON parts (verdict, id);
        -- A trigger rather than the writer's code keeps the mark right whoever inserts.
        CREATE TRIGGER parts_high_water AFTER INSERT ON parts BEGIN
            UPDATE meta SET value = max(value, NEW.id) WHERE key = '\(Meta.partIDHighWater)';
        END;

        CREATE TABLE events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            kind TEXT NOT NULL,
            component TEXT NOT NULL,
            message TEXT NOT NULL,
            fields TEXT NOT NULL
        );
        CREATE INDEX events_by_time ON events (at);

        -- What the MLLM explainer made of a flagged part: one row per part it was given.
        CREATE TABLE explanations (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            part_id INTEGER NOT NULL,
            finished_at TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('explained', 'failed', 'not_explained')),
            reason TEXT,
            model TEXT NOT NULL,
            latency_ms REAL,
            queued_ms REAL NOT NULL,
            attempts INTEGER NOT NULL,
            prompt_tokens INTEGER,
            completion_tokens INTEGER,
            anomalous INTEGER,
            agrees_with_expert INTEGER,
            defect_type TEXT,
            box INTEGER,
            location TEXT,
            severity TEXT,
            description TEXT,
            confidence REAL,
            salvage TEXT NOT NULL
        );
        CREATE INDEX explanations_by_part ON explanations (part_id);
        CREATE INDEX explanations_by_time ON explanations (finished_at);

        -- 'part' publishes a part's result and 'reject' its later outcome at the actuator: both
        -- reference the part's row, so retention and the one-record rule treat them alike.
        CREATE TABLE outbox (
            sequence INTEGER PRIMARY KEY AUTOINCREMENT,
            topic TEXT NOT NULL CHECK (topic IN ('part', 'reject', 'event', 'explanation')),
            part_id INTEGER,
            event_id INTEGER,
            explanation_id INTEGER,
            created_at TEXT NOT NULL,
            delivered_at TEXT,
            CHECK ((part_id IS NOT NULL) + (event_id IS NOT NULL) + (explanation_id IS NOT NULL) = 1),
            CHECK ((topic IN ('part', 'reject')) = (part_id IS NOT NULL))
        );
        CREATE INDEX outbox_pending ON outbox (sequence) WHERE delivered_at IS NULL;
        CREATE INDEX outbox_by_part ON outbox (part_id);
        CREATE INDEX outbox_by_event ON outbox (event_id);
        CREATE INDEX outbox_by_explanation ON outbox (explanation_id);
        """
}
