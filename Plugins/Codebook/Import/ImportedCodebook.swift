import VerbatimCore

/// A dictionary from another tool, read into the shape of a codebook: categories become themes and
/// entries become rules. Everything that could not be mapped is kept as a note, never dropped silently.
public struct ImportedCodebook: Sendable, Equatable {
    public struct Theme: Sendable, Equatable {
        public var id: String
        public var label: String
        public var description: String = ""
        public var parent: String?
        public var colour: String?
        /// Patterns in the codebook language, each with its weight.
        public var entries: [Entry] = []

        public init(id: String, label: String, description: String = "", parent: String? = nil, colour: String? = nil) {
            self.id = id
            self.label = label
            self.description = description
            self.parent = parent
            self.colour = colour
        }
    }

    public struct Entry: Sendable, Equatable {
        public var pattern: String
        public var weight: Double
        public init(_ pattern: String, weight: Double = 1) {
            self.pattern = pattern
            self.weight = weight
        }
    }

    /// Something in the source that has no equivalent here, with where it was.
    public struct Note: Sendable, Equatable, CustomStringConvertible {
        public var location: SourceLocation
        public var message: String
        public var description: String { "\(location): warning: \(message)" }
        public init(location: SourceLocation, message: String) {
            self.location = location
            self.message = message
        }
    }

    public enum Format: String, Sendable, CaseIterable {
        /// LIWC `.dic`: a `%`-delimited category table, then `word<TAB>category ids`.
        case liwc
        /// WordStat / QDA Miner `.CAT`: categories and indented entries with `(weight)`.
        case wordstat
        /// quanteda-style YAML: nested keys of pattern lists.
        case quanteda
        /// REFI-QDA `.qdc` codebook: codes only.
        case qdc

        /// The format a file name suggests.
        public static func guess(path: String) -> Format? {
            switch FileIO.fileExtension(of: path) {
            case "dic", "dicx": return .liwc
            case "cat": return .wordstat
            case "yml", "yaml": return .quanteda
            case "qdc": return .qdc
            default: return nil
            }
        }
    }

    public var name: String
    public var source: String
    public var format: Format
    public var themes: [Theme] = []
    public var notes: [Note] = []

    public init(name: String, source: String, format: Format) {
        self.name = name
        self.source = source
        self.format = format
    }

    /// Reads a dictionary file of a text format (LIWC, WordStat, quanteda). `.qdc` files are read by
    /// the reports library, which has the XML reader.
    public static func read(path: String, format: Format) throws(VerbatimError) -> ImportedCodebook {
        let text = try FileIO.readText(path: path)
        switch format {
        case .liwc: return try LIWCDictionaryReader.read(text, path: path)
        case .wordstat: return try WordStatDictionaryReader.read(text, path: path)
        case .quanteda: return try QuantedaDictionaryReader.read(text, path: path)
        case .qdc:
            throw VerbatimError.usage("REFI-QDA codebooks are read with `verbatim codebook import`, which has the XML reader")
        }
    }

    /// A theme id from a category name: lower case, words joined by "_", unique within `taken`.
    static func themeID(_ name: String, taken: inout Set<String>) -> String {
        var id = ""
        var lastUnderscore = true
        for scalar in name.lowercased().unicodeScalars {
            if scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                id.unicodeScalars.append(scalar)
                lastUnderscore = false
            } else if !lastUnderscore {
                id.append("_")
                lastUnderscore = true
            }
        }
        while id.hasSuffix("_") { id.removeLast() }
        if id.isEmpty { id = "category" }
        if let first = id.unicodeScalars.first, ("0"..."9").contains(first) { id = "c_" + id }
        var unique = id
        var n = 2
        while taken.contains(unique) {
            unique = "\(id)_\(n)"
            n += 1
        }
        taken.insert(unique)
        return unique
    }

    /// A dictionary word as a codebook pattern: exact word forms (these tools match words, not
    /// stems), lower-cased so that matching ignores case as they do, a trailing `*` kept as a prefix
    /// wildcard. Returns nil, with the reason, for what the codebook language cannot express.
    static func pattern(fromWord raw: String, phraseSeparators: Set<Character> = []) -> (pattern: String?, problem: String?) {
        var words: [String] = []
        var current = ""
        for ch in raw.lowercased() {
            if ch.isWhitespace || phraseSeparators.contains(ch) {
                if !current.isEmpty { words.append(current) }
                current = ""
            } else {
                current.append(ch)
            }
        }
        if !current.isEmpty { words.append(current) }
        guard !words.isEmpty else { return (nil, "an empty entry") }
        var out: [String] = []
        for word in words {
            if word.contains("?") { return (nil, "'\(raw)': single-character wildcards (?) have no equivalent; list the forms instead") }
            let stars = word.filter { $0 == "*" }.count
            if stars > 1 || (stars == 1 && !word.hasSuffix("*")) {
                return (nil, "'\(raw)': only a wildcard at the end of a word (prefix match) has an equivalent")
            }
            let core = stars == 1 ? String(word.dropLast()) : word
            guard !core.isEmpty else { return (nil, "'\(raw)': a lone wildcard matches every word") }
            if core.contains(where: { "|@=~\"'#:{}[],&!%`".contains($0) }) {
                return (nil, "'\(raw)': punctuation inside a word has no equivalent in codebook patterns")
            }
            out.append(stars == 1 ? core + "*" : "=" + core)
        }
        return (out.joined(separator: " "), nil)
    }
}
