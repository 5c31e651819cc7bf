import VerbatimCore

/// A parsed, checked codebook: what the YAML file says, with the place each part was written so
/// that later checks (stems, compilation) can still point at file:line:column.
public struct Codebook: Sendable {
    public var path: String
    public var name: String?
    public var settings: CodebookSettings
    /// Concept lists by name (without the `@`).
    public var concepts: [String: Concept]
    /// Themes in file order (included files first).
    public var themes: [ThemeDefinition]

    /// Reads, parses and checks the codebook at `path`.
    public static func load(path: String) throws(VerbatimError) -> Codebook {
        try CodebookParser.load(path: path)
    }

    /// Parses and checks codebook text; `path` names it in messages and anchors `include:` paths.
    public static func parse(_ text: String, path: String) throws(VerbatimError) -> Codebook {
        try CodebookParser.parse(text, path: path)
    }
}

/// What happens to a hit preceded by a negation cue ("not", "no", "never", "…n't").
public enum NegationPolicy: String, Sendable, CaseIterable {
    /// The hit counts as usual: "lack of leadership" is still about leadership.
    case count
    /// The hit does not count (it is still shown in the trace).
    case skip
}

/// Codebook-wide defaults; themes and rules may override some of them.
public struct CodebookSettings: Sendable, Equatable {
    /// Default score a theme needs to be coded.
    public var threshold: Double = 1
    /// Default weight of a rule.
    public var weight: Double = 1
    /// Words skipped in both text and patterns (they neither match nor break a phrase).
    public var ignore: [String] = ["a", "an", "the"]
    /// Single-word negation cues; any token ending in "n't" is a cue as well.
    public var negationCues: [String] = ["not", "no", "never", "without", "nor", "neither", "cannot", "none"]
    /// How many words before a hit a cue may stand.
    public var negationWindow: Int = 3
    /// Words that end a cue's reach, like punctuation does ("not that, but leadership").
    public var negationBreakers: [String] = ["but", "however", "although", "though", "yet", "whereas"]
    public var negated: NegationPolicy = .count

    public init() {}
}

/// A named list of alternatives, referenced from patterns as `@name`.
public struct Concept: Sendable {
    public var name: String
    public var members: [PatternText]
    public var location: SourceLocation
}

/// One theme of the codebook.
public struct ThemeDefinition: Sendable {
    public var id: String
    public var label: String
    public var description: String
    public var parent: String?
    public var colour: String?
    public var questions: [String]
    public var threshold: Double?
    public var negated: NegationPolicy?
    /// Patterns that veto every rule of the theme when they match in the hit's sentence.
    public var unless: [PatternText]
    public var rules: [RuleDefinition]
    public var location: SourceLocation
    public var parentLocation: SourceLocation?
}

/// One rule: alternatives that each make a hit, plus how the hit is weighed and vetoed.
public struct RuleDefinition: Sendable {
    public var id: String
    /// Any one of these matching is a hit.
    public var patterns: [PatternText]
    public var weight: Double?
    public var unless: [PatternText]
    public var negated: NegationPolicy?
    public var location: SourceLocation
}

/// A pattern as written, with where its first character is (for column-exact errors).
public struct PatternText: Sendable {
    public var text: String
    public var location: SourceLocation
    /// Whether columns inside `text` can be added to `location.column` (single-line scalars).
    public var columnsAreExact: Bool
    public var pattern: Pattern

    /// The place of the character at `offset` (in Unicode scalars, as YAML columns count) inside the pattern.
    func location(atOffset offset: Int) -> SourceLocation {
        guard columnsAreExact, let column = location.column else { return location }
        return SourceLocation(file: location.file, line: location.line, column: column + offset)
    }
}

// MARK: Pattern syntax tree

/// A parsed pattern: a phrase, or two phrases within a distance of each other.
public struct Pattern: Sendable {
    public var left: PatternSequence
    public var proximity: Proximity?

    public struct Proximity: Sendable {
        /// At most this many words between the two sides.
        public var distance: Int
        /// `BEFORE/n`: the left side must come first. `NEAR/n`: either order.
        public var ordered: Bool
        public var right: PatternSequence
    }
}

/// Words in a row, each with alternatives.
public struct PatternSequence: Sendable {
    public var items: [PatternItem]
}

/// One position of a phrase: `word`, `a|b`, `@concept`.
public struct PatternItem: Sendable {
    public var alternatives: [PatternAlternative]
    /// Offset in the pattern text, in Unicode scalars.
    public var offset: Int
}

public enum PatternAlternative: Sendable {
    /// Atoms in a row (a hyphenated word gives several: `buy-in` is `buy`, `in`).
    case atoms([PatternAtom])
    case concept(name: String, offset: Int)
}

/// One word of a pattern and how it is compared with a token.
public struct PatternAtom: Sendable, Hashable {
    public enum Kind: UInt8, Sendable {
        /// Same stem (the default), or same normalised form when the pipeline has no stems.
        case stem = 0
        /// Same normalised (case-folded) form: `=government`.
        case folded = 1
        /// Same surface form, case-sensitive: `=IT`.
        case surface = 2
        /// Normalised form starts with the text: `fund*`.
        case prefix = 3
    }

    public var kind: Kind
    /// Lower-cased for stem, folded and prefix atoms; as written for surface atoms.
    public var text: String
    /// Written with `~`: the author insists on stems, so a pipeline without them is an error.
    public var requiresStems: Bool
    public var offset: Int

    public static func == (a: PatternAtom, b: PatternAtom) -> Bool { a.kind == b.kind && a.text == b.text }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        hasher.combine(text)
    }
}
