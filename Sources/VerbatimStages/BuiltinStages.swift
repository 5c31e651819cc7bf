import Codebook
import ICUTokenizer
import LexiconSentiment
import SnowballStemmer
import VerbatimCore

extension StageRegistry {
    /// Every stage plugin built into this binary. A new plugin target adds one line here.
    public static let builtin = StageRegistry([
        ICUTokenizerStage.self,
        SnowballStemmerStage.self,
        CodebookStage.self,
        LexiconSentimentStage.self,
    ])
}
