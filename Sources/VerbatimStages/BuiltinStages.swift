import Codebook
import ExecStage
import ICUTokenizer
import LexiconSentiment
import NonAnswer
import SnowballStemmer
import VerbatimCore

extension StageRegistry {
    /// Every stage plugin built into this binary. A new plugin target adds one line here.
    public static let builtin = StageRegistry([
        ICUTokenizerStage.self,
        SnowballStemmerStage.self,
        CodebookStage.self,
        LexiconSentimentStage.self,
        ExecStage.self,
        NonAnswerStage.self,
    ])
}
