import VerbatimCore

/// Lexicon text as UTF-8 bytes, read line by line and TAB-separated field by field.
///
/// Reading the built-in lexicon used to split the whole text into `Character`s, which cost more
/// than the rest of building the pipeline together. Bytes give the same lines and fields: a line
/// break, a CR and a TAB are grapheme clusters of their own (Unicode's rules GB3-GB5), so none of
/// them can hide inside a `Character`. Columns in messages still count `Character`s.
struct LexiconLines {
    let bytes: [UInt8]
    /// 1-based number of the current line.
    private(set) var number = 0
    /// The current line without its line break, a trailing CR, or (on line 1) a byte order mark.
    private(set) var line: Range<Int> = 0..<0
    /// The current line's TAB-separated fields (empty ones included).
    private(set) var fields: [Range<Int>] = []
    /// Where the next line starts; past the end once the last line is read.
    private var nextStart = 0

    init(_ text: String) {
        bytes = Array(text.utf8)
        fields.reserveCapacity(4)
    }

    /// Moves to the next line that is neither blank nor a comment; false at the end of the text.
    mutating func advance() -> Bool {
        // As `split(omittingEmptySubsequences: false)`: n line breaks make n + 1 lines.
        while nextStart <= bytes.count {
            readLine()
            if !isBlankOrComment() {
                splitFields()
                return true
            }
        }
        return false
    }

    /// How many lines the text has: an upper bound on its entries.
    var lineCount: Int { bytes.reduce(1) { $0 + ($1 == Self.lineFeed ? 1 : 0) } }

    /// The bytes of `range` as a String.
    func string(_ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }

    /// An error at the start of field `field` of the current line; columns count `Character`s.
    func error(field: Int, _ message: String, _ hint: String?, path: String) -> VerbatimError {
        let column = fields.prefix(field).reduce(1) { $0 + string($1).count + 1 }
        return .invalidFile(message: message, hint: hint, at: SourceLocation(file: path, line: number, column: column))
    }

    private mutating func readLine() {
        let start = nextStart
        var end = start
        while end < bytes.count, bytes[end] != Self.lineFeed { end += 1 }
        let endsWithLineFeed = end < bytes.count
        nextStart = end + 1
        number += 1
        // The CR of a CR LF belongs to the line break; one more trailing CR is dropped as well.
        if endsWithLineFeed, end > start, bytes[end - 1] == Self.carriageReturn { end -= 1 }
        if end > start, bytes[end - 1] == Self.carriageReturn { end -= 1 }
        var first = start
        if number == 1, end - start >= 3, bytes[start] == 0xEF, bytes[start + 1] == 0xBB, bytes[start + 2] == 0xBF {
            first += 3
        }
        line = first..<end
    }

    /// Blank (spaces only) or starting with `#` after spaces.
    private func isBlankOrComment() -> Bool {
        var i = line.lowerBound
        while i < line.upperBound, bytes[i] == Self.space { i += 1 }
        guard i < line.upperBound else { return true }
        guard bytes[i] == Self.hash else { return false }
        // A combining mark or emoji selector after "#" makes a different Character ("#️⃣"): an entry.
        if i + 1 == line.upperBound || bytes[i + 1] < 0x80 { return true }
        return string(i..<line.upperBound).first == "#"
    }

    private mutating func splitFields() {
        fields.removeAll(keepingCapacity: true)
        var start = line.lowerBound
        for i in line where bytes[i] == Self.tab {
            fields.append(start..<i)
            start = i + 1
        }
        fields.append(start..<line.upperBound)
    }

    static let lineFeed = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r"), tab = UInt8(ascii: "\t")
    static let space = UInt8(ascii: " "), hash = UInt8(ascii: "#")
}
