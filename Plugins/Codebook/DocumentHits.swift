import VerbatimCore

/// One match of a unit: word positions and one or two byte spans (two for NEAR sides apart).
struct Occurrence {
    var unit: Int32
    var rule: Int32
    var start: Int32
    var end: Int32
    var first: ByteSpan
    var second: ByteSpan?
}

/// What the scan found in the current document: its word positions (non-ignored word-like tokens)
/// and the phrase hits of every unit. Written by the scan, then only read while the hits are
/// evaluated. Per-unit tables are reset by stamping, not clearing, so a document costs what its
/// hits cost, not what the codebook's size costs.
struct DocumentHits: ~Copyable {
    /// A word position: the token's bytes, its clause and its sentence.
    struct Position {
        var span: ByteSpan
        var clause: Int32
        var sentence: Int32
    }
    private(set) var positions = ScratchBuffer<Position>(capacity: 256)
    /// Positions of negation cues, in order.
    private var cues = ScratchBuffer<Int32>()

    struct Hit {
        var start: Int32
        var end: Int32
        var side: Int32
        /// The previous hit of the same unit, or -1.
        var next: Int32
    }
    private var hits = ScratchBuffer<Hit>(capacity: 256)
    /// Per unit: the document stamp, and, valid when the stamp is this document's, the unit's latest
    /// hit and the sides hit (bit 1 << side), so a NEAR unit with one side only is skipped without
    /// walking its hits. Side by side, so that a hit reads and writes one cache line.
    /// (Not private: Swift 6.3.1 debug builds fail to link a private type held in a `ScratchBuffer`.)
    struct UnitHits {
        var stamp: UInt32
        var head: Int32
        var sides: Int32
    }
    private var unitHits: ScratchBuffer<UnitHits>
    /// Units hit in this document, in order of their first hit.
    private(set) var touched = ScratchBuffer<Int32>()
    private(set) var stamp: UInt32 = 0

    init(unitCount: Int) {
        unitHits = ScratchBuffer(repeating: UnitHits(stamp: 0, head: -1, sides: 0), count: unitCount)
    }

    /// Starts a document; returns false when the stamps wrapped around and were all reset (tables
    /// stamped by the caller must then be reset too).
    mutating func begin() -> Bool {
        positions.removeAll()
        cues.removeAll()
        hits.removeAll()
        touched.removeAll()
        stamp &+= 1
        guard stamp == 0 else { return true }
        for i in 0..<unitHits.count { unitHits[i].stamp = 0 }
        stamp = 1
        return false
    }

    @inline(__always)
    mutating func addPosition(_ span: ByteSpan, clause: Int32, sentence: Int32, isCue: Bool) {
        if isCue { cues.append(Int32(positions.count)) }
        positions.append(Position(span: span, clause: clause, sentence: sentence))
    }

    /// Records that word positions `start...end` match one side (0: whole, 1: left, 2: right) of `unit`.
    @inline(__always)
    mutating func add(unit: Int, side: Int32, start: Int32, end: Int32) {
        var state = unitHits[unit]
        if state.stamp != stamp {
            state = UnitHits(stamp: stamp, head: -1, sides: 0)
            touched.append(Int32(unit))
        }
        hits.append(Hit(start: start, end: end, side: side, next: state.head))
        unitHits[unit] = UnitHits(stamp: stamp, head: Int32(hits.count - 1), sides: state.sides | 1 << side)
    }

    @inline(__always)
    func isHit(_ unit: Int32) -> Bool { unitHits[Int(unit)].stamp == stamp }

    /// Whether `unit` may match in this document: it was hit and, for a NEAR, on both sides (left
    /// hits are side 1, right hits side 2). Both sides may still be too far apart: only
    /// `appendOccurrences` tells.
    @inline(__always)
    func mayMatch(_ unit: Int32, _ hot: HotFields) -> Bool {
        guard isHit(unit) else { return false }
        let needed: Int32 = hot.unitDistance[Int(unit)] > 0 ? 1 << 1 | 1 << 2 : 0
        return unitHits[Int(unit)].sides & needed == needed
    }

    /// Appends every match of `unit` in the current document to `output`. Mutating only so that
    /// this struct is passed by reference: passed by value, it would be copied on every call.
    @inline(__always)
    mutating func appendOccurrences(of unit: Int32, _ book: CompiledCodebook, to output: inout ScratchBuffer<Occurrence>) {
        // Inlined, so most units that cannot match cost no call.
        if mayMatch(unit, book.hot) { appendMatches(of: unit, book, to: &output) }
    }

    private mutating func appendMatches(of unit: Int32, _ book: CompiledCodebook, to output: inout ScratchBuffer<Occurrence>) {
        let rule = book.hot.unitOwner[Int(unit)]
        let distance = book.hot.unitDistance[Int(unit)]
        let head = unitHits[Int(unit)].head
        if distance == 0 {
            var h = head
            while h >= 0 {
                let hit = hits[Int(h)]
                output.append(Occurrence(unit: unit, rule: rule, start: hit.start, end: hit.end,
                                         first: span(hit.start, hit.end), second: nil))
                h = hit.next
            }
            return
        }
        let ordered = book.hot.unitOrdered[Int(unit)]
        // Each left match pairs with its nearest right match in the same sentence; among equally
        // near ones, the latest (hits are linked newest first).
        var l = head
        while l >= 0 {
            let left = hits[Int(l)]
            l = left.next
            guard left.side == 1 else { continue }
            let (ls, le) = (left.start, left.end)
            var best: (Int32, Int32, Int32)?
            var r = head
            while r >= 0 {
                let right = hits[Int(r)]
                r = right.next
                let (rs, re) = (right.start, right.end)
                guard right.side != 1, positions[Int(rs)].sentence == positions[Int(ls)].sentence else { continue }
                let gap: Int32
                if rs > le { gap = rs - le - 1 } else if !ordered, re < ls { gap = ls - re - 1 } else { continue }
                if gap <= distance, best == nil || gap < best!.2 { best = (rs, re, gap) }
            }
            guard let (rs, re, gap) = best else { continue }
            let (a, b) = rs > le ? ((ls, le), (rs, re)) : ((rs, re), (ls, le))
            output.append(Occurrence(unit: unit, rule: rule, start: a.0, end: b.1,
                                     first: gap == 0 ? span(a.0, b.1) : span(a.0, a.1),
                                     second: gap == 0 ? nil : span(b.0, b.1)))
        }
    }

    /// The bytes from the first to the last token of word positions `start...end`.
    @inline(__always)
    func span(_ start: Int32, _ end: Int32) -> ByteSpan {
        ByteSpan(start: positions[Int(start)].span.start, end: positions[Int(end)].span.end)
    }

    @inline(__always)
    func sentence(of o: Occurrence) -> Int32 { positions[Int(o.start)].sentence }

    /// The cue that negates an occurrence: within the window before it, in the same clause.
    @inline(__always)
    func negationCue(before o: Occurrence, window: Int32) -> Int32? {
        var i = cues.count - 1
        while i >= 0 {
            let c = cues[i]
            if c < o.start {
                guard o.start - c <= window else { return nil }
                return positions[Int(c)].clause == positions[Int(o.start)].clause ? c : nil
            }
            i -= 1
        }
        return nil
    }

    func text(ofPosition p: Int32, in document: Document) -> String { document.text(of: positions[Int(p)].span) }
}
