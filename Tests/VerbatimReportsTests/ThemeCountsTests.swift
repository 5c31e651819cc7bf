import Testing
import VerbatimCore
@testable import VerbatimReports

/// Counts: roll-up to parents, co-occurrence, breakdown by a metadata field, and their outputs.
@Suite struct ThemeCountsTests {
    static let themes = [
        ThemeInfo(id: "people", label: "People"),
        ThemeInfo(id: "trust", label: "Trust", parent: "people"),
        ThemeInfo(id: "finding", label: "Finding people", parent: "people"),
        ThemeInfo(id: "funding", label: "=Funding"),
    ]

    /// A document with the given themes (one evidence span each) and sentiment.
    func document(_ id: String, _ question: String?, _ themes: [String], _ label: Sentiment.Label? = nil, grade: String? = nil) -> Document {
        var d = Document(Response(id: id, question: question, text: "some answer text",
                                  metadata: grade.map { [("grade", JSONValue.string($0))] } ?? []))
        d.codes = themes.map { Code(theme: $0, score: 1, evidence: [Evidence(span: ByteSpan(start: 0, end: 4), rule: "r")]) }
        d.sentiment = label.map { Sentiment(label: $0, score: 0) }
        return d
    }

    var documents: [Document] {
        [
            document("1", "Q3", ["trust", "finding"], .negative, grade: "SCS"),
            document("2", "Q3", ["funding"], .positive, grade: "G7"),
            document("3", "Q9", ["trust", "funding"], .negative, grade: "G7"),
            document("4", "Q9", [], nil, grade: "G7"),
            document("5", nil, ["people"], .neutral),
        ]
    }

    func counts(by: String? = nil) -> ThemeCounts {
        let c = ThemeCounts(themes: Self.themes, breakdownField: by)
        for d in documents { c.add(d) }
        return c
    }

    @Test func parentsRollUpOncePerResponse() {
        let c = counts()
        #expect(c.cell("people", "Q3").responses == 1, "trust and finding in one answer count once for people")
        #expect(c.cell("people", ThemeCounts.allQuestions).responses == 3)
        #expect(c.cell("trust", ThemeCounts.allQuestions).responses == 2)
        #expect(c.cell("people", ThemeCounts.allQuestions).negative == 2)
        #expect(c.cell("funding", ThemeCounts.allQuestions).positive == 1)
        #expect(c.answers(for: ThemeCounts.noQuestion) == 1)
        #expect(c.totalAnswers == 5)
    }

    @Test func cooccurrence() {
        let c = counts()
        #expect(c.cooccurrence("trust", "finding") == 1)
        #expect(c.cooccurrence("finding", "trust") == 1)
        #expect(c.cooccurrence("trust", "funding") == 1)
        #expect(c.cooccurrence("people", "funding") == 1)
        #expect(c.cooccurrence("trust", "trust") == 2, "the diagonal is the theme's own count")
        #expect(c.cooccurrence("finding", "funding") == 0)
        let csv = c.cooccurrenceCSV().split(separator: "\r\n").map(String.init)
        #expect(csv[0] == "theme,people,trust,finding,funding")
        #expect(csv[2] == "trust,2,2,1,1")
    }

    @Test func breakdownByMetadataField() {
        let c = counts(by: "grade")
        #expect(c.groups == [ThemeCounts.noValue, "G7", "SCS"])
        #expect(c.cell("funding", ThemeCounts.allQuestions, group: "G7").responses == 2)
        #expect(c.cell("funding", "Q3", group: "G7").responses == 1)
        #expect(c.cell("people", ThemeCounts.allQuestions, group: "SCS").responses == 1)
        #expect(c.answers(for: "Q9", group: "G7") == 2)
        #expect(c.answers(for: ThemeCounts.allQuestions, group: "G7") == 3)
        // Groups add up to the whole.
        for theme in Self.themes {
            let total = c.groups.reduce(0) { $0 + c.cell(theme.id, ThemeCounts.allQuestions, group: $1).responses }
            #expect(total == c.cell(theme.id, ThemeCounts.allQuestions).responses)
        }
    }

    @Test func csvKeepsItsColumnsAndAppendsTheGroup() {
        let plain = counts().csv().split(separator: "\r\n").map(String.init)
        #expect(plain[0] == "theme,label,parent,question,responses,answers,share,positive,negative,neutral,mixed")
        #expect(plain.count == 1 + 4 * 4, "4 themes × ((none), Q3, Q9, ALL)")
        #expect(plain.contains("trust,Trust,people,Q3,1,2,0.5000,0,1,0,0"))
        #expect(plain.contains { $0.hasPrefix("funding,'=Funding,") }, "a label that looks like a formula is neutralised")
        let grouped = counts(by: "grade").csv().split(separator: "\r\n").map(String.init)
        #expect(grouped[0] == "theme,label,parent,question,responses,answers,share,positive,negative,neutral,mixed,group")
        #expect(grouped.count == 1 + 4 * 4 * 4, "themes × questions × (ALL + 3 groups)")
        #expect(grouped.contains("funding,'=Funding,,ALL,2,3,0.6667,1,1,0,0,G7"))
    }

    @Test func jsonHasCountsGroupsAndTheMatrix() throws {
        let json = try JSONParser.parse(counts(by: "grade").json())
        #expect(json["by"]?.stringValue == "grade")
        #expect(json["total_answers"]?.doubleValue == 5)
        let themes = try #require(json["themes"]?.arrayValue)
        #expect(themes.map { $0["id"]?.stringValue } == ["people", "trust", "finding", "funding"])
        let trust = try #require(themes[1]["counts"]?.arrayValue)
        let q3 = try #require(trust.first { $0["question"]?.stringValue == "Q3" })
        #expect(q3["responses"]?.doubleValue == 1)
        #expect(q3["share"]?.doubleValue == 0.5)
        #expect(q3["groups"]?.arrayValue?.first { $0["group"]?.stringValue == "SCS" }?["responses"]?.doubleValue == 1)
        let matrix = try #require(json["cooccurrence"]?["matrix"]?.arrayValue)
        #expect(matrix[1].arrayValue?.compactMap(\.doubleValue) == [2, 2, 1, 1])
        #expect(try JSONParser.parse(counts().json())["by"] == .null)
    }

    @Test func mergingShardsEqualsOnePass() {
        let whole = counts(by: "grade")
        let a = ThemeCounts(themes: Self.themes, breakdownField: "grade"), b = ThemeCounts(themes: Self.themes, breakdownField: "grade")
        for (k, d) in documents.enumerated() { (k < 2 ? a : b).add(d) }
        a.merge(b)
        #expect(a.csv() == whole.csv())
        #expect(a.json() == whole.json())
    }

    @Test func undeclaredThemesAreListedAfterTheOthers() {
        let c = ThemeCounts(themes: Self.themes)
        c.add(document("x", "Q1", ["exec:extra"]))
        #expect(c.themes.last?.id == "exec:extra")
        #expect(c.cell("exec:extra", "Q1").responses == 1)
    }

    @Test func neutralisingFormulaCells() {
        for bad in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "＝1"] {
            #expect(CSVField.neutralised(bad) == "'" + bad)
        }
        for fine in ["1", "text", "", "a=b", "'quoted"] { #expect(CSVField.neutralised(fine) == fine) }
        #expect(CSVField.escape("=a,\"b\"", neutralise: true) == "\"'=a,\"\"b\"\"\"")
    }
}
