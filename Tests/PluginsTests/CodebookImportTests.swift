import Testing
import VerbatimCore
import VerbatimTestSupport
@testable import Codebook

/// Dictionaries from other tools read as codebooks: every construct mapped or reported.
@Suite struct CodebookImportTests {
    static let dir = TestPaths.repositoryRoot + "/Tests/PluginsTests/Fixtures/dictionaries"

    func entries(_ book: ImportedCodebook, _ id: String) -> [String] {
        book.themes.first { $0.id == id }?.entries.map(\.pattern) ?? []
    }

    @Test func liwcCategoriesAndWords() throws {
        let book = try ImportedCodebook.read(path: Self.dir + "/sample.dic", format: .liwc)
        #expect(book.themes.map(\.id) == ["posemo", "negemo", "work"])
        #expect(entries(book, "posemo") == ["=good", "=excellent", "help*", "=like", "=kind =of"])
        #expect(entries(book, "negemo") == ["barrier*", "frustrat*"])
        #expect(entries(book, "work") == ["help*", "=job", "work*"])
        let notes = book.notes.map(\.description)
        #expect(notes.contains { $0.hasPrefix(Self.dir + "/sample.dic:13:1: warning: 'like': '(02 134)53' is a conditional category assignment") })
        #expect(notes.contains { $0.contains("sample.dic:15:1") && $0.contains("':)': punctuation inside a word") })
        #expect(notes.contains { $0.contains("sample.dic:16:1") && $0.contains("refers to category 9") })
    }

    @Test func wordStatHierarchyWeightsAndRules() throws {
        let book = try ImportedCodebook.read(path: Self.dir + "/sample.cat", format: .wordstat)
        #expect(book.themes.map(\.id) == ["workplace", "funding", "staff", "sentiment"])
        #expect(book.themes.map(\.parent) == [nil, "workplace", "workplace", nil])
        let funding = try #require(book.themes.first { $0.id == "funding" })
        #expect(funding.entries == [.init("budget*"), .init("=funding", weight: 2), .init("=public =spending")])
        #expect(entries(book, "staff") == ["staff*", "=head =count"])
        #expect(book.notes.contains { $0.location.line == 9 && $0.message.contains("is a WordStat rule") })
        #expect(book.notes.contains { $0.location.line == 13 && $0.message.contains("single-character wildcards") })
    }

    @Test func quantedaNestedKeys() throws {
        let book = try ImportedCodebook.read(path: Self.dir + "/sample-quanteda.yml", format: .quanteda)
        #expect(book.themes.map(\.id) == ["economy", "government", "departments", "people"])
        #expect(book.themes.map(\.parent) == [nil, nil, "government", "government"])
        #expect(entries(book, "economy") == ["budget*", "=fiscal =policy", "spend*"])
        #expect(entries(book, "people") == ["minister*"])
        #expect(book.notes.map(\.description) == [
            Self.dir + "/sample-quanteda.yml:12:7: warning: '*secretary': only a wildcard at the end of a word (prefix match) has an equivalent; skipped",
        ])
    }

    @Test func writtenYAMLLoadsAsACodebookAndCodes() throws {
        let book = try ImportedCodebook.read(path: Self.dir + "/sample.cat", format: .wordstat)
        let yaml = CodebookYAMLWriter.yaml(book)
        #expect(yaml.contains("# Not mapped (2):"))
        let dir = try TestPaths.temporaryDirectory()
        try FileIO.writeAtomically(yaml, to: dir + "/imported.yaml")
        let codebook = try Codebook.load(path: dir + "/imported.yaml")
        #expect(codebook.themes.count == 4)
        let harness = try StageHarness(after: "- stage: codebook\n  options: { codebook: imported.yaml }", baseDirectory: dir)
        let marked = MarkedText("The ⏩budgets⏪ and ⏩public spending⏪ were cut, ⏩excellent⏪ staffing")
        let doc = try harness.run(marked.text)
        #expect(doc.codes.map(\.theme) == ["funding", "sentiment", "staff"])
        let funding = try #require(doc.codes.first { $0.theme == "funding" })
        #expect(funding.evidence.map(\.span) == Array(marked.spans[0...1]))
    }

    @Test func malformedDictionariesGiveTheirPlace() throws {
        let dir = try TestPaths.temporaryDirectory()
        try FileIO.writeAtomically("posemo\t1\n", to: dir + "/bad.dic")
        #expect { try ImportedCodebook.read(path: dir + "/bad.dic", format: .liwc) } throws: {
            "\($0)".hasPrefix(dir + "/bad.dic:1:1: error: a LIWC dictionary starts with a line holding only '%'")
        }
        try FileIO.writeAtomically("%\n1\tposemo\ngood\t1\n", to: dir + "/open.dic")
        #expect { try ImportedCodebook.read(path: dir + "/open.dic", format: .liwc) } throws: {
            "\($0)".contains("the category table is not closed by a second '%' line")
        }
        try FileIO.writeAtomically("economy: [budget\n", to: dir + "/bad.yml")
        #expect { try ImportedCodebook.read(path: dir + "/bad.yml", format: .quanteda) } throws: {
            "\($0)".hasPrefix(dir + "/bad.yml:") && "\($0)".contains("not valid YAML")
        }
    }
}
