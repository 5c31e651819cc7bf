internal import CICU

/// The check behind the copies of ICU's rules for ASCII (`ASCIIWordBreaks`, `ASCIISentenceBreaks`):
/// ICU's iterator and the copy run over the same probe text, and must find the same boundaries.
enum ASCIIProbes {
    /// Whether `iterator`, read by `collect`, and the copy's `segment` break the ASCII `text` alike.
    /// ICU reads `units` when given (UTF-16 of the same length, with some bytes replaced by the
    /// characters they stand in for: `TypographicStandIns`), else `text` itself.
    static func agree<Boundary: Equatable>(
        _ text: [UInt8], _ iterator: OpaquePointer, units: [UInt16]? = nil,
        collect: (OpaquePointer, UnsafeMutablePointer<Boundary>) -> Int,
        segment: (UnsafeBufferPointer<UInt8>, UnsafeMutablePointer<Boundary>) -> Int
    ) -> Bool {
        guard !text.isEmpty else { return true }
        let units = units ?? text.map { UInt16($0) }
        precondition(units.count == text.count, "a probe and its UTF-16 differ in length")
        let icu = UnsafeMutablePointer<Boundary>.allocate(capacity: text.count)
        let copy = UnsafeMutablePointer<Boundary>.allocate(capacity: text.count)
        defer {
            icu.deallocate()
            copy.deallocate()
        }
        let icuCount = units.withUnsafeBufferPointer { u -> Int in
            var status = U_ZERO_ERROR
            cicu_ubrk_setText(iterator, u.baseAddress, Int32(u.count), &status)
            return cicu_is_failure(status) == 0 ? collect(iterator, icu) : -1
        }
        let copyCount = text.withUnsafeBufferPointer { segment($0, copy) }
        return icuCount == copyCount
            && UnsafeBufferPointer(start: icu, count: icuCount).elementsEqual(UnsafeBufferPointer(start: copy, count: copyCount))
    }
}
