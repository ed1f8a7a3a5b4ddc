import Appliance
import ArgumentParser
import Foundation
import Inspection

/// `eagle-edge results`: the parts the line journalled, as text, JSON lines or CSV.
struct ResultsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "results",
        abstract: "Show the parts in the journal: the latest, or all since a time.",
        discussion: """
            Reads the journal at --journal, else at storage.journal of the configuration (--config; \
            default \(ConfigFile.defaultPath) when it exists, else the built-in defaults). Without \
            --since it shows the latest 20 parts; with --since, every part decided since then. \
            Oldest first either way, like tail. Safe to run while the line writes.
            """
    )

    @Option(help: "The journal file (default: storage.journal of the configuration).")
    var journal: String?

    @Option(help: "The configuration file that names the journal.")
    var config: String?

    @Option(help: "Only parts decided since this UTC time (2026-12-05T10:00:00Z) or this long ago (30s, 10m, 2h, 1d).")
    var since: String?

    @Option(help: "Only parts with this outcome: pass, reject, unsure or not_inspected.")
    var verdict: String?

    @Option(help: "Only the latest N parts (default: 20 without --since, all with it).")
    var limit: Int?

    @Flag(help: "One JSON object per part and line.")
    var json = false

    @Flag(help: "CSV with a header row.")
    var csv = false

    func run() throws {
        if json && csv { Diagnostics.fail("--json and --csv cannot be used together; choose one.") }
        var query = PartQuery()
        if let since {
            guard let time = SinceArgument.parse(since, now: Date()) else {
                Diagnostics.fail("--since '\(since)' is neither a UTC time like 2026-12-05T10:00:00Z nor a duration like 10m, 2h or 1d.")
            }
            query.since = time
        }
        if let verdict {
            guard let outcome = PartQuery.Outcome(rawValue: verdict) else {
                let names = PartQuery.Outcome.allCases.map(\.rawValue).joined(separator: ", ")
                Diagnostics.fail("--verdict '\(verdict)' is not one of \(names).")
            }
            query.outcome = outcome
        }
        if let limit, limit < 1 { Diagnostics.fail("--limit must be at least 1, not \(limit).") }
        query.limit = limit ?? (since == nil ? 20 : nil)

        let path = journal ?? ConfigFile.load(config).config.storage.journal
        do {
            let reader = try Journal(path: path, access: .readOnly)
            try list(reader, query)
        } catch let error as JournalError {
            Diagnostics.fail(error.description)
        }
    }

    private func list(_ reader: Journal, _ query: PartQuery) throws {
        if json {
            let encoder = PartListingJSON.encoder()
            try reader.forEachPart(query) { print(try PartListingJSON.line($0, encoder: encoder)) }
        } else if csv {
            print(PartListingCSV.header)
            try reader.forEachPart(query) { print(PartListingCSV.row($0)) }
        } else {
            var listing = PartListingText()
            print(PartListingText.header)
            try reader.forEachPart(query) { print(listing.line($0)) }
            print(listing.summary)
        }
    }
}
