/// What one candidate shares with the quotes chosen so far, for `QuoteCollector.choose`: brought up
/// to date lazily, so a candidate that never comes close to being chosen is never compared.
struct QuoteOverlap {
    /// The highest Jaccard similarity of stems to a chosen quote.
    var similarity = 0.0
    /// A chosen quote has the same text, or the same respondent.
    var sameText = false
    var sameRespondent = false
    /// How many of the chosen quotes (in the order chosen) are taken into account.
    var seen = 0

    /// Takes into account the chosen quotes that candidate `i` was not yet compared with. The
    /// result does not depend on when this runs: a maximum and two "any"s, whatever the order.
    /// Fields are read in place: copying a whole quote out would retain every field.
    mutating func catchUp(_ i: Int, in candidates: [Quote], chosen: [Int]) {
        while seen < chosen.count {
            let c = chosen[seen]
            similarity = max(similarity, QuoteCollector.jaccard(candidates[i].stemKeys, candidates[c].stemKeys))
            if !sameText && candidates[i].text == candidates[c].text { sameText = true }
            if !sameRespondent && candidates[i].respondent == candidates[c].respondent { sameRespondent = true }
            seen += 1
        }
    }
}
