/// Picks the allowed key an unknown key was most likely meant to be, for "did you mean" hints.
enum KeySuggestion {
    /// The closest allowed key to `key`, or nil when none is close enough to be a plausible typo.
    ///
    /// Case and `-`/`_` are ignored first (`Host`, `timeout-ms`); then a transposition or a
    /// couple of slips count as close (`hots`, `widht`); then a unique prefix (`keepalive` for
    /// `keepalive_s`), because units dropped from key names are the commonest slip of all.
    static func closest(to key: String, among allowed: [String]) -> String? {
        let wanted = normalized(key)
        let limit = wanted.count < 5 ? 1 : 2
        var best: (key: String, distance: Int)?
        for candidate in allowed {
            let distance = editDistance(wanted, normalized(candidate))
            if distance <= limit, distance < (best?.distance ?? Int.max) {
                best = (candidate, distance)
            }
        }
        if let best { return best.key }
        let extensions = allowed.filter { normalized($0).starts(with: wanted) }
        return wanted.count >= 4 && extensions.count == 1 ? extensions[0] : nil
    }

    private static func normalized(_ key: String) -> [Character] {
        Array(key.lowercased().map { $0 == "-" ? "_" : $0 })
    }

    /// Optimal-string-alignment distance: Levenshtein plus adjacent transpositions as one edit.
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previous2[j - 2] + 1)
                }
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count]
    }
}
