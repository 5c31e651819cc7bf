import Testing
import VerbatimCore

/// The writer keeps the enclosing containers' comma state in a 64-bit word and spills deeper
/// levels into an array: commas must come out right on both sides of that boundary.
@Suite struct JSONWriterNestingTests {
    /// `[[…[1,2]…,1,2],1,2]` nested `depth` deep, written by hand as the reference.
    func reference(depth: Int) -> String {
        var text = "[1,2]"
        for _ in 1..<depth { text = "[" + text + ",1,2]" }
        return text
    }

    @Test(arguments: [1, 2, 63, 64, 65, 66, 130])
    func commasAtEveryDepth(_ depth: Int) {
        var w = JSONWriter()
        for _ in 0..<depth { w.beginArray() }
        w.integer(1); w.integer(2)
        for _ in 1..<depth {
            w.endArray()
            w.integer(1); w.integer(2)
        }
        w.endArray()
        #expect(String(decoding: w.bytes, as: UTF8.self) == reference(depth: depth))
    }

    @Test func objectsInsideDeepArraysAfterReset() {
        var w = JSONWriter()
        for _ in 0..<70 { w.beginArray() }
        w.reset()
        w.beginObject()
        w.key(literal: "a"); w.beginArray(); w.beginObject(); w.endObject(); w.null(); w.endArray()
        w.key(literal: "b"); w.integer(3)
        w.endObject()
        #expect(String(decoding: w.bytes, as: UTF8.self) == #"{"a":[{},null],"b":3}"#)
    }

    /// Literal keys and strings of one character (which a `StaticString` may hold as a scalar, not
    /// bytes) and longer ones, after keys, between members and inside arrays.
    @Test func literalKeysAndStringsOfAnyLength() {
        var w = JSONWriter()
        w.beginObject()
        w.key(literal: "k"); w.string(literal: "v")
        w.key(literal: "label"); w.string(literal: "positive")
        w.key(literal: "list")
        w.beginArray(); w.string(literal: "x"); w.string(literal: "two"); w.endArray()
        w.endObject()
        w.beginArray(); w.string(literal: "é"); w.endArray()
        #expect(String(decoding: w.bytes, as: UTF8.self) == #"{"k":"v","label":"positive","list":["x","two"]}["é"]"#)
    }
}
