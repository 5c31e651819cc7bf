import ArgumentParser
import VerbatimCore
import VerbatimStages

/// `verbatim stages`: what can go into a pipeline.
struct StagesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stages",
        abstract: "List the registered stages with their options and what they require and assign.")

    func run() throws { Console.out(Self.listing(StageRegistry.builtin)) }

    static func listing(_ registry: StageRegistry) -> String {
        var out = ""
        for name in registry.names {
            let d = registry.type(named: name)!.descriptor
            out += "\(d.versionedName): \(d.summary)\n"
            out += "  requires: \(d.requires.isEmpty ? "-" : d.requires.map(\.rawValue).joined(separator: ", "))\n"
            out += "  assigns:  \(d.assigns.map(\.rawValue).joined(separator: ", "))\n"
            if d.options.isEmpty {
                out += "  options:  none\n"
            } else {
                out += "  options:\n"
                for o in d.options {
                    var line = "    \(o.name) (\(o.kind))"
                    if o.isRequired { line += ", required" }
                    if let v = o.defaultValue { line += ", default \(v)" }
                    out += line + ": \(o.help)\n"
                }
            }
            out += "\n"
        }
        return out
    }
}
