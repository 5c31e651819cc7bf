import Testing
import VerbatimCore

/// The agreement statistics against values worked out by hand.
@Suite struct AgreementTests {
    func close(_ a: Double?, _ b: Double, _ tolerance: Double = 1e-4) -> Bool {
        guard let a else { return false }
        return abs(a - b) < tolerance
    }

    @Test func binaryTableStatistics() {
        // tp 8, fp 2, fn 4, tn 86.
        let c = BinaryCounts(truePositives: 8, falsePositives: 2, falseNegatives: 4, trueNegatives: 86)
        #expect(c.precision == 0.8)
        #expect(close(c.recall, 8.0 / 12.0))
        #expect(close(c.f1, 16.0 / 22.0))                 // 2·8 / (2·8 + 2 + 4)
        // p_o = 94/100; p_e = (10·12 + 90·88) / 100² = 0.804; kappa = (0.94 − 0.804) / 0.196.
        #expect(close(c.kappa, 0.136 / 0.196))
        #expect(c.support == 12 && c.predicted == 10 && c.total == 100)
    }

    @Test func degenerateTables() {
        let none = BinaryCounts(trueNegatives: 10)
        #expect(none.precision == 0 && none.recall == 0 && none.f1 == 0)
        #expect(none.kappa == nil, "both coders said no throughout: chance agreement is total")
        #expect(!none.isActive)
        let perfect = BinaryCounts(truePositives: 3, trueNegatives: 7)
        #expect(perfect.kappa == 1 && perfect.f1 == 1)
    }

    @Test func cohensKappaOfAMulticlassTable() {
        // p_o = 35/50 = 0.7; p_e = (25·30 + 25·20) / 50² = 0.5; kappa = 0.4.
        #expect(close(Agreement.cohensKappa([[20, 5], [10, 15]]), 0.4))
        // Three categories: p_o = 7/10; p_e = (5·4 + 3·3 + 2·3) / 100 = 0.35; kappa = 0.35 / 0.65.
        #expect(close(Agreement.cohensKappa([[3, 1, 1], [1, 2, 0], [0, 0, 2]]), 0.35 / 0.65))
    }

    @Test func krippendorffAlphaMatchesThePublishedBinaryExample() {
        // Two observers, ten units, binary values: alpha = 0.095 (Krippendorff's worked example).
        let a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
        let b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
        let alpha = Agreement.krippendorffAlphaNominal(units: zip(a, b).map { [$0, $1] })
        #expect(close(alpha, 0.095, 5e-4))
        // 1 − (20 − 1)·4 / (6·14) exactly, and the same from counts.
        #expect(close(alpha, 1 - 76.0 / 84.0, 1e-9))
        #expect(close(Agreement.krippendorffAlphaBinary(agreeingYes: 1, agreeingNo: 5, disagreeing: 4), 1 - 76.0 / 84.0, 1e-9))
    }

    @Test func krippendorffAlphaEdgeCases() {
        #expect(Agreement.krippendorffAlphaNominal(units: [[1, 1], [1, 1]]) == nil, "one value only: no expected disagreement")
        #expect(Agreement.krippendorffAlphaNominal(units: [[0, 0], [1, 1], [0, 0]]) == 1)
        // Units with one value are not pairable and do not count.
        #expect(Agreement.krippendorffAlphaNominal(units: [[0, 0], [1, 1], [1]]) == 1)
    }

    @Test func compareComputesPerThemeMicroMacroAlphaAndSentiment() {
        let gold = [
            GoldRecord(id: "1", themes: ["a", "b"], sentiment: .negative),
            GoldRecord(id: "2", themes: ["a"], sentiment: .positive),
            GoldRecord(id: "3", themes: [], sentiment: .neutral),
            GoldRecord(id: "4", themes: ["b"], sentiment: .negative),
        ]
        let predicted: [String: PredictedCoding] = [
            "1": PredictedCoding(themes: ["a"], sentiment: .negative),
            "2": PredictedCoding(themes: ["a", "b"], sentiment: .neutral),
            "3": PredictedCoding(themes: [], sentiment: .neutral),
            "4": PredictedCoding(themes: ["b"], sentiment: .negative),
        ]
        let report = Agreement.compare(gold: gold, predicted: predicted, themes: ["b", "a", "unused"])
        #expect(report.themes.map(\.theme) == ["b", "a", "unused"])
        // a: tp 2, tn 2. b: tp 1, fp 1 (id 2), fn 1 (id 1), tn 1.
        #expect(report.themes[1].counts == BinaryCounts(truePositives: 2, trueNegatives: 2))
        #expect(report.themes[0].counts == BinaryCounts(truePositives: 1, falsePositives: 1, falseNegatives: 1, trueNegatives: 1))
        #expect(report.micro == BinaryCounts(truePositives: 3, falsePositives: 1, falseNegatives: 1, trueNegatives: 7))
        #expect(close(report.micro.f1, 6.0 / 8.0))
        // Macro over the two themes in use (not "unused"): (1 + 0.5) / 2.
        #expect(close(report.macroF1, 0.75))
        #expect(close(report.macroPrecision, 0.75) && close(report.macroRecall, 0.75))
        // Alpha over 12 decisions: 3 yes-yes, 7 no-no, 2 disagreements → 1 − 23·2 / (8·16).
        #expect(close(report.alpha, 1 - 46.0 / 128.0, 1e-9))
        let s = try! #require(report.sentiment)
        #expect(s.count == 4)
        #expect(s.accuracy == 0.75)
        // negative F1 1, positive F1 0 (gold 1, predicted 0), neutral F1 2·1 / (1 + 2) → mean of three.
        #expect(close(s.macroF1, (1 + 0 + 2.0 / 3.0) / 3))
        // p_o = 0.75; p_e = (1·0 + 2·2 + 1·2 + 0·0) / 16 = 6/16; kappa = (0.75 − 0.375) / 0.625 = 0.6.
        #expect(close(s.kappa, 0.6))
    }

    @Test func sentimentIsLeftOutWhenTheGoldHasNone() {
        let report = Agreement.compare(gold: [GoldRecord(id: "1", themes: ["a"])],
                                       predicted: ["1": PredictedCoding(themes: ["a"], sentiment: .positive)])
        #expect(report.sentiment == nil)
        #expect(report.themes.map(\.theme) == ["a"])
    }

    @Test func goldFileParsing() throws {
        let records = try GoldRecord.parse("""
            {"id": "Q3-002", "question": "Q3", "themes": ["culture_silos", "leadership"], "sentiment": "negative"}

            {"id": "Q3-003", "themes": []}\r
            """, path: "gold.jsonl")
        #expect(records.map(\.id) == ["Q3-002", "Q3-003"])
        #expect(records[0].themes == ["culture_silos", "leadership"] && records[0].sentiment == .negative && records[0].question == "Q3")
        #expect(records[1].sentiment == nil && records[1].location.line == 3)
    }

    @Test func goldFileErrorsNameTheLine() {
        func message(_ text: String) -> String {
            do { _ = try GoldRecord.parse(text, path: "gold.jsonl"); return "no error" } catch { return "\(error)" }
        }
        let json = message("{\"id\": \"a\", \"themes\": []}\n{\"id\": \"b\", \"themes\": [}\n")
        #expect(json.hasPrefix("gold.jsonl:2:24: error: not valid JSON"), "\(json)")
        #expect(message("{\"themes\": []}").hasPrefix("gold.jsonl:1: error: the record has no \"id\""))
        #expect(message("{\"id\": \"a\", \"themes\": \"x\"}").hasPrefix("gold.jsonl:1: error: \"themes\" must be a list of theme ids"))
        #expect(message("{\"id\": \"a\", \"themes\": [1]}").hasPrefix("gold.jsonl:1: error: \"themes\" must hold only strings"))
        #expect(message("{\"id\": \"a\", \"themes\": [], \"sentiment\": \"happy\"}").hasPrefix("gold.jsonl:1: error: unknown sentiment 'happy'"))
        #expect(message("{\"id\": \"a\", \"themes\": []}\n{\"id\": \"a\", \"themes\": []}").hasPrefix("gold.jsonl:2: error: id 'a' appears twice (first on line 1)"))
        #expect(message("[1, 2]").hasPrefix("gold.jsonl:1: error: expected a JSON object"))
    }
}
