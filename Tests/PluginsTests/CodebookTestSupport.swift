import Codebook
import Testing
import VerbatimCore
import VerbatimTestSupport

/// A pipeline of the front end (tokens and stems) and one codebook stage, with the codebook written to
/// a fresh folder, so each test states its rules next to its fixtures.
struct CodebookFixture {
    let harness: StageHarness
    let directory: String

    init(_ codebook: String, stems: Bool = true, options: String = "") throws {
        directory = try TestPaths.temporaryDirectory("codebook-test")
        try FileIO.writeAtomically(codebook, to: directory + "/cb.yaml")
        let stage = "- stage: codebook\n  options: { codebook: cb.yaml\(options.isEmpty ? "" : ", " + options) }"
        if stems {
            harness = try StageHarness(after: stage, baseDirectory: directory)
        } else {
            harness = try StageHarness(yaml: "version: 1\nstages:\n- stage: icu-tokenizer\n" + stage, baseDirectory: directory)
        }
    }

    /// Codes `marked` (without its markers) and returns the evidence spans of `theme`, or nil when the
    /// theme was not coded.
    func spans(_ theme: String, in marked: MarkedText, question: String? = nil) throws -> [ByteSpan]? {
        let document = try harness.run(marked.text, question: question)
        return document.codes.first { $0.theme == theme }.map { $0.evidence.map(\.span) }
    }

    /// Checks that `theme` is coded with exactly the marked spans as evidence (or not coded when none is marked).
    func expectEvidence(_ theme: String, _ fixture: String, question: String? = nil,
                        sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let marked = MarkedText(fixture)
        let found = try spans(theme, in: marked, question: question)
        if marked.spans.isEmpty {
            #expect(found == nil, "\(theme) should not be coded in: \(marked.text)", sourceLocation: sourceLocation)
        } else {
            #expect(found == marked.spans,
                    "expected \(marked), got \(found.map { MarkedText.render(marked.text, spans: $0) } ?? "no code")",
                    sourceLocation: sourceLocation)
        }
    }

    func code(_ text: String, question: String? = nil) throws -> Document {
        try harness.run(text, question: question, trace: true)
    }
}

/// A codebook with one theme `t` and the given rules (each a YAML list item), theme keys and top-level text.
func oneTheme(_ rules: [String], extra: [String] = [], top: String = "") -> String {
    var yaml = "version: 1\n" + (top.isEmpty ? "" : top + "\n") + "themes:\n  - id: t\n    label: Test theme\n"
    for line in extra { yaml += "    \(line)\n" }
    yaml += "    rules:\n"
    for rule in rules { yaml += "      - \(rule)\n" }
    return yaml
}
