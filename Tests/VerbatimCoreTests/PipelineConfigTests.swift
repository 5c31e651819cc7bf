import Testing
import VerbatimCore
import VerbatimStages
import VerbatimTestSupport

@Suite struct PipelineConfigTests {
    func build(_ yaml: String) throws -> Pipeline {
        var config = try PipelineConfig.parse(yaml, path: "p.yaml")
        config.baseDirectory = TestPaths.corpus
        return try StageRegistry.builtin.build(config)
    }

    func error(_ yaml: String) -> String {
        do {
            _ = try build(yaml)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func unknownStageListsTheRegisteredOnes() {
        let message = error("""
            version: 1
            stages:
              - stage: icu-tokenizer
              - stage: stemmr
            """)
        #expect(message.hasPrefix("p.yaml:4:12: error: unknown stage 'stemmr'"))
        #expect(message.contains("registered stages: codebook, exec, icu-tokenizer, lexicon-sentiment, non-answer, snowball-stemmer"))
    }

    @Test func missingRequirementNamesTheProvider() {
        let message = error("""
            version: 1
            stages:
              - stage: snowball-stemmer
            """)
        #expect(message.hasPrefix("p.yaml:3:12: error: stage 'snowball-stemmer' requires 'tokens', which no earlier stage assigns"))
        #expect(message.contains("hint: add 'icu-tokenizer' before 'snowball-stemmer'"))
    }

    @Test func badOptionValueIsPlacedAtItsLineAndColumn() {
        let message = error("""
            version: 1
            stages:
              - stage: icu-tokenizer
              - stage: snowball-stemmer
                options:
                  language: klingon
            """)
        #expect(message.hasPrefix("p.yaml:6:17: error: option 'language' of stage 'snowball-stemmer': libstemmer has no stemmer for 'klingon'"))
        #expect(message.contains("english"))
    }

    @Test func wrongOptionTypeIsRejected() {
        let message = error("""
            version: 1
            stages:
              - stage: icu-tokenizer
                options:
                  punctuation: maybe
            """)
        #expect(message == "p.yaml:5:20: error: option 'punctuation' of stage 'icu-tokenizer': expected true or false, got 'maybe'")
    }

    @Test func unknownOptionListsTheKnownOnes() {
        let message = error("""
            version: 1
            stages:
              - stage: snowball-stemmer
                options: { langauge: english }
            """)
        #expect(message.contains("stage 'snowball-stemmer' has no option 'langauge'"))
        #expect(message.contains("options of 'snowball-stemmer': language, cache"))
    }

    @Test func versionPinMismatchIsRefused() {
        let message = error("""
            version: 1
            stages:
              - stage: icu-tokenizer@7
            """)
        #expect(message.contains("pins 'icu-tokenizer@7', but this build has 'icu-tokenizer@1'"))
    }

    @Test func missingVersionAndEmptyStagesAreReported() {
        #expect(error("stages: [icu-tokenizer]").contains("the pipeline has no 'version'"))
        #expect(error("version: 1\nstages: []").contains("the pipeline has no stages"))
        #expect(error("version: 2\nstages: [icu-tokenizer]").contains("unsupported pipeline version '2'"))
    }

    @Test func invalidYAMLGivesAPosition() {
        let message = error("version: 1\nstages:\n  - stage: [unclosed\n")
        #expect(message.hasPrefix("p.yaml:"))
        #expect(message.contains("not valid YAML"))
    }

    @Test func shorthandStageListBuilds() throws {
        let pipeline = try build("version: 1\nstages: [icu-tokenizer, snowball-stemmer@1]")
        #expect(pipeline.stages.map(\.instanceName) == ["icu-tokenizer", "snowball-stemmer"])
        #expect(pipeline.assigns == [.tokens, .sentences, .stems])
    }

    @Test func bundledPipelineBuilds() throws {
        let pipeline = try StageRegistry.builtin.build(PipelineConfig.load(path: TestPaths.corpus + "/pipeline.yaml"))
        #expect(pipeline.assigns.isSuperset(of: [.tokens, .stems, .codes, .sentiment]))
    }
}
