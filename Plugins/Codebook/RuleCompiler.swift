import VerbatimCore

/// Every rule of every theme compiled into one matcher, built once per stage and shared by all
/// workers (it is immutable):
///
/// - a hash table from term keys (stem, folded or surface bytes) to term ids, which also flags
///   ignored words, negation cues and cue breakers;
/// - a byte trie of wildcard prefixes, walked once per word;
/// - a trie over term-id sequences holding every phrase, whose nodes list the pattern units that
///   end there.
///
/// Scanning a text costs a few lookups per word however many rules there are; proximity, exclusions
/// and negation are looked at only for the units that were hit.
final class CompiledCodebook: Sendable {
    /// Key kinds in `terms`.
    enum KeyKind {
        static let stem: UInt8 = 0
        static let folded: UInt8 = 1
        static let surface: UInt8 = 2
    }

    /// Bits of a folded entry's value above the term id.
    enum WordFlag {
        static let ignored: Int32 = 1 << 24
        static let cue: Int32 = 1 << 25
        static let breaker: Int32 = 1 << 26
        static let termMask: Int32 = (1 << 24) - 1
    }

    struct Unit: Sendable {
        enum Role: Sendable, Equatable {
            /// A hit for rule `owner`.
            case trigger
            /// Vetoes hits of rule `owner`.
            case ruleExclusion
            /// Vetoes hits of every rule of theme `owner`.
            case themeExclusion
        }
        var role: Role
        var owner: Int32
        /// 0 for a phrase; otherwise the most words allowed between the two sides.
        var distance: Int32
        var ordered: Bool
        /// `theme/rule: pattern`, as shown in evidence and traces.
        var display: String
        var pattern: String
    }

    struct Rule: Sendable {
        var theme: Int32
        var id: String
        var weight: Double
        var negated: NegationPolicy
        var exclusions: [Int32]
    }

    struct Theme: Sendable {
        var info: ThemeInfo
        var threshold: Double
        var questions: Set<String>
        var exclusions: [Int32]
        /// Position in id order, for sorting codes.
        var rank: Int32
    }

    /// Owns the memory of the raw views below; freed with the codebook.
    private let memory: FrozenMemory
    let terms: RawByteKeyTable
    let hasSurfaceKeys: Bool
    let prefixTrie: RawIntKeyTable
    /// Term id of the prefix ending at each prefix-trie node, or -1.
    let prefixTerm: RawArray<Int32>
    let phraseTrie: RawIntKeyTable
    /// The phrase-trie node reached from the root by each term id, or -1: most lookups start a phrase,
    /// so they are one array read.
    let rootChild: RawArray<Int32>
    /// Outputs of phrase-trie node n: `outputs[outputStart[n]..<outputStart[n + 1]]`, each `unit << 2 | side`
    /// (side 0: the whole phrase, 1: left of NEAR, 2: right of NEAR).
    let outputStart: RawArray<Int32>
    let outputs: RawArray<Int32>
    /// Whether a phrase-trie node has children: a partial phrase at a leaf can go no further, so the
    /// matcher does not keep it.
    let nodeHasChildren: RawArray<Bool>
    let units: [Unit]
    /// Each unit's display string (evidence rule names), shared by every evidence that cites it.
    let unitDisplay: [String]
    let rules: [Rule]
    let themes: [Theme]
    let negationWindow: Int32
    let usesStems: Bool
    let termCount: Int
    /// Flat copies of the fields the matcher reads per hit: reading a field of a struct in an array
    /// copies the struct, and these structs hold strings (a retain and release per read).
    let hot: HotFields

    init(terms: ByteKeyTable, hasSurfaceKeys: Bool, prefixTrie: IntKeyTable, prefixTerm: [Int32],
         phraseTrie: IntKeyTable, outputStart: [Int32], outputs: [Int32], nodeHasChildren: [Bool],
         units: [Unit], rules: [Rule], themes: [Theme], negationWindow: Int32, usesStems: Bool, termCount: Int) {
        let memory = FrozenMemory()
        self.memory = memory
        self.terms = RawByteKeyTable(terms, in: memory)
        self.hasSurfaceKeys = hasSurfaceKeys
        self.prefixTrie = RawIntKeyTable(prefixTrie, in: memory)
        self.prefixTerm = memory.copy(prefixTerm)
        self.phraseTrie = RawIntKeyTable(phraseTrie, in: memory)
        self.rootChild = memory.copy((0..<termCount).map { phraseTrie.lookup(UInt64($0)) })
        self.outputStart = memory.copy(outputStart)
        self.outputs = memory.copy(outputs)
        self.nodeHasChildren = memory.copy(nodeHasChildren)
        self.units = units
        unitDisplay = units.map(\.display)
        self.rules = rules
        self.themes = themes
        self.negationWindow = negationWindow
        self.usesStems = usesStems
        self.termCount = termCount
        hot = HotFields(units: units, rules: rules, themes: themes, in: memory)
    }

    var usesPrefixes: Bool { prefixTerm.count > 1 }
}

/// What the matcher needs per unit, rule and theme, as raw arrays of plain values (copying this
/// struct retains nothing).
struct HotFields: Sendable {
    let unitIsTrigger: RawArray<Bool>
    let unitOwner: RawArray<Int32>
    let unitDistance: RawArray<Int32>
    let unitOrdered: RawArray<Bool>
    /// Ranks that order units as their display strings do (equal strings share a rank), so evidence
    /// sorts by rule name without comparing strings.
    let unitDisplayRank: RawArray<Int32>
    let ruleTheme: RawArray<Int32>
    /// Each rule's place in (theme rank, rule) order: accepted hits sort by theme and rule with one
    /// read per side.
    let ruleRank: RawArray<Int32>
    let ruleWeight: RawArray<Double>
    let ruleSkipsNegated: RawArray<Bool>
    /// Exclusion units of rule r (its own, then its theme's): `exclusions[exclusionStart[r]..<exclusionStart[r + 1]]`.
    let exclusionStart: RawArray<Int32>
    let exclusions: RawArray<Int32>
    let themeThreshold: RawArray<Double>
    let themeHasQuestions: RawArray<Bool>

    init(units: [CompiledCodebook.Unit], rules: [CompiledCodebook.Rule], themes: [CompiledCodebook.Theme], in memory: FrozenMemory) {
        unitIsTrigger = memory.copy(units.map { $0.role == .trigger })
        unitOwner = memory.copy(units.map(\.owner))
        unitDistance = memory.copy(units.map(\.distance))
        unitOrdered = memory.copy(units.map(\.ordered))
        var rank = [Int32](repeating: 0, count: units.count)
        let byDisplay = units.indices.sorted { units[$0].display < units[$1].display }
        // Up one from the previous unit in that order, unless their strings are equal.
        for (i, u) in byDisplay.enumerated() where i > 0 {
            rank[u] = rank[byDisplay[i - 1]] + (units[byDisplay[i - 1]].display < units[u].display ? 1 : 0)
        }
        unitDisplayRank = memory.copy(rank)
        ruleTheme = memory.copy(rules.map(\.theme))
        let byTheme = rules.indices.sorted { (themes[Int(rules[$0].theme)].rank, $0) < (themes[Int(rules[$1].theme)].rank, $1) }
        var ruleRank = [Int32](repeating: 0, count: rules.count)
        for (place, r) in byTheme.enumerated() { ruleRank[r] = Int32(place) }
        self.ruleRank = memory.copy(ruleRank)
        ruleWeight = memory.copy(rules.map(\.weight))
        ruleSkipsNegated = memory.copy(rules.map { $0.negated == .skip })
        var start: [Int32] = [], list: [Int32] = []
        for rule in rules {
            start.append(Int32(list.count))
            list += rule.exclusions + themes[Int(rule.theme)].exclusions
        }
        start.append(Int32(list.count))
        exclusionStart = memory.copy(start)
        exclusions = memory.copy(list)
        themeThreshold = memory.copy(themes.map(\.threshold))
        themeHasQuestions = memory.copy(themes.map { !$0.questions.isEmpty })
    }
}

/// Builds a `CompiledCodebook` from a checked `Codebook`.
struct RuleCompiler {
    /// Stems pattern words the way the pipeline's stemmer stems tokens; nil when the pipeline has no stems.
    var stem: ((String) -> String)?
    var namespace: String?

    private var terms = ByteKeyTable(capacity: 1024)
    private var hasSurface = false
    private var termCount: Int32 = 0
    private var prefixTrie = IntKeyTable(capacity: 256)
    private var prefixTerm: [Int32] = [-1]
    private var phraseTrie = IntKeyTable(capacity: 1024)
    private var nodeOutputs: [[Int32]] = [[]]
    private var nodeHasChildren = [false]
    private var units: [CompiledCodebook.Unit] = []

    init(stem: ((String) -> String)?, namespace: String?) {
        self.stem = stem
        self.namespace = namespace
    }

    func qualified(_ id: String) -> String { namespace.map { "\($0):\(id)" } ?? id }

    mutating func compile(_ codebook: Codebook) throws(VerbatimError) -> CompiledCodebook {
        let expander = PatternExpander(codebook)
        let settings = codebook.settings
        for word in settings.ignore { flag(word, CompiledCodebook.WordFlag.ignored) }
        for word in settings.negationCues { flag(word, CompiledCodebook.WordFlag.cue) }
        for word in settings.negationBreakers { flag(word, CompiledCodebook.WordFlag.breaker) }

        let sortedIDs = codebook.themes.map { qualified($0.id) }.sorted()
        let rank = Dictionary(uniqueKeysWithValues: sortedIDs.enumerated().map { ($1, Int32($0)) })
        var themes: [CompiledCodebook.Theme] = []
        var rules: [CompiledCodebook.Rule] = []
        for (t, theme) in codebook.themes.enumerated() {
            let id = qualified(theme.id)
            let info = ThemeInfo(id: id, label: theme.label, description: theme.description, parent: theme.parent.map(qualified),
                                 questions: theme.questions, color: theme.colour)
            var compiled = CompiledCodebook.Theme(info: info, threshold: theme.threshold ?? settings.threshold,
                                                  questions: Set(theme.questions), exclusions: [], rank: rank[id]!)
            for p in theme.unless {
                compiled.exclusions.append(try addUnit(p, role: .themeExclusion, owner: Int32(t), display: "\(id) unless: \(p.text)", expander))
            }
            themes.append(compiled)
            for rule in theme.rules {
                let r = Int32(rules.count)
                var compiledRule = CompiledCodebook.Rule(theme: Int32(t), id: rule.id, weight: rule.weight ?? settings.weight,
                                                         negated: rule.negated ?? theme.negated ?? settings.negated, exclusions: [])
                for p in rule.patterns {
                    _ = try addUnit(p, role: .trigger, owner: r, display: "\(id)/\(rule.id): \(p.text)", expander)
                }
                for p in rule.unless {
                    compiledRule.exclusions.append(try addUnit(p, role: .ruleExclusion, owner: r, display: "\(id)/\(rule.id) unless: \(p.text)", expander))
                }
                rules.append(compiledRule)
            }
        }
        var outputStart: [Int32] = []
        var outputs: [Int32] = []
        outputStart.reserveCapacity(nodeOutputs.count + 1)
        for list in nodeOutputs {
            outputStart.append(Int32(outputs.count))
            outputs += list
        }
        outputStart.append(Int32(outputs.count))
        return CompiledCodebook(terms: terms, hasSurfaceKeys: hasSurface, prefixTrie: prefixTrie,
                                prefixTerm: prefixTerm, phraseTrie: phraseTrie, outputStart: outputStart, outputs: outputs,
                                nodeHasChildren: nodeHasChildren,
                                units: units, rules: rules, themes: themes, negationWindow: Int32(settings.negationWindow),
                                usesStems: stem != nil, termCount: Int(termCount))
    }

    private mutating func addUnit(_ p: PatternText, role: CompiledCodebook.Unit.Role, owner: Int32, display: String,
                                  _ expander: PatternExpander) throws(VerbatimError) -> Int32 {
        let u = Int32(units.count)
        units.append(.init(role: role, owner: owner, distance: Int32(p.pattern.proximity?.distance ?? 0),
                           ordered: p.pattern.proximity?.ordered ?? false, display: display, pattern: p.text))
        let left = try expander.expand(p.pattern.left, of: p)
        for seq in left { try addPhrase(seq, output: u << 2 | (p.pattern.proximity == nil ? 0 : 1), in: p) }
        if let right = p.pattern.proximity?.right {
            for seq in try expander.expand(right, of: p) { try addPhrase(seq, output: u << 2 | 2, in: p) }
        }
        return u
    }

    private mutating func addPhrase(_ atoms: [PatternAtom], output: Int32, in p: PatternText) throws(VerbatimError) {
        var node: Int32 = 0
        for atom in atoms {
            let term = try termID(atom, in: p)
            let key = UInt64(UInt32(bitPattern: node)) << 32 | UInt64(UInt32(bitPattern: term))
            var child = phraseTrie.lookup(key)
            if child < 0 {
                child = Int32(nodeOutputs.count)
                nodeOutputs.append([])
                nodeHasChildren.append(false)
                nodeHasChildren[Int(node)] = true
                phraseTrie.set(key, child)
            }
            node = child
        }
        if !nodeOutputs[Int(node)].contains(output) { nodeOutputs[Int(node)].append(output) }
    }

    private mutating func termID(_ atom: PatternAtom, in p: PatternText) throws(VerbatimError) -> Int32 {
        switch atom.kind {
        case .prefix:
            var node: Int32 = 0
            for byte in atom.text.utf8 {
                let key = UInt64(UInt32(bitPattern: node)) << 8 | UInt64(byte)
                var child = prefixTrie.lookup(key)
                if child < 0 {
                    child = Int32(prefixTerm.count)
                    prefixTerm.append(-1)
                    prefixTrie.set(key, child)
                }
                node = child
            }
            if prefixTerm[Int(node)] < 0 {
                prefixTerm[Int(node)] = termCount
                termCount += 1
            }
            return prefixTerm[Int(node)]
        case .stem:
            if atom.requiresStems && stem == nil {
                throw VerbatimError.invalidFile(
                    message: "`~\(atom.text)` needs stems, but no stemmer runs before the codebook stage",
                    hint: "add 'snowball-stemmer' before 'codebook' in the pipeline, or drop the '~'",
                    at: p.location(atOffset: atom.offset))
            }
            return intern(kind: CompiledCodebook.KeyKind.stem, Array((stem?(atom.text) ?? atom.text).utf8))
        case .folded:
            return intern(kind: CompiledCodebook.KeyKind.folded, Array(atom.text.utf8))
        case .surface:
            hasSurface = true
            return intern(kind: CompiledCodebook.KeyKind.surface, Array(atom.text.utf8))
        }
    }

    /// The term id of a key, made on first use. Folded keys keep their flag bits.
    private mutating func intern(kind: UInt8, _ bytes: [UInt8]) -> Int32 {
        let existing = terms.lookup(kind: kind, bytes)
        if kind == CompiledCodebook.KeyKind.folded {
            let flags = existing < 0 ? 0 : existing & ~CompiledCodebook.WordFlag.termMask
            let id = existing < 0 ? 0 : existing & CompiledCodebook.WordFlag.termMask
            if id > 0 { return id - 1 }
            let new = termCount
            termCount += 1
            terms.set(kind: kind, bytes, value: flags | (new + 1))
            return new
        }
        if existing >= 0 { return existing }
        let new = termCount
        termCount += 1
        terms.set(kind: kind, bytes, value: new)
        return new
    }

    /// Marks a folded word (ignored, cue, breaker); folded values hold term id + 1 in the low bits.
    private mutating func flag(_ word: String, _ bit: Int32) {
        let bytes = Array(word.utf8)
        let existing = terms.lookup(kind: CompiledCodebook.KeyKind.folded, bytes)
        terms.set(kind: CompiledCodebook.KeyKind.folded, bytes, value: (existing < 0 ? 0 : existing) | bit)
    }
}
