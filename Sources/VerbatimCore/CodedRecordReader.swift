/// Reading `coded.jsonl` records back, so shards coded separately (`verbatim run - --out -` on each
/// part of an input) can be combined into the counts and quotes of one run without coding again.
extension CodedRecord {
    /// One evidence span as written: Unicode scalar offsets into the response text, and the rule.
    public struct EvidenceSpan: Sendable, Equatable {
        public var start: Int
        public var end: Int
        public var rule: String
        public init(start: Int, end: Int, rule: String) {
            self.start = start
            self.end = end
            self.rule = rule
        }
    }

    /// A `coded.jsonl` line, decoded.
    public struct Decoded: Sendable {
        public var id: String
        public var question: String?
        /// Present when the shard was written with `--with-text`.
        public var text: String?
        /// In the record's order (sorted by theme id, as the codebook stage leaves them).
        public var themes: [String]
        /// theme → spans; themes without evidence in the record have none here.
        public var evidence: [String: [EvidenceSpan]]
        public var sentiment: Sentiment?
        public var themeSentiment: [String: Sentiment]
        public var metadata: [(key: String, value: JSONValue)]

        /// The response as the pipeline saw it (the text empty when the record has none).
        public var response: Response {
            Response(id: id, question: question, text: text ?? "", metadata: metadata)
        }

        /// A document carrying this record's codes and sentiment, for `ThemeCounts` and `QuoteCollector`.
        public func makeDocument(weights: RuleWeights = RuleWeights()) -> Document {
            var document = Document(response)
            apply(to: &document, weights: weights)
            return document
        }

        /// Puts this record's codes and sentiment on `document`, whose text must be this record's
        /// (e.g. the same response after a tokeniser ran again for quotes).
        ///
        /// Evidence offsets become byte spans. The record does not keep rule weights: `weights` gives
        /// them. As the codebook counts a rule once per answer, the first span of each rule carries its
        /// weight and later ones 0, and a code's score is the sum. Without text, codes carry no evidence.
        public func apply(to document: inout Document, weights: RuleWeights = RuleWeights()) {
            let offsets = text == nil ? nil : ByteOffsets(document.utf8)
            document.codes = themes.map { theme in
                var spans: [Evidence] = []
                var seenRules = Set<Substring>()
                var score = 0.0
                for e in evidence[theme] ?? [] {
                    let (rule, weight) = weights.rule(of: e.rule)
                    let first = seenRules.insert(rule).inserted
                    if first { score += weight }
                    if let offsets {
                        spans.append(Evidence(
                            span: ByteSpan(offsets.byteOffset(ofScalar: e.start)..<offsets.byteOffset(ofScalar: e.end)),
                            rule: e.rule, weight: first ? weight : 0))
                    }
                }
                return Code(theme: theme, score: score, evidence: spans)
            }
            document.sentiment = sentiment
            document.themeSentiment = themeSentiment
        }
    }

    /// Rule weights by rule name, for rebuilding codes' scores from `coded.jsonl`, which names each
    /// evidence's rule as `theme/rule: pattern` but does not keep its weight.
    public struct RuleWeights: Sendable {
        /// `theme/rule` → weight.
        public var weights: [String: Double]
        /// The weight of a rule not in `weights`.
        public var defaultWeight: Double

        public init(_ weights: [String: Double] = [:], defaultWeight: Double = 1) {
            self.weights = weights
            self.defaultWeight = defaultWeight
        }

        /// The rule an evidence name belongs to (its part before ": ", so every pattern of a rule is
        /// the same rule) and the rule's weight.
        public func rule(of evidenceName: String) -> (rule: Substring, weight: Double) {
            var rule = Substring(evidenceName)
            if let colon = evidenceName.firstRange(of: ": ") { rule = evidenceName[..<colon.lowerBound] }
            return (rule, weights[String(rule)] ?? defaultWeight)
        }
    }

    /// Decodes one `coded.jsonl` line; `file` and `line` place the error messages.
    public static func decode(_ bytes: UnsafeBufferPointer<UInt8>, file: String, line: Int) throws(VerbatimError) -> Decoded {
        func failure(_ message: String, column: Int = 1) -> VerbatimError {
            .malformedRecord(message: message, at: SourceLocation(file: file, line: line, column: column))
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw failure("not valid JSON: \(error.message); each line must be a coded record as `verbatim run --out -` writes it",
                          column: scalarColumn(of: error.offset, in: bytes))
        }
        guard case let .object(members) = value else {
            throw failure("expected a coded record (a JSON object with \"id\", \"themes\" and \"evidence\")")
        }
        var id: String?
        var question: String?
        var text: String?
        var themes: [String]?
        var evidence: [String: [EvidenceSpan]]?
        var sentiment: Sentiment?
        var themeSentiment: [String: Sentiment] = [:]
        var metadata: [(key: String, value: JSONValue)] = []
        for m in members {
            switch m.key {
            case "id":
                guard let s = m.value.scalarText, !s.isEmpty else { throw failure("\"id\" must be a non-empty string") }
                id = s
            case "question":
                question = m.value.scalarText.flatMap { $0.isEmpty ? nil : $0 }
            case "text":
                switch m.value {
                case let .string(s): text = s
                case .null: text = nil
                default: throw failure("\"text\" must be a string")
                }
            case "themes":
                guard let items = m.value.arrayValue else { throw failure("\"themes\" must be an array of theme ids") }
                var list: [String] = []
                for item in items {
                    guard let theme = item.stringValue else { throw failure("\"themes\" must be an array of theme ids") }
                    list.append(theme)
                }
                themes = list
            case "evidence":
                guard case let .object(byTheme) = m.value else {
                    throw failure("\"evidence\" must be an object: theme -> [{start, end, text, rule}]")
                }
                var map: [String: [EvidenceSpan]] = [:]
                for (theme, spans) in byTheme {
                    guard let items = spans.arrayValue else { throw failure("\"evidence\" of '\(theme)' must be an array") }
                    var list: [EvidenceSpan] = []
                    for item in items {
                        guard let start = item["start"]?.doubleValue, let end = item["end"]?.doubleValue,
                              start >= 0, end >= start, start == start.rounded(), end == end.rounded(), end < 1e12
                        else { throw failure("evidence of '\(theme)' needs whole \"start\" <= \"end\" offsets") }
                        list.append(EvidenceSpan(start: Int(start), end: Int(end), rule: item["rule"]?.stringValue ?? ""))
                    }
                    map[theme] = list
                }
                evidence = map
            case "sentiment":
                sentiment = try decodeSentiment(m.value, "sentiment", failure)
            case "theme_sentiment":
                guard case let .object(byTheme) = m.value else { throw failure("\"theme_sentiment\" must be an object") }
                for (theme, s) in byTheme {
                    if let s = try decodeSentiment(s, "theme_sentiment of '\(theme)'", failure) { themeSentiment[theme] = s }
                }
            case "metadata":
                guard case let .object(fields) = m.value else { throw failure("\"metadata\" must be an object") }
                metadata = fields
            default:
                // `annotations` and any later additions to the record do not affect counts or quotes.
                break
            }
        }
        guard let id else { throw failure("the record has no \"id\"") }
        guard let themes, let evidence else {
            throw failure("not a coded record: it has no \"themes\" and \"evidence\"; merge reads what `verbatim run - --out -` writes, not raw answers")
        }
        if let text {
            let length = text.unicodeScalars.count
            for (theme, spans) in evidence {
                for s in spans where s.end > length {
                    throw failure("evidence of '\(theme)' at \(s.start)-\(s.end) lies outside the text (\(length) characters)")
                }
            }
        }
        return Decoded(id: id, question: question, text: text, themes: themes, evidence: evidence, sentiment: sentiment,
                       themeSentiment: themeSentiment, metadata: metadata)
    }

    private static func decodeSentiment(
        _ value: JSONValue, _ what: String, _ failure: (String, Int) -> VerbatimError
    ) throws(VerbatimError) -> Sentiment? {
        if case .null = value { return nil }
        guard let name = value["label"]?.stringValue, let label = Sentiment.Label(rawValue: name) else {
            throw failure("\(what) needs a \"label\": positive, negative, neutral or mixed", 1)
        }
        return Sentiment(label: label, score: value["score"]?.doubleValue ?? 0)
    }

    /// 1-based column, in Unicode scalars, of a byte offset.
    static func scalarColumn(of offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var column = 1
        for i in 0..<min(offset, bytes.count) where bytes[i] & 0xC0 != 0x80 { column += 1 }
        return column
    }
}

/// Converts Unicode scalar offsets back to UTF-8 byte offsets (the inverse of `ScalarOffsets`).
struct ByteOffsets {
    private var table: [Int32] = []
    private let count: Int

    init(_ utf8: [UInt8]) {
        count = utf8.count
        guard !utf8.withUnsafeBufferPointer(UTF8Scan.isASCII) else { return }
        for (i, b) in utf8.enumerated() where b & 0xC0 != 0x80 { table.append(Int32(i)) }
        table.append(Int32(utf8.count))
    }

    func byteOffset(ofScalar scalar: Int) -> Int {
        table.isEmpty ? min(scalar, count) : Int(table[min(scalar, table.count - 1)])
    }
}
