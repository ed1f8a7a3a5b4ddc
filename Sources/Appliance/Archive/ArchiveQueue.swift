/// The archive's bounded queue, oldest first. When a new item makes it exceed its item or byte
/// bound, the oldest audit item goes, or else the oldest item: the line never waits for the
/// disk, and what is given up is what matters least.
struct ArchiveQueue {
    /// Items held at most.
    let capacity: Int
    /// Memory the held items may take, in bytes; at least one item is always held.
    let byteLimit: Int
    private(set) var items: [ArchiveItem] = []
    private(set) var bytes = 0

    init(capacity: Int, byteLimit: Int) {
        self.capacity = max(capacity, 1)
        self.byteLimit = byteLimit
    }

    var isEmpty: Bool { items.isEmpty }
    var count: Int { items.count }

    /// Appends `item`; returns the items dropped to make room (possibly `item` itself, when it
    /// is the only audit item in a full queue).
    mutating func push(_ item: ArchiveItem) -> [ArchiveItem] {
        items.append(item)
        bytes += item.bytes
        var dropped: [ArchiveItem] = []
        while items.count > capacity || (bytes > byteLimit && items.count > 1) {
            let victim = items.firstIndex(where: \.isAudit) ?? 0
            let removed = items.remove(at: victim)
            bytes -= removed.bytes
            dropped.append(removed)
        }
        return dropped
    }

    /// Takes the oldest item.
    mutating func pop() -> ArchiveItem? {
        guard !items.isEmpty else { return nil }
        let item = items.removeFirst()
        bytes -= item.bytes
        return item
    }

    /// Empties the queue and returns what it held.
    mutating func removeAll() -> [ArchiveItem] {
        defer {
            items = []
            bytes = 0
        }
        return items
    }
}
