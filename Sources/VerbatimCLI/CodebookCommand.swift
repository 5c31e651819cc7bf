import ArgumentParser
import Codebook
import VerbatimCore
import VerbatimReports

/// `verbatim codebook import|check`: bring dictionaries from other tools in, and check codebooks.
struct CodebookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "codebook",
        abstract: "Import dictionaries from other tools as codebooks, and check codebooks.",
        subcommands: [Import.self, Check.self])

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Convert a LIWC .dic, WordStat/QDA Miner .CAT, quanteda YAML or REFI-QDA .qdc file into a codebook.",
            discussion: """
                Categories become themes (nested categories become child themes) and entries become rules.
                Everything that cannot be mapped (conditional LIWC categories, WordStat proximity rules,
                inner wildcards, codes without rules) is listed on standard error and at the top of the
                written file; nothing is dropped silently. The result is checked by parsing it as a codebook.
                """)

        @Argument(help: "The dictionary file.")
        var file: String

        @Option(help: "Where to write the codebook YAML.")
        var to: String

        @Option(help: "The source format: liwc, wordstat, quanteda or qdc (default: from the file extension).")
        var format: String?

        @Flag(help: "Overwrite an existing output file.")
        var force = false

        func validate() throws {
            if !FileIO.exists(file) { throw ValidationError("dictionary file '\(file)' does not exist") }
            if let format, ImportedCodebook.Format(rawValue: format) == nil {
                throw ValidationError("--format must be one of: \(ImportedCodebook.Format.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if format == nil, ImportedCodebook.Format.guess(path: file) == nil {
                throw ValidationError("cannot tell the format of '\(file)' from its extension; give --format")
            }
            if FileIO.exists(to), !force { throw ValidationError("'\(to)' exists; add --force to overwrite it") }
        }

        func run() throws {
            do {
                let book = try Self.convert(file, format: format.flatMap(ImportedCodebook.Format.init(rawValue:)))
                let yaml = CodebookYAMLWriter.yaml(book)
                // A converted codebook that would not load is a bug here, not the analyst's problem.
                let codebook = try Codebook.parse(yaml, path: to)
                try FileIO.writeAtomically(yaml, to: to)
                for note in book.notes { Console.err("\(note)\n") }
                let rules = book.themes.reduce(0) { $0 + $1.entries.count }
                Console.out("Wrote \(to): \(codebook.themes.count) themes, \(rules) entries"
                            + (book.notes.isEmpty ? ", everything mapped.\n" : ", \(book.notes.count) constructs not mapped (listed above and in the file).\n"))
            } catch let error as VerbatimError {
                Console.err("\(error)\n")
                throw ExitCode.failure
            }
        }

        static func convert(_ path: String, format: ImportedCodebook.Format?) throws -> ImportedCodebook {
            let format = format ?? ImportedCodebook.Format.guess(path: path) ?? .quanteda
            guard format == .qdc else { return try ImportedCodebook.read(path: path, format: format) }
            var book = ImportedCodebook(name: FileIO.fileName(of: path), source: path, format: .qdc)
            for code in try QDCCodebookReader.read(path: path) {
                var theme = ImportedCodebook.Theme(id: code.id, label: code.label, description: code.description,
                                                   parent: code.parent, colour: code.color)
                theme.entries = []
                book.themes.append(theme)
                book.notes.append(.init(location: SourceLocation(file: path, line: 1),
                                        message: "code '\(code.label)' has no rules in a .qdc file; add rules to theme '\(code.id)'"))
            }
            return book
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Parse and check a codebook, reporting every problem with file:line:column.")

        @Argument(help: "The codebook YAML file.")
        var file: String

        func run() throws {
            do {
                let codebook = try Codebook.load(path: file)
                let rules = codebook.themes.reduce(0) { $0 + $1.rules.count }
                Console.out("\(file): ok, \(codebook.themes.count) themes, \(rules) rules, \(codebook.concepts.count) concept lists\n")
            } catch {
                Console.err("\(error)\n")
                throw ExitCode.failure
            }
        }
    }
}
