import VerbatimCore

/// Turns a pattern sequence into the plain word sequences it stands for: alternatives and concept
/// references multiply out, ignored words drop. Used both to check a codebook and to compile it.
struct PatternExpander {
    let concepts: [String: Concept]
    let ignored: Set<String>
    /// A pattern expanding to more sequences than this is almost surely a mistake (and slow to build).
    static let limit = 10_000

    init(_ codebook: Codebook) {
        concepts = codebook.concepts
        ignored = Set(codebook.settings.ignore)
    }

    /// The word sequences of `sequence`, which is part of `pattern`. Each is non-empty.
    func expand(_ sequence: PatternSequence, of pattern: PatternText) throws(VerbatimError) -> [[PatternAtom]] {
        let result = try expand(sequence, of: pattern, stack: [])
        if result.contains(where: { $0.isEmpty }) { throw Self.onlyIgnoredWords(sequence, of: pattern, ignored: ignored) }
        return result
    }

    static func onlyIgnoredWords(_ sequence: PatternSequence, of pattern: PatternText, ignored: Set<String>) -> VerbatimError {
        .invalidFile(
            message: "`\(pattern.text)` can never match: it has only ignored words (\(ignored.sorted().joined(separator: ", ")))",
            hint: "ignored words are skipped in the text and in patterns; add a content word, or change `ignore` under settings",
            at: pattern.location(atOffset: sequence.items.first?.offset ?? 0))
    }

    static func unknownConcept(_ name: String, offset: Int, in pattern: PatternText, concepts: [String: Concept]) -> VerbatimError {
        var hint = concepts.isEmpty ? "define it under `concepts:`" : "known concepts: " + concepts.keys.sorted().map { "@" + $0 }.joined(separator: ", ")
        if let closest = concepts.keys.min(by: { CodebookParser.editDistance(name, $0) < CodebookParser.editDistance(name, $1) }),
           CodebookParser.editDistance(name, closest) <= max(2, closest.count / 3) {
            hint = "did you mean '@\(closest)'? " + hint
        }
        return .invalidFile(message: "unknown concept '@\(name)' in `\(pattern.text)`", hint: hint, at: pattern.location(atOffset: offset))
    }

    static func conceptCycle(_ name: String, stack: [String], offset: Int, in pattern: PatternText) -> VerbatimError {
        let cycle = (stack.drop(while: { $0 != name }) + [name]).map { "@" + $0 }.joined(separator: " → ")
        return .invalidFile(message: "concept '@\(name)' refers to itself (\(cycle))",
                            hint: "a concept may use other concepts, but not in a circle", at: pattern.location(atOffset: offset))
    }

    private func expand(_ sequence: PatternSequence, of pattern: PatternText, stack: [String]) throws(VerbatimError) -> [[PatternAtom]] {
        var result: [[PatternAtom]] = [[]]
        for item in sequence.items {
            var options: [[PatternAtom]] = []
            for alternative in item.alternatives {
                switch alternative {
                case let .atoms(atoms):
                    options.append(atoms.filter { !isIgnored($0) })
                case let .concept(name, offset):
                    options += try expandConcept(name, offset: offset, in: pattern, stack: stack)
                }
            }
            var next: [[PatternAtom]] = []
            next.reserveCapacity(result.count * options.count)
            for prefix in result {
                for option in options { next.append(prefix + option) }
            }
            if next.count > Self.limit {
                throw VerbatimError.invalidFile(
                    message: "`\(pattern.text)` expands to more than \(Self.limit) phrases",
                    hint: "use fewer alternatives per pattern, or split it into several rules",
                    at: pattern.location(atOffset: item.offset))
            }
            result = next
        }
        return Self.unique(result)
    }

    private func expandConcept(_ name: String, offset: Int, in pattern: PatternText, stack: [String]) throws(VerbatimError) -> [[PatternAtom]] {
        guard let concept = concepts[name] else { throw Self.unknownConcept(name, offset: offset, in: pattern, concepts: concepts) }
        if stack.contains(name) { throw Self.conceptCycle(name, stack: stack, offset: offset, in: pattern) }
        var result: [[PatternAtom]] = []
        for member in concept.members {
            result += try expand(member.pattern.left, of: member, stack: stack + [name])
        }
        return result
    }

    func isIgnored(_ atom: PatternAtom) -> Bool {
        switch atom.kind {
        case .prefix: return false
        case .surface: return ignored.contains(PatternParser.fold(atom.text))
        case .stem, .folded: return ignored.contains(atom.text)
        }
    }

    static func unique(_ sequences: [[PatternAtom]]) -> [[PatternAtom]] {
        if sequences.count < 2 { return sequences }  // Most patterns are one phrase: no set to build.
        var seen = Set<[PatternAtom]>()
        return sequences.filter { seen.insert($0).inserted }
    }
}

/// Checks that go across the whole codebook: parents, cycles, concept references, patterns that
/// can never match.
enum CodebookValidator {
    static func check(_ codebook: Codebook) throws(VerbatimError) {
        let ids = Set(codebook.themes.map(\.id))
        let parents = Dictionary(codebook.themes.map { ($0.id, $0.parent) }, uniquingKeysWith: { a, _ in a })
        for theme in codebook.themes {
            guard let parent = theme.parent else { continue }
            let at = theme.parentLocation ?? theme.location
            guard ids.contains(parent) else {
                var hint = "a parent must be the id of another theme in the codebook"
                if let closest = ids.min(by: { CodebookParser.editDistance(parent, $0) < CodebookParser.editDistance(parent, $1) }),
                   CodebookParser.editDistance(parent, closest) <= max(2, closest.count / 3) {
                    hint = "did you mean '\(closest)'? " + hint
                }
                throw VerbatimError.invalidFile(message: "unknown theme '\(parent)' in 'parent' of theme '\(theme.id)'", hint: hint, at: at)
            }
            var chain = [theme.id]
            var current: String? = parent
            while let p = current {
                if p == theme.id {
                    throw VerbatimError.invalidFile(message: "parent cycle: \((chain + [p]).joined(separator: " → "))",
                                                    hint: "a theme cannot be its own ancestor; remove one 'parent'", at: at)
                }
                if chain.contains(p) { break }  // A cycle further up; reported from one of its own themes.
                chain.append(p)
                current = parents[p] ?? nil
            }
        }
        // Unknown concepts, concept cycles and patterns of only ignored words, found without
        // multiplying patterns out (the compiler does that once, later).
        var checker = EmptinessChecker(expander: PatternExpander(codebook))
        for name in codebook.concepts.keys.sorted() {
            for member in codebook.concepts[name]!.members { try checker.check(member, proximity: false) }
        }
        for theme in codebook.themes {
            for p in theme.unless { try checker.check(p) }
            for rule in theme.rules {
                for p in rule.patterns + rule.unless { try checker.check(p) }
            }
        }
    }
}

/// Decides whether a pattern sequence can stand for no word at all (every position can be filled
/// by ignored words only), memoising concepts.
struct EmptinessChecker {
    let expander: PatternExpander
    private var conceptCanBeEmpty: [String: Bool] = [:]

    init(expander: PatternExpander) { self.expander = expander }

    mutating func check(_ p: PatternText, proximity: Bool = true) throws(VerbatimError) {
        if try canBeEmpty(p.pattern.left, of: p, stack: []) {
            throw PatternExpander.onlyIgnoredWords(p.pattern.left, of: p, ignored: expander.ignored)
        }
        if proximity, let right = p.pattern.proximity?.right, try canBeEmpty(right, of: p, stack: []) {
            throw PatternExpander.onlyIgnoredWords(right, of: p, ignored: expander.ignored)
        }
    }

    private mutating func canBeEmpty(_ sequence: PatternSequence, of p: PatternText, stack: [String]) throws(VerbatimError) -> Bool {
        var all = true
        for item in sequence.items {
            var empty = false
            for alternative in item.alternatives {
                switch alternative {
                case let .atoms(atoms):
                    if atoms.allSatisfy(expander.isIgnored) { empty = true }
                case let .concept(name, offset):
                    if try concept(name, offset: offset, in: p, stack: stack) { empty = true }
                }
            }
            if !empty { all = false }
        }
        return all
    }

    private mutating func concept(_ name: String, offset: Int, in p: PatternText, stack: [String]) throws(VerbatimError) -> Bool {
        guard let concept = expander.concepts[name] else {
            throw PatternExpander.unknownConcept(name, offset: offset, in: p, concepts: expander.concepts)
        }
        if stack.contains(name) { throw PatternExpander.conceptCycle(name, stack: stack, offset: offset, in: p) }
        if let known = conceptCanBeEmpty[name] { return known }
        var result = false
        for member in concept.members where try canBeEmpty(member.pattern.left, of: member, stack: stack + [name]) { result = true }
        conceptCanBeEmpty[name] = result
        return result
    }
}
