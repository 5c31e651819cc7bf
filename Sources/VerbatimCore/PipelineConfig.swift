import Yams

/// A pipeline as written in `pipeline.yaml`:
///
/// ```yaml
/// version: 1
/// stages:
///   - stage: icu-tokenizer
///   - stage: snowball-stemmer
///     options: { language: english }
/// ```
public struct PipelineConfig: Sendable {
    /// The config format versions this build reads.
    public static let supportedVersions = 1...1

    public struct StageEntry: Sendable {
        /// The stage name, without a version pin.
        public var name: String
        /// `stage: name@2` pins a version; the host refuses a mismatch.
        public var pinnedVersion: Int?
        /// Options as written; checked by the host against the stage's declaration.
        public var options: [(name: String, value: RawOption, at: SourceLocation?)]
        public var location: SourceLocation?

        public init(name: String, pinnedVersion: Int? = nil,
                    options: [(name: String, value: RawOption, at: SourceLocation?)] = [],
                    location: SourceLocation? = nil) {
            self.name = name
            self.pinnedVersion = pinnedVersion
            self.options = options
            self.location = location
        }
    }

    public var version: Int
    public var name: String?
    public var stages: [StageEntry]
    /// The folder relative paths resolve against.
    public var baseDirectory: String
    public var path: String

    public init(version: Int = 1, name: String? = nil, stages: [StageEntry], baseDirectory: String = ".", path: String = "<memory>") {
        self.version = version
        self.name = name
        self.stages = stages
        self.baseDirectory = baseDirectory
        self.path = path
    }

    public static func load(path: String) throws(VerbatimError) -> PipelineConfig {
        try parse(YAMLFile.load(path: path))
    }

    public static func parse(_ text: String, path: String) throws(VerbatimError) -> PipelineConfig {
        try parse(YAMLFile.parse(text, path: path))
    }

    static func parse(_ file: YAMLFile) throws(VerbatimError) -> PipelineConfig {
        var version: Int?
        var name: String?
        var stages: [StageEntry]?
        for entry in try file.entries(file.root, what: "a pipeline file") {
            switch entry.key {
            case "version":
                let text = try file.scalar(entry.value, what: "version")
                guard let v = Int(text), supportedVersions.contains(v) else {
                    throw file.error(entry.value, "unsupported pipeline version '\(text)'",
                                     hint: "this build reads version \(supportedVersions.lowerBound)")
                }
                version = v
            case "name":
                name = try file.scalar(entry.value, what: "name")
            case "stages":
                stages = try parseStages(entry.value, file: file)
            default:
                throw file.error(entry.keyNode, "unknown key '\(entry.key)' in a pipeline file",
                                 hint: "a pipeline has 'version', 'name' and 'stages'")
            }
        }
        guard let version else {
            throw file.error(file.root, "the pipeline has no 'version'", hint: "start the file with `version: 1`")
        }
        guard let stages, !stages.isEmpty else {
            throw file.error(file.root, "the pipeline has no stages", hint: "list them under `stages:`, e.g. `- stage: icu-tokenizer`")
        }
        return PipelineConfig(version: version, name: name, stages: stages,
                              baseDirectory: FileIO.directory(of: file.path), path: file.path)
    }

    private static func parseStages(_ node: Node, file: YAMLFile) throws(VerbatimError) -> [StageEntry] {
        guard case let .sequence(seq) = node else {
            throw file.error(node, "'stages' must be a list", hint: "write each stage as `- stage: NAME`")
        }
        var result: [StageEntry] = []
        for item in seq {
            if case let .scalar(s) = item {
                // Shorthand: `- icu-tokenizer`.
                result.append(try entry(named: s.string, node: item, file: file))
                continue
            }
            var stage: StageEntry?
            var options: [(name: String, value: RawOption, at: SourceLocation?)] = []
            for e in try file.entries(item, what: "a stage entry") {
                switch e.key {
                case "stage":
                    stage = try entry(named: try file.scalar(e.value, what: "stage"), node: e.value, file: file)
                case "options":
                    for o in try file.entries(e.value, what: "options") {
                        options.append((o.key, file.rawOption(o.value), file.location(o.value)))
                    }
                default:
                    throw file.error(e.keyNode, "unknown key '\(e.key)' in a stage entry",
                                     hint: "a stage entry has 'stage' and 'options'")
                }
            }
            guard var found = stage else {
                throw file.error(item, "a stage entry without 'stage'", hint: "write `- stage: NAME`")
            }
            found.options += options
            result.append(found)
        }
        return result
    }

    private static func entry(named text: String, node: Node, file: YAMLFile) throws(VerbatimError) -> StageEntry {
        var name = text.trimmingSpaces
        if name.hasPrefix("exec:") {
            // Short form of a process stage: `exec: python3 my_stage.py`.
            let command = String(name.dropFirst(5)).trimmingSpaces
            guard !command.isEmpty else { throw file.error(node, "'exec:' needs a command", hint: "write `exec: python3 my_stage.py`") }
            return StageEntry(name: "exec", options: [("command", .scalar(command), file.location(node))], location: file.location(node))
        }
        var pinned: Int?
        if let at = name.lastIndex(of: "@") {
            let v = name[name.index(after: at)...]
            guard let n = Int(v) else { throw file.error(node, "invalid version pin '\(text)'", hint: "write NAME@VERSION, e.g. codebook@1") }
            pinned = n
            name = String(name[..<at])
        }
        guard !name.isEmpty else { throw file.error(node, "empty stage name") }
        return StageEntry(name: name, pinnedVersion: pinned, location: file.location(node))
    }
}

extension String {
    /// The string without leading and trailing white space (without Foundation).
    public var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
