/// One free-text answer as it enters the pipeline.
public struct Response: Sendable, Equatable {
    /// A stable identifier, unique within an input (`Q3-001`, `R17-Q9`, or the line number).
    public var id: String
    /// The question the answer belongs to, when the input says.
    public var question: String?
    /// The answer itself.
    public var text: String
    /// Every other field of the input record, in input order.
    public var metadata: [(key: String, value: JSONValue)]
    /// Where the record came from, for error messages.
    public var source: SourceLocation?

    public init(
        id: String, question: String? = nil, text: String,
        metadata: [(key: String, value: JSONValue)] = [], source: SourceLocation? = nil
    ) {
        self.id = id
        self.question = question
        self.text = text
        self.metadata = metadata
        self.source = source
    }

    public static func == (a: Response, b: Response) -> Bool {
        a.id == b.id && a.question == b.question && a.text == b.text
            && a.metadata.map(\.key) == b.metadata.map(\.key) && a.metadata.map(\.value) == b.metadata.map(\.value)
    }

    /// The metadata value for `key`, if any.
    public func metadata(_ key: String) -> JSONValue? { metadata.first { $0.key == key }?.value }
}

/// A token: a range of the response's UTF-8 bytes, with its normalised form and stem stored as
/// ranges into the document's shared byte pools rather than as a `String` each.
public struct Token: Sendable, Equatable {
    public enum Kind: UInt8, Sendable {
        case word, number, kana, ideographic
        /// Punctuation, symbols and emoji (ICU's "none" word status, minus white space).
        case punctuation
    }

    /// Byte range in `Document.utf8`.
    public var start: Int32
    public var end: Int32
    public var kind: Kind
    /// Byte range of the normalised (NFKC case-folded) form in `Document.normalizedPool`.
    public var normalizedStart: Int32
    public var normalizedEnd: Int32
    /// Byte range of the stem in `Document.stemPool`; empty until a stemmer runs.
    public var stemStart: Int32
    public var stemEnd: Int32
    /// The index of the sentence that holds this token.
    public var sentence: Int32
    /// The word's number in `Document.wordNumberSpace`, or -1 (see `WordNumbering`): stages
    /// remember what they work out per word by it.
    public var wordNumber: Int32

    public init(start: Int32, end: Int32, kind: Kind, normalizedStart: Int32 = 0, normalizedEnd: Int32 = 0,
                stemStart: Int32 = 0, stemEnd: Int32 = 0, sentence: Int32 = 0, wordNumber: Int32 = -1) {
        self.start = start
        self.end = end
        self.kind = kind
        self.normalizedStart = normalizedStart
        self.normalizedEnd = normalizedEnd
        self.stemStart = stemStart
        self.stemEnd = stemEnd
        self.sentence = sentence
        self.wordNumber = wordNumber
    }

    public var isWordLike: Bool { kind != .punctuation }
}

/// A span of the response text: UTF-8 byte offsets into `Document.utf8`.
public struct ByteSpan: Sendable, Hashable, Comparable {
    public var start: Int32
    public var end: Int32
    public init(start: Int32, end: Int32) {
        self.start = start
        self.end = end
    }
    public init(_ range: Range<Int>) { self.init(start: Int32(range.lowerBound), end: Int32(range.upperBound)) }
    public var range: Range<Int> { Int(start)..<Int(end) }
    public static func < (a: ByteSpan, b: ByteSpan) -> Bool { (a.start, a.end) < (b.start, b.end) }
}

/// Why a code was given: the words that triggered it and the rule behind them.
public struct Evidence: Sendable, Equatable {
    /// The triggering words, as a byte span of the response text.
    public var span: ByteSpan
    /// A human-readable name of the rule, e.g. `leadership/senior-buy-in: senior NEAR/4 buy-in`.
    public var rule: String
    /// The rule's weight (contribution to the theme's score).
    public var weight: Double

    public init(span: ByteSpan, rule: String, weight: Double = 1) {
        self.span = span
        self.rule = rule
        self.weight = weight
    }
}

/// A theme given to a response, with its evidence.
public struct Code: Sendable, Equatable {
    /// The theme id, namespaced when the codebook stage has a namespace (`dept:security`).
    public var theme: String
    /// The sum of the evidence weights.
    public var score: Double
    /// At least one span; sorted by position.
    public var evidence: [Evidence]

    public init(theme: String, score: Double, evidence: [Evidence]) {
        self.theme = theme
        self.score = score
        self.evidence = evidence
    }
}

/// A sentiment judgement: a label and a score in -1…1.
public struct Sentiment: Sendable, Equatable {
    public enum Label: String, Sendable, CaseIterable, Codable {
        case positive, negative, neutral, mixed

        /// `rawValue` without building a `String`, for record writers.
        public var literal: StaticString {
            switch self {
            case .positive: "positive"
            case .negative: "negative"
            case .neutral: "neutral"
            case .mixed: "mixed"
            }
        }
    }
    public var label: Label
    public var score: Double
    public init(label: Label, score: Double) {
        self.label = label
        self.score = score
    }
}

/// A note a stage leaves about a response, e.g. a rule that was vetoed; shown by `verbatim explain`.
public struct Trace: Sendable, Equatable {
    public var stage: String
    public var message: String
    public init(stage: String, message: String) {
        self.stage = stage
        self.message = message
    }
}

/// The single document type that flows through every stage.
///
/// Stages read what earlier stages assigned and add their own annotations. Text positions are
/// UTF-8 byte offsets into `utf8`; writers convert them to Unicode scalar offsets for output.
public struct Document: Sendable {
    public var response: Response
    /// The response text as UTF-8 bytes (the text the tokens point into).
    public private(set) var utf8: [UInt8]
    public var tokens: [Token] = []
    /// Sentence byte ranges, in order, covering the text.
    public var sentences: [ByteSpan] = []
    /// Shared storage for normalised token forms.
    public var normalizedPool: [UInt8] = []
    /// Shared storage for token stems.
    public var stemPool: [UInt8] = []
    /// Theme codes, sorted by theme id once the codebook stage is done.
    public var codes: [Code] = []
    public var sentiment: Sentiment?
    /// Sentiment per theme (aspect sentiment): theme id → sentiment of the sentences carrying its evidence.
    public var themeSentiment: [String: Sentiment] = [:]
    /// Per-sentence sentiment scores, aligned with `sentences`, when a sentiment stage computed them.
    public var sentenceSentiment: [Double] = []
    /// Free-form annotations from custom stages, by key; written to `coded.jsonl` under `annotations`.
    public var annotations: [String: JSONValue] = [:]
    /// Explanations for `verbatim explain`; only collected when `collectTrace` is set.
    public var trace: [Trace] = []
    public var collectTrace = false
    /// The annotation keys assigned so far, for the host's run-time checks.
    public var assigned: AnnotationSet = []
    /// The numbering of the tokens' `wordNumber`s (`WordNumbering.none` when they have none); set by
    /// the stemmer. A stage that changes tokens' normalised forms or stems resets it to `.none`.
    public var wordNumberSpace = WordNumbering.none

    public init(_ response: Response) {
        self.response = response
        self.utf8 = Array(response.text.utf8)
    }

    /// Replaces the text (for redaction or normalisation stages). Earlier token annotations are
    /// dropped because their offsets no longer hold.
    public mutating func replaceText(_ text: String) {
        response.text = text
        utf8 = Array(text.utf8)
        tokens = []
        sentences = []
        normalizedPool = []
        stemPool = []
        wordNumberSpace = WordNumbering.none
    }

    // MARK: Token access without allocating

    /// Calls `body` with the raw UTF-8 bytes of `token`.
    @inlinable
    public func withRawBytes<R>(of token: Token, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try utf8.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[Int(token.start)..<Int(token.end)])) }
    }

    /// Calls `body` with the normalised form of `token`.
    @inlinable
    public func withNormalized<R>(of token: Token, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try normalizedPool.withUnsafeBufferPointer {
            try body(UnsafeBufferPointer(rebasing: $0[Int(token.normalizedStart)..<Int(token.normalizedEnd)]))
        }
    }

    /// Calls `body` with the stem of `token` (the normalised form when no stemmer ran).
    @inlinable
    public func withStem<R>(of token: Token, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        if token.stemEnd > token.stemStart {
            return try stemPool.withUnsafeBufferPointer {
                try body(UnsafeBufferPointer(rebasing: $0[Int(token.stemStart)..<Int(token.stemEnd)]))
            }
        }
        return try withNormalized(of: token, body)
    }

    // MARK: Strings, for tools, tests and output (not hot loops)

    public func text(of span: ByteSpan) -> String { String(decoding: utf8[span.range], as: UTF8.self) }
    public func text(of token: Token) -> String { String(decoding: utf8[Int(token.start)..<Int(token.end)], as: UTF8.self) }
    public func normalized(_ token: Token) -> String { withNormalized(of: token) { String(decoding: $0, as: UTF8.self) } }
    public func stem(_ token: Token) -> String { withStem(of: token) { String(decoding: $0, as: UTF8.self) } }

    /// The index of the sentence containing byte `offset`.
    public func sentenceIndex(containing offset: Int32) -> Int {
        var lo = 0, hi = sentences.count - 1
        while lo <= hi {
            let mid = (lo + hi) / 2
            if sentences[mid].end <= offset { lo = mid + 1 } else if sentences[mid].start > offset { hi = mid - 1 } else { return mid }
        }
        return max(0, min(lo, sentences.count - 1))
    }

    /// Converts a byte offset into a count of Unicode scalars from the start of the text.
    public func scalarOffset(ofByte byte: Int32) -> Int {
        var count = 0
        for i in 0..<Int(byte) where utf8[i] & 0xC0 != 0x80 { count += 1 }
        return count
    }

    public mutating func addTrace(_ stage: String, _ message: @autoclosure () -> String) {
        if collectTrace { trace.append(Trace(stage: stage, message: message())) }
    }
}
