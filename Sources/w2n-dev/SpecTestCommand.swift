// `w2n-dev spectest`: the spec suite through an engine.

import ArgumentParser
import Foundation
import SpecHarness

/// Runs the spec suite.
struct SpecTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spectest",
        abstract: "Run the WebAssembly spec suite (validation commands today) and count every command.",
        discussion: """
            Converts the .wast files with wasm-tools (cached in .build-spec), skips modules beyond \
            WebAssembly 2.0 by the rule in Documentation/SpecSuite.md, runs the rest, and prints one line \
            per file, the failures, the failure groups, the tables, and last \
            `spectest: N passed, N failed, N skipped`. Exits 1 when anything failed.
            """
    )

    @OptionGroup var suite: SuiteOptions

    @Option(help: "The engine: parser (validation only).")
    var engine = "parser"

    @Option(help: "Seconds after which one command fails as too slow.")
    var timeLimit = 1.0

    @Option(help: "Failures listed one by one (the groups always cover all).")
    var maxFailures = 200

    func run() throws {
        CrashGuard.install()
        guard engine == "parser" else { throw ValidationError("unknown engine \(engine); available: parser") }
        let prepared = try suite.prepare()
        let report = SpecRunner(timeLimit: timeLimit).run(prepared, engine: ParserEngine()) { line in
            print(line)
            flushOutput()
        }
        print(report.summary(maxListedFailures: maxFailures))
        if report.failed > 0 { throw ExitCode(1) }
    }
}
