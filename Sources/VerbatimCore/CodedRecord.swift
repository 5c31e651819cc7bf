/// The `coded.jsonl` record of one document: the output contract scripts rely on.
///
/// `{"id", "question", "themes", "evidence", "sentiment", "theme_sentiment"?, "annotations"?, "metadata"?}`
/// with evidence offsets in Unicode scalars of `text`.
public enum CodedRecord {
    /// Encodes `document` as one JSON line (with the trailing newline) into `writer`.
    public static func encode(_ document: Document, into writer: inout JSONWriter, includeText: Bool = false) {
        let r = document.response
        writer.beginObject()
        writer.key(literal: "id"); writer.string(r.id)
        writer.key(literal: "question")
        if let q = r.question { writer.string(q) } else { writer.null() }
        if includeText {
            writer.key(literal: "text"); writer.string(r.text)
        }
        // Codes and evidence are read in place: iterating the arrays copied each element, retaining
        // its evidence array (and each rule name) once more per loop.
        document.codes.withUnsafeBufferPointer { codes in
            writer.key(literal: "themes")
            writer.beginArray()
            for i in codes.indices { writer.string(codes[i].theme) }
            writer.endArray()
            writer.key(literal: "evidence")
            writer.beginObject()
            let offsets = ScalarOffsets(document.utf8)
            document.utf8.withUnsafeBufferPointer { text in
                for i in codes.indices {
                    writer.key(codes[i].theme)
                    writer.beginArray()
                    codes[i].evidence.withUnsafeBufferPointer { evidence in
                        for j in evidence.indices {
                            let span = evidence[j].span
                            writer.beginObject()
                            writer.key(literal: "start"); writer.integer(offsets.scalarOffset(ofByte: Int(span.start)))
                            writer.key(literal: "end"); writer.integer(offsets.scalarOffset(ofByte: Int(span.end)))
                            writer.key(literal: "text"); writer.string(utf8: UnsafeBufferPointer(rebasing: text[span.range]))
                            writer.key(literal: "rule"); writer.string(evidence[j].rule)
                            writer.endObject()
                        }
                    }
                    writer.endArray()
                }
            }
            writer.endObject()
        }
        writer.key(literal: "sentiment")
        if let s = document.sentiment {
            encode(s, into: &writer)
        } else {
            writer.null()
        }
        if !document.themeSentiment.isEmpty {
            writer.key(literal: "theme_sentiment")
            writer.beginObject()
            encodeSorted(document.themeSentiment, into: &writer)
            writer.endObject()
        }
        if !document.annotations.isEmpty {
            writer.key(literal: "annotations")
            writer.beginObject()
            for key in document.annotations.keys.sorted() {
                writer.key(key)
                writer.value(document.annotations[key]!)
            }
            writer.endObject()
        }
        if !r.metadata.isEmpty {
            writer.key(literal: "metadata")
            writer.value(.object(r.metadata))
        }
        writer.endObject()
        writer.newline()
    }

    /// Writes `members` in key order. An answer has a few theme sentiments: their dictionary
    /// indices are sorted in stack memory, which spares the array of key-value pairs that
    /// `sorted` would allocate, and a retain and release of each key copied into it.
    static func encodeSorted(_ members: [String: Sentiment], into writer: inout JSONWriter) {
        guard members.count <= 32 else {
            for (key, sentiment) in members.sorted(by: { $0.key < $1.key }) {
                writer.key(key)
                encode(sentiment, into: &writer)
            }
            return
        }
        withUnsafeTemporaryAllocation(of: Dictionary<String, Sentiment>.Index.self, capacity: members.count) { order in
            var n = 0
            var i = members.startIndex
            while i != members.endIndex {
                // Insertion sort: keys are distinct, so the order is that of `sorted`.
                var j = n
                while j > 0, members[i].key < members[order[j - 1]].key {
                    order.initializeElement(at: j, to: order.moveElement(from: j - 1))
                    j -= 1
                }
                order.initializeElement(at: j, to: i)
                n += 1
                members.formIndex(after: &i)
            }
            for k in 0..<n {
                writer.key(members[order[k]].key)
                encode(members[order[k]].value, into: &writer)
            }
            _ = UnsafeMutableBufferPointer(rebasing: order[..<n]).deinitialize()
        }
    }

    static func encode(_ s: Sentiment, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.key(literal: "label"); writer.string(literal: s.label.literal)
        writer.key(literal: "score"); writer.number(s.score)
        writer.endObject()
    }
}

/// Converts UTF-8 byte offsets to Unicode scalar offsets in one pass per document.
public struct ScalarOffsets {
    private var table: [Int32] = []
    private let isASCII: Bool

    public init(_ utf8: [UInt8]) {
        isASCII = utf8.withUnsafeBufferPointer(UTF8Scan.isASCII)
        guard !isASCII else { return }
        table.reserveCapacity(utf8.count + 1)
        var n: Int32 = 0
        for b in utf8 {
            table.append(n)
            if b & 0xC0 != 0x80 { n += 1 }
        }
        table.append(n)
    }

    public func scalarOffset(ofByte byte: Int) -> Int {
        isASCII ? byte : Int(table[min(byte, table.count - 1)])
    }
}
