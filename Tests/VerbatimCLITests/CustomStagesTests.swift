import ArgumentParser
import Testing
@testable import VerbatimCLI
import VerbatimCore
import VerbatimReports
import VerbatimTestSupport

/// Extending the pipeline without forking: imported dictionaries and stacked codebooks.
@Suite struct CustomStagesTests {
    static let dictionaries = TestPaths.repositoryRoot + "/Tests/PluginsTests/Fixtures/dictionaries"

    func parse<C: ParsableCommand>(_ type: C.Type, _ arguments: [String]) throws -> C {
        try #require(try VerbatimCommand.parseAsRoot(arguments) as? C)
    }

    @Test func importWritesACodebookAndRefusesToOverwrite() throws {
        let dir = try TestPaths.temporaryDirectory()
        let out = dir + "/liwc.yaml"
        try parse(CodebookCommand.Import.self, ["codebook", "import", Self.dictionaries + "/sample.dic", "--to", out]).run()
        let yaml = try FileIO.readText(path: out)
        #expect(yaml.contains("# Not mapped (3):"))
        #expect(yaml.contains("- id: \"posemo\""))
        #expect(throws: (any Error).self) {
            _ = try VerbatimCommand.parseAsRoot(["codebook", "import", Self.dictionaries + "/sample.dic", "--to", out])
        }
    }

    @Test func qdcCodesImportAsThemesWithoutRules() throws {
        let dir = try TestPaths.temporaryDirectory()
        let themes = [
            ThemeInfo(id: "leadership", label: "Leadership", description: "Senior sponsorship", color: "#1f77b4"),
            ThemeInfo(id: "ministers", label: "Ministers", parent: "leadership"),
        ]
        try FileIO.writeAtomically(try QDCCodebookWriter.render(themes), to: dir + "/book.qdc")
        let book = try CodebookCommand.Import.convert(dir + "/book.qdc", format: nil)
        #expect(book.themes.map(\.label) == ["Leadership", "Ministers"])
        #expect(book.themes.map(\.parent) == [nil, book.themes[0].id])
        #expect(book.notes.count == 2)
        #expect(book.notes[0].message.contains("has no rules in a .qdc file"))
    }

    @Test func stackedCodebooksKeepTheirNamespaces() throws {
        let dir = try TestPaths.temporaryDirectory()
        try FileIO.writeAtomically("""
            version: 1
            themes:
              - id: security
                label: Security
                rules:
                  - { id: secure, match: [secure, security, classified] }
            """, to: dir + "/dept.yaml")
        try FileIO.writeAtomically("""
            version: 1
            stages:
              - icu-tokenizer
              - snowball-stemmer
              - stage: codebook
                options: { codebook: \(TestPaths.corpus)/codebook.yaml }
              - stage: codebook
                options: { codebook: dept.yaml, namespace: dept }
            """, to: dir + "/p.yaml")
        try FileIO.writeAtomically(
            "{\"id\":\"a\",\"text\":\"Secure IT systems and a shared GSI network made data sharing possible.\"}\n",
            to: dir + "/in.jsonl")
        let run = try parse(RunCommand.self, ["run", "--out", dir + "/out", "--quiet", "--pipeline", dir + "/p.yaml", dir + "/in.jsonl"])
        try run.execute()
        let record = try JSONParser.parse(try FileIO.readText(path: dir + "/out/coded.jsonl"))
        let themes = record["themes"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(themes.contains("dept:security"))
        #expect(themes.contains("security_data"))
        #expect(record["evidence"]?["dept:security"]?.arrayValue?.first?["text"] == .string("Secure"))
        let counts = try FileIO.readText(path: dir + "/out/counts.csv")
        #expect(counts.contains("dept:security,Security,"))
    }

    @Test func stackedCodebooksWithoutNamespaceMergeSharedThemes() throws {
        let dir = try TestPaths.temporaryDirectory()
        try FileIO.writeAtomically("""
            version: 1
            themes:
              - id: security_data
                label: Security and data constraints
                rules:
                  - { id: classified, match: [classified] }
            """, to: dir + "/extra.yaml")
        try FileIO.writeAtomically("""
            version: 1
            stages:
              - icu-tokenizer
              - snowball-stemmer
              - stage: codebook
                options: { codebook: \(TestPaths.corpus)/codebook.yaml }
              - stage: codebook
                options: { codebook: extra.yaml }
            """, to: dir + "/p.yaml")
        try FileIO.writeAtomically(
            "{\"id\":\"a\",\"text\":\"Classified data needed the secure GSI network.\"}\n", to: dir + "/in.jsonl")
        try parse(RunCommand.self, ["run", "--out", dir + "/out", "--quiet", "--pipeline", dir + "/p.yaml", dir + "/in.jsonl"]).execute()
        let record = try JSONParser.parse(try FileIO.readText(path: dir + "/out/coded.jsonl"))
        let themes = record["themes"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(themes.filter { $0 == "security_data" }.count == 1, "one merged code, not two")
        let evidence = record["evidence"]?["security_data"]?.arrayValue?.compactMap { $0["text"]?.stringValue } ?? []
        #expect(evidence.contains("Classified"))
        #expect(evidence.count >= 2, "evidence from both codebooks")
    }
}
