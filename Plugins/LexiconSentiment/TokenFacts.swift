extension LexiconMatcher {
    /// One token's lexicon facts, found by `prepare` from the hash it computes anyway: `match` reads
    /// them instead of probing the lexicon again, and the scorer skips `match` for inert words.
    struct TokenFacts: Equatable {
        /// The token's single-word or emoticon entry, its bytes verified, or -1.
        var exact: Int32 = -1
        private var flags: UInt8 = 0

        private static let word: UInt8 = 1, phrase: UInt8 = 2, extend: UInt8 = 4, emoticon: UInt8 = 8, negation: UInt8 = 16

        init(exact: Int32 = -1, isWord: Bool = false, startsPhrase: Bool = false, mayExtend: Bool = false,
             mayStartEmoticon: Bool = false, isContractedNegation: Bool = false) {
            self.exact = exact
            self.isWord = isWord
            self.startsPhrase = startsPhrase
            self.mayExtend = mayExtend
            self.mayStartEmoticon = mayStartEmoticon
            self.isContractedNegation = isContractedNegation
        }

        /// A word-like token (not punctuation).
        var isWord: Bool {
            get { flags & Self.word != 0 }
            set { set(Self.word, newValue) }
        }
        /// Some expression starts with a word of the token's hash.
        var startsPhrase: Bool {
            get { flags & Self.phrase != 0 }
            set { set(Self.phrase, newValue) }
        }
        /// A word with no exact entry that may start with a prefix entry or hold a letter run to squeeze.
        var mayExtend: Bool {
            get { flags & Self.extend != 0 }
            set { set(Self.extend, newValue) }
        }
        /// The token and the one touching it after it spell the start of some single-word key, so an
        /// emoticon run ("<" "3") may start here.
        var mayStartEmoticon: Bool {
            get { flags & Self.emoticon != 0 }
            set { set(Self.emoticon, newValue) }
        }

        /// The normalised form ends in "n't" (`LexiconMatcher.isContractedNegation`).
        var isContractedNegation: Bool {
            get { flags & Self.negation != 0 }
            set { set(Self.negation, newValue) }
        }

        /// A word with no entry of any kind that starts no expression or emoticon: `match` finds nothing.
        @inline(__always) var isInert: Bool { exact < 0 && flags & ~Self.negation == Self.word }

        /// An inert word that is no contracted negation either: the scorer only counts it.
        @inline(__always) var isPlainWord: Bool { exact < 0 && flags == Self.word }

        /// The facts of a punctuation token with the same bytes: the word-only ones are dropped.
        var asPunctuation: TokenFacts { TokenFacts(exact: exact, startsPhrase: startsPhrase) }

        private mutating func set(_ flag: UInt8, _ on: Bool) { flags = on ? flags | flag : flags & ~flag }
    }

    /// What `lexicon` holds for a token, all but `mayStartEmoticon` (which needs the next token): its
    /// exact entry, and which further lookups `match` needs.
    @inline(__always)
    static func facts(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64, isWord: Bool, _ lexicon: CompiledLexicon) -> TokenFacts {
        let slot = lexicon.lookUpWord(bytes, hash: hash)
        var facts = TokenFacts(exact: slot.entry, isWord: isWord, startsPhrase: slot.startsPhrase)
        if isWord, slot.entry < 0 {
            facts.mayExtend = lexicon.mayStartWithPrefix(bytes) || hasRunOfThree(bytes)
        }
        facts.isContractedNegation = isWord && endsInContractedNot(bytes)
        return facts
    }

    /// True when the bytes end in "n't" after at least one more byte (isn't, wouldn't, …).
    @inline(__always)
    static func endsInContractedNot(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = bytes.count
        return n >= 4 && bytes[n - 3] == 0x6E && bytes[n - 2] == 0x27 && bytes[n - 1] == 0x74
    }

    /// True when some byte repeats three or more times in a row, the only words worth squeezing.
    @inline(__always)
    static func hasRunOfThree(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = bytes.count
        guard n >= 3, let p = bytes.baseAddress else { return false }
        // A run of three ending at k needs p[k - 1] == p[k]; when they differ, no run ends at k or
        // k + 1 either, so the next end worth testing is k + 2.
        var k = 2
        while k < n {
            if p[k] != p[k - 1] {
                k += 2
            } else if p[k] == p[k - 2] {
                return true
            } else {
                k += 1
            }
        }
        return false
    }
}
