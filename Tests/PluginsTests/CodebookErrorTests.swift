import Codebook
import Testing
import VerbatimCore
import VerbatimTestSupport

/// Every codebook error names file:line:column of the offending text and says what to do.
@Suite struct CodebookErrorTests {
    func error(_ yaml: String) -> String {
        do {
            _ = try Codebook.parse(yaml, path: "cb.yaml")
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func unknownParent() {
        let message = error("""
            version: 1
            themes:
              - id: leadership
              - id: a
                parent: leadershp
            """)
        #expect(message.hasPrefix("cb.yaml:5:13: error: unknown theme 'leadershp' in 'parent' of theme 'a'"), "\(message)")
        #expect(message.contains("hint: did you mean 'leadership'?"))
    }

    @Test func parentCycle() {
        let message = error("""
            version: 1
            themes:
              - id: a
                parent: b
              - id: b
                parent: a
            """)
        #expect(message.hasPrefix("cb.yaml:4:13: error: parent cycle: a → b → a"), "\(message)")
        #expect(error("version: 1\nthemes:\n  - id: a\n    parent: a\n").hasPrefix("cb.yaml:4:13: error: parent cycle: a → a"))
    }

    @Test func emptyRules() {
        let empty = error("version: 1\nthemes:\n  - id: a\n    rules:\n      - \"\"\n")
        #expect(empty.hasPrefix("cb.yaml:5:9: error: empty rule: the pattern is empty"), "\(empty)")
        let noMatch = error("version: 1\nthemes:\n  - id: a\n    rules:\n      - { id: x, weight: 2 }\n")
        #expect(noMatch.hasPrefix("cb.yaml:5:9: error: empty rule: it has no 'match'"), "\(noMatch)")
        let emptyList = error("version: 1\nthemes:\n  - id: a\n    rules:\n      - { match: [] }\n")
        #expect(emptyList.hasPrefix("cb.yaml:5:18: error: empty rule: 'match' lists no pattern"), "\(emptyList)")
    }

    @Test func patternOfOnlyIgnoredWordsCanNeverMatch() {
        let message = error("version: 1\nthemes:\n  - id: a\n    rules:\n      - the\n")
        #expect(message.hasPrefix("cb.yaml:5:9: error: `the` can never match: it has only ignored words (a, an, the)"), "\(message)")
        let custom = error("version: 1\nsettings: { ignore: [of] }\nthemes:\n  - id: a\n    rules: [\"senior NEAR/2 of\"]\n")
        #expect(custom.hasPrefix("cb.yaml:5:28: error: `senior NEAR/2 of` can never match: it has only ignored words (of)"), "\(custom)")
    }

    @Test func nearWithDistanceZeroCanNeverMatch() {
        let message = error("version: 1\nthemes:\n  - id: a\n    rules:\n      - senior NEAR/0 buy-in\n")
        #expect(message.hasPrefix("cb.yaml:5:16: error: NEAR/0 can never match: the distance must be at least 1 in `senior NEAR/0 buy-in`"),
                "\(message)")
        let noDistance = error("version: 1\nthemes:\n  - id: a\n    rules:\n      - senior NEAR buy-in\n")
        #expect(noDistance.hasPrefix("cb.yaml:5:16: error: NEAR needs a distance in words, e.g. NEAR/4"), "\(noDistance)")
        let oneSided = error("version: 1\nthemes:\n  - id: a\n    rules:\n      - senior BEFORE/2\n")
        #expect(oneSided.hasPrefix("cb.yaml:5:16: error: BEFORE/2 needs words on its right"), "\(oneSided)")
    }

    @Test func unknownConceptSuggestsTheClosest() {
        let message = error("""
            version: 1
            concepts:
              senior: [minister]
            themes:
              - id: a
                rules:
                  - "@seniour NEAR/3 support"
            """)
        #expect(message.hasPrefix("cb.yaml:7:10: error: unknown concept '@seniour' in `@seniour NEAR/3 support`"), "\(message)")
        #expect(message.contains("hint: did you mean '@senior'?"))
    }

    @Test func conceptCycle() {
        let message = error("version: 1\nconcepts:\n  a: [\"@b\"]\n  b: [\"@a\"]\nthemes: []\n")
        #expect(message.hasPrefix("cb.yaml:3:8: error: concept '@b' refers to itself (@b → @a → @b)"), "\(message)")
    }

    @Test func duplicateThemeIDs() {
        let message = error("version: 1\nthemes:\n  - id: a\n  - id: a\n")
        #expect(message.hasPrefix("cb.yaml:4:9: error: duplicate theme id 'a' (first defined at cb.yaml:3:9)"), "\(message)")
    }

    @Test func duplicateRuleIDs() {
        let message = error("version: 1\nthemes:\n  - id: a\n    rules:\n      - { id: r, match: x }\n      - { id: r, match: y }\n")
        #expect(message.hasPrefix("cb.yaml:6:9: error: duplicate rule id 'r' in theme 'a' (first at cb.yaml:5:9)"), "\(message)")
    }

    @Test func unknownKeysSuggestTheClosestKnownKey() {
        let theme = error("version: 1\nthemes:\n  - id: a\n    lable: A\n")
        #expect(theme.hasPrefix("cb.yaml:4:5: error: unknown key 'lable' in a theme"), "\(theme)")
        #expect(theme.contains("hint: did you mean 'label'?"))
        let top = error("version: 1\ntheme: []\n")
        #expect(top.hasPrefix("cb.yaml:2:1: error: unknown key 'theme' in the codebook"), "\(top)")
        #expect(top.contains("did you mean 'themes'?"))
        let rule = error("version: 1\nthemes:\n  - id: a\n    rules:\n      - { match: x, wieght: 2 }\n")
        #expect(rule.hasPrefix("cb.yaml:5:21: error: unknown key 'wieght' in a rule"), "\(rule)")
        #expect(rule.contains("did you mean 'weight'?"))
        let far = error("version: 1\nthemes:\n  - id: a\n    banana: 1\n")
        #expect(far.hasPrefix("cb.yaml:4:5: error: unknown key 'banana' in a theme"))
        #expect(!far.contains("did you mean"), "no suggestion when nothing is close")
    }

    @Test func versionIsRequiredAndChecked() {
        #expect(error("themes: []\n").hasPrefix("cb.yaml:1:1: error: the codebook has no 'version'"))
        #expect(error("version: 2\nthemes: []\n").hasPrefix("cb.yaml:1:10: error: unsupported codebook version '2'"))
    }

    @Test func wildcardOnlyAtTheEndOfAWord() {
        let message = error("version: 1\nthemes:\n  - id: a\n    rules:\n      - fu*nd\n")
        #expect(message.hasPrefix("cb.yaml:5:11: error: a wildcard '*' can only end a word in `fu*nd`"), "\(message)")
    }

    @Test func badValues() {
        #expect(error("version: 1\nthemes:\n  - id: a\n    colour: red\n").hasPrefix("cb.yaml:4:13: error: 'red' is not a colour"))
        #expect(error("version: 1\nthemes:\n  - id: a\n    rules:\n      - { match: x, weight: 0 }\n")
            .hasPrefix("cb.yaml:5:29: error: 'weight' must be a number above 0, not '0'"))
        #expect(error("version: 1\nthemes:\n  - id: a\n    negated: maybe\n")
            .hasPrefix("cb.yaml:4:14: error: 'negated' must be count or skip, not 'maybe'"))
        #expect(error("version: 1\nsettings: { negation: { cues: [\"no way\"] } }\nthemes: []\n")
            .hasPrefix("cb.yaml:2:32: error: negation cues must be single words; 'no way' is not"))
        #expect(error("version: 1\nthemes:\n  - id: [a]\n").hasPrefix("cb.yaml:3:9: error: 'id' must be a single value"))
    }

    @Test func invalidYAMLIsPlaced() {
        let message = error("version: 1\nthemes:\n  - id: [unclosed\n")
        #expect(message.hasPrefix("cb.yaml:"))
        #expect(message.contains("not valid YAML"))
    }

    @Test func includesMergeAndAreChecked() throws {
        let directory = try TestPaths.temporaryDirectory("codebook-include")
        try FileIO.writeAtomically("""
            version: 1
            settings: { threshold: 2 }
            concepts:
              money: [fund, budget]
            themes:
              - { id: funding, rules: ["@money"] }
            """, to: directory + "/base.yaml")
        try FileIO.writeAtomically("""
            version: 1
            include: [base.yaml]
            themes:
              - { id: costs, parent: funding, rules: ["@money NEAR/2 cut*"] }
            """, to: directory + "/main.yaml")
        let codebook = try Codebook.load(path: directory + "/main.yaml")
        #expect(codebook.themes.map(\.id) == ["funding", "costs"])
        #expect(codebook.settings.threshold == 2)

        try FileIO.writeAtomically("version: 1\ninclude: [base.yaml]\nthemes:\n  - { id: funding }\n", to: directory + "/dup.yaml")
        let dup = "\(#expect(throws: VerbatimError.self) { try Codebook.load(path: directory + "/dup.yaml") }!)"
        #expect(dup.contains("/dup.yaml:4:11: error: duplicate theme id 'funding' (first defined at \(directory)/base.yaml:6:11)"), "\(dup)")

        try FileIO.writeAtomically("version: 1\ninclude: [missing.yaml]\n", to: directory + "/missing-include.yaml")
        let missing = "\(#expect(throws: VerbatimError.self) { try Codebook.load(path: directory + "/missing-include.yaml") }!)"
        #expect(missing.contains("/missing-include.yaml:2:11: error: included codebook 'missing.yaml' not found"), "\(missing)")

        try FileIO.writeAtomically("version: 1\ninclude: [loop.yaml]\n", to: directory + "/loop.yaml")
        let loop = "\(#expect(throws: VerbatimError.self) { try Codebook.load(path: directory + "/loop.yaml") }!)"
        #expect(loop.contains("/loop.yaml:2:11: error: 'loop.yaml' includes itself"), "\(loop)")
    }

    @Test func missingCodebookFileIsAnOptionError() throws {
        let directory = try TestPaths.temporaryDirectory("codebook-missing")
        let message = "\(#expect(throws: VerbatimError.self) { try StageHarness(after: "- stage: codebook\n  options: { codebook: nope.yaml }", baseDirectory: directory) }!)"
        #expect(message.contains("option 'codebook' of stage 'codebook': codebook file '\(directory)/nope.yaml' not found"), "\(message)")
    }
}
