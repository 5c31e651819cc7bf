import VerbatimCore

/// REFI-QDA project export (`.qdpx`): a zip holding `project.qde` (namespace
/// `urn:QDA-XML:project:1.0`) and one plain-text source per response under `sources/`.
///
/// In `project.qde`: the codebook (as in the `.qdc` export), variables `question`, `sentiment` and
/// each metadata field, one `TextSource` per response (named by its id, `plainTextPath` pointing at
/// its file) with one `PlainTextSelection` per evidence span, coded with the theme's code, and one
/// set of sources per question. Selection positions count Unicode code points of the source text
/// (start inclusive, end exclusive), the REFI-QDA convention. Every GUID is derived from ids, so the
/// same run exports the same file.
public enum QDPXProjectWriter {
    public static func data(_ content: ReportContent, metadataKeys: [String], name: String) throws -> [UInt8] {
        let (xml, sources) = project(content, metadataKeys: metadataKeys, name: name)
        var entries: [(path: String, bytes: [UInt8])] = [("project.qde", Array(xml.utf8))]
        for s in sources { entries.append(("sources/" + s.file, Array(s.text.utf8))) }
        return try ZipPackage.make(entries)
    }

    static let userGUID = StableGUID.make("user:verbatim")

    /// `project.qde` and the source files (name in `sources/`, text).
    public static func project(_ content: ReportContent, metadataKeys: [String], name: String) -> (xml: String, sources: [(file: String, text: String)]) {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"\(XMLText.attribute(name))\" origin=\"Verbatim\" creatingUserGUID=\"\(userGUID)\">\n"
        out += "<Users>\n  <User guid=\"\(userGUID)\" name=\"Verbatim\" id=\"verbatim\"/>\n</Users>\n"
        // The themes as declared (palette colours are the codebook writer's to mark), plus themes
        // coded but not declared, which still need a code for their selections.
        var themes = content.counts.themes
        let known = Set(themes.map(\.id))
        for r in content.responses {
            for c in r.codes where !known.contains(c.theme) && !themes.contains(where: { $0.id == c.theme }) {
                themes.append(ThemeInfo(id: c.theme, label: c.theme))
            }
        }
        if !themes.isEmpty {
            out += "<CodeBook>\n<Codes>\n" + QDCCodebookWriter.codes(themes, indent: "") + "</Codes>\n</CodeBook>\n"
        }
        let variables = ["question", "sentiment"] + metadataKeys.filter { $0 != "question" && $0 != "sentiment" }
        out += "<Variables>\n"
        for v in variables {
            out += "  <Variable guid=\"\(variableGUID(v))\" name=\"\(XMLText.attribute(v))\" typeOfVariable=\"Text\"/>\n"
        }
        out += "</Variables>\n"
        var sources: [(file: String, text: String)] = []
        var byQuestion: [String: [String]] = [:]
        var questionOrder: [String] = []
        if !content.responses.isEmpty {
            out += "<Sources>\n"
            for (k, r) in content.responses.enumerated() {
                let sourceGUID = StableGUID.make("source:\(k):\(r.id)")
                let file = sourceGUID + ".txt"
                sources.append((file, r.text))
                if let q = r.question {
                    if byQuestion[q] == nil { questionOrder.append(q) }
                    byQuestion[q, default: []].append(sourceGUID)
                }
                out += "<TextSource guid=\"\(sourceGUID)\" name=\"\(XMLText.attribute(r.id))\" plainTextPath=\"internal://\(file)\" creatingUser=\"\(userGUID)\">\n"
                let length = r.text.unicodeScalars.count
                for code in r.codes {
                    for (e, span) in code.evidence.enumerated() {
                        let start = max(0, min(span.start, length)), end = max(start, min(span.end, length))
                        let key = "\(k):\(r.id):\(code.theme):\(e)"
                        let label = String(r.text(start, end).prefix(80))
                        out += "  <PlainTextSelection guid=\"\(StableGUID.make("selection:" + key))\" name=\"\(XMLText.attribute(label))\" "
                        out += "startPosition=\"\(start)\" endPosition=\"\(end)\" creatingUser=\"\(userGUID)\">\n"
                        if !span.rule.isEmpty { out += "    <Description>\(XMLText.escape(span.rule))</Description>\n" }
                        out += "    <Coding guid=\"\(StableGUID.make("coding:" + key))\" creatingUser=\"\(userGUID)\">"
                        out += "<CodeRef targetGUID=\"\(QDCCodebookWriter.guid(forTheme: code.theme))\"/></Coding>\n"
                        out += "  </PlainTextSelection>\n"
                    }
                }
                var values: [(String, String)] = [("question", r.question ?? ""), ("sentiment", r.sentiment?.label.rawValue ?? "")]
                for key in metadataKeys where key != "question" && key != "sentiment" { values.append((key, r.metadataText(key) ?? "")) }
                for (v, value) in values where !value.isEmpty {
                    out += "  <VariableValue><VariableRef targetGUID=\"\(variableGUID(v))\"/><TextValue>\(XMLText.escape(value))</TextValue></VariableValue>\n"
                }
                out += "</TextSource>\n"
            }
            out += "</Sources>\n"
        }
        if !questionOrder.isEmpty {
            out += "<Sets>\n"
            for q in questionOrder {
                out += "  <Set guid=\"\(StableGUID.make("set:question:" + q))\" name=\"\(XMLText.attribute("Question " + q))\">\n"
                for g in byQuestion[q] ?? [] { out += "    <MemberSource targetGUID=\"\(g)\"/>\n" }
                out += "  </Set>\n"
            }
            out += "</Sets>\n"
        }
        out += "</Project>\n"
        return (out, sources)
    }

    static func variableGUID(_ name: String) -> String { StableGUID.make("variable:" + name) }
}
