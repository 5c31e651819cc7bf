internal import CICU

/// The sentence breaks a locale's ICU iterator drops with `ss=standard`: those after one of the
/// locale's exceptions ("Mr.", "Ph.D.", ...), read from ICU's own data at run time, and matched as
/// ICU's filtered iterator matches them, quirks included, so that boundaries stay ICU's:
///
/// - at a break, one space before it is skipped, and the text before is matched backwards against
///   the exceptions, the longest match winning; no word boundary is needed before it ("XMr." holds);
/// - an exception with a full stop before its end ("Ph.D.") enters the backward match only up to its
///   first full stop ("Ph."), as a partial match; a partial match holds only if the text from there
///   on reads forwards as one of the exceptions that start alike. Such a forward read goes on while
///   a longer exception could still match, so "Lt." alone does not hold where "Lt.Cdr." exists.
struct SentenceBreakExceptions: Sendable {
    /// The exceptions as UTF-8, sorted.
    let strings: [[UInt8]]
    /// Full matches (value `match`) and partial ones (`partial`), each string reversed.
    private var backward = ByteTrie()
    /// The exceptions that partial matches are read forwards against.
    private var forward = ByteTrie()

    static let match: UInt8 = 2, partial: UInt8 = 1

    /// The exceptions of `locale` (an ICU locale ID) if its keywords ask for them (`ss=standard`).
    init(locale: String) {
        let parts = locale.split(separator: "@", maxSplits: 1)
        let keywords = parts.count > 1 ? parts[1].split(separator: ";") : []
        guard keywords.contains("ss=standard"), let base = parts.first.map(String.init) else {
            self.init(strings: [])
            return
        }
        self.init(strings: Self.read(baseLocale: base))
    }

    init(strings: [[UInt8]]) {
        self.strings = Array(Set(strings)).sorted { $0.lexicographicallyPrecedes($1) }
        let fullStop = UInt8(ascii: ".")
        // An exception with a full stop before its end makes the part up to its first full stop a
        // partial match; it and every exception starting with that part are read forwards.
        var partialPrefixes = Set<[UInt8]>()
        for s in self.strings {
            if let dot = s.firstIndex(of: fullStop), dot + 1 != s.count { partialPrefixes.insert(Array(s[...dot])) }
        }
        for prefix in partialPrefixes { backward.insert(prefix.reversed(), value: Self.partial) }
        for s in self.strings {
            let dot = s.firstIndex(of: fullStop)
            if let dot, partialPrefixes.contains(Array(s[...dot])) {
                forward.insert(s, value: Self.match)
            } else {
                backward.insert(s.reversed(), value: Self.match)
            }
        }
    }

    /// Reads the locale's exceptions from ICU's data as its filtered break iterator does.
    private static func read(baseLocale: String) -> [[UInt8]] {
        var capacity = 8_192
        while true {
            var units = [UInt16](repeating: 0, count: capacity)
            let written = units.withUnsafeMutableBufferPointer { cicu_sentence_break_exceptions(baseLocale, $0.baseAddress, Int32(capacity)) }
            if written < 0 {
                capacity *= 4
                continue
            }
            return units[..<Int(written)].split(separator: 0, omittingEmptySubsequences: true).map { Array(String(decoding: $0, as: UTF16.self).utf8) }
        }
    }

    /// Whether ICU drops the sentence break at `p` (0 < p < text.count) in `text`.
    func suppressBreak(at p: Int, in text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !backward.isEmpty else { return false }
        var i = p
        if text[i - 1] == UInt8(ascii: " ") { i -= 1 }
        var node = ByteTrie.root
        var best = -1
        var bestValue: UInt8 = 0
        while i > 0 {
            i -= 1
            guard let next = backward.child(of: node, text[i]) else { break }
            node = next
            let value = backward.value(node)
            if value != 0 {
                best = i
                bestValue = value
            }
            if !backward.hasChildren(node) { break }
        }
        if best < 0 { return false }
        if bestValue == Self.match { return true }
        guard !forward.isEmpty else { return false }
        node = ByteTrie.root
        var j = best
        while j < text.count {
            guard let next = forward.child(of: node, text[j]) else { return false }
            node = next
            j += 1
            if !forward.hasChildren(node) { return true }
        }
        return forward.value(node) != 0
    }
}

/// A trie over bytes, small and read rarely (at sentence breaks only): children in one dictionary.
struct ByteTrie: Sendable {
    static let root: Int32 = 0
    private var values: [UInt8] = [0]
    private var children: [Bool] = [false]
    private var edges: [Int: Int32] = [:]

    var isEmpty: Bool { values.count == 1 }

    mutating func insert(_ bytes: some Sequence<UInt8>, value: UInt8) {
        var node = Self.root
        for byte in bytes {
            children[Int(node)] = true
            let key = Int(node) << 8 | Int(byte)
            if let next = edges[key] {
                node = next
            } else {
                let next = Int32(values.count)
                values.append(0)
                children.append(false)
                edges[key] = next
                node = next
            }
        }
        values[Int(node)] = value
    }

    func child(of node: Int32, _ byte: UInt8) -> Int32? { edges[Int(node) << 8 | Int(byte)] }
    func value(_ node: Int32) -> UInt8 { values[Int(node)] }
    func hasChildren(_ node: Int32) -> Bool { children[Int(node)] }
}
