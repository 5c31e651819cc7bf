import LexiconSentiment
import Testing
import VerbatimCore
import VerbatimTestSupport

/// The lexicon format, its errors, and loading VADER- and AFINN-format word lists.
@Suite struct LexiconSentimentLexiconTests {
    func error(_ text: String, format: LexiconFormat = .verbatim) -> String {
        do {
            _ = try LexiconParser.parse(text, path: "x.tsv", format: format)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func readsWordsPrefixesExpressionsEmoticonsAndRules() throws {
        let entries = try LexiconParser.parse("""
            # a comment, then a blank line

            splendid\t3
            frustrat*\t-2
            red tape\t-1.6
            joined-up\t1.2
            :-)\t2
            not\tnegate
            no\tnegate -0.8
            very\tboost 0.3
            damn\tboost 0.3 -1.5
            lack\tlack -1.5
            reduce\treverse 0
            but\tcontrast
            although\tconcede
            should\tadvice 1
            like\t1.8\tafter=i|we
            """, path: "x.tsv")
        #expect(entries.count == 15)
        #expect(entries[0] == LexiconEntry(words: ["splendid"], rule: .valence(3), source: SourceLocation(file: "x.tsv", line: 3, column: 1)))
        #expect(entries[1].isPrefix && entries[1].words == ["frustrat"])
        #expect(entries[2].words == ["red", "tape"])
        #expect(entries[3].words == ["joined", "up"])
        #expect(entries[4].words == [":-)"])
        #expect(entries[6].rule == .negate(alone: -0.8))
        #expect(entries[8].rule == .boost(0.3, alone: -1.5))
        #expect(entries[14].after == ["i", "we"])
    }

    @Test func badLinesNameTheFileLineAndColumn() {
        #expect(error("good\t2\nbetter 2\n") == """
            x.tsv:2:1: error: expected an entry and a value separated by a TAB
              hint: separate the entry and its value with a TAB, not spaces
            """)
        #expect(error("good\t9") == "x.tsv:1:6: error: valence 9 is outside -4…4\n  hint: use -4 (very negative) … 4 (very positive)")
        #expect(error("# header\nvery\tboots 0.3") == """
            x.tsv:2:6: error: unknown value 'boots 0.3'
              hint: a value is a valence -4…4 or one of: negate [V], prefix-negate, boost N [V], lack N, reverse N, contrast, concede, advice N
            """)
        #expect(error("very\tboost") == "x.tsv:1:6: error: 'boost' needs a number\n  hint: write 'boost N', e.g. 'boost 1'")
        #expect(error("good\t2\nGood\t1") == "x.tsv:2:1: error: 'good' is already defined on line 1\n  hint: keep one line per entry")
        #expect(error("like\t1\twhen=i") == "x.tsv:1:8: error: unknown condition 'when=i'\n  hint: the only condition is after=word1|word2|…")
    }

    @Test func vaderAndAfinnFormatsAreChecked() {
        #expect(error("grand\t2.5\t0.5\t[2, 3, 3, 2]\r\nsplendid\tgreat\t0.4\t[3]", format: .vader)
                == "x.tsv:2:10: error: 'great' is not a mean rating in -4…4\n  hint: VADER lines are word<TAB>mean<TAB>sd<TAB>[ratings]")
        #expect(error("grand\t3\nawful\t-7", format: .afinn)
                == "x.tsv:2:7: error: '-7' is not an AFINN score\n  hint: AFINN scores are whole numbers from -5 to 5")
    }

    @Test func externalLexiconsLoadAndScaleFromThePipeline() throws {
        let directory = try TestPaths.temporaryDirectory("sentiment-lexicons")
        try FileIO.writeAtomically("zorbly\t2.5\t0.5\t[2, 3, 3, 2]\r\nnot\t-1.2\t0.4\t[-1, -1]\r\n", to: directory + "/vader.txt")
        try FileIO.writeAtomically("blorpy\t-5\nfizzwig\t2\n", to: directory + "/afinn.txt")
        try FileIO.writeAtomically("fizzwig\t-1\n", to: directory + "/mine.tsv")
        let harness = try StageHarness(yaml: """
            version: 1
            stages:
              - icu-tokenizer
              - stage: lexicon-sentiment
                options:
                  lexicons:
                    - {path: vader.txt, format: vader}
                    - {path: afinn.txt, format: afinn}
            """, baseDirectory: directory)
        let zorbly = try harness.run("The launch was zorbly.", trace: true)
        #expect(zorbly.sentiment?.label == .positive)
        #expect(zorbly.trace.contains { $0.message.hasPrefix("'zorbly' +2.5") })
        // AFINN's -5…5 is scaled onto -4…4.
        #expect(try harness.run("blorpy", trace: true).trace.contains { $0.message.hasPrefix("'blorpy' -4") })
        // A word list's valence for "not" does not switch the negation rule off.
        #expect(try harness.run("The launch was not zorbly.").sentiment?.label == .negative)

        // Later lexicons win; a plain path means Verbatim's format.
        let both = try StageHarness(yaml: """
            version: 1
            stages:
              - icu-tokenizer
              - stage: lexicon-sentiment
                options:
                  lexicons: [{path: afinn.txt, format: afinn}, mine.tsv]
            """, baseDirectory: directory)
        #expect(try both.run("fizzwig").sentiment?.label == .negative)
    }

    @Test func aBadExternalLexiconStopsThePipelineBuild() throws {
        let directory = try TestPaths.temporaryDirectory("sentiment-lexicons")
        try FileIO.writeAtomically("good\t3\nbad\tterrible\n", to: directory + "/afinn.txt")
        func build(_ options: String) -> String {
            do {
                _ = try StageHarness(yaml: "version: 1\nstages:\n  - icu-tokenizer\n  - stage: lexicon-sentiment\n    options: \(options)\n",
                                     baseDirectory: directory)
                return "no error"
            } catch {
                return "\(error)"
            }
        }
        #expect(build("{lexicons: [{path: afinn.txt, format: afinn}]}")
                == "\(directory)/afinn.txt:2:5: error: 'terrible' is not an AFINN score\n  hint: AFINN scores are whole numbers from -5 to 5")
        #expect(build("{lexicons: [{path: missing.txt}]}").contains("option 'lexicons' of stage 'lexicon-sentiment': lexicon file '\(directory)/missing.txt' not found"))
        #expect(build("{lexicons: [{path: afinn.txt, format: sentiwordnet}]}").contains("format must be one of: verbatim, vader, afinn"))
        #expect(build("{lexicons: [{file: afinn.txt}]}").contains("unknown key 'file' in a lexicon; use path, format and scale"))
        // A rule setting outside its range names the option, the value and the range.
        #expect(build("{question_advice: 2}").contains(":5:32: error: option 'question_advice' of stage 'lexicon-sentiment': 2 is out of range 0…1"))
    }

    @Test func withoutTheBuiltInValencesOnlyTheRulesRemain() throws {
        let harness = try StageHarness(yaml: """
            version: 1
            stages:
              - icu-tokenizer
              - stage: lexicon-sentiment
                options: {builtin_lexicon: false}
            """)
        #expect(try harness.run("Excellent, wonderful work.").sentiment?.score == 0)
    }

    @Test func theBuiltInLexiconIsLargeAndMatchesItsSourceFile() throws {
        let entries = try LexiconSentimentStage.builtinEntries.get()
        let valences = entries.filter { !$0.rule.isModifier }
        #expect(valences.count > 4000)
        #expect(entries.count - valences.count > 300)
        for word in ["barrier", "silo", "red tape", "bureaucracy", "duplication", "buy in", "joined up", "flakey", "cumbersome",
                     "excellent", "vital", "lol", ":)", "😀"] {
            #expect(entries.contains { $0.words.joined(separator: " ") == word }, "\(word)")
        }
        // The compiled-in copy must be regenerated (scripts/embed-lexicon.sh) whenever the file changes.
        let onDisk = try LexiconParser.load(path: TestPaths.repositoryRoot + "/Corpora/lexicons/verbatim-en.tsv")
        #expect(onDisk.map(\.key) == entries.map(\.key))
        #expect(onDisk.map(\.rule) == entries.map(\.rule))
    }
}
