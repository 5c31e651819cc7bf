import VerbatimCore

/// Applying a process stage's text replacements and codes to a document, with every offset checked.
extension ExecConnection {
    struct Edit {
        var start: Int
        var end: Int
        var length: Int
    }

    func replaceText(_ document: inout Document, with newText: String, edits value: JSONValue?) throws(AnswerError) {
        let oldCount = document.response.text.unicodeScalars.count
        let newCount = newText.unicodeScalars.count
        var edits: [Edit] = []
        if let value {
            guard let items = value.arrayValue else { throw AnswerError(message: "\"edits\" must be a list") }
            for item in items {
                guard let s = item["start"]?.doubleValue, let e = item["end"]?.doubleValue, let l = item["length"]?.doubleValue,
                      s >= 0, e >= s, l >= 0, s == s.rounded(), e == e.rounded(), l == l.rounded()
                else {
                    throw AnswerError(message: "each edit must be {\"start\", \"end\", \"length\"} with whole numbers, start ≤ end")
                }
                edits.append(Edit(start: Int(s), end: Int(e), length: Int(l)))
            }
        } else if newCount != oldCount || newText != document.response.text {
            throw AnswerError(message: "returned a new \"text\" without \"edits\"; say which ranges changed so evidence offsets can follow")
        }
        var previousEnd = 0
        var delta = 0
        for e in edits {
            guard e.start >= previousEnd else { throw AnswerError(message: "edits overlap or are not sorted (edit at \(e.start) after \(previousEnd))") }
            guard e.end <= oldCount else {
                throw AnswerError(message: "edit \(e.start)..<\(e.end) is outside the text, which has \(oldCount) characters")
            }
            previousEnd = e.end
            delta += e.length - (e.end - e.start)
        }
        guard oldCount + delta == newCount else {
            throw AnswerError(message: "edits do not add up: the old text has \(oldCount) characters and the edits change that by \(delta), but the new text has \(newCount)")
        }
        // Earlier codes keep their evidence where it survives the edits.
        let oldScalars = ScalarIndex(document.utf8)
        var remapped: [Code] = []
        for code in document.codes {
            var evidence: [Evidence] = []
            for e in code.evidence {
                let s = Self.map(oldScalars.scalar(ofByte: Int(e.span.start)), edits, isEnd: false)
                let t = Self.map(oldScalars.scalar(ofByte: Int(e.span.end)), edits, isEnd: true)
                if s < t { evidence.append(Evidence(span: ByteSpan(start: Int32(s), end: Int32(t)), rule: e.rule, weight: e.weight)) }
            }
            if !evidence.isEmpty { remapped.append(Code(theme: code.theme, score: code.score, evidence: evidence)) }
        }
        let sentiment = document.sentiment
        document.replaceText(newText)
        let newScalars = ScalarIndex(document.utf8)
        document.codes = remapped.map { code in
            var c = code
            c.evidence = code.evidence.map {
                var e = $0
                e.span = ByteSpan(start: Int32(newScalars.byte(ofScalar: Int($0.span.start))),
                                  end: Int32(newScalars.byte(ofScalar: Int($0.span.end))))
                return e
            }
            return c
        }
        document.sentiment = sentiment
        document.assigned.insert(.text)
    }

    /// Where scalar offset `p` of the old text lands in the new text.
    static func map(_ p: Int, _ edits: [Edit], isEnd: Bool) -> Int {
        var shift = 0
        for e in edits {
            if p <= e.start && !(isEnd && p > e.start) { break }
            if p < e.end || (isEnd && p == e.end && e.start == e.end) {
                // Inside a replaced range: clamp to its replacement.
                return e.start + shift + (isEnd ? e.length : 0)
            }
            shift += e.length - (e.end - e.start)
        }
        return p + shift
    }

    func addCodes(_ value: JSONValue, to document: inout Document) throws(AnswerError) {
        guard let items = value.arrayValue else { throw AnswerError(message: "\"codes\" must be a list") }
        let index = ScalarIndex(document.utf8)
        for item in items {
            guard let theme = item["theme"]?.stringValue, !theme.isEmpty else {
                throw AnswerError(message: "each code needs a \"theme\" string")
            }
            guard let spans = item["evidence"]?.arrayValue, !spans.isEmpty else {
                throw AnswerError(message: "code '\(theme)' has no evidence; every code needs at least one {start, end} span")
            }
            var evidence: [Evidence] = []
            for span in spans {
                guard let s = span["start"]?.doubleValue, let e = span["end"]?.doubleValue, s == s.rounded(), e == e.rounded(),
                      s >= 0, s < e, Int(e) <= index.scalarCount
                else {
                    throw AnswerError(message: "evidence of '\(theme)' has offsets \(span["start"]?.scalarText ?? "?")..<\(span["end"]?.scalarText ?? "?") outside the text (\(index.scalarCount) characters)")
                }
                let rule = span["rule"]?.stringValue ?? "\(label)"
                let weight = span["weight"]?.doubleValue ?? 1
                evidence.append(Evidence(span: ByteSpan(start: Int32(index.byte(ofScalar: Int(s))), end: Int32(index.byte(ofScalar: Int(e)))),
                                         rule: "\(handshake.name): \(rule)", weight: weight))
            }
            let score = item["score"]?.doubleValue ?? evidence.reduce(0) { $0 + $1.weight }
            if let k = document.codes.firstIndex(where: { $0.theme == theme }) {
                document.codes[k].evidence = (document.codes[k].evidence + evidence).sorted { $0.span < $1.span }
                document.codes[k].score += score
            } else {
                document.codes.append(Code(theme: theme, score: score, evidence: evidence.sorted { $0.span < $1.span }))
            }
        }
        document.codes.sort { $0.theme < $1.theme }
        document.assigned.insert(.codes)
    }
}

/// Unicode scalar ↔ UTF-8 byte offsets of one text.
struct ScalarIndex {
    /// Byte offset of each scalar, plus the end.
    private var bytes: [Int] = []

    init(_ utf8: [UInt8]) {
        bytes.reserveCapacity(utf8.count + 1)
        for (i, b) in utf8.enumerated() where b & 0xC0 != 0x80 { bytes.append(i) }
        bytes.append(utf8.count)
    }

    var scalarCount: Int { bytes.count - 1 }
    func byte(ofScalar s: Int) -> Int { bytes[min(max(0, s), bytes.count - 1)] }
    func scalar(ofByte b: Int) -> Int {
        var lo = 0, hi = bytes.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if bytes[mid] < b { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
