import VerbatimCore

/// Flags answers that say nothing ("n/a", "none", "no comment", "-"), so counts and quotes can leave
/// them out. It is also the template for a compiled stage: copy this folder, rename, and add one
/// line to `StageRegistry.builtin` (see "Write a stage" in the README).
///
/// Writes `annotations.non_answer = true` on such answers and nothing on the others.
public struct NonAnswerStage: Stage {
    // 1. What the stage is, what it takes and what it needs: checked when the pipeline is built.
    public static let descriptor = StageDescriptor(
        name: "non-answer",
        version: 1,
        summary: "flag answers that say nothing (n/a, none, no comment) in annotations.non_answer",
        options: [
            OptionSpec("phrases", .stringList, default: .list(NonAnswerStage.defaultPhrases),
                       help: "whole answers (after case folding, ignoring punctuation) that count as saying nothing"),
            OptionSpec("max_words", .integer(1...50), default: .integer(4),
                       help: "longer answers are never flagged"),
        ],
        requires: [.tokens],
        assigns: ["non_answer"])

    public static let defaultPhrases = [
        "n a", "na", "none", "nothing", "no", "no comment", "no comments", "nil", "not applicable",
        "nothing to add", "nothing further", "no further comments", "don't know", "dont know", "not sure",
    ]

    // 2. Immutable configuration, shared by every worker thread.
    let phrases: Set<[UInt8]>
    let maxWords: Int

    public init(options: StageOptions, context: StageContext) throws {
        let list = options.list("phrases") ?? Self.defaultPhrases
        guard !list.isEmpty else { throw options.invalid("phrases", "the list is empty; remove the option to use the defaults") }
        phrases = Set(list.map { Array($0.lowercased().utf8) })
        maxWords = options.integer("max_words") ?? 4
    }

    // 3. One processor per worker thread holds any mutable scratch state.
    public func makeProcessor() throws -> any StageProcessor { Processor(stage: self) }

    final class Processor: StageProcessor {
        let stage: NonAnswerStage
        private var key: [UInt8] = []

        init(stage: NonAnswerStage) { self.stage = stage }

        func process(_ document: inout Document) throws {
            // The words' normalised forms joined by single spaces, dots dropped: "N/A!" gives "n a" and
            // "n.a." (one ICU word) gives "na".
            let words = document.tokens.filter(\.isWordLike)
            defer { document.assigned.insert("non_answer") }
            guard words.count <= stage.maxWords else { return }
            key.removeAll(keepingCapacity: true)
            for (i, token) in words.enumerated() {
                if i > 0 { key.append(0x20) }
                document.withNormalized(of: token) { for b in $0 where b != UInt8(ascii: ".") { key.append(b) } }
            }
            if words.isEmpty || stage.phrases.contains(key) {
                document.annotations["non_answer"] = .bool(true)
                document.addTrace("non-answer", "flagged as a non-answer: '\(String(decoding: key, as: UTF8.self))'")
            }
        }
    }
}
