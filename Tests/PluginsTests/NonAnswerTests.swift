import Testing
import VerbatimCore
import VerbatimTestSupport

@Suite struct NonAnswerTests {
    let harness: StageHarness

    init() throws {
        harness = try StageHarness(yaml: "version: 1\nstages: [icu-tokenizer, non-answer]")
    }

    @Test(arguments: ["N/A", "n.a.", "None.", "No comment!", "  -  ", "Don’t know", "NOTHING TO ADD"])
    func flagsNonAnswers(_ text: String) throws {
        #expect(try harness.run(text).annotations["non_answer"] == .bool(true))
    }

    @Test(arguments: ["None of the departments shared data.", "No", "Funding", "Not applicable to my team because we had none"])
    func leavesAnswersAlone(_ text: String) throws {
        let flagged = try harness.run(text).annotations["non_answer"] == .bool(true)
        #expect(flagged == (text == "No"))
    }

    @Test func emptyPhraseListIsAnError() {
        #expect {
            _ = try StageHarness(yaml: "version: 1\nstages:\n  - icu-tokenizer\n  - stage: non-answer\n    options: { phrases: [] }\n")
        } throws: { "\($0)".contains("option 'phrases' of stage 'non-answer': the list is empty") }
    }
}
