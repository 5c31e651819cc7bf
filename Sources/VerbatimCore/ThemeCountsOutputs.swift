/// The files `verbatim run` writes from the counts: `counts.csv`, `counts.json`, `cooccurrence.csv`,
/// and the plain-text table for the terminal.
extension ThemeCounts {
    /// `counts.csv`: one row per theme and question (and an ALL row per theme), zeros included.
    /// With a breakdown field, a `group` column is appended and each theme/question row is repeated
    /// per group, after its all-groups row. Text cells are neutralised against spreadsheet formulas.
    public func csv() -> String {
        var out = "theme,label,parent,question,responses,answers,share,positive,negative,neutral,mixed"
        out += breakdownField == nil ? "\r\n" : ",group\r\n"
        let groupColumn: [String?] = breakdownField == nil ? [nil] : [Self.allQuestions] + groups
        for theme in themes {
            for q in questions + [Self.allQuestions] {
                for g in groupColumn {
                    let c = cell(theme.id, q, group: g)
                    let n = answers(for: q, group: g)
                    var fields: [String] = [
                        theme.id, theme.label, theme.parent ?? "", q, String(c.responses), String(n),
                        Self.decimal(Self.share(c.responses, of: n), places: 4), String(c.positive), String(c.negative),
                        String(c.neutral), String(c.mixed),
                    ]
                    if let g { fields.append(g) }
                    out += fields.map { CSVField.escape($0, neutralise: true) }.joined(separator: ",") + "\r\n"
                }
            }
        }
        return out
    }

    /// `cooccurrence.csv`: a square table of theme ids; each cell counts the responses coded with both.
    public func cooccurrenceCSV() -> String {
        var out = (["theme"] + themes.map(\.id)).map { CSVField.escape($0, neutralise: true) }.joined(separator: ",") + "\r\n"
        for a in themes {
            out += ([CSVField.escape(a.id, neutralise: true)] + themes.map { String(cooccurrence(a.id, $0.id)) })
                .joined(separator: ",") + "\r\n"
        }
        return out
    }

    /// `counts.json`: the same numbers as `counts.csv`, nested, plus the co-occurrence matrix.
    ///
    /// `{"by", "total_answers", "questions": [{question, answers, groups?}], "themes": [{id, label, parent,
    /// counts: [{question, responses, answers, share, positive, negative, neutral, mixed, groups?: [{group, ...}]}]}],
    /// "cooccurrence": {"themes": [id], "matrix": [[n]]}}`
    public func json() -> String {
        var w = JSONWriter(reservingCapacity: 4096)
        let groups = self.groups
        w.beginObject()
        w.key("by")
        if let field = breakdownField { w.string(field) } else { w.null() }
        w.key("total_answers"); w.integer(totalAnswers)
        w.key("questions")
        w.beginArray()
        for q in questions + [Self.allQuestions] {
            w.beginObject()
            w.key("question"); w.string(q)
            w.key("answers"); w.integer(answers(for: q))
            if breakdownField != nil {
                w.key("groups")
                w.beginObject()
                for g in groups {
                    w.key(g); w.integer(answers(for: q, group: g))
                }
                w.endObject()
            }
            w.endObject()
        }
        w.endArray()
        w.key("themes")
        w.beginArray()
        for theme in themes {
            w.beginObject()
            w.key("id"); w.string(theme.id)
            w.key("label"); w.string(theme.label)
            w.key("parent")
            if let parent = theme.parent { w.string(parent) } else { w.null() }
            w.key("counts")
            w.beginArray()
            for q in questions + [Self.allQuestions] {
                w.beginObject()
                w.key("question"); w.string(q)
                writeCell(theme.id, q, group: nil, into: &w)
                if breakdownField != nil {
                    w.key("groups")
                    w.beginArray()
                    for g in groups {
                        w.beginObject()
                        w.key("group"); w.string(g)
                        writeCell(theme.id, q, group: g, into: &w)
                        w.endObject()
                    }
                    w.endArray()
                }
                w.endObject()
            }
            w.endArray()
            w.endObject()
        }
        w.endArray()
        w.key("cooccurrence")
        w.beginObject()
        w.key("themes")
        w.beginArray()
        for t in themes { w.string(t.id) }
        w.endArray()
        w.key("matrix")
        w.beginArray()
        for a in themes {
            w.beginArray()
            for b in themes { w.integer(cooccurrence(a.id, b.id)) }
            w.endArray()
        }
        w.endArray()
        w.endObject()
        w.endObject()
        w.newline()
        return String(decoding: w.bytes, as: UTF8.self)
    }

    private func writeCell(_ theme: String, _ question: String, group: String?, into w: inout JSONWriter) {
        let c = cell(theme, question, group: group)
        let n = answers(for: question, group: group)
        w.key("responses"); w.integer(c.responses)
        w.key("answers"); w.integer(n)
        w.key("share"); w.number(Self.share(c.responses, of: n))
        w.key("positive"); w.integer(c.positive)
        w.key("negative"); w.integer(c.negative)
        w.key("neutral"); w.integer(c.neutral)
        w.key("mixed"); w.integer(c.mixed)
    }

    /// Fixed-point formatting that does not depend on the locale.
    public static func decimal(_ value: Double, places: Int) -> String {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let n = Int((abs(value) * scale).rounded())
        var frac = String(n % Int(scale))
        while frac.count < places { frac = "0" + frac }
        return (value < 0 && n != 0 ? "-" : "") + String(n / Int(scale)) + (places > 0 ? "." + frac : "")
    }

    /// A compact table for the terminal: themes by question, with the share of all answers.
    public func summaryTable() -> String {
        let qs = questions
        var rows: [[String]] = [["Theme"] + qs + ["All", "Share", "+/-/~/±"]]
        for theme in themes {
            let all = cell(theme.id, Self.allQuestions)
            let share = Self.share(all.responses, of: totalAnswers) * 100
            rows.append(
                [theme.parent == nil ? theme.label : "  " + theme.label]
                    + qs.map { String(cell(theme.id, $0).responses) }
                    + [String(all.responses), Self.decimal(share, places: 1) + "%",
                       "\(all.positive)/\(all.negative)/\(all.neutral)/\(all.mixed)"])
        }
        rows.append(["Answers"] + qs.map { String(answers(for: $0)) } + [String(totalAnswers), "", ""])
        return TextTable.render(rows)
    }
}
