import Testing
import VerbatimCore
import VerbatimTestSupport

/// The Python PII redactor as a process stage: what it blanks and what it leaves alone.
@Suite struct PIIRedactorTests {
    let harness: StageHarness

    init() throws {
        harness = try StageHarness(yaml: """
            version: 1
            stages:
              - stage: exec
                options:
                  command: [python3, pii_redactor.py]
                  settings:
                    names: [Hilary Example]
            """, baseDirectory: TestPaths.repositoryRoot + "/Plugins/PIIRedactor")
    }

    @Test(arguments: [
        ("Write to a.b-c@dept.gov.uk today", "Write to [EMAIL] today"),
        ("Call 020 7946 0958 or +44 (0)161 496 0000 or 07700 900123.", "Call [PHONE] or [PHONE] or [PHONE]."),
        ("Based in SW1A 2AA and M1 1AE.", "Based in [POSTCODE] and [POSTCODE]."),
        ("My NI number is AB 12 34 56 C.", "My NI number is [NI NUMBER]."),
        ("Ask Dr Alex Morgan or Sarah Jones.", "Ask [NAME] or [NAME]."),
        ("hilary example from the unit helped", "[NAME] from the unit helped"),
        ("The Cabinet Office and DWP worked with Local Government.", "The Cabinet Office and DWP worked with Local Government."),
        ("No 2008 figures, just 35 departments.", "No 2008 figures, just 35 departments."),
    ])
    func redacts(_ input: String, _ expected: String) throws {
        let doc = try harness.run(input)
        #expect(doc.response.text == expected)
        #expect(doc.assigned.contains(.text) == (input != expected))
    }

    @Test func offsetsSurviveNonASCIIText() throws {
        let doc = try harness.run("Café team 😀: mail zoë@example.org now")
        #expect(doc.response.text == "Café team 😀: mail [EMAIL] now")
    }
}
