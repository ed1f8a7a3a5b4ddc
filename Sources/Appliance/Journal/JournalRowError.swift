/// A row the journal cannot turn back into a record (edited by hand, or damaged): reported as
/// a damaged journal, naming the row.
struct JournalRowError: Error, CustomStringConvertible {
    let table: String
    let id: Int64
    let problem: String

    var description: String { "\(table) row \(id): \(problem)" }
}
