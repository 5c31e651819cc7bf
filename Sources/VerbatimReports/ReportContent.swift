import VerbatimCore

/// One evidence span of a coded response, in Unicode scalars of the response text.
public struct CodedEvidence: Sendable, Equatable {
    public var start: Int
    public var end: Int
    public var rule: String
    public init(start: Int, end: Int, rule: String) {
        self.start = start
        self.end = end
        self.rule = rule
    }
}

/// One theme given to a response, with its evidence.
public struct CodedTheme: Sendable, Equatable {
    public var theme: String
    public var evidence: [CodedEvidence]
    public init(theme: String, evidence: [CodedEvidence]) {
        self.theme = theme
        self.evidence = evidence
    }
}

/// What the exports need of one coded response: no tokens or byte pools, offsets already in scalars.
public struct CodedResponse: Sendable {
    public var id: String
    public var question: String?
    public var text: String
    public var metadata: [(key: String, value: JSONValue)]
    public var codes: [CodedTheme]
    public var sentiment: Sentiment?
    public var themeSentiment: [String: Sentiment]

    public init(_ document: Document) {
        let r = document.response
        id = r.id
        question = r.question
        text = r.text
        metadata = r.metadata
        let offsets = ScalarOffsets(document.utf8)
        codes = document.codes.map { code in
            CodedTheme(theme: code.theme, evidence: code.evidence.map {
                CodedEvidence(start: offsets.scalarOffset(ofByte: Int($0.span.start)),
                              end: offsets.scalarOffset(ofByte: Int($0.span.end)), rule: $0.rule)
            })
        }
        sentiment = document.sentiment
        themeSentiment = document.themeSentiment
    }

    /// The text of a scalar range.
    public func text(_ start: Int, _ end: Int) -> String {
        let scalars = text.unicodeScalars
        let a = scalars.index(scalars.startIndex, offsetBy: max(0, min(start, scalars.count)))
        let b = scalars.index(a, offsetBy: max(0, min(end, scalars.count) - max(0, min(start, scalars.count))))
        return String(scalars[a..<b])
    }

    /// The metadata value of `key` as text.
    public func metadataText(_ key: String) -> String? {
        metadata.first { $0.key == key }?.value.scalarText
    }
}

/// Keeps every coded response (for the exports that list them all: CSV, XLSX, QDPX).
public final class ResponseStore: DocumentSink {
    public private(set) var responses: [CodedResponse] = []
    public init() {}
    public func consume(_ document: Document, encoded: UnsafeBufferPointer<UInt8>) throws { add(document) }
    public func add(_ document: Document) { responses.append(CodedResponse(document)) }

    /// The metadata keys of all responses, in first-seen order.
    public var metadataKeys: [String] {
        var seen = Set<String>(), keys: [String] = []
        for r in responses {
            for m in r.metadata where seen.insert(m.key).inserted { keys.append(m.key) }
        }
        return keys
    }
}

/// Everything a report shows: themes (colours filled in), counts, the chosen quotes per theme and,
/// for the exports that need them, the coded responses.
public struct ReportContent {
    public var title: String
    public var themes: [ThemeInfo]
    public var counts: ThemeCounts
    /// theme id → chosen quotes, best first.
    public var quotes: [String: [Quote]]
    public var selection: QuoteSelection
    public var responses: [CodedResponse]

    public init(title: String, counts: ThemeCounts, quotes collector: QuoteCollector, selection: QuoteSelection = QuoteSelection(),
                responses: [CodedResponse] = []) {
        self.title = title
        self.themes = ThemePalette.filled(counts.themes)
        self.counts = counts
        self.selection = selection
        var quotes: [String: [Quote]] = [:]
        for theme in counts.themes { quotes[theme.id] = collector.quotes(for: theme.id, selection: selection) }
        self.quotes = quotes
        self.responses = responses
    }

    /// Answers that got at least one theme.
    public var codedResponses: Int? {
        responses.isEmpty ? nil : responses.filter { !$0.codes.isEmpty }.count
    }
}
