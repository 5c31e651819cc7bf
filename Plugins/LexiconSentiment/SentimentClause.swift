import VerbatimCore

/// One clause of a sentence: the unit the rules work in. Sentences split into clauses at
/// ";", ":", dashes, brackets and contrast words; a concession ("although …") ends at a comma.
struct Clause {
    var sentence: Int
    var start: Int32
    var end: Int32
    var positive = 0.0
    var negative = 0.0
    /// The strongest advice cue seen in the clause (0 = none).
    var advice = 0.0
    /// Contrast and concession weight.
    var weight = 1.0
    var isConcession = false

    /// The clause's valence after the advice rule, before contrast weights. `floor` is the advice
    /// strength the whole answer has when its question asks for advice.
    func value(_ s: SentimentSettings, adviceFloor floor: Double = 0) -> Double {
        let a = max(advice, floor)
        return positive * (1 - a * (1 - s.advicePositive)) + negative * (1 - a * (1 - s.adviceNegative))
    }
}

/// One side of a contrast or concession: the clauses of `sentence` among `indices`, except `excluding`.
struct TurnSide {
    var sentence: Int
    var indices: Range<Int>
    var excluding = -1

    func contains(_ k: Int, _ clauses: [Clause]) -> Bool { clauses[k].sentence == sentence && k != excluding }
}

func fmt(_ d: Double) -> String { JSONWriter.format((d * 100).rounded() / 100) }
func signed(_ d: Double) -> String { (d >= 0 ? "+" : "") + fmt(d) }
