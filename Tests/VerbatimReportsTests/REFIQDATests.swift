import Foundation
import Testing
import VerbatimCore
@testable import VerbatimReports
import VerbatimTestSupport

/// REFI-QDA: codebook export and import, project export, both checked against the standard's XSDs.
@Suite struct REFIQDATests {
    @Test func sha1AndNameBasedUUIDs() {
        let hex = SHA1.hash(Array("abc".utf8)).map { String($0, radix: 16) }.map { $0.count == 1 ? "0" + $0 : $0 }.joined()
        #expect(hex == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(SHA1.hash(Array(String(repeating: "a", count: 1000).utf8)).count == 20)
        // The DNS namespace example: uuid5(NAMESPACE_DNS, "python.org").
        let dns = StableGUID.parse("6ba7b810-9dad-11d1-80b4-00c04fd430c8")
        #expect(StableGUID.uuid(namespace: dns, name: "python.org") == "886313E1-3B8A-5372-9B90-0C9AEE199E5D")
        #expect(StableGUID.make("code:a") == StableGUID.make("code:a"))
        #expect(StableGUID.make("code:a") != StableGUID.make("code:b"))
    }

    @Test func codebookValidatesAndRoundTrips() throws {
        let themes = Fixtures.themes + [
            ThemeInfo(id: "dept:security", label: "Security; data = risk", description: "Line one\nline two, with \"quotes\"",
                      parent: "missing-parent", questions: ["Q3", "Q;9"], color: "#abc"),
            ThemeInfo(id: "child", label: "Child listed before its parent", parent: "later", color: "not-a-colour"),
            ThemeInfo(id: "later", label: "Parent listed after its child"),
        ]
        let xml = try QDCCodebookWriter.render(themes)
        let dir = try TestPaths.temporaryDirectory()
        try FileIO.writeAtomically(xml, to: dir + "/codebook.qdc")
        let check = try Tool.validate(dir + "/codebook.qdc", schema: "Codebook.xsd")
        #expect(check.status == 0, "\(check.errors)")
        #expect(try QDCCodebookReader.read(path: dir + "/codebook.qdc") == themes)
        #expect(try QDCCodebookWriter.render(themes) == xml, "deterministic")
        #expect(xml.contains("<Code guid=\"\(StableGUID.make("code:culture"))\" name=\"Culture &amp; &lt;silos&gt;\" isCodable=\"true\" color=\"#AA3300\">"))
    }

    @Test func aMalformedGUIDFailsTheSchema() throws {
        let xml = try QDCCodebookWriter.render(Fixtures.themes).replacing(StableGUID.make("code:funding"), with: "not-a-guid")
        let dir = try TestPaths.temporaryDirectory()
        try FileIO.writeAtomically(xml, to: dir + "/bad.qdc")
        #expect(try Tool.validate(dir + "/bad.qdc", schema: "Codebook.xsd").status != 0, "the validation actually checks")
    }

    @Test func importsCodebooksFromOtherTools() throws {
        let xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="Another tool">
              <Codes>
                <Code guid="{11111111-1111-4111-8111-111111111111}" name="Barriers" isCodable="false">
                  <Code guid="22222222-2222-4222-8222-222222222222" name="Lack of funding" isCodable="true" color="#FF0000">
                    <Description><![CDATA[Money & budgets]]></Description>
                  </Code>
                  <Code guid="33333333-3333-4333-8333-333333333333" name="Lack of funding" isCodable="true"/>
                </Code>
                <Code guid="44444444-4444-4444-8444-444444444444" name="Élan &amp; drive" isCodable="true"/>
              </Codes>
            </CodeBook>
            """
        let themes = try QDCCodebookReader.read(xml: xml)
        #expect(themes.map(\.id) == ["barriers", "lack_of_funding", "lack_of_funding_2", "élan_drive"])
        #expect(themes.map(\.parent) == [nil, "barriers", "barriers", nil])
        #expect(themes[1].description == "Money & budgets")
        #expect(themes[1].color == "#FF0000")
        #expect(themes[3].label == "Élan & drive")
        #expect {
            try QDCCodebookReader.read(xml: "<CodeBook><Codes><Code></CodeBook>", name: "broken.qdc")
        } throws: { "\($0)".hasPrefix("broken.qdc:") && "\($0)".contains("not a well-formed REFI-QDA codebook") }
    }

    @Test func emptyCodebookIsAnError() {
        #expect(throws: VerbatimError.self) { try QDCCodebookWriter.render([]) }
    }

    @Test func projectValidatesAndSelectionsPointAtTheEvidence() throws {
        let documents = try Fixtures.hostileDocuments()
        let (content, store) = Fixtures.content(documents)
        let bytes = try QDPXProjectWriter.data(content, metadataKeys: store.metadataKeys, name: "Hostile <project>")
        #expect(try QDPXProjectWriter.data(content, metadataKeys: store.metadataKeys, name: "Hostile <project>") == bytes)
        let zip = try ZipPackage.Reader(bytes: bytes)
        let qde = try #require(try zip.read("project.qde"))
        let dir = try TestPaths.temporaryDirectory()
        try FileIO.writeAtomically(qde, to: dir + "/project.qde")
        let check = try Tool.validate(dir + "/project.qde", schema: "Project-mrt2019.xsd")
        #expect(check.status == 0, "\(check.errors)")

        // The codebook inside the project reads back as the themes.
        #expect(try QDCCodebookReader.read(bytes: qde, name: "project.qde") == Fixtures.themes)

        // Each selection's positions, counted in code points of its source file, give the evidence text.
        let xml = String(decoding: qde, as: UTF8.self)
        let sources = try XMLElementsForTests.sources(qde)
        #expect(sources.count == documents.count)
        #expect(zip.paths.filter { $0.hasPrefix("sources/") }.count == documents.count)
        var checked = 0
        for (k, source) in sources.enumerated() {
            let path = try #require(source.path.hasPrefix("internal://") ? "sources/" + source.path.dropFirst("internal://".count) : nil)
            let text = String(decoding: try #require(try zip.read(path)), as: UTF8.self)
            #expect(text == documents[k].response.text)
            let scalars = Array(text.unicodeScalars)
            let expected = documents[k].codes.flatMap { code in code.evidence.map { documents[k].text(of: $0.span) } }
            var found: [String] = []
            for s in source.selections {
                var slice = String.UnicodeScalarView()
                slice.append(contentsOf: scalars[s.start..<s.end])
                found.append(String(slice))
                checked += 1
            }
            #expect(found == expected, "\(source.name)")
        }
        #expect(checked == documents.reduce(0) { $0 + $1.codes.reduce(0) { $0 + $1.evidence.count } })
        #expect(xml.contains("name=\"rtl\"") && xml.contains("name=\"emoji\""))
        #expect(!xml.contains("\u{1}") && !xml.contains("\u{FFFF}"))
    }
}

/// Reads `TextSource`s and their selections back out of a `project.qde`.
enum XMLElementsForTests {
    struct Source {
        var name: String
        var path: String
        var selections: [(start: Int, end: Int)]
    }

    static func sources(_ bytes: [UInt8]) throws -> [Source] {
        let found = try XMLElements.collect(bytes, name: "project.qde", elements: ["TextSource", "PlainTextSelection"])
        var sources: [Source] = []
        for e in found {
            if e.name == "TextSource" {
                sources.append(Source(name: e.attributes["name"] ?? "", path: e.attributes["plainTextPath"] ?? "", selections: []))
            } else if let start = e.attributes["startPosition"].flatMap({ Int($0) }), let end = e.attributes["endPosition"].flatMap({ Int($0) }) {
                sources[sources.count - 1].selections.append((start, end))
            }
        }
        return sources
    }
}
