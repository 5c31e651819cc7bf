import Testing
@testable import VerbatimCore
@testable import VerbatimReports
import VerbatimTestSupport

/// The byte-level HTML escape and highlight give exactly what the scalar-by-scalar versions (kept
/// here as references) give.
@Suite struct HTMLEscapingTests {
    /// HTML's special characters, NUL, and what must pass through untouched: combining marks, ZWJ
    /// emoji, CR LF, curly quotes, a lone "&" next to a non-ASCII scalar.
    static let pieces = [
        "a", "Z", " ", "&", "<", ">", "\"", "'", "\0", "&amp;", "\r\n", "\n", "\r", "\u{301}", "é", "…", "👩🏽‍💻", "🎉",
        "“", "ß", "\u{200D}", "<script>", "word",
    ]

    static func randomText(_ g: inout SplitMix, length: Int) -> String {
        (0..<length).map { _ in pieces[g.below(pieces.count)] }.joined()
    }

    /// What each special scalar becomes.
    static let replacements: [Unicode.Scalar: String] = [
        "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;", "\0": "\u{FFFD}",
    ]

    /// The escape as it was: a `Unicode.Scalar` at a time.
    static func referenceEscape(_ s: String) -> String {
        s.unicodeScalars.map { replacements[$0] ?? String($0) }.joined()
    }

    /// The highlight as it was: pieces of the scalar array, each escaped as a string of its own.
    static func referenceHighlight(_ text: String, spans: [Range<Int>]) -> String {
        let scalars = Array(text.unicodeScalars)
        func piece(_ a: Int, _ b: Int) -> String {
            var s = String.UnicodeScalarView()
            s.append(contentsOf: scalars[max(0, a)..<min(b, scalars.count)])
            return referenceEscape(String(s))
        }
        var out = "", pos = 0
        for r in MarkdownText.mergedSpans(spans) where r.lowerBound >= pos && r.upperBound <= scalars.count {
            out += piece(pos, r.lowerBound) + "<mark>" + piece(r.lowerBound, r.upperBound) + "</mark>"
            pos = r.upperBound
        }
        return out + piece(pos, scalars.count)
    }

    @Test func escapeMatchesTheScalarEscape() {
        for s in ["", "plain", "<&>\"'", "\0", "é&\u{301}", "a\r\nb", Fixtures.script, Fixtures.image, Fixtures.emoji, Fixtures.rtl] {
            #expect(HTMLText.escape(s) == Self.referenceEscape(s), "\(s.debugDescription)")
        }
        var g = SplitMix(state: 11)
        for _ in 0..<3000 {
            let s = Self.randomText(&g, length: g.below(14))
            #expect(HTMLText.escape(s) == Self.referenceEscape(s), "\(s.debugDescription)")
        }
    }

    @Test func highlightMatchesTheScalarPieceHighlight() {
        #expect(HTMLText.highlight("a<\u{301}b", spans: [1..<3]) == Self.referenceHighlight("a<\u{301}b", spans: [1..<3]))
        var g = SplitMix(state: 12)
        for _ in 0..<2000 {
            let s = Self.randomText(&g, length: g.below(10))
            let n = s.unicodeScalars.count + 2
            let spans = (0..<g.below(4)).map { _ -> Range<Int> in
                let a = g.below(n), b = g.below(n)
                return min(a, b)..<max(a, b)
            }
            #expect(HTMLText.highlight(s, spans: spans) == Self.referenceHighlight(s, spans: spans), "\(s.debugDescription) \(spans)")
        }
    }

    /// The special-byte scan looks at every byte value, whatever its position.
    @Test func everyByteValueIsEscapedOrKept() {
        for value in 0...0x7F {
            let s = "ab" + String(Unicode.Scalar(UInt8(value))) + "cd"
            #expect(HTMLText.escape(s) == Self.referenceEscape(s), "byte \(value)")
        }
    }
}
