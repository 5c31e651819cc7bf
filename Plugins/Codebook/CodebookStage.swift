import VerbatimCore
import VerbatimSnowball

/// Theme coding against a YAML codebook (see the README's "Write your own codebook").
///
/// The codebook is read, checked and compiled into one matcher when the pipeline is built, so a
/// bad codebook stops the run before any input is read, and every worker shares the matcher.
public struct CodebookStage: Stage, ThemeProviding {
    public static let descriptor = StageDescriptor(
        name: "codebook",
        version: 1,
        summary: "theme coding against a YAML codebook, with evidence",
        options: [
            OptionSpec("codebook", .path, required: true, help: "the codebook YAML file (relative to the pipeline file)"),
            OptionSpec("namespace", .string,
                       help: "prefix for theme ids (`ns:theme`), to stack several codebooks in one pipeline"),
            OptionSpec("language", .string, default: .string("english"),
                       help: "the stemmer language for pattern words; set it to the snowball-stemmer's language"),
            OptionSpec("stemmer", .choice(StemmerImplementation.allCases.map(\.rawValue)), default: .string("auto"),
                       help: "the stemmer implementation for pattern words; set it as on the snowball-stemmer stage"),
        ],
        requires: [.tokens],
        assigns: [.codes])

    public let codebook: Codebook
    public let namespace: String?
    public let usesStems: Bool
    let compiled: CompiledCodebook

    public var themes: [ThemeInfo] { compiled.themes.map(\.info) }
    public var instanceName: String { namespace.map { "codebook[\($0)]" } ?? "codebook" }

    public init(options: StageOptions, context: StageContext) throws {
        guard let relative = options.string("codebook") else { throw options.invalid("codebook", "a codebook file is required") }
        let path = context.resolve(relative)
        guard FileIO.exists(path) else {
            throw options.invalid("codebook", "codebook file '\(path)' not found (paths are relative to the pipeline file)")
        }
        if let ns = options.string("namespace"), ns.isEmpty || !ns.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) {
            throw options.invalid("namespace", "'\(ns)' is not a valid namespace; use letters, digits, '_' and '-'")
        }
        let language = options.string("language") ?? "english"
        let implementation = options.string("stemmer").flatMap(StemmerImplementation.init(rawValue:)) ?? .auto
        try self.init(codebook: Codebook.load(path: path), namespace: options.string("namespace"),
                      stems: context.available.contains(.stems), language: language, implementation: implementation,
                      options: options)
    }

    /// Builds from a parsed codebook; `stems` says whether the pipeline stems tokens before this stage.
    public init(codebook: Codebook, namespace: String? = nil, stems: Bool, language: String = "english",
                implementation: StemmerImplementation = .auto) throws {
        try self.init(codebook: codebook, namespace: namespace, stems: stems, language: language,
                      implementation: implementation, options: nil)
    }

    private init(codebook: Codebook, namespace: String?, stems: Bool, language: String, implementation: StemmerImplementation,
                 options: StageOptions?) throws {
        var stem: ((String) -> String)?
        if stems {
            let stemmer: WordStemmer
            do { stemmer = try WordStemmer(language: language, implementation: implementation) } catch {
                throw options?.invalid("language", "\(error)") ?? VerbatimError.usage("\(error)")
            }
            stem = { stemmer.stem($0) }
        }
        var compiler = RuleCompiler(stem: stem, namespace: namespace)
        self.codebook = codebook
        self.namespace = namespace
        self.usesStems = stems
        compiled = try compiler.compile(codebook)
    }

    public func makeProcessor() throws -> any StageProcessor {
        CodebookMatcher(book: compiled, stageName: instanceName)
    }
}
