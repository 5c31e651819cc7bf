import Testing
import VerbatimCore
@testable import Codebook

/// The pattern parser builds its words' Strings by encoding scalars straight into UTF-8 storage:
/// every slice must come out as the String of the same scalars.
@Suite struct CodebookPatternTextTests {
    @Test func scalarSlicesBecomeTheSameStrings() {
        let samples = ["", "fund", "buy-in", "Café", "naïve", "e\u{301}", "日本語", "😀👍🏽", "don\u{2019}t", "NEAR/4", "a\u{10FFFF}z"]
        for sample in samples {
            let scalars = Array(sample.unicodeScalars)
            for start in 0...scalars.count {
                for end in start...scalars.count {
                    var expected = String.UnicodeScalarView()
                    expected.append(contentsOf: scalars[start..<end])
                    #expect(PatternParser.string(scalars[start..<end]) == String(expected), "\(sample) \(start)..<\(end)")
                }
            }
        }
    }

    @Test func nonASCIIWordsKeepTheirTextAndOffsets() throws {
        let pattern = try PatternParser.parse("Café|naïve NEAR/3 =日本 fünf*")
        guard case let .atoms(first) = pattern.left.items[0].alternatives[0],
              case let .atoms(second) = pattern.left.items[0].alternatives[1],
              let right = pattern.proximity?.right,
              case let .atoms(japanese) = right.items[0].alternatives[0],
              case let .atoms(prefix) = right.items[1].alternatives[0] else {
            Issue.record("unexpected shape")
            return
        }
        #expect(first.map(\.text) == ["café"] && first[0].offset == 0)
        #expect(second.map(\.text) == ["naïve"] && second[0].offset == 5)
        #expect(japanese.map(\.text) == ["日本"] && japanese[0].kind == .folded && japanese[0].offset == 19)
        #expect(prefix.map(\.text) == ["fünf"] && prefix[0].kind == .prefix && prefix[0].offset == 22)
        #expect(pattern.proximity?.distance == 3)
    }
}
