// `w2n-dev spectest`: the spec suite through an engine.

import ArgumentParser
import Foundation
import InterpreterSpecEngine
import NativeSpecEngine
import SpecHarness

/// Runs the spec suite.
struct SpecTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spectest",
        abstract: "Run the WebAssembly spec suite and count every command.",
        discussion: """
            Converts the .wast files with wasm-tools (cached in .build-spec), skips modules beyond \
            WebAssembly 2.0 by the rule in Documentation/SpecSuite.md, runs the rest, and prints one line \
            per file, the failures, the failure groups, the tables, and last \
            `spectest: N passed, N failed, N skipped`. Exits 1 when anything failed. The parser engine \
            runs the validation commands only; the native engine also compiles every module with the \
            real pipeline and runs the execution commands (Documentation/SpecSuite.md, "Engines").
            """
    )

    @OptionGroup var suite: SuiteOptions

    @Option(help: "The engine: parser (validation only), native (compiled modules run natively) or interpreter.")
    var engine = "parser"

    @Option(help: "Seconds after which one command fails as too slow.")
    var timeLimit = 1.0

    @Option(help: "Failures listed one by one (the groups always cover all).")
    var maxFailures = 200

    @Option(name: .customLong("opt-level"), help: "native: the LLVM optimisation level, 0 to 3.")
    var optLevel = 2

    @Option(help: "native: the CPU modules are compiled for: baseline, native (this machine's) or an LLVM CPU name.")
    var cpu = "baseline"

    @Option(help: "native: modules compiled concurrently.")
    var compileJobs = 2

    @Option(help: "native, interpreter: seconds after which a call is interrupted (0: never).")
    var callTimeout = 3.0

    @Option(help: "native: the ld.lld binary (default: $W2N_LLD, /usr/lib/llvm-19/bin/ld.lld, PATH).")
    var lld: String?

    @Flag(help: "native, interpreter: let spectest's print functions write to stdout.")
    var printHostOutput = false

    func run() throws {
        CrashGuard.install()
        guard ["parser", "native", "interpreter"].contains(engine) else {
            throw ValidationError("unknown engine \(engine); available: parser, native, interpreter")
        }
        guard (0...3).contains(optLevel) else { throw ValidationError("--opt-level must be 0 to 3") }
        let prepared = try suite.prepare()
        let runner = SpecRunner(timeLimit: timeLimit)
        let log: (String) -> Void = { line in
            print(line)
            flushOutput()
        }
        let report: SpecReport
        if engine == "native" {
            var configuration: NativeEngine.Configuration
            do {
                configuration = try NativeEngine.Configuration(cache: try suite.locations().cache, linker: lld)
            } catch {
                throw ValidationError("\(error)")
            }
            configuration.optimizationLevel = optLevel
            configuration.cpu = cpu
            configuration.compileJobs = max(1, compileJobs)
            configuration.callTimeout = callTimeout
            configuration.printHostOutput = printHostOutput
            let native = NativeEngine(configuration: configuration, verdicts: prepared.verdicts)
            report = runner.run(prepared, engine: native, log: log)
            print("")
            print(native.statistics.summary)
        } else if engine == "interpreter" {
            let interpreter = InterpreterEngine(callTimeout: callTimeout, printHostOutput: printHostOutput)
            report = runner.run(prepared, engine: interpreter, log: log)
        } else {
            report = runner.run(prepared, engine: ParserEngine(), log: log)
        }
        print(report.summary(maxListedFailures: maxFailures))
        if report.failed > 0 { throw ExitCode(1) }
    }
}
