import VerbatimCore

/// The host side of the stage protocol with one running program: handshake, pipelined exchange of a
/// batch, validation of every answer, and shutdown.
final class ExecConnection {
    struct Failure: Error {
        var message: String
    }

    let label: String
    let timeout: Double
    let handshake: ExecStage.Handshake
    private let process: ChildProcess
    private var sequence = 0
    private var closed = false

    init(command: [String], directory: String, timeout: Double, startupTimeout: Double, settings: JSONValue,
         label: String) throws(Failure) {
        self.label = label
        self.timeout = timeout
        do {
            process = try ChildProcess(arguments: command, directory: directory)
        } catch {
            if case let .spawn(m) = error { throw Failure(message: m) }
            throw Failure(message: "cannot start the program")
        }
        var w = JSONWriter()
        w.beginObject()
        w.key("type"); w.string("hello")
        w.key("protocol"); w.integer(ExecStage.protocolVersion)
        w.key("options"); w.value(settings)
        w.endObject()
        w.newline()
        process.send(w.bytes)
        let line: [UInt8]
        do {
            line = try process.readLine(timeout: startupTimeout)
        } catch {
            let reason = Self.describe(error, process: process, timeout: startupTimeout)
            process.terminate()
            throw Failure(message: "'\(command.joined(separator: " "))' gave no handshake: \(reason)")
        }
        do {
            handshake = try Self.parseHandshake(line)
        } catch {
            process.terminate()
            throw error
        }
    }

    deinit { close() }

    /// Ends the exchange: closes the program's input and gives it a moment to exit by itself.
    func close() {
        guard !closed else { return }
        closed = true
        do {
            try process.closeInput(deadline: Clock.now() + min(timeout, 5))
            process.waitForExit(grace: 2)
        } catch {
            // It would not take the rest of its input: end it.
        }
        process.terminate()
    }

    static func describe(_ error: ChildProcess.Failure, process: ChildProcess, timeout: Double) -> String {
        switch error {
        case .timedOut:
            return "no answer within \(JSONWriter.format(timeout)) s (is it hung, or reading more than one line per request?)"
        case let .exited(status):
            let tail = process.stderrText
            return "it exited (\(status))" + (tail.isEmpty ? "" : "; its last error output:\n    " + tail.replacing("\n", with: "\n    "))
        case let .spawn(m):
            return m
        }
    }

    static func parseHandshake(_ line: [UInt8]) throws(Failure) -> ExecStage.Handshake {
        let value: JSONValue
        do {
            value = try line.withUnsafeBufferPointer { (b) throws(JSONParser.Failure) -> JSONValue in try JSONParser.parse(b) }
        } catch {
            throw Failure(message: "its handshake is not valid JSON (\(error.message)): \(preview(line))")
        }
        guard value["type"]?.stringValue == "hello" else {
            throw Failure(message: "its first line must be the handshake {\"type\": \"hello\", …}, got: \(preview(line))")
        }
        guard let p = value["protocol"]?.doubleValue, Int(p) == ExecStage.protocolVersion else {
            throw Failure(message: "it speaks protocol \(value["protocol"]?.scalarText ?? "?"); this host speaks \(ExecStage.protocolVersion)")
        }
        guard let name = value["name"]?.stringValue, !name.isEmpty else { throw Failure(message: "its handshake has no \"name\"") }
        func annotations(_ key: String) throws(Failure) -> [Annotation] {
            guard let v = value[key] else { return [] }
            guard let items = v.arrayValue, items.allSatisfy({ $0.stringValue != nil }) else {
                throw Failure(message: "\"\(key)\" in its handshake must be a list of annotation names")
            }
            return items.compactMap(\.stringValue).map(Annotation.init(rawValue:))
        }
        return ExecStage.Handshake(name: name, version: Int(value["version"]?.doubleValue ?? 1),
                                   requires: try annotations("requires"), assigns: try annotations("assigns"))
    }

    static func preview(_ line: [UInt8]) -> String {
        let text = String(decoding: line.prefix(160), as: UTF8.self)
        return line.count > 160 ? text + "…" : text
    }

    struct Outcome {
        var failures: [(Int, String)] = []
        /// The program can no longer be trusted (died, hung, out of step).
        var broken = false
    }

    /// Sends every document of the batch, then reads and applies the answers in order.
    func exchange(_ batch: inout [Document]) -> Outcome {
        var outcome = Outcome()
        let firstSequence = sequence
        var w = JSONWriter(reservingCapacity: 256 * batch.count)
        for d in batch {
            encodeRequest(d, sequence: sequence, into: &w)
            sequence += 1
        }
        process.send(w.bytes)
        for i in batch.indices {
            let line: [UInt8]
            do {
                line = try process.readLine(timeout: timeout)
            } catch {
                let reason = Self.describe(error, process: process, timeout: timeout)
                for k in i..<batch.count { outcome.failures.append((k, k == i ? reason : "not answered: \(reason)")) }
                outcome.broken = true
                return outcome
            }
            do {
                try apply(line, to: &batch[i], sequence: firstSequence + i)
            } catch {
                outcome.failures.append((i, error.message))
                if error.breaksStream {
                    for k in (i + 1)..<batch.count { outcome.failures.append((k, "not answered: the stage is out of step")) }
                    outcome.broken = true
                    return outcome
                }
            }
        }
        return outcome
    }

    private func encodeRequest(_ d: Document, sequence: Int, into w: inout JSONWriter) {
        let r = d.response
        w.beginObject()
        w.key("type"); w.string("response")
        w.key("seq"); w.integer(sequence)
        w.key("id"); w.string(r.id)
        w.key("question")
        if let q = r.question { w.string(q) } else { w.null() }
        w.key("text"); w.string(r.text)
        if !r.metadata.isEmpty {
            w.key("metadata"); w.value(.object(r.metadata))
        }
        if d.assigned.contains(.codes) || !d.codes.isEmpty {
            w.key("themes")
            w.beginArray()
            for c in d.codes { w.string(c.theme) }
            w.endArray()
        }
        if let s = d.sentiment {
            w.key("sentiment")
            w.beginObject()
            w.key("label"); w.string(s.label.rawValue)
            w.key("score"); w.number(s.score)
            w.endObject()
        }
        w.endObject()
        w.newline()
    }

    struct AnswerError: Error {
        var message: String
        var breaksStream = false
    }

    private func apply(_ line: [UInt8], to document: inout Document, sequence: Int) throws(AnswerError) {
        let value: JSONValue
        do {
            value = try line.withUnsafeBufferPointer { (b) throws(JSONParser.Failure) -> JSONValue in try JSONParser.parse(b) }
        } catch {
            throw AnswerError(message: "returned malformed JSON (\(error.message) at byte \(error.offset)): \(Self.preview(line))")
        }
        guard case .object = value else { throw AnswerError(message: "returned \(Self.preview(line)), not a JSON object") }
        let seq = value["seq"]?.doubleValue.map { Int($0) }
        guard seq == sequence, value["id"]?.scalarText == document.response.id else {
            throw AnswerError(
                message: "answered seq \(seq.map(String.init) ?? "none")/id '\(value["id"]?.scalarText ?? "none")' where seq \(sequence)/id '\(document.response.id)' was expected; answers must come one per request, in order",
                breaksStream: true)
        }
        if let error = value["error"] {
            throw AnswerError(message: "reported: \(error.stringValue ?? error.scalarText ?? "an error")")
        }
        if let text = value["text"] {
            guard let newText = text.stringValue else { throw AnswerError(message: "\"text\" must be a string") }
            try replaceText(&document, with: newText, edits: value["edits"])
        }
        if let codes = value["codes"] { try addCodes(codes, to: &document) }
        if let sentiment = value["sentiment"] {
            guard let label = sentiment["label"]?.stringValue.flatMap(Sentiment.Label.init(rawValue:)),
                  let score = sentiment["score"]?.doubleValue, (-1...1).contains(score)
            else {
                throw AnswerError(message: "\"sentiment\" must be {\"label\": positive|negative|neutral|mixed, \"score\": -1…1}")
            }
            document.sentiment = Sentiment(label: label, score: score)
        }
        if let annotations = value["annotations"] {
            guard case let .object(members) = annotations else { throw AnswerError(message: "\"annotations\" must be an object") }
            for m in members { document.annotations[m.key] = m.value }
        }
    }
}
