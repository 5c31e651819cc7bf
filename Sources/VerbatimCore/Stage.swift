/// A kind of information a stage adds to a `Document`. Stages declare what they `require` and
/// `assign`; the host checks the chain when the pipeline is built, before any input is read.
public struct Annotation: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    public let rawValue: String
    /// The position of a built-in annotation in `AnnotationSet`'s bit mask; nil for others.
    let builtinBit: UInt8?

    public init(rawValue: String) {
        self.rawValue = rawValue
        builtinBit = Self.builtinNames.firstIndex(of: rawValue).map(UInt8.init)
    }
    public init(stringLiteral value: String) { self.init(rawValue: value) }
    public var description: String { rawValue }
    public static func < (a: Annotation, b: Annotation) -> Bool { a.rawValue < b.rawValue }
    public static func == (a: Annotation, b: Annotation) -> Bool { a.rawValue == b.rawValue }
    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }

    /// The annotations of the built-in stages, which every document collects: kept as bits.
    static let builtinNames = ["tokens", "sentences", "stems", "codes", "sentiment", "theme_sentiment", "text"]

    /// `Document.tokens` with their normalised forms.
    public static let tokens: Annotation = "tokens"
    /// `Document.sentences`.
    public static let sentences: Annotation = "sentences"
    /// Token stems in `Document.stemPool`.
    public static let stems: Annotation = "stems"
    /// `Document.codes`.
    public static let codes: Annotation = "codes"
    /// `Document.sentiment` and `Document.sentenceSentiment`.
    public static let sentiment: Annotation = "sentiment"
    /// `Document.themeSentiment`.
    public static let themeSentiment: Annotation = "theme_sentiment"
    /// The response text was rewritten (redaction, spelling normalisation).
    public static let text: Annotation = "text"
}

/// What a stage is and what it needs: shown by `verbatim stages` and checked by the host.
public struct StageDescriptor: Sendable {
    /// The name used in `pipeline.yaml` (`icu-tokenizer`).
    public var name: String
    /// Bumped whenever the stage's output for the same input and options changes.
    public var version: Int
    public var summary: String
    public var options: [OptionSpec]
    public var requires: [Annotation]
    public var assigns: [Annotation]

    public init(name: String, version: Int, summary: String, options: [OptionSpec] = [],
                requires: [Annotation] = [], assigns: [Annotation]) {
        self.name = name
        self.version = version
        self.summary = summary
        self.options = options
        self.requires = requires
        self.assigns = assigns
    }

    public var versionedName: String { "\(name)@\(version)" }
}

/// Everything a stage gets when the host builds it.
public struct StageContext: Sendable {
    /// The folder relative paths in the stage's options resolve against (the pipeline file's folder).
    public var baseDirectory: String
    /// The stage's position in the pipeline, 0-based.
    public var index: Int
    /// The stage's annotations from earlier stages, for stages that adapt (e.g. use stems when present).
    public var available: Set<Annotation>

    public init(baseDirectory: String, index: Int = 0, available: Set<Annotation> = []) {
        self.baseDirectory = baseDirectory
        self.index = index
        self.available = available
    }

    /// Resolves a path from an option against `baseDirectory`.
    public func resolve(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        if path.hasPrefix("~/"), let home = ProcessEnvironment.home { return home + path.dropFirst(1) }
        return baseDirectory.isEmpty ? path : baseDirectory + "/" + path
    }
}

/// A pipeline stage: built once from its options, then asked for one processor per worker thread.
///
/// The stage itself is immutable and shared across threads (so it is `Sendable`); all mutable
/// per-thread state (ICU iterators, stemmer objects, scratch buffers) lives in its processors.
public protocol Stage: Sendable {
    static var descriptor: StageDescriptor { get }
    /// Builds the stage from options the host has already checked against `descriptor.options`.
    init(options: StageOptions, context: StageContext) throws
    /// A processor for one worker thread. Called once per worker.
    func makeProcessor() throws -> any StageProcessor
    /// The annotations this instance assigns; defaults to the descriptor's. Stages whose output
    /// depends on options (a namespaced codebook, an `exec:` stage) override it.
    var assigns: [Annotation] { get }
    var requires: [Annotation] { get }
    /// A name for messages and evidence; defaults to the descriptor name.
    var instanceName: String { get }
    /// Closes external resources (child processes) at the end of a run.
    func finish() throws
}

extension Stage {
    public var assigns: [Annotation] { Self.descriptor.assigns }
    public var requires: [Annotation] { Self.descriptor.requires }
    public var instanceName: String { Self.descriptor.name }
    public func finish() throws {}
}

/// The per-thread worker of a stage. Not shared between threads.
public protocol StageProcessor: AnyObject {
    /// Annotates one document. Throwing marks this response as failed; the run goes on unless strict.
    func process(_ document: inout Document) throws
    /// Annotates a batch. The default processes each document in turn; process stages override it
    /// to pipeline requests. Failures are reported per document in the returned array (nil = ok).
    func process(batch: inout [Document]) -> [Error?]
}

extension StageProcessor {
    public func process(batch: inout [Document]) -> [Error?] {
        var errors = [Error?](repeating: nil, count: batch.count)
        for i in batch.indices {
            do { try process(&batch[i]) } catch { errors[i] = error }
        }
        return errors
    }
}

/// A theme a coding stage can assign, for counts, reports and exports.
public struct ThemeInfo: Sendable, Equatable {
    /// The id as it appears in `Document.codes` (namespaced when the stage has a namespace).
    public var id: String
    public var label: String
    public var description: String
    /// The parent theme's id, for roll-ups.
    public var parent: String?
    /// The questions the theme applies to; empty means all.
    public var questions: [String]
    /// A display colour (`#RRGGBB`), for reports and REFI-QDA exports.
    public var color: String?

    public init(id: String, label: String, description: String = "", parent: String? = nil,
                questions: [String] = [], color: String? = nil) {
        self.id = id
        self.label = label
        self.description = description
        self.parent = parent
        self.questions = questions
        self.color = color
    }
}

/// Implemented by stages that assign theme codes, so the host can list every theme (zeros included).
public protocol ThemeProviding {
    var themes: [ThemeInfo] { get }
}

extension Pipeline {
    /// All themes declared by the pipeline's coding stages, in stage then codebook order.
    public var themes: [ThemeInfo] {
        stages.flatMap { ($0 as? any ThemeProviding)?.themes ?? [] }
    }
}
