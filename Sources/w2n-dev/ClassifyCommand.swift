// `w2n-dev classify`: how the feature rule sorts the suite's modules, to check the gate table.

import ArgumentParser
import SpecHarness

/// Prints the feature classification of every binary module the suite names.
struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Show how the Wasm 2.0 feature rule classifies the suite's modules.",
        discussion: """
            Lists, per command kind, how many modules are supported and how many are beyond Wasm 2.0 by \
            feature, then every wasm-tools reason that the feature-gate table did not explain (named by \
            the probe, or "other"), so the table can be extended.
            """
    )

    @OptionGroup var suite: SuiteOptions

    @Flag(help: "List every classified command, not only the summary.")
    var verbose = false

    func run() throws {
        let prepared = try suite.prepare()
        var byVerdict: [String: Int] = [:]
        var explained: [String: (count: Int, example: String)] = [:]
        for entry in prepared.entries {
            guard case .success(let script) = entry.script else { continue }
            for command in script.commands {
                guard let query = SpecSuite.moduleQuery(for: command, in: entry.file),
                    let verdict = prepared.verdicts[query]
                else { continue }
                let role = query.expectation == .valid ? "expected valid" : "expected error"
                byVerdict["\(role): \(verdict.skipReason ?? "supported")", default: 0] += 1
                let location = "\(entry.file.relativePath):\(command.line)"
                if verbose { print("\(location) \(command.typeName): \(verdict.skipReason ?? "supported")") }
                if case .beyond(let feature, let reason, let source) = verdict {
                    let key = "\(role) | \(source.rawValue) | \(feature) <- \(reason)"
                    let old = explained[key] ?? (0, location)
                    explained[key] = (old.count + 1, old.example)
                }
            }
        }
        print("modules by verdict (one per command):")
        for (key, count) in byVerdict.sorted(by: { $0.key < $1.key }) {
            print("  \(String(format: "%6d", count))  \(key)")
        }
        print("")
        print("skips and how the feature was named (role | source | feature <- wasm-tools reason under wasm2):")
        for (key, value) in explained.sorted(by: {
            ($0.key.contains("| table |") ? 1 : 0, $0.key) < ($1.key.contains("| table |") ? 1 : 0, $1.key)
        }) {
            print("  \(String(format: "%6d", value.count))  \(key)   e.g. \(value.example)")
        }
        let unexplained = explained.keys.filter { $0.contains("| unexplained |") }.count
        print("")
        print("classify: \(prepared.verdicts.count) distinct queries, \(unexplained) unexplained reasons")
    }
}
