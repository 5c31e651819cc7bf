/// Marks scalar ranges of a text on its UTF-8 bytes: the Markdown and HTML writers differ only in
/// their marks and in how they escape the text between them.
public enum SpanHighlight {
    /// Escapes a piece of UTF-8 text, as a whole string (nothing joins it before or after), onto
    /// the end of the output.
    public typealias Escape = (UnsafeBufferPointer<UInt8>, inout [UInt8]) -> Void

    /// `text` with each of the merged `spans` (Unicode scalar offsets) wrapped in `open` and
    /// `close`; a span that starts inside an earlier one or runs past the end is left out. Each
    /// piece between marks is escaped on its own: what escaping each piece of the scalar array as a
    /// string of its own gives.
    public static func render(_ text: String, spans: [Range<Int>], open: String, close: String, escape: Escape) -> String {
        var text = text
        return text.withUTF8 { bytes in
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + 32)
            let scalarCount = UTF8Scan.scalarCount(bytes)
            // Spans come sorted, so scalar offsets map to byte offsets in one walk forward.
            var scalar = 0, byte = 0
            func byteOffset(ofScalar target: Int) -> Int {
                while scalar < target {
                    byte += 1
                    // Every byte but a continuation byte (10xxxxxx) starts a scalar.
                    while byte < bytes.count && bytes[byte] & 0xC0 == 0x80 { byte += 1 }
                    scalar += 1
                }
                return byte
            }
            var pos = 0, posByte = 0
            for r in mergedSpans(spans) where r.lowerBound >= pos && r.upperBound <= scalarCount {
                let start = byteOffset(ofScalar: r.lowerBound), end = byteOffset(ofScalar: r.upperBound)
                escape(UnsafeBufferPointer(rebasing: bytes[posByte..<start]), &out)
                out.append(contentsOf: open.utf8)
                escape(UnsafeBufferPointer(rebasing: bytes[start..<end]), &out)
                out.append(contentsOf: close.utf8)
                pos = r.upperBound
                posByte = end
            }
            escape(UnsafeBufferPointer(rebasing: bytes[posByte...]), &out)
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// Sorted, with overlapping or touching ranges joined.
    public static func mergedSpans(_ spans: [Range<Int>]) -> [Range<Int>] {
        spans.sorted { $0.lowerBound < $1.lowerBound }.reduce(into: [Range<Int>]()) { acc, r in
            if let last = acc.last, r.lowerBound <= last.upperBound {
                acc[acc.count - 1] = last.lowerBound..<max(last.upperBound, r.upperBound)
            } else {
                acc.append(r)
            }
        }
    }
}
