import ArgumentParser
import Codebook
import VerbatimCore
import VerbatimReports
#if canImport(Glibc)
import Glibc
#endif

/// `verbatim merge`: the reduce step after coding the parts of an input separately (`verbatim run -
/// --out -` as a filter, e.g. under Spark's `rdd.pipe`). Writes what `verbatim run` writes for the
/// whole input.
struct MergeCommand: ReportingCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Combine coded JSON Lines shards into one run's outputs: coded.jsonl, counts.csv, quotes.md, ...",
        discussion: """
            Each shard is what `verbatim run - --out -` wrote for one part of an input
            (add --with-text there for quotes); the input may be split in any way.
            Writes into --out what `verbatim run` writes for the whole input:
              coded.jsonl  every record, unchanged, in the --order:
                id     sorted by id (byte order): the same file however the input
                       was split and the shards listed (equal ids keep read order)
                given  shard after shard as listed, each in its own order: the
                       input order when the shards are consecutive parts listed
                       in order (split's xaa, xab...; Spark's part-00000...)
              counts.csv, counts.json, cooccurrence.csv
                           sums over all records: byte-identical to one
                           `verbatim run` of the whole input (same --pipeline, --by)
              quotes.md, report.html
                           ranked again over the records with text; sentences and
                           stems from the pipeline's tokenising stages run again,
                           rule weights from its codebook: a single run's quotes
                           when the records come in the input's order
            A folder stands for its files in name order, skipping hidden files and
            names starting with _ (Spark's _SUCCESS). A malformed line stops the
            merge with its file and line, and nothing is written. Memory stays
            bounded: --order id sorts runs of about 32 MB in a temporary folder.
            """)

    enum Order: String, ExpressibleByArgument, CaseIterable {
        case id, given
    }

    @Argument(help: ArgumentHelp(
        "Coded JSON Lines shards: files, folders of part files, or - for standard input.", valueName: "shard"))
    var shards: [String] = []

    @OptionGroup var pipelineOptions: PipelineOptionGroup

    @Option(help: "Output folder.")
    var out: String = "verbatim-out"

    @Option(help: "Order of the merged coded.jsonl: id (sorted by id) or given (shards as listed).")
    var order: Order = .id

    @Option(help: "Quotes per theme in quotes.md (0 skips quotes and the tokenising they need).")
    var quotesPerTheme: Int = 5

    @Option(help: ArgumentHelp("Break the counts down by this metadata field, as `run --by` does.", valueName: "field"))
    var by: String?

    @Option(help: "Title of report.html (default: \"Themes in\" and the shard's name).")
    var title: String?

    @Flag(help: "Print no summary table.")
    var quiet = false

    // Hidden: lets tests exercise the spilled sort with tiny runs.
    @Option(help: .hidden)
    var sortRunBytes: Int = 32 << 20

    func validate() throws {
        if shards.isEmpty { throw ValidationError("give at least one shard (a coded .jsonl file, a folder of them, or -)") }
        if shards.filter({ $0 == "-" }).count > 1 { throw ValidationError("standard input (-) can be given only once") }
        for shard in shards where shard != "-" && !FileIO.exists(shard) {
            throw ValidationError("shard '\(shard)' does not exist")
        }
        if quotesPerTheme < 0 { throw ValidationError("--quotes-per-theme must be 0 or more") }
    }

    func execute() throws {
        let pipeline = try pipelineOptions.build()
        let files = try Self.expand(shards)
        try FileIO.makeDirectory(out)
        let coded = try AtomicFileWriter(path: out + "/coded.jsonl")
        let counts = ThemeCounts(themes: pipeline.themes, breakdownField: by)
        let quotes = QuoteCollector()
        let feeder = MergeFeeder(coded: coded, counts: counts, quotes: quotes, weights: Self.ruleWeights(pipeline))
        var sorter: IdSortedLines?
        defer { sorter?.removeTemporaryFiles() }
        do {
            let source: any CodedLineSource
            if order == .id {
                sorter = try IdSortedLines(
                    reading: ShardLines(files), temporaryDirectory: out + "/.merge-sort-\(getpid())", runBytes: sortRunBytes)
                source = sorter!
            } else {
                source = ShardLines(files)
            }
            let analysis = Self.analysisPipeline(pipeline)
            if quotesPerTheme > 0, !analysis.stages.isEmpty {
                try feeder.feed(source, analysis: analysis, threads: pipelineOptions.threads ?? ProcessEnvironment.coreCount)
            } else {
                try feeder.feed(source, quotes: quotesPerTheme > 0)
            }
        } catch {
            coded.abort()
            throw error
        }
        try coded.commit()
        var quotesNote: String?
        if !(feeder.withText > 0 || feeder.records == 0) {
            quotesNote = "# Themed quotes\n\nThe shards carry no text, so there are no quotes: code the parts with "
                + "`verbatim run - --out - --with-text` and merge again.\n"
            if !quiet { Console.err("note: the shards carry no text, so quotes.md and report.html have no quotes (use run --with-text)\n") }
        }
        let reportTitle = title ?? ExportCommand.defaultTitle(input: files.count == 1 ? files[0] : "\(files.count) shards")
        try RunOutputs.write(to: out, counts: counts, quotes: quotes, quotesPerTheme: quotesPerTheme, title: reportTitle,
                             problems: feeder.problems, quotesMarkdown: quotesNote)
        if !quiet {
            Console.out(counts.summaryTable())
            Console.out("\nMerged \(feeder.records) records from \(files.count) \(files.count == 1 ? "shard" : "shards") into "
                        + "\(out)/coded.jsonl, counts.csv, counts.json, cooccurrence.csv, quotes.md and report.html.\n")
        }
    }

    /// The stages that only add tokens, sentences and stems, before the first stage that codes or
    /// scores: run again on each record's text, they give quotes their sentences and stems. Stages
    /// that rewrite the text are left out (a record's text is already the rewritten one).
    static func analysisPipeline(_ pipeline: Pipeline) -> Pipeline {
        let analysis: Set<Annotation> = [.tokens, .sentences, .stems]
        var stages: [any Stage] = []
        for stage in pipeline.stages {
            let assigns = Set(stage.assigns)
            if assigns.contains(.codes) || assigns.contains(.sentiment) || assigns.contains(.themeSentiment) { break }
            if !assigns.isEmpty, assigns.isSubset(of: analysis) { stages.append(stage) }
        }
        return Pipeline(stages: stages, config: pipeline.config)
    }

    /// The weight of every codebook rule, by the `theme/rule` name its evidence carries, so that codes
    /// get back the scores quotes are ranked by.
    static func ruleWeights(_ pipeline: Pipeline) -> CodedRecord.RuleWeights {
        var weights: [String: Double] = [:]
        for case let stage as CodebookStage in pipeline.stages {
            let book = stage.codebook
            for theme in book.themes {
                let id = stage.namespace.map { "\($0):\(theme.id)" } ?? theme.id
                for rule in theme.rules { weights["\(id)/\(rule.id)"] = rule.weight ?? book.settings.weight }
            }
        }
        return CodedRecord.RuleWeights(weights)
    }

    /// Shards as files: a folder stands for its files in byte order of their names, skipping hidden
    /// files (Spark's .crc) and names starting with "_" (Spark's _SUCCESS).
    static func expand(_ shards: [String]) throws -> [String] {
        var files: [String] = []
        for shard in shards {
            guard shard != "-", FileIO.isDirectory(shard) else {
                files.append(shard)
                continue
            }
            guard let dir = opendir(shard) else {
                throw VerbatimError.io(path: shard, message: "cannot list the folder")
            }
            defer { closedir(dir) }
            var names: [String] = []
            while let entry = readdir(dir) {
                let name = withUnsafePointer(to: &entry.pointee.d_name) {
                    String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
                }
                if name.hasPrefix(".") || name.hasPrefix("_") { continue }
                let path = shard.hasSuffix("/") ? shard + name : shard + "/" + name
                if !FileIO.isDirectory(path) { names.append(name) }
            }
            if names.isEmpty { throw VerbatimError.io(path: shard, message: "the folder holds no shard files") }
            names.sort { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            files += names.map { shard.hasSuffix("/") ? shard + $0 : shard + "/" + $0 }
        }
        return files
    }
}

// MARK: - Reading shards

/// Coded records, one at a time: the raw line (written to the merged coded.jsonl unchanged) and
/// the record decoded from it.
protocol CodedLineSource: AnyObject {
    /// Calls `body` with the next record; false at the end.
    func next(_ body: (UnsafeBufferPointer<UInt8>, CodedRecord.Decoded) throws -> Void) throws -> Bool
}

/// The records of the shards in the order given, each decoded with its file and line for messages.
final class ShardLines: CodedLineSource {
    private let files: [String]
    private var index = -1
    private var reader: ByteStreamReader?
    private var line = 0

    init(_ files: [String]) { self.files = files }

    func next(_ body: (UnsafeBufferPointer<UInt8>, CodedRecord.Decoded) throws -> Void) throws -> Bool {
        while true {
            if reader == nil {
                index += 1
                guard index < files.count else { return false }
                reader = try ByteStreamReader(path: files[index])
                line = 0
            }
            var found = false
            let more = try reader!.nextLine { bytes in
                line += 1
                if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }
                let name = files[index] == "-" ? "<stdin>" : files[index]
                try body(bytes, try CodedRecord.decode(bytes, file: name, line: line))
                found = true
            }
            if !more {
                reader = nil
                continue
            }
            if found { return true }
        }
    }
}

/// The records sorted by id with bounded memory: runs of about `runBytes` are sorted in memory and
/// spilled to temporary files, which are then merged. Equal ids keep the order they were read in
/// (a run's position, then the position in the run), so the sort is stable.
final class IdSortedLines: CodedLineSource {
    private struct Entry {
        var idStart: Int
        var idCount: Int
        var lineStart: Int
        var lineCount: Int
    }

    private let temporaryDirectory: String
    private let runBytes: Int
    private var arena: [UInt8] = []
    private var entries: [Entry] = []
    private var runPaths: [String] = []
    // Reading back: from memory when everything fitted, else a heap over the runs' next lines.
    private var position = 0
    private var readers: [ByteStreamReader] = []
    private var heap: [Head] = []

    private struct Head {
        var id: [UInt8]
        var run: Int
        var line: [UInt8]
        var record: CodedRecord.Decoded
        func precedes(_ other: Head) -> Bool {
            id == other.id ? run < other.run : id.lexicographicallyPrecedes(other.id)
        }
    }

    init(reading source: ShardLines, temporaryDirectory: String, runBytes: Int) throws {
        self.temporaryDirectory = temporaryDirectory
        self.runBytes = max(1, runBytes)
        while try source.next({ line, record in
            let idStart = arena.count
            arena.append(contentsOf: record.id.utf8)
            let lineStart = arena.count
            arena.append(contentsOf: line)
            entries.append(Entry(idStart: idStart, idCount: lineStart - idStart, lineStart: lineStart, lineCount: line.count))
            if arena.count >= self.runBytes { try spill() }
        }) {}
        if runPaths.isEmpty {
            sortEntries()
        } else {
            if !entries.isEmpty { try spill() }
            try startMerging()
        }
    }

    deinit { removeTemporaryFiles() }

    private func sortEntries() {
        arena.withUnsafeBufferPointer { a in
            let base = a.baseAddress
            // Stable: equal ids keep their read order (entries are appended in that order).
            let indexed = entries.enumerated().sorted { x, y in
                let n = min(x.element.idCount, y.element.idCount)
                let c = n == 0 ? 0 : memcmp(base! + x.element.idStart, base! + y.element.idStart, n)
                if c != 0 { return c < 0 }
                if x.element.idCount != y.element.idCount { return x.element.idCount < y.element.idCount }
                return x.offset < y.offset
            }
            entries = indexed.map(\.element)
        }
    }

    /// Sorts what is in memory and writes it as the next run file.
    private func spill() throws {
        sortEntries()
        if runPaths.isEmpty { try FileIO.makeDirectory(temporaryDirectory) }
        let path = temporaryDirectory + "/run-\(runPaths.count).jsonl"
        let writer = try AtomicFileWriter(path: path)
        do {
            try arena.withUnsafeBufferPointer { a in
                for e in entries {
                    try writer.write(UnsafeBufferPointer(rebasing: a[e.lineStart..<(e.lineStart + e.lineCount)]))
                    try writer.write([0x0A])
                }
            }
            try writer.commit()
        } catch {
            writer.abort()
            throw error
        }
        runPaths.append(path)
        arena.removeAll(keepingCapacity: true)
        entries.removeAll(keepingCapacity: true)
    }

    private func startMerging() throws {
        // Smaller read buffers when there are many runs keep the merge's memory near one run's.
        let chunk = max(64 << 10, min(1 << 20, runBytes / max(1, runPaths.count)))
        readers = try runPaths.map { try ByteStreamReader(path: $0, chunkSize: chunk) }
        for run in readers.indices {
            if let head = try readHead(run) { push(head) }
        }
    }

    private func readHead(_ run: Int) throws -> Head? {
        var head: Head?
        let path = runPaths[run]
        var lineNumber = 0
        _ = try readers[run].nextLine { bytes in
            lineNumber += 1
            let record = try CodedRecord.decode(bytes, file: path, line: lineNumber)
            head = Head(id: Array(record.id.utf8), run: run, line: Array(bytes), record: record)
        }
        return head
    }

    func next(_ body: (UnsafeBufferPointer<UInt8>, CodedRecord.Decoded) throws -> Void) throws -> Bool {
        if runPaths.isEmpty {
            guard position < entries.count else { return false }
            let e = entries[position]
            position += 1
            try arena.withUnsafeBufferPointer { a in
                let line = UnsafeBufferPointer(rebasing: a[e.lineStart..<(e.lineStart + e.lineCount)])
                try body(line, try CodedRecord.decode(line, file: "<sorted>", line: position))
            }
            return true
        }
        guard let top = pop() else { return false }
        try top.line.withUnsafeBufferPointer { try body($0, top.record) }
        if let head = try readHead(top.run) { push(head) }
        return true
    }

    // A binary min-heap of the runs' next lines.
    private func push(_ head: Head) {
        heap.append(head)
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard heap[i].precedes(heap[parent]) else { break }
            heap.swapAt(i, parent)
            i = parent
        }
    }

    private func pop() -> Head? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let top = heap.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var smallest = i
            if l < heap.count, heap[l].precedes(heap[smallest]) { smallest = l }
            if r < heap.count, heap[r].precedes(heap[smallest]) { smallest = r }
            if smallest == i { break }
            heap.swapAt(i, smallest)
            i = smallest
        }
        return top
    }

    func removeTemporaryFiles() {
        readers.removeAll()
        for path in runPaths { unlink(path) }
        if !runPaths.isEmpty { rmdir(temporaryDirectory) }
        runPaths.removeAll()
    }
}

// MARK: - Rebuilding counts and quotes

/// Feeds records into the merged coded.jsonl, the counts and the quotes, in the source's order.
final class MergeFeeder {
    let coded: AtomicFileWriter
    let counts: ThemeCounts
    let quotes: QuoteCollector
    let weights: CodedRecord.RuleWeights
    private(set) var records = 0
    private(set) var withText = 0
    private(set) var problems: [VerbatimError] = []

    init(coded: AtomicFileWriter, counts: ThemeCounts, quotes: QuoteCollector, weights: CodedRecord.RuleWeights) {
        self.coded = coded
        self.counts = counts
        self.quotes = quotes
        self.weights = weights
    }

    private func write(_ line: UnsafeBufferPointer<UInt8>, _ record: CodedRecord.Decoded) throws {
        try coded.write(line)
        try coded.write([0x0A])
        records += 1
        if record.text != nil { withText += 1 }
    }

    private func add(_ document: Document) {
        counts.add(document)
        quotes.add(document)
    }

    /// Without sentences and stems: each record becomes a document directly (its quote candidates,
    /// if `quotes`, then fall back to the text's words).
    func feed(_ source: any CodedLineSource, quotes withQuotes: Bool) throws {
        while try source.next({ line, record in
            try write(line, record)
            let document = record.makeDocument(weights: weights)
            counts.add(document)
            if withQuotes { quotes.add(document) }
        }) {}
    }

    /// With the tokenising stages run again on each record's text, on `threads` workers. The runner
    /// hands documents back in input order, so a queue pairs each with its record.
    func feed(_ source: any CodedLineSource, analysis: Pipeline, threads: Int) throws {
        let queue = RecordQueue()
        let runner = try PipelineRunner(pipeline: analysis, options: .init(threads: threads))
        let sink = AnalysedSink(queue: queue, weights: weights, add: { [unowned self] in self.add($0) })
        _ = try runner.run(
            next: {
                var item: InputItem?
                _ = try source.next { line, record in
                    try self.write(line, record)
                    queue.push(record)
                    item = .response(record.response)
                }
                return item
            },
            sinks: [sink],
            problem: { error in
                // The response still counts; its quote falls back to the text without tokens.
                self.problems.append(error)
                Console.err("\(error)\n  (counted; its quote candidate is taken without sentences and stems)\n")
                self.add(queue.pop().makeDocument(weights: self.weights))
            })
        try analysis.finish()
    }
}

/// Records waiting for their analysed document, oldest first.
final class RecordQueue {
    private var items: [CodedRecord.Decoded] = []
    private var head = 0

    func push(_ record: CodedRecord.Decoded) { items.append(record) }

    func pop() -> CodedRecord.Decoded {
        let record = items[head]
        head += 1
        if head > 1024, head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        return record
    }
}

/// Receives analysed documents from the runner and puts their records' codes back on them.
final class AnalysedSink: DocumentSink {
    private let queue: RecordQueue
    private let weights: CodedRecord.RuleWeights
    private let add: (Document) -> Void

    init(queue: RecordQueue, weights: CodedRecord.RuleWeights, add: @escaping (Document) -> Void) {
        self.queue = queue
        self.weights = weights
        self.add = add
    }

    func consume(_ document: Document, encoded: UnsafeBufferPointer<UInt8>) throws {
        var d = document
        queue.pop().apply(to: &d, weights: weights)
        add(d)
    }
}
