import Testing
import VerbatimCore
import VerbatimTestSupport
@testable import Codebook

/// The matcher's per-worker shortcuts: they must never change what is matched.
@Suite struct CodebookMatcherInternalsTests {
    @Test func evidenceOnOneSpanIsOrderedByRuleName() throws {
        let f = try CodebookFixture(oneTheme(["{id: zeta, match: budget}", "{id: alpha, match: [budget, budgets]}", "{id: mid, match: cut}"]))
        let document = try f.harness.run("The budget was cut.")
        let code = try #require(document.codes.first)
        #expect(code.evidence.map(\.rule) == ["t/alpha: budget", "t/zeta: budget", "t/mid: cut"])
        #expect(code.evidence.map(\.weight) == [1, 1, 1])
        #expect(code.score == 3)
    }

    @Test func longPhrasesStillMatchAfterLeafStatesAreDropped() throws {
        // Partial phrases that cannot grow are not kept; longer phrases through the same words still match.
        let f = try CodebookFixture(oneTheme(["{id: one, match: lack}", "{id: three, match: lack of support}",
                                              "{id: six, match: lack of support from senior staff}"]))
        let long = try f.harness.run("a lack of support from senior staff hurt")
        #expect(long.codes.first?.evidence.map(\.rule) == ["t/one: lack", "t/three: lack of support",
                                                           "t/six: lack of support from senior staff"])
        let short = try f.harness.run("a lack of support from staff")
        #expect(short.codes.first?.evidence.map(\.rule) == ["t/one: lack", "t/three: lack of support"])
    }
}
