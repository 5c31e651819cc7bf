import Foundation
import VerbatimCore
import VerbatimStages

/// Runs a pipeline in memory, one text at a time, like an embedded channel: no files, no threads.
///
/// ```swift
/// let harness = try StageHarness(yaml: """
///     version: 1
///     stages: [icu-tokenizer, snowball-stemmer]
///     """)
/// let doc = try harness.run("Senior buy-in")
/// ```
public final class StageHarness {
    public let pipeline: Pipeline
    private let worker: PipelineWorker

    /// Builds from pipeline YAML; relative paths resolve against `baseDirectory`.
    public init(yaml: String, baseDirectory: String = TestPaths.repositoryRoot, registry: StageRegistry = .builtin) throws {
        var config = try PipelineConfig.parse(yaml, path: "<test pipeline>")
        config.baseDirectory = baseDirectory
        pipeline = try registry.build(config)
        worker = try pipeline.makeWorker()
    }

    public init(pipeline: Pipeline) throws {
        self.pipeline = pipeline
        worker = try pipeline.makeWorker()
    }

    /// The standard front end: tokens, sentences and English stems.
    public static let frontEnd = """
        - stage: icu-tokenizer
        - stage: snowball-stemmer
        """

    /// A pipeline of the front end followed by `stages` (YAML list items).
    public convenience init(after stages: String, baseDirectory: String = TestPaths.repositoryRoot) throws {
        try self.init(yaml: "version: 1\nstages:\n" + Self.frontEnd + "\n" + stages, baseDirectory: baseDirectory)
    }

    public func run(_ text: String, id: String = "test", question: String? = nil, trace: Bool = false) throws -> Document {
        var document = Document(Response(id: id, question: question, text: text))
        document.collectTrace = trace
        try worker.process(&document)
        return document
    }

    public func run(_ response: Response) throws -> Document {
        var document = Document(response)
        try worker.process(&document)
        return document
    }
}

/// Paths of the checkout and of the shared data beside it.
public enum TestPaths {
    /// The repository root (found from this file's path).
    public static let repositoryRoot: String = {
        var path = #filePath
        for _ in 0..<3 { path = FileIO.directory(of: path) }
        return path
    }()

    /// `../shared` beside the checkout, where the benchmarks and gold live.
    public static var shared: String { FileIO.directory(of: repositoryRoot) + "/shared" }

    public static var corpus: String { repositoryRoot + "/Corpora/collab2008" }

    /// A fresh temporary folder (mkdtemp, so parallel tests never share one), inside one folder
    /// per test process that is removed when the process exits: a test run leaves nothing behind.
    public static func temporaryDirectory(_ name: String = "verbatim-test") throws -> String {
        guard let root = processFolder else {
            throw VerbatimError.io(path: temporaryBase, message: "cannot create a temporary folder")
        }
        return try makeFolder(in: root, named: name)
    }

    private static var temporaryBase: String { ProcessEnvironment.value("TMPDIR") ?? "/tmp" }

    private static let processFolder: String? = {
        guard let folder = try? makeFolder(in: temporaryBase, named: "verbatim-tests") else { return nil }
        atexit { TestPaths.removeProcessFolder() }
        return folder
    }()

    private static func removeProcessFolder() {
        if let folder = processFolder { try? FileManager.default.removeItem(atPath: folder) }
    }

    private static func makeFolder(in base: String, named name: String) throws -> String {
        var template = Array("\(base)/\(name)-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw VerbatimError.io(path: base, message: "cannot create a temporary folder")
        }
        return String(cString: made)
    }
}

#if canImport(Glibc)
import Glibc
#endif
