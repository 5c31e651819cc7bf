import Testing
import VerbatimCore

/// The eight-bytes-at-a-time text checks, against a byte-at-a-time reading, at every offset.
@Suite struct UTF8ScanTests {
    @Test func aHighByteIsFoundAtEveryOffset() {
        for length in 0...19 {
            let ascii = [UInt8](repeating: UInt8(ascii: "a"), count: length)
            #expect(ascii.withUnsafeBufferPointer(UTF8Scan.isASCII), "\(length)")
            for position in 0..<length {
                for high: UInt8 in [0x80, 0xC3, 0xFF] {
                    var bytes = ascii
                    bytes[position] = high
                    #expect(!bytes.withUnsafeBufferPointer(UTF8Scan.isASCII), "\(length) \(position) \(high)")
                }
            }
        }
    }

    @Test(arguments: ["", "plain", "café au lait, crème brûlée", "नमस्ते दुनिया", "👩🏽‍💻 and 🇬🇧 flags", "نحتاج إلى ميزانية", "a\u{0301}bc" + String(repeating: "é", count: 17)])
    func scalarCountAgreesWithTheStandardLibrary(text: String) {
        let bytes = Array(text.utf8)
        #expect(bytes.withUnsafeBufferPointer(UTF8Scan.scalarCount) == text.unicodeScalars.count)
        // And for every suffix, so that each length of the byte-at-a-time tail is covered.
        let scalars = Array(text.unicodeScalars)
        for drop in 0..<scalars.count {
            var suffix = String.UnicodeScalarView()
            suffix.append(contentsOf: scalars[drop...])
            let part = Array(String(suffix).utf8)
            #expect(part.withUnsafeBufferPointer(UTF8Scan.scalarCount) == scalars.count - drop)
        }
    }
}
