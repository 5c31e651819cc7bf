/// The stages the host can build, by name. Plugins register here; the host knows no stage by itself.
public struct StageRegistry: Sendable {
    public private(set) var stages: [String: any Stage.Type] = [:]

    public init(_ types: [any Stage.Type] = []) {
        for t in types { register(t) }
    }

    /// Adds a stage type. A later registration under the same name replaces the earlier one.
    public mutating func register(_ type: any Stage.Type) {
        stages[type.descriptor.name] = type
    }

    public var names: [String] { stages.keys.sorted() }

    public func type(named name: String) -> (any Stage.Type)? { stages[name] }

    /// The stages that assign `annotation`, for "add X before Y" hints.
    public func providers(of annotation: Annotation) -> [String] {
        stages.values.filter { $0.descriptor.assigns.contains(annotation) }.map { $0.descriptor.name }.sorted()
    }

    /// Builds a checked pipeline from a config: every stage exists, every option is valid, and
    /// every requirement is assigned by an earlier stage. Nothing is read before this succeeds.
    public func build(_ config: PipelineConfig) throws -> Pipeline {
        var built: [any Stage] = []
        var available: Set<Annotation> = []
        for (index, entry) in config.stages.enumerated() {
            guard let type = stages[entry.name] else {
                throw VerbatimError.unknownStage(name: entry.name, available: names, at: entry.location)
            }
            let descriptor = type.descriptor
            if let pinned = entry.pinnedVersion, pinned != descriptor.version {
                throw VerbatimError.invalidFile(
                    message: "the pipeline pins '\(entry.name)@\(pinned)', but this build has '\(descriptor.versionedName)'",
                    hint: "update the pin to @\(descriptor.version) after checking the stage's changes, or remove it",
                    at: entry.location ?? SourceLocation(file: config.path, line: 1))
            }
            let options = try StageOptions.check(stage: entry.name, raw: entry.options, specs: descriptor.options, location: entry.location)
            let context = StageContext(baseDirectory: config.baseDirectory, index: index, available: available)
            let stage = try type.init(options: options, context: context)
            for requirement in stage.requires where !available.contains(requirement) {
                throw VerbatimError.missingRequirement(
                    stage: entry.name, requirement: requirement, providers: providers(of: requirement), at: entry.location)
            }
            if stage.assigns.contains(.text) {
                // Rewriting the text invalidates token-level annotations made before.
                available.subtract([.tokens, .sentences, .stems])
            }
            available.formUnion(stage.assigns)
            built.append(stage)
        }
        return Pipeline(stages: built, config: config)
    }
}

/// A checked, ready-to-run chain of stages.
public struct Pipeline: Sendable {
    public let stages: [any Stage]
    public let config: PipelineConfig

    public init(stages: [any Stage], config: PipelineConfig) {
        self.stages = stages
        self.config = config
    }

    /// What the whole pipeline assigns.
    public var assigns: Set<Annotation> { Set(stages.flatMap(\.assigns)) }

    /// Per-thread processors for every stage, in order.
    public func makeWorker() throws -> PipelineWorker {
        PipelineWorker(names: stages.map(\.instanceName), processors: try stages.map { try $0.makeProcessor() })
    }

    /// Closes external resources of every stage.
    public func finish() throws {
        for stage in stages { try stage.finish() }
    }
}

/// One thread's processors for a pipeline.
public final class PipelineWorker {
    public let names: [String]
    public let processors: [any StageProcessor]

    init(names: [String], processors: [any StageProcessor]) {
        self.names = names
        self.processors = processors
    }

    /// Runs one document through every stage.
    public func process(_ document: inout Document) throws {
        for (name, p) in zip(names, processors) {
            do {
                try p.process(&document)
            } catch let e as VerbatimError {
                throw e
            } catch {
                throw VerbatimError.stageFailed(stage: name, responseID: document.response.id, message: "\(error)")
            }
        }
    }

    /// Runs a batch through every stage. A document that fails in one stage is dropped from the
    /// later stages and reported in the result (index → error), in input order.
    public func process(batch: inout [Document]) -> [(index: Int, error: VerbatimError)] {
        var failures: [(index: Int, error: VerbatimError)] = []
        var alive = Array(batch.indices)
        for (name, p) in zip(names, processors) {
            if alive.isEmpty { break }
            var sub: [Document]
            if alive.count == batch.count {
                sub = batch
                batch = []
            } else {
                sub = alive.map { batch[$0] }
            }
            let errors = p.process(batch: &sub)
            var nextAlive: [Int] = []
            if batch.isEmpty {
                batch = sub
            } else {
                for (k, i) in alive.enumerated() { batch[i] = sub[k] }
            }
            for (k, i) in alive.enumerated() {
                if let e = errors[k] {
                    let ve = (e as? VerbatimError)
                        ?? .stageFailed(stage: name, responseID: batch[i].response.id, message: "\(e)")
                    failures.append((i, ve))
                } else {
                    nextAlive.append(i)
                }
            }
            alive = nextAlive
        }
        return failures.sorted { $0.index < $1.index }
    }
}
