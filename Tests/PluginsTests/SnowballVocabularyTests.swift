import SnowballStemmer
import Testing
import VerbatimCore
import VerbatimSnowball
import VerbatimTestSupport

/// Snowball's English reference vocabulary (`voc.txt` → `output.txt`), read once.
enum SnowballVocabulary {
    static let directory = TestPaths.shared + "/benchmarks/snowball-english"
    static let wordsPath = directory + "/voc.txt"
    static let stemsPath = directory + "/output.txt"
    /// The size of the current reference: a changed file should be noticed, not silently tested.
    static let expectedCount = 42_649
    static let chunkCount = 16

    struct Pairs: Sendable {
        var words: [String] = []
        var stems: [String] = []
        var error: String?
    }

    static let pairs: Pairs = {
        do {
            let words = try lines(wordsPath)
            let stems = try lines(stemsPath)
            guard words.count == stems.count else {
                return Pairs(error: "voc.txt has \(words.count) lines but output.txt has \(stems.count)")
            }
            return Pairs(words: words, stems: stems)
        } catch {
            return Pairs(error: "cannot read the Snowball vocabulary in \(directory): \(error)")
        }
    }()

    static func lines(_ path: String) throws -> [String] {
        var text = try FileIO.readText(path: path)
        if text.hasSuffix("\n") { text.removeLast() }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// The pair indices of chunk `chunk` (of `chunkCount`).
    static func range(of chunk: Int) -> Range<Int> {
        let n = pairs.words.count
        return (chunk * n / chunkCount)..<((chunk + 1) * n / chunkCount)
    }

    /// "word → got (expected expected)" for each mismatch, the first 25 of them, for failure messages.
    static func mismatches(_ indices: Range<Int>, stems got: [String]) -> [String] {
        var result: [String] = []
        for (k, i) in indices.enumerated() where got[k] != pairs.stems[i] {
            result.append("\(pairs.words[i]) → \(got[k]) (expected \(pairs.stems[i]))")
        }
        return result
    }

    static func report(_ mismatches: [String], of count: Int) -> Comment {
        Comment(rawValue: "\(mismatches.count) of \(count) words stem differently:\n"
                + mismatches.prefix(25).joined(separator: "\n"))
    }
}

@Suite struct SnowballVocabularyTests {
    typealias V = SnowballVocabulary

    @Test func vocabularyIsTheCurrentReference() throws {
        let pairs = V.pairs
        #expect(pairs.error == nil, Comment(rawValue: pairs.error ?? ""))
        #expect(pairs.words.count == V.expectedCount)
        #expect(pairs.stems.count == V.expectedCount)
    }

    // MARK: The native stemmer

    @Test(arguments: 0..<SnowballVocabulary.chunkCount)
    func nativeStemmerMatchesChunk(_ chunk: Int) throws {
        try #require(V.pairs.error == nil, Comment(rawValue: V.pairs.error ?? ""))
        let stemmer = EnglishStemmer()
        let range = V.range(of: chunk)
        let got = range.map { stemmer.stem(V.pairs.words[$0]) }
        let wrong = V.mismatches(range, stems: got)
        #expect(wrong.isEmpty, V.report(wrong, of: range.count))
    }

    /// The whole file in one count, so a failure says how far off the stemmer is overall.
    @Test func nativeStemmerMatchesAllPairs() throws {
        try #require(V.pairs.error == nil, Comment(rawValue: V.pairs.error ?? ""))
        let stemmer = EnglishStemmer()
        var matching = 0
        for (word, stem) in zip(V.pairs.words, V.pairs.stems) where stemmer.stem(word) == stem { matching += 1 }
        #expect(matching == V.expectedCount)
    }

    /// Debian's libstemmer predates Snowball 3; these are words where the two differ, so the test
    /// shows which implementation ran.
    @Test func nativeFixesWhereLibstemmerIsOutOfDate() throws {
        let native = try WordStemmer(language: "english")
        let library = try WordStemmer(language: "english", implementation: .libstemmer)
        #expect(native.implementation == .native)
        #expect(library.implementation == .libstemmer)
        let cases: [(word: String, current: String, old: String)] = [
            ("added", "add", "ad"), ("apologists", "apolog", "apologist"), ("internal", "internal", "intern"),
            ("evening", "evening", "even"), ("hying", "hie", "hy"), ("emergency", "emergenc", "emerg"),
            ("pasted", "paste", "past"), ("university", "universiti", "univers"),
        ]
        for c in cases {
            #expect(native.stem(c.word) == c.current, "native stem of \(c.word)")
            #expect(library.stem(c.word) == c.old, "libstemmer 2.2.0 stem of \(c.word)")
        }
    }

    @Test func nativeHandlesShortNonASCIIAndApostropheWords() {
        let s = EnglishStemmer()
        #expect(s.stem("") == "")
        #expect(s.stem("by") == "by")
        // Two characters, four bytes: too short to stem.
        #expect(s.stem("éé") == "éé")
        // Non-ASCII letters count as non-vowels and survive untouched around the suffix work.
        #expect(s.stem("cafés") == "café")
        #expect(s.stem("naïvely") == "naïv")
        #expect(s.stem("don't") == "don't")
        #expect(s.stem("'tis") == "tis")
        #expect(s.stem("children's") == "children")
        #expect(s.stem("skis") == "ski")
        #expect(s.stem("skies") == "sky")
    }

    @Test func nativeAppendsWithoutDisturbingEarlierOutput() {
        let s = EnglishStemmer()
        var out = Array("prefix|".utf8)
        for word in ["running", "at", "generously", "skies"] {
            var w = word
            w.withUTF8 { s.stem($0, appendingTo: &out) }
            out.append(UInt8(ascii: "|"))
        }
        #expect(String(decoding: out, as: UTF8.self) == "prefix|run|at|generous|sky|")
    }

    // MARK: The stage (tokens → stems)

    /// One document per chunk with each vocabulary word as a word token, as the tokenizer would hand
    /// it over; the stage fills in the stems.
    func stemThroughStage(_ words: [String], options: [String: OptionValue]) throws -> [String] {
        var values: [String: OptionValue] = ["language": .string("english"), "cache": .integer(50_000),
                                             "implementation": .string("auto")]
        values.merge(options) { $1 }
        let stage = try SnowballStemmerStage(
            options: StageOptions(stage: "snowball-stemmer", values: values),
            context: StageContext(baseDirectory: TestPaths.repositoryRoot, available: [.tokens]))
        var document = Document(Response(id: "vocabulary", text: words.joined(separator: "\n")))
        var offset: Int32 = 0
        var pool: [UInt8] = []
        for word in words {
            let length = Int32(word.utf8.count)
            let normalizedStart = Int32(pool.count)
            pool.append(contentsOf: word.utf8)
            document.tokens.append(Token(start: offset, end: offset + length, kind: .word,
                                         normalizedStart: normalizedStart, normalizedEnd: Int32(pool.count)))
            offset += length + 1
        }
        document.normalizedPool = pool
        document.assigned = [.tokens]
        let processor = try stage.makeProcessor()
        try processor.process(&document)
        #expect(document.assigned.contains(.stems))
        return document.tokens.map { document.stem($0) }
    }

    @Test(arguments: 0..<SnowballVocabulary.chunkCount)
    func stageMatchesChunk(_ chunk: Int) throws {
        try #require(V.pairs.error == nil, Comment(rawValue: V.pairs.error ?? ""))
        let range = V.range(of: chunk)
        let got = try stemThroughStage(range.map { V.pairs.words[$0] }, options: [:])
        let wrong = V.mismatches(range, stems: got)
        #expect(wrong.isEmpty, V.report(wrong, of: range.count))
    }

    /// The native stemmer needs no cache; asking for one changes nothing.
    @Test func stageMatchesWithACacheRequested() throws {
        try #require(V.pairs.error == nil, Comment(rawValue: V.pairs.error ?? ""))
        let range = 0..<V.pairs.words.count
        let got = try stemThroughStage(range.map { V.pairs.words[$0] },
                                       options: ["cache": .integer(7), "implementation": .string("native")])
        let wrong = V.mismatches(range, stems: got)
        #expect(wrong.isEmpty, V.report(wrong, of: range.count))
    }

    /// The libstemmer cache gives what libstemmer gives: off, tiny (cleared over and over) and the
    /// default. Every word comes twice, so the second pass is served from the cache.
    @Test(arguments: [0, 7, 50_000])
    func libstemmerCacheIsTransparent(_ cache: Int) throws {
        try #require(V.pairs.error == nil, Comment(rawValue: V.pairs.error ?? ""))
        let words = V.pairs.words + V.pairs.words
        let got = try stemThroughStage(words, options: ["cache": .integer(cache), "implementation": .string("libstemmer")])
        let direct = try WordStemmer(language: "english", implementation: .libstemmer)
        var wrong: [String] = []
        for (word, stem) in zip(words, got) where stem != direct.stem(word) {
            wrong.append("\(word) → \(stem) (libstemmer says \(direct.stem(word)))")
        }
        #expect(got.count == words.count)
        #expect(wrong.isEmpty, V.report(wrong, of: words.count))
    }

    @Test func frontEndStemsARealAnswer() throws {
        let harness = try StageHarness(yaml: """
            version: 1
            stages: [icu-tokenizer, snowball-stemmer]
            """)
        let doc = try harness.run("Evenings ADDED to our emergencies; the Internal team's apologists!")
        #expect(doc.tokens.filter { $0.kind == .word }.map { doc.stem($0) }
                == ["evening", "add", "to", "our", "emergenc", "the", "internal", "team", "apolog"])
    }

    // MARK: The `verbatim stem` code path

    @Test func stemCommandLoopMatchesAllPairs() throws {
        try #require(V.pairs.error == nil, Comment(rawValue: V.pairs.error ?? ""))
        // As `verbatim stem --language english` builds it: the default implementation.
        let stemmer = try WordStemmer(language: "english", implementation: .auto)
        #expect(stemmer.implementation == .native)
        var output: [UInt8] = []
        var blocks = 0
        // A small block size so the flushing between blocks is exercised too.
        try StemLines.run(ByteStreamReader(path: V.wordsPath), stemmer: stemmer, blockSize: 4096) {
            output.append(contentsOf: $0)
            blocks += 1
        }
        #expect(blocks > 1)
        #expect(output.last == 0x0A)
        let got = String(decoding: output.dropLast(), as: UTF8.self)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(got.count == V.expectedCount)
        guard got.count == V.pairs.words.count else { return }
        let wrong = V.mismatches(0..<got.count, stems: got)
        #expect(wrong.isEmpty, V.report(wrong, of: got.count))
        #expect(got.count - wrong.count == V.expectedCount)
    }

    @Test func stemCommandLoopAcceptsCRLFAndAMissingFinalNewline() throws {
        let dir = try TestPaths.temporaryDirectory()
        let path = dir + "/words.txt"
        try FileIO.writeAtomically("running\r\nadded\r\nponies", to: path)
        var output: [UInt8] = []
        try StemLines.run(ByteStreamReader(path: path), stemmer: WordStemmer(language: "english")) {
            output.append(contentsOf: $0)
        }
        #expect(String(decoding: output, as: UTF8.self) == "run\nadd\nponi\n")
    }

    // MARK: Other languages stay on libstemmer

    @Test(arguments: [
        ("french", ["chevaux": "cheval", "majestueusement": "majestu", "continuation": "continu"]),
        ("german", ["häuser": "haus", "aufeinanderfolgenden": "aufeinanderfolg", "kategorien": "kategori"]),
    ])
    func otherLanguagesUseLibstemmer(_ language: String, _ stems: [String: String]) throws {
        let stemmer = try WordStemmer(language: language)
        #expect(stemmer.implementation == .libstemmer)
        for (word, stem) in stems {
            #expect(stemmer.stem(word) == stem, "\(language) stem of \(word)")
        }
        let stage = try SnowballStemmerStage(
            options: StageOptions(stage: "snowball-stemmer", values: ["language": .string(language)]),
            context: StageContext(baseDirectory: TestPaths.repositoryRoot, available: [.tokens]))
        #expect(stage.resolvedImplementation == .libstemmer)
    }

    @Test func stageImplementationOptionIsChecked() throws {
        func build(_ options: String) -> String {
            do {
                _ = try StageHarness(yaml: """
                    version: 1
                    stages:
                      - stage: icu-tokenizer
                      - stage: snowball-stemmer
                        options: { \(options) }
                    """)
                return "no error"
            } catch {
                return "\(error)"
            }
        }
        #expect(build("language: french, implementation: native")
            .contains("option 'implementation' of stage 'snowball-stemmer': the native stemmer covers english only, not 'french'"))
        #expect(build("implementation: fast").contains("'fast' is not one of: auto, native, libstemmer"))
        #expect(build("language: klingon").contains("libstemmer has no stemmer for 'klingon'"))
        #expect(build("language: english, implementation: libstemmer") == "no error")
    }

    @Test func libstemmerImplementationStillAvailableForEnglish() throws {
        let harness = try StageHarness(yaml: """
            version: 1
            stages:
              - stage: icu-tokenizer
              - stage: snowball-stemmer
                options: { implementation: libstemmer }
            """)
        let doc = try harness.run("added evening")
        #expect(doc.tokens.map { doc.stem($0) } == ["ad", "even"])
    }
}
