// `w2n-dev difftest`: the interpreter and native code side by side on generated modules.

import ArgumentParser
import DifferentialTesting
import Foundation
import SpecHarness
import SpecTestHost

/// Runs generated (or saved) modules in both engines and compares everything they do.
struct DiffTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "difftest",
        abstract: "Differential testing: modules from `wasm-tools smith` run in the interpreter and natively.",
        discussion: """
            Each seed makes one module (wasm-tools smith, WebAssembly 2.0, no imports, everything \
            exported, bounded loops). Every exported function is called with arguments derived from \
            the seed in both engines; results (bit for bit, NaN payloads aside), traps, and the final \
            memories, globals and tables are compared. A disagreement is settled by wasmtime (PyPI) \
            and the module saved to --failures for `scripts/difftest-shrink.sh`. A compilation that \
            outlasts --compile-timeout is a compiler hang: the module is saved likewise and the run \
            stops there with status 1 (the compiling thread cannot be interrupted). --replay runs the \
            .wasm files of a folder (the kept regression cases) instead. The last line is \
            `difftest: N compared, N agreed, N inconclusive ..., N disagreements, N errors`; the \
            exit status is 1 when there is a disagreement or an error.
            """
    )

    @OptionGroup var suite: SuiteOptions

    @Option(help: "How many seeds.")
    var seeds: UInt64 = 500

    @Option(help: "The first seed.")
    var start: UInt64 = 0

    @Option(help: "Run the .wasm files of this folder instead of generated modules.")
    var replay: String?

    @Option(help: "Run this one .wasm file instead of generated modules.")
    var module: String?

    @Option(help: "The seed of the call arguments of files not named seed-N... (default 0).")
    var argumentsSeed: UInt64 = 0

    @Option(help: "For `wasm-tools shrink`: exit 0 exactly when a disagreement mentions this text, else 1.")
    var interesting: String?

    @Option(help: "Modules compiled into one shared object.")
    var batchSize = 50

    @Option(help: "Threads generating and compiling modules.")
    var jobs = 2

    @Option(name: .customLong("opt-level"), help: "The native side's LLVM optimisation level, 0 to 3.")
    var optLevel = 2

    @Option(help: "The CPU the native side is compiled for: baseline, native (this machine's) or an LLVM CPU name.")
    var cpu = "baseline"

    @Option(help: "Seconds after which a call is interrupted.")
    var callTimeout = 10.0

    @Option(help: "Seconds a module's compilation may take; a longer one is reported as a compiler hang and ends the run (status 1).")
    var compileTimeout = 60.0

    @Option(help: "Where disagreeing modules are saved (default: <repo>/.build-spec/difftest-failures).")
    var failures: String?

    @Flag(help: "Generate modules without instructions that may trap (smith --disallow-traps).")
    var noTraps = false

    @Flag(help: "Do not ask wasmtime to settle disagreements.")
    var noReference = false

    func run() throws {
        CrashGuard.install()
        spec_calls_install(callTimeout)
        let locations: SpecLocations
        do {
            locations = try suite.locations()
        } catch {
            throw ValidationError(error.message)
        }
        var configuration = DifferentialConfiguration(
            wasmTools: locations.wasmTools,
            workDirectory: FileManager.default.temporaryDirectory.appendingPathComponent("w2n-difftest-\(getpid())"))
        defer { try? FileManager.default.removeItem(at: configuration.workDirectory) }
        configuration.seeds = start..<(start + seeds)
        configuration.batchSize = max(1, batchSize)
        configuration.jobs = max(1, jobs)
        configuration.optimizationLevel = optLevel
        configuration.cpu = cpu
        configuration.failureDirectory = URL(
            fileURLWithPath: failures ?? locations.repositoryRoot.appendingPathComponent(".build-spec/difftest-failures").path)
        if let replay {
            let folder = URL(fileURLWithPath: replay)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            configuration.files = names.filter { $0.hasSuffix(".wasm") }.sorted().map { folder.appendingPathComponent($0) }
            if configuration.files.isEmpty {
                print("difftest: no .wasm files in \(replay)")
                return
            }
            configuration.failureDirectory = nil
        }
        if let module {
            configuration.files = [URL(fileURLWithPath: module)]
            configuration.failureDirectory = nil
        }
        configuration.compileTimeout = compileTimeout
        if let interesting {
            // `wasm-tools shrink` minimizes a hang like a disagreement.
            configuration.onCompileHang = { line in _exit(line.contains(interesting) ? 0 : 1) }
        }
        configuration.argumentsSeed = argumentsSeed
        configuration.allowTraps = !noTraps
        let python = locations.repositoryRoot.appendingPathComponent(".venv/bin/python3")
        let script = locations.repositoryRoot.appendingPathComponent("scripts/difftest_reference.py")
        if !noReference, interesting == nil, FileManager.default.isExecutableFile(atPath: python.path),
            FileManager.default.fileExists(atPath: script.path)
        {
            configuration.reference = (python, script)
        }
        let summary = DifferentialRun(configuration: configuration).run { line in
            if interesting == nil {
                print(line)
                flushOutput()
            }
        }
        if let interesting {
            throw ExitCode(summary.disagreements.contains { $0.contains(interesting) } ? 0 : 1)
        }
        for error in summary.errors.prefix(50) { print("error: \(error)") }
        for disagreement in summary.disagreements { print("disagreement: \(disagreement)") }
        print(summary.line)
        if !summary.disagreements.isEmpty || !summary.errors.isEmpty { throw ExitCode(1) }
    }
}
