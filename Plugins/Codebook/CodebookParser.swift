import VerbatimCore
import Yams

/// Reads codebook YAML into a checked `Codebook`. Every error names file:line:column and says what
/// to do; pattern errors point at the offending word inside the pattern.
enum CodebookParser {
    static let supportedVersion = 1

    static let topKeys = ["version", "name", "description", "include", "settings", "concepts", "themes"]
    static let settingsKeys = ["threshold", "weight", "ignore", "negation", "negated"]
    static let negationKeys = ["cues", "window", "breakers"]
    static let themeKeys = ["id", "label", "description", "parent", "colour", "color", "questions", "threshold",
                            "negated", "unless", "rules"]
    static let ruleKeys = ["id", "match", "weight", "unless", "negated", "note"]

    static func load(path: String) throws(VerbatimError) -> Codebook {
        var state = State(path: path)
        try state.read(path: path, chain: [])
        return try state.finish()
    }

    static func parse(_ text: String, path: String) throws(VerbatimError) -> Codebook {
        var state = State(path: path)
        try state.read(file: CodebookYAML.parse(text, path: path), chain: [path])
        return try state.finish()
    }

    /// What has been read so far, across included files.
    struct State {
        let path: String
        var name: String?
        var settings = CodebookSettings()
        var concepts: [String: Concept] = [:]
        var themes: [ThemeDefinition] = []
        var themeLocations: [String: SourceLocation] = [:]

        init(path: String) { self.path = path }

        mutating func read(path: String, chain: [String]) throws(VerbatimError) {
            try read(file: CodebookYAML.load(path: path), chain: chain + [path])
        }

        mutating func read(file: CodebookYAML, chain: [String]) throws(VerbatimError) {
            let top = try file.entries(file.root, what: "the codebook")
            try CodebookParser.checkKeys(top, known: CodebookParser.topKeys, what: "the codebook", file: file)
            guard let version = top.first(where: { $0.key == "version" }) else {
                throw file.error(file.root, "the codebook has no 'version'", hint: "start the file with `version: 1`")
            }
            let versionText = try file.scalar(version.value, what: "'version'")
            guard Int(versionText) == CodebookParser.supportedVersion else {
                throw file.error(version.value, "unsupported codebook version '\(versionText)'",
                                 hint: "this build reads codebook version \(CodebookParser.supportedVersion)")
            }
            // Included files come first, so that this file's settings, concepts and themes build on theirs.
            if let include = top.first(where: { $0.key == "include" }) {
                for item in try file.items(include.value, what: "'include'") {
                    let relative = try file.scalar(item, what: "an included file")
                    let resolved = relative.hasPrefix("/") ? relative : FileIO.directory(of: file.path) + "/" + relative
                    if chain.contains(resolved) {
                        throw file.error(item, "'\(relative)' includes itself (through \(chain.map(FileIO.fileName(of:)).joined(separator: " → ")))",
                                         hint: "remove one of the includes")
                    }
                    guard FileIO.exists(resolved) else {
                        throw file.error(item, "included codebook '\(relative)' not found (looked for \(resolved))",
                                         hint: "paths are relative to the including file")
                    }
                    try read(path: resolved, chain: chain)
                }
            }
            for entry in top {
                switch entry.key {
                case "name": name = try file.scalar(entry.value, what: "'name'")
                case "settings": try readSettings(entry.value, file: file)
                case "concepts":
                    for c in try file.entries(entry.value, what: "'concepts'") {
                        if let first = concepts[c.key] {
                            throw file.error(c.keyNode, "concept '\(c.key)' is defined twice (first at \(first.location))",
                                             hint: "rename one of them")
                        }
                        guard PatternParser.isName(c.key) else {
                            throw file.error(c.keyNode, "'\(c.key)' is not a valid concept name",
                                             hint: "use letters, digits, '_' and '-'")
                        }
                        let members = try CodebookParser.patterns(c.value, what: "concept '\(c.key)'", file: file)
                        if members.isEmpty { throw file.error(c.value, "concept '\(c.key)' is empty", hint: "list at least one word or phrase") }
                        for m in members where m.pattern.proximity != nil {
                            throw VerbatimError.invalidFile(message: "a concept lists words and phrases; NEAR and BEFORE belong in rules",
                                                            hint: "move `\(m.text)` into a rule", at: m.location)
                        }
                        concepts[c.key] = Concept(name: c.key, members: members, location: file.location(c.keyNode))
                    }
                case "themes":
                    for item in try file.items(entry.value, what: "'themes'") {
                        let theme = try CodebookParser.theme(item, file: file)
                        if let first = themeLocations[theme.id] {
                            throw VerbatimError.invalidFile(message: "duplicate theme id '\(theme.id)' (first defined at \(first))",
                                                            hint: "theme ids must be unique; rename one of them", at: theme.location)
                        }
                        themeLocations[theme.id] = theme.location
                        themes.append(theme)
                    }
                default: break
                }
            }
        }

        mutating func readSettings(_ node: Node, file: CodebookYAML) throws(VerbatimError) {
            let entries = try file.entries(node, what: "'settings'")
            try CodebookParser.checkKeys(entries, known: CodebookParser.settingsKeys, what: "'settings'", file: file)
            for e in entries {
                switch e.key {
                case "threshold": settings.threshold = try CodebookParser.positiveNumber(e.value, what: "'threshold'", file: file)
                case "weight": settings.weight = try CodebookParser.positiveNumber(e.value, what: "'weight'", file: file)
                case "ignore": settings.ignore = try CodebookParser.words(e.value, what: "'ignore'", file: file)
                case "negated": settings.negated = try CodebookParser.policy(e.value, file: file)
                case "negation":
                    let n = try file.entries(e.value, what: "'negation'")
                    try CodebookParser.checkKeys(n, known: CodebookParser.negationKeys, what: "'negation'", file: file)
                    for ne in n {
                        switch ne.key {
                        case "cues": settings.negationCues = try CodebookParser.words(ne.value, what: "negation cues", file: file)
                        case "breakers": settings.negationBreakers = try CodebookParser.words(ne.value, what: "negation breakers", file: file)
                        case "window":
                            let text = try file.scalar(ne.value, what: "'window'")
                            guard let w = Int(text), (1...20).contains(w) else {
                                throw file.error(ne.value, "'window' must be a whole number of words from 1 to 20, not '\(text)'")
                            }
                            settings.negationWindow = w
                        default: break
                        }
                    }
                default: break
                }
            }
        }

        func finish() throws(VerbatimError) -> Codebook {
            let codebook = Codebook(path: path, name: name, settings: settings, concepts: concepts, themes: themes)
            try CodebookValidator.check(codebook)
            return codebook
        }
    }

    // MARK: Themes and rules

    static func theme(_ node: Node, file: CodebookYAML) throws(VerbatimError) -> ThemeDefinition {
        let entries = try file.entries(node, what: "a theme")
        try checkKeys(entries, known: themeKeys, what: "a theme", file: file)
        guard let idEntry = entries.first(where: { $0.key == "id" }) else {
            throw file.error(node, "a theme without 'id'", hint: "give every theme an id, e.g. `- id: leadership`")
        }
        let id = try file.scalar(idEntry.value, what: "'id'")
        guard !id.isEmpty, id.unicodeScalars.allSatisfy({ PatternParser.isNameScalar($0) || $0 == "." }) else {
            throw file.error(idEntry.value, "'\(id)' is not a valid theme id", hint: "use letters, digits, '_', '-' and '.'")
        }
        var theme = ThemeDefinition(id: id, label: id, description: "", parent: nil, colour: nil, questions: [], threshold: nil,
                                    negated: nil, unless: [], rules: [], location: file.location(idEntry.value), parentLocation: nil)
        var ruleIDs: [String: SourceLocation] = [:]
        for e in entries {
            switch e.key {
            case "label": theme.label = try file.scalar(e.value, what: "'label'")
            case "description": theme.description = try file.scalar(e.value, what: "'description'")
            case "parent":
                theme.parent = try file.scalar(e.value, what: "'parent'")
                theme.parentLocation = file.location(e.value)
            case "colour", "color":
                let c = try file.scalar(e.value, what: "'\(e.key)'")
                guard c.count == 7, c.first == "#", c.dropFirst().allSatisfy(\.isHexDigit) else {
                    throw file.error(e.value, "'\(c)' is not a colour", hint: "write #RRGGBB, e.g. \"#1f77b4\" (quoted: # starts a YAML comment)")
                }
                theme.colour = c
            case "questions": theme.questions = try file.items(e.value, what: "'questions'").map { (n) throws(VerbatimError) in try file.scalar(n, what: "a question") }
            case "threshold": theme.threshold = try positiveNumber(e.value, what: "'threshold'", file: file)
            case "negated": theme.negated = try policy(e.value, file: file)
            case "unless": theme.unless = try patterns(e.value, what: "'unless'", file: file)
            case "rules":
                for (k, item) in try file.items(e.value, what: "'rules'").enumerated() {
                    var (rule, explicitID) = try self.rule(item, index: k, file: file)
                    if let first = ruleIDs[rule.id] {
                        if explicitID {
                            throw VerbatimError.invalidFile(message: "duplicate rule id '\(rule.id)' in theme '\(id)' (first at \(first))",
                                                            hint: "rule ids must be unique within a theme", at: rule.location)
                        }
                        // A generated id: make it unique.
                        var n = 2
                        while ruleIDs["\(rule.id)-\(n)"] != nil { n += 1 }
                        rule.id = "\(rule.id)-\(n)"
                    }
                    ruleIDs[rule.id] = rule.location
                    theme.rules.append(rule)
                }
            default: break
            }
        }
        return theme
    }

    /// A rule, and whether its id was written (rather than made from its pattern).
    static func rule(_ node: Node, index: Int, file: CodebookYAML) throws(VerbatimError) -> (RuleDefinition, Bool) {
        let location = file.location(node)
        if case .scalar = node {
            let p = try patterns(node, what: "a rule", file: file)
            return (RuleDefinition(id: slug(p[0].text, index: index), patterns: p, weight: nil, unless: [], negated: nil, location: location), false)
        }
        let entries = try file.entries(node, what: "a rule")
        try checkKeys(entries, known: ruleKeys, what: "a rule", file: file)
        guard let match = entries.first(where: { $0.key == "match" }) else {
            throw file.error(node, "empty rule: it has no 'match'", hint: "write the words to match, e.g. `match: senior NEAR/4 buy-in`")
        }
        let p = try patterns(match.value, what: "'match'", file: file)
        guard !p.isEmpty else {
            throw file.error(match.value, "empty rule: 'match' lists no pattern", hint: "write the words to match, e.g. `match: [budget, fund*]`")
        }
        var rule = RuleDefinition(id: "", patterns: p, weight: nil, unless: [], negated: nil, location: location)
        var explicitID = false
        for e in entries {
            switch e.key {
            case "id":
                let id = try file.scalar(e.value, what: "'id'")
                guard PatternParser.isName(id) else {
                    throw file.error(e.value, "'\(id)' is not a valid rule id", hint: "use letters, digits, '_' and '-'")
                }
                rule.id = id
                explicitID = true
            case "weight": rule.weight = try positiveNumber(e.value, what: "'weight'", file: file)
            case "unless": rule.unless = try patterns(e.value, what: "'unless'", file: file)
            case "negated": rule.negated = try policy(e.value, file: file)
            default: break
            }
        }
        if !explicitID { rule.id = slug(p[0].text, index: index) }
        return (rule, explicitID)
    }

    // MARK: Values

    /// A pattern or a list of patterns, each parsed, with errors placed at the offending word.
    static func patterns(_ node: Node, what: String, file: CodebookYAML) throws(VerbatimError) -> [PatternText] {
        var result: [PatternText] = []
        for item in try file.items(node, what: what) {
            guard case let .scalar(scalar) = item else {
                throw file.error(item, "\(what) must list patterns as text", hint: "write e.g. `[budget, \"fund*\"]`")
            }
            let location = file.location(item)
            let exact = !scalar.string.utf8.contains(0x0A) && (scalar.style == .plain || scalar.style == .singleQuoted || scalar.style == .doubleQuoted)
            var start = location
            if exact, scalar.style != .plain, let c = location.column { start.column = c + 1 }
            if scalar.string.allSatisfy(\.isWhitespace) {
                throw VerbatimError.invalidFile(message: "empty rule: the pattern is empty",
                                                hint: "write the words to match, e.g. `senior NEAR/4 buy-in`", at: location)
            }
            do {
                let pattern = try PatternParser.parse(scalar.string)
                result.append(PatternText(text: scalar.string, location: start, columnsAreExact: exact, pattern: pattern))
            } catch {
                let at = PatternText(text: scalar.string, location: start, columnsAreExact: exact,
                                     pattern: Pattern(left: PatternSequence(items: []), proximity: nil))
                throw VerbatimError.invalidFile(message: "\(error.message) in `\(scalar.string)`", hint: error.hint,
                                                at: at.location(atOffset: error.offset))
            }
        }
        return result
    }

    static func words(_ node: Node, what: String, file: CodebookYAML) throws(VerbatimError) -> [String] {
        var result: [String] = []
        for item in try file.items(node, what: what) {
            let w = try file.scalar(item, what: what)
            guard let word = PatternParser.singleWord(w.trimmingSpaces) else {
                throw file.error(item, "\(what) must be single words; '\(w)' is not")
            }
            result.append(word)
        }
        return result
    }

    static func positiveNumber(_ node: Node, what: String, file: CodebookYAML) throws(VerbatimError) -> Double {
        let text = try file.scalar(node, what: what)
        guard let d = Double(text), d.isFinite, d > 0 else {
            throw file.error(node, "\(what) must be a number above 0, not '\(text)'")
        }
        return d
    }

    static func policy(_ node: Node, file: CodebookYAML) throws(VerbatimError) -> NegationPolicy {
        let text = try file.scalar(node, what: "'negated'")
        guard let p = NegationPolicy(rawValue: text) else {
            throw file.error(node, "'negated' must be count or skip, not '\(text)'",
                             hint: "count: a negated hit still counts; skip: it does not")
        }
        return p
    }

    /// Refuses keys the format does not know, suggesting the closest known one.
    static func checkKeys(_ entries: [(key: String, keyNode: Node, value: Node)], known: [String], what: String,
                          file: CodebookYAML) throws(VerbatimError) {
        for e in entries where !known.contains(e.key) {
            let closest = known.min { editDistance(e.key, $0) < editDistance(e.key, $1) }
            var hint = "known keys: \(known.joined(separator: ", "))"
            if let closest, editDistance(e.key, closest) <= max(2, closest.count / 3) { hint = "did you mean '\(closest)'? " + hint }
            throw file.error(e.keyNode, "unknown key '\(e.key)' in \(what)", hint: hint)
        }
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        var previous = Array(0...b.count)
        var current = previous
        for i in 1...a.count {
            current[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    /// A readable rule id from its first pattern: `senior NEAR/4 buy-in` → `senior-near-4-buy-in`.
    static func slug(_ text: String, index: Int) -> String {
        var out = ""
        for ch in text.lowercased() {
            if ch.isLetter || ch.isNumber { out.append(ch) } else if !out.isEmpty, out.last != "-" { out.append("-") }
        }
        while out.last == "-" { out.removeLast() }
        if out.count > 40 { out = String(out.prefix(40)); while out.last == "-" { out.removeLast() } }
        return out.isEmpty ? "rule\(index + 1)" : out
    }
}
