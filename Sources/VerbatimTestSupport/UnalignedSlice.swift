/// Calls `body` with `bytes` at an odd offset inside a larger buffer filled with `fill`, so loads
/// from it are unaligned and the bytes around it differ from it: a fast path that reads past either
/// end of its input, or assumes alignment, gives a different answer here.
@discardableResult
public func withUnalignedSlice<R>(_ bytes: [UInt8], fill: UInt8, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    let padded = [UInt8](repeating: fill, count: 11) + bytes + [UInt8](repeating: fill, count: 11)
    return padded.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[11..<11 + bytes.count])) }
}
