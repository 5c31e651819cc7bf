import Testing
@testable import VerbatimCLI
import VerbatimCore
import VerbatimTestSupport

/// `verbatim merge`: shards of a split input, coded separately, give what one run of the whole gives.
@Suite struct MergeTests {
    func run(_ arguments: [String]) throws {
        let command = try #require(try VerbatimCommand.parseAsRoot(["run"] + arguments) as? RunCommand)
        try command.execute()
    }

    func merge(_ arguments: [String]) throws {
        let command = try #require(try VerbatimCommand.parseAsRoot(["merge"] + arguments) as? MergeCommand)
        try command.execute()
    }

    func bytes(_ path: String) throws -> [UInt8] { try FileIO.readBytes(path: path) }

    func lines(_ path: String) throws -> [String] {
        try FileIO.readText(path: path).split(separator: "\n").map(String.init)
    }

    /// The bundled answers split into consecutive parts of the given sizes (the last takes the rest).
    func split(_ input: [String], sizes: [Int], into dir: String) throws -> [String] {
        var paths: [String] = []
        var rest = input[...]
        for (k, size) in (sizes + [Int.max]).enumerated() where !rest.isEmpty {
            let part = rest.prefix(size)
            rest = rest.dropFirst(part.count)
            let path = dir + "/part-\(k).jsonl"
            try FileIO.writeAtomically(part.map { $0 + "\n" }.joined(), to: path)
            paths.append(path)
        }
        return paths
    }

    /// Codes each part on its own, as the filter would, and returns the shards (their coded.jsonl).
    func codeShards(_ parts: [String], in dir: String, extra: [String] = []) throws -> [String] {
        try parts.enumerated().map { k, part in
            let out = dir + "/shard-\(k)"
            try run([part, "--out", out, "--quiet"] + extra)
            return out + "/coded.jsonl"
        }
    }

    static let outputs = ["coded.jsonl", "counts.csv", "counts.json", "cooccurrence.csv", "quotes.md", "report.html"]

    @Test func threeShardsInOrderMergeToExactlyOneRun() throws {
        let dir = try TestPaths.temporaryDirectory()
        let input = try lines(TestPaths.corpus + "/responses.jsonl")
        let parts = try split(input, sizes: [97, 130], into: dir)
        #expect(parts.count == 3)
        let shards = try codeShards(parts, in: dir, extra: ["--with-text"])
        try run([TestPaths.corpus + "/responses.jsonl", "--out", dir + "/single", "--quiet", "--with-text"])
        try merge(shards + ["--out", dir + "/merged", "--quiet", "--order", "given", "--title", "Themes in responses.jsonl"])
        for file in Self.outputs {
            #expect(try bytes(dir + "/merged/" + file) == bytes(dir + "/single/" + file), "\(file) differs")
        }
    }

    @Test func byIdTheMergeIsTheSameForAnySplitAndShardOrder() throws {
        let dir = try TestPaths.temporaryDirectory()
        let input = try lines(TestPaths.corpus + "/responses.jsonl")
        let single = dir + "/single"
        try run([TestPaths.corpus + "/responses.jsonl", "--out", single, "--quiet", "--with-text"])

        // Three consecutive parts, listed backwards; and two interleaved parts (every other answer).
        try FileIO.makeDirectory(dir + "/a")
        let consecutive = try codeShards(try split(input, sizes: [110, 110], into: dir + "/a"), in: dir + "/a", extra: ["--with-text"])
        let evens = input.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
        let odds = input.enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
        try FileIO.makeDirectory(dir + "/b")
        try FileIO.writeAtomically(evens.map { $0 + "\n" }.joined(), to: dir + "/b/evens.jsonl")
        try FileIO.writeAtomically(odds.map { $0 + "\n" }.joined(), to: dir + "/b/odds.jsonl")
        let interleaved = try codeShards([dir + "/b/odds.jsonl", dir + "/b/evens.jsonl"], in: dir + "/b", extra: ["--with-text"])

        // Tiny sort runs, so the spilled merge of sorted runs is exercised too.
        try merge(consecutive.reversed() + ["--out", dir + "/m1", "--quiet", "--sort-run-bytes", "4096", "--title", "T"])
        try merge(interleaved + ["--out", dir + "/m2", "--quiet", "--title", "T"])
        for file in Self.outputs {
            #expect(try bytes(dir + "/m1/" + file) == bytes(dir + "/m2/" + file), "\(file) depends on the split")
        }
        #expect(!FileIO.exists(dir + "/m1/.merge-sort-\(getpid())"), "the sort's temporary runs are removed")

        #expect(try bytes(dir + "/m1/counts.csv") == bytes(single + "/counts.csv"))
        let merged = try lines(dir + "/m1/coded.jsonl"), alone = try lines(single + "/coded.jsonl")
        #expect(merged.count == 325)
        #expect(merged.sorted() == alone.sorted(), "the same set of coded lines")
        let ids = try merged.map { try #require(JSONParser.parse($0)["id"]?.stringValue) }
        #expect(ids == ids.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }, "sorted by id")
    }

    @Test func breakdownCountsMatchAndShardsWithoutTextStillCount() throws {
        let dir = try TestPaths.temporaryDirectory()
        // The bundled answers with a metadata field to break the counts down by.
        let grades = ["AA", "EO", "HEO", "SEO", "G7", "SCS"]
        let input = try lines(TestPaths.corpus + "/responses.jsonl").enumerated().map { k, line in
            String(line.dropLast()) + ", \"grade\": \"\(grades[k % grades.count])\"}"
        }
        let whole = dir + "/whole.jsonl"
        try FileIO.writeAtomically(input.map { $0 + "\n" }.joined(), to: whole)
        let shards = try codeShards(try split(input, sizes: [50, 200], into: dir), in: dir)
        try run([whole, "--out", dir + "/single", "--quiet", "--by", "grade"])
        try merge(shards + ["--out", dir + "/merged", "--quiet", "--by", "grade"])
        for file in ["counts.csv", "counts.json", "cooccurrence.csv"] {
            #expect(try bytes(dir + "/merged/" + file) == bytes(dir + "/single/" + file), "\(file) differs")
        }
        #expect(try lines(dir + "/merged/coded.jsonl").sorted() == lines(dir + "/single/coded.jsonl").sorted())
        #expect(try FileIO.readText(path: dir + "/merged/quotes.md").contains("--with-text"),
                "without text, quotes.md says how to get quotes")
    }

    @Test func malformedShardLineStopsWithFileAndLine() throws {
        let dir = try TestPaths.temporaryDirectory()
        let good = #"{"id":"a","question":"Q3","themes":[],"evidence":{},"sentiment":null}"#
        let shard = dir + "/shard.jsonl"
        try FileIO.writeAtomically(good + "\n\n" + #"{"id":"b","themes":[}"# + "\n", to: shard)
        let out = dir + "/out"
        do {
            try merge([shard, "--out", out, "--quiet"])
            Issue.record("a malformed line must stop the merge")
        } catch let error as VerbatimError {
            let message = "\(error)"
            #expect(message.hasPrefix(shard + ":3:"), "file and line of the bad record: \(message)")
            #expect(message.contains("not valid JSON"))
        }
        #expect(!FileIO.exists(out + "/coded.jsonl"), "nothing is written")

        // Raw answers instead of coded records: said plainly.
        let raw = dir + "/raw.jsonl"
        try FileIO.writeAtomically(good + "\n" + #"{"id": "x", "text": "An answer"}"# + "\n", to: raw)
        #expect {
            try merge([raw, "--out", out, "--quiet"])
        } throws: { error in
            let message = "\(error)"
            return message.hasPrefix(raw + ":2:") && message.contains("not a coded record")
        }
    }

    @Test func foldersStandForTheirPartFilesInNameOrder() throws {
        let dir = try TestPaths.temporaryDirectory()
        for name in ["part-00001", "part-00000", "_SUCCESS", ".part-00000.crc"] {
            try FileIO.writeAtomically("", to: dir + "/" + name)
        }
        #expect(try MergeCommand.expand([dir, "-"]) == [dir + "/part-00000", dir + "/part-00001", "-"])
    }

    @Test func helpExplainsOrderExactnessAndInputs() {
        let help = MergeCommand.helpMessage()
        for phrase in ["verbatim run - --out -", "--with-text", "--order", "sorted by id", "byte-identical", "counts.csv",
                       "quotes.md", "_SUCCESS", "--pipeline", "--by"] {
            #expect(help.contains(phrase), "help lacks \(phrase)")
        }
        #expect(VerbatimCommand.helpMessage().contains("merge"))
    }
}

#if canImport(Glibc)
import Glibc
#endif
