import Codebook
import Testing
import VerbatimCore
import VerbatimTestSupport

/// A large generated codebook (the 18 real themes plus thousands of generated rules of every kind)
/// must compile and code the bundled answers exactly as the real codebook does for the real themes:
/// sharing one automaton across many rules must not leak hits between them. No timing here; the
/// timing lives in `scripts/bench-codebook-scale`.
@Suite struct CodebookScaleTests {
    /// Plausible survey vocabulary, so generated rules hit the bundled answers often.
    static let words = """
        access action agency agreement analysis approach area assurance authority barrier benefit board budget \
        business capability case central change citizen civil clarity collaboration commitment common communication \
        community complaint conference confidence connect contact content context contract cost council culture \
        customer data decision delivery department design development digital direction directory discussion \
        document duplication effective email engagement evidence example expertise external face feedback finance \
        focus framework funding goal governance group guidance health help identify impact improvement incentive \
        individual information initiative interest internal joint knowledge lack leadership learning legislation \
        level local management meeting member minister model money network objective office online openness \
        organisation outcome ownership partner people performance person phone pilot plan platform policy practice \
        pressure priority private process procurement programme progress project public quality reform relationship \
        report research resource responsibility result review risk role scheme sector security senior service share \
        skill staff stakeholder standard strategy structure success support system target team technology time \
        tool training transformation trust understanding unit user value vision website work workshop
        """.split(separator: " ").map(String.init)

    /// Fixed-seed draws, so every run builds the same codebook.
    typealias Generator = SplitMix

    /// The text of a codebook that includes `base` and adds `themes` generated themes of `rulesPerTheme` rules.
    static func generatedCodebook(including base: String, themes: Int, rulesPerTheme: Int, seed: UInt64 = 2008) -> String {
        var g = Generator(state: seed)
        var yaml = "version: 1\ninclude: [\"\(base)\"]\nconcepts:\n"
        let conceptCount = 50
        for c in 0..<conceptCount {
            yaml += "  gen_c\(c): [\(g.word()), \"\(g.word()) \(g.word())\", \"\(g.word().prefix(5))*\"]\n"
        }
        yaml += "themes:\n"
        for t in 0..<themes {
            yaml += "  - id: gen_\(t)\n    label: Generated theme \(t)\n    rules:\n"
            for r in 0..<rulesPerTheme {
                let pattern: String
                switch g.below(8) {
                case 0: pattern = g.word()
                case 1: pattern = "\(g.word()) \(g.word())"
                case 2: pattern = "\(g.word().prefix(4))*"
                case 3: pattern = "\(g.word()) NEAR/\(1 + g.below(5)) \(g.word())"
                case 4: pattern = "\(g.word()) BEFORE/\(1 + g.below(4)) \(g.word())|\(g.word())"
                case 5: pattern = "=\(g.word().capitalized)"
                case 6: pattern = "@gen_c\(g.below(conceptCount)) NEAR/3 \(g.word())"
                default: pattern = "\(g.word()) \(g.word()) \(g.word())"
                }
                var rule = "{ id: r\(r), match: \"\(pattern)\", weight: \(g.below(2) == 0 ? "0.5" : "1")"
                if g.below(10) == 0 { rule += ", unless: [\"not NEAR/2 \(g.word())\"]" }
                if g.below(10) == 0 { rule += ", negated: skip" }
                yaml += "      - \(rule) }\n"
            }
        }
        return yaml
    }

    static func responses() throws -> [Response] {
        let reader = try ResponseReader(path: TestPaths.corpus + "/responses.jsonl", options: InputOptions())
        var result: [Response] = []
        while let item = try reader.next() { if case let .response(r) = item { result.append(r) } }
        return result
    }

    @Test func largeGeneratedCodebookCodesTheRealThemesIdentically() throws {
        let directory = try TestPaths.temporaryDirectory("codebook-scale")
        let base = TestPaths.corpus + "/codebook.yaml"
        try FileIO.writeAtomically(Self.generatedCodebook(including: base, themes: 500, rulesPerTheme: 20), to: directory + "/large.yaml")
        let small = try StageHarness(after: "- stage: codebook\n  options: { codebook: \(base) }")
        let large = try StageHarness(after: "- stage: codebook\n  options: { codebook: large.yaml }", baseDirectory: directory)

        let stage = try #require(large.pipeline.stages.last as? CodebookStage)
        let ruleCount = stage.codebook.themes.reduce(0) { $0 + $1.rules.count }
        #expect(ruleCount >= 10_000 + 18)
        #expect(stage.themes.count == 18 + 500)

        let realThemes = Set(small.pipeline.themes.map(\.id))
        #expect(realThemes.count == 18)
        var generatedCodes = 0, realCodes = 0
        for response in try Self.responses() {
            let expected = try small.run(response).codes
            let got = try large.run(response).codes
            let real = got.filter { realThemes.contains($0.theme) }
            #expect(real == expected, "\(response.id): \(real.map(\.theme)) vs \(expected.map(\.theme))")
            realCodes += expected.count
            generatedCodes += got.count - real.count
        }
        #expect(realCodes > 500, "the real themes code the bundled answers")
        #expect(generatedCodes > 1000, "the generated rules match too, so the comparison is not vacuous")
    }

    @Test func generatorIsDeterministic() {
        let a = Self.generatedCodebook(including: "x.yaml", themes: 3, rulesPerTheme: 5)
        let b = Self.generatedCodebook(including: "x.yaml", themes: 3, rulesPerTheme: 5)
        #expect(a == b)
        #expect(a != Self.generatedCodebook(including: "x.yaml", themes: 3, rulesPerTheme: 5, seed: 7))
    }
}

/// The bundled codebook covers the analyst's 18 themes, and agrees with the dev half of the human coding.
@Suite struct CodebookDefaultTests {
    static let specThemes = [
        "leadership", "culture_silos", "relationships_trust", "finding_people", "funding_resources", "shared_objectives",
        "incentives_recognition", "governance_roles", "tools_technology", "communication_meetings", "knowledge_sharing",
        "time_pressure", "process_bureaucracy", "security_data", "churn_continuity", "compulsion_mandate",
        "citizen_customer", "external_partners",
    ]

    @Test func coversTheEighteenSpecifiedThemes() throws {
        let codebook = try Codebook.load(path: TestPaths.corpus + "/codebook.yaml")
        #expect(codebook.themes.map(\.id) == Self.specThemes)
        for theme in codebook.themes {
            #expect(theme.label != theme.id && !theme.label.isEmpty, "\(theme.id) has a label")
            #expect(theme.description.count > 40, "\(theme.id) has a description")
            #expect(!theme.rules.isEmpty)
        }
    }

    static var devGold: String { TestPaths.shared + "/gold/dev.jsonl" }

    @Test(.enabled(if: FileIO.exists(CodebookDefaultTests.devGold), "needs ../shared/gold/dev.jsonl"))
    func agreesWithTheDevGold() throws {
        let harness = try StageHarness(after: "- stage: codebook\n  options: { codebook: \(TestPaths.corpus)/codebook.yaml }")
        let gold = try GoldRecord.load(path: Self.devGold)
        let wanted = Set(gold.map(\.id))
        var predicted: [String: PredictedCoding] = [:]
        for response in try CodebookScaleTests.responses() where wanted.contains(response.id) {
            predicted[response.id] = PredictedCoding(themes: Set(try harness.run(response).codes.map(\.theme)))
        }
        #expect(predicted.count == gold.count)
        let report = Agreement.compare(gold: gold, predicted: predicted, themes: Self.specThemes)
        #expect(report.micro.f1 >= 0.90)
        #expect(report.macroF1 >= 0.85)
        for (theme, counts) in report.themes { #expect(counts.f1 >= 0.70, "\(theme) F1 \(counts.f1)") }
    }
}

extension SplitMix {
    /// One of the scale test's vocabulary words.
    fileprivate mutating func word() -> String { CodebookScaleTests.words[below(CodebookScaleTests.words.count)] }
}
