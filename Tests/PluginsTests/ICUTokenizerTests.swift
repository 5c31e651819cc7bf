import Testing
import VerbatimCore
import VerbatimTestSupport

/// Token boundaries, kinds, normalised forms and sentences from the `icu-tokenizer` stage.
///
/// Fixtures mark every expected token with ⏩…⏪ (`MarkedText`), so the expected spans read in place.
@Suite struct ICUTokenizerTests {
    func tokenizer(_ options: String = "") throws -> StageHarness {
        try StageHarness(yaml: """
            version: 1
            stages:
              - stage: icu-tokenizer
            \(options.isEmpty ? "" : "    options: { \(options) }")
            """)
    }

    func run(_ text: String, options: String = "") throws -> Document {
        try tokenizer(options).run(text)
    }

    /// Checks that the tokens of the marked text are exactly the marked spans, and returns the document.
    @discardableResult
    func expectTokens(
        _ marked: String, options: String = "", sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws -> Document {
        let fixture = MarkedText(marked)
        let doc = try run(fixture.text, options: options)
        let got = doc.tokens.map { ByteSpan(start: $0.start, end: $0.end) }
        #expect(got == fixture.spans,
                "expected \(fixture)\n     got \(MarkedText.render(fixture.text, spans: got))",
                sourceLocation: sourceLocation)
        return doc
    }

    func normalized(_ doc: Document) -> [String] { doc.tokens.map { doc.normalized($0) } }
    func kinds(_ doc: Document) -> [Token.Kind] { doc.tokens.map(\.kind) }
    func sentences(_ doc: Document) -> [String] { doc.sentences.map { doc.text(of: $0) } }

    // MARK: Words and contractions

    @Test func contractionsStayWholeAndTypographicApostrophesNormalise() throws {
        let doc = try expectTokens("⏩Don't⏪ ⏩stop⏪⏩,⏪ ⏩don’t⏪ ⏩WON'T⏪ ⏩I’m⏪ ⏩team's⏪")
        #expect(normalized(doc) == ["don't", "stop", ",", "don't", "won't", "i'm", "team's"])
        #expect(kinds(doc) == [.word, .word, .punctuation, .word, .word, .word, .word])
    }

    @Test func curlyQuotesAreSeparatePunctuation() throws {
        let doc = try expectTokens("⏩“⏪⏩Great⏪⏩”⏪ ⏩she⏪ ⏩said⏪⏩,⏪ ⏩‘⏪⏩really⏪⏩’⏪")
        #expect(normalized(doc) == ["“", "great", "”", "she", "said", ",", "‘", "really", "'"])
        #expect(kinds(doc) == [.punctuation, .word, .punctuation, .word, .word, .punctuation, .punctuation, .word, .punctuation])
    }

    @Test func hyphensSplitCompounds() throws {
        // UAX #29 has no rule joining letters across "-": the codebook matches "buy-in" as a phrase.
        let doc = try expectTokens("⏩joined⏪⏩-⏪⏩up⏪ ⏩buy⏪⏩-⏪⏩in⏪ ⏩well⏪⏩–⏪⏩known⏪")
        #expect(normalized(doc) == ["joined", "-", "up", "buy", "-", "in", "well", "–", "known"])
    }

    @Test func numbersKeepDecimalAndThousandsSeparators() throws {
        let doc = try expectTokens("⏩3.5⏪ ⏩1,000⏪ ⏩2008⏪ ⏩£⏪⏩1,000⏪ ⏩3.5⏪⏩%⏪ ⏩10⏪⏩:⏪⏩30⏪ ⏩1st⏪")
        #expect(kinds(doc) == [.number, .number, .number, .punctuation, .number, .number, .punctuation,
                               .number, .punctuation, .number, .word])
        #expect(normalized(doc)[0...2] == ["3.5", "1,000", "2008"])
    }

    @Test func urlsAndEmailsSplitAtTheirPunctuation() throws {
        // No URL rule in UAX #29: dots between letters join ("example.com"), ":" "/" "?" "=" split.
        let doc = try expectTokens(
            "⏩see⏪ ⏩HTTPS⏪⏩:⏪⏩/⏪⏩/⏪⏩Example.com⏪⏩/⏪⏩a⏪⏩-⏪⏩b⏪ ⏩or⏪ ⏩jo.smith@example.org⏪ ⏩www.example.com⏪")
        #expect(normalized(doc) == ["see", "https", ":", "/", "/", "example.com", "/", "a", "-", "b", "or",
                                    "jo.smith@example.org", "www.example.com"])
        #expect(kinds(doc).filter { $0 == .word }.count == 8)
    }

    // MARK: Emoji and symbols

    @Test func emojiSequencesAreSingleTokens() throws {
        // Skin tone, ZWJ family, red heart with VS16, flag, keycap.
        let doc = try expectTokens("⏩great⏪ ⏩👍🏽⏪ ⏩👨‍👩‍👧⏪ ⏩❤️⏪⏩🇬🇧⏪ ⏩:⏪⏩-⏪⏩)⏪")
        #expect(kinds(doc) == [.word] + Array(repeating: .punctuation, count: 7))
        // NFKC_Casefold drops default-ignorable characters (ZWJ, VS16), so ❤️ and ❤ normalise alike.
        #expect(normalized(doc)[1...4] == ["👍🏽", "👨👩👧", "❤", "🇬🇧"])
    }

    @Test func punctuationCanBeDropped() throws {
        let doc = try expectTokens("⏩Great⏪ ⏩👍⏪⏩!⏪")
        #expect(doc.tokens.last?.kind == .punctuation)
        let words = try expectTokens("⏩Great⏪ 👍! ⏩really⏪…", options: "punctuation: false")
        #expect(normalized(words) == ["great", "really"])
    }

    @Test func invisibleCharactersAreNotTokens() throws {
        // A byte-order mark or zero-width space folds to nothing: no empty tokens.
        let doc = try expectTokens("\u{FEFF}⏩Great⏪ ⏩service⏪\u{200B}⏩!⏪")
        #expect(normalized(doc) == ["great", "service", "!"])
        #expect(!doc.tokens.contains { $0.normalizedStart == $0.normalizedEnd })
    }

    // MARK: Other scripts

    @Test func greekCyrillicAndArabicAreWords() throws {
        let doc = try expectTokens("⏩Καλημέρα⏪ ⏩ΟΔΟΣ⏪ ⏩Привет⏪ ⏩МИР⏪ ⏩مرحبا⏪ ⏩بالعالم⏪")
        #expect(kinds(doc) == Array(repeating: .word, count: 6))
        // Full case folding maps final sigma to σ.
        #expect(normalized(doc) == ["καλημέρα", "οδοσ", "привет", "мир", "مرحبا", "بالعالم"])
    }

    @Test func chineseJapaneseAndThaiUseICUDictionaries() throws {
        let chinese = try expectTokens("⏩我⏪⏩爱⏪⏩北京⏪")
        #expect(kinds(chinese) == [.ideographic, .ideographic, .ideographic])
        let thai = try expectTokens("⏩สวัสดี⏪⏩ครับ⏪")
        #expect(kinds(thai) == [.word, .word])
        // ICU reports dictionary words of kana as ideographic; either way they are word-like.
        let japanese = try expectTokens("⏩東京タワー⏪⏩です⏪")
        #expect(japanese.tokens.allSatisfy { $0.kind == .ideographic || $0.kind == .kana })
    }

    // MARK: Normalisation

    @Test func nfkcCaseFolding() throws {
        let doc = try expectTokens("⏩ﬁnance⏪ ⏩Ｈｅｌｌｏ⏪ ⏩Straße⏪ ⏩ＳＴＲＡＳＳＥ⏪ ⏩Café⏪ ⏩Cafe\u{301}⏪ ⏩①⏪")
        #expect(normalized(doc) == ["finance", "hello", "strasse", "strasse", "café", "café", "1"])
        // The raw text keeps what was written.
        #expect(doc.text(of: doc.tokens[0]) == "ﬁnance")
    }

    @Test func invalidUTF8IsReplacedAndTokenised() throws {
        // "ok" 0xFF "fine" then a truncated two-byte sequence.
        let bytes: [UInt8] = Array("ok".utf8) + [0xFF] + Array("fine ".utf8) + [0xC3]
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text == "ok\u{FFFD}fine \u{FFFD}")
        let doc = try expectTokens("⏩ok⏪⏩\u{FFFD}⏪⏩fine⏪ ⏩\u{FFFD}⏪")
        #expect(kinds(doc) == [.word, .punctuation, .word, .punctuation])
        #expect(normalized(doc) == ["ok", "\u{FFFD}", "fine", "\u{FFFD}"])
        let direct = try run(text)
        #expect(direct.tokens == doc.tokens)
    }

    // MARK: Sentences

    @Test func sentenceBoundaries() throws {
        let doc = try run("I like fruit, e.g. apples. Mr. Smith disagrees! Why? Because\nit is late. The U.S. team won.")
        #expect(sentences(doc) == [
            "I like fruit, e.g. apples. ", "Mr. Smith disagrees! ", "Why? ", "Because\n", "it is late. ",
            "The U.S. team won.",
        ])
    }

    @Test func abbreviationsFromICUsListDoNotEndSentences() throws {
        let doc = try run("We met Mrs. Jones and Prof. Brown. They were fine.")
        #expect(sentences(doc) == ["We met Mrs. Jones and Prof. Brown. ", "They were fine."])
        // The plain UAX #29 rules (a locale with its own keywords is used as given) break after "Mrs.".
        let plain = try run("We met Mrs. Jones.", options: "locale: \"en@ss=none\"")
        #expect(sentences(plain) == ["We met Mrs. ", "Jones."])
    }

    @Test func blankLinesAndLineBreaksEndSentences() throws {
        let doc = try run("Line one\nLine two\r\n\nLine three")
        #expect(sentences(doc) == ["Line one\n", "Line two\r\n", "\n", "Line three"])
        #expect(doc.tokens.map(\.sentence) == [0, 0, 1, 1, 3, 3])
    }

    @Test func tokensCarryTheirSentenceIndex() throws {
        let doc = try expectTokens("⏩Good⏪ ⏩pay⏪⏩.⏪ ⏩Bad⏪ ⏩hours⏪⏩?⏪ ⏩Yes⏪⏩!⏪⏩!⏪ ⏩ok⏪")
        #expect(doc.sentences.count == 4)
        #expect(doc.tokens.map(\.sentence) == [0, 0, 0, 1, 1, 1, 2, 2, 2, 3])
        for token in doc.tokens {
            let s = doc.sentences[Int(token.sentence)]
            #expect(s.start <= token.start && token.end <= s.end)
            #expect(doc.sentenceIndex(containing: token.start) == Int(token.sentence))
        }
        #expect(doc.assigned.isSuperset(of: [.tokens, .sentences]))
    }

    @Test func sentencesCoverTheWholeText() throws {
        let text = "  Leading space. Trailing space   "
        let doc = try run(text)
        #expect(doc.sentences.first?.start == 0)
        #expect(doc.sentences.last?.end == Int32(text.utf8.count))
        for (a, b) in zip(doc.sentences, doc.sentences.dropFirst()) { #expect(a.end == b.start) }
    }

    @Test func emptyAndWhiteSpaceOnlyTextsHaveNoTokens() throws {
        #expect(try run("").tokens.isEmpty)
        #expect(try run(" \n\t\u{00A0}\u{3000} ").tokens.isEmpty)
    }

    @Test func unknownLocalesFallBackToTheRootRules() throws {
        // ICU falls back to the root rules for unknown locales rather than failing, so this builds.
        _ = try tokenizer("locale: xx")
        let doc = try run("Hello there", options: "locale: de")
        #expect(normalized(doc) == ["hello", "there"])
    }
}
