// Differential testing of the two engines (`w2n-dev difftest`).
//
// Modules come from seeds (ModuleGenerator: `wasm-tools smith`) or from files (the regression
// cases under Tests/Differential/FailCases, replayed by the test command). They are handled in
// batches: each module is validated by WasmParser (a module smith made that WasmParser rejects is
// itself a failure), prepared by the Interpreter, and compiled by Lowering + Codegen into one
// shared object per batch; then each runs in both engines (Execution.swift) and the runs are
// compared (Comparison.swift). A disagreement is settled by wasmtime (Reference.swift) when
// available, and the module is saved for minimizing (`wasm-tools shrink`, see
// scripts/difftest-shrink.sh) and for keeping as a regression case.

import Foundation
import Interpreter
import RuntimeSupport
import SpecHarness
import WasmParser

/// Where the modules of a run come from and how they are compiled.
package struct DifferentialConfiguration: Sendable {
    /// Seeds to generate modules from.
    package var seeds: Range<UInt64> = 0..<500
    /// Module files to run instead of generated ones. A file named `seed-N...` gets the call
    /// arguments of seed N (the seed it was generated from), others those of `argumentsSeed`.
    package var files: [URL] = []
    package var argumentsSeed: UInt64 = 0
    /// Modules per batch (one shared object each).
    package var batchSize = 50
    /// Threads compiling.
    package var jobs = 2
    /// LLVM optimisation level of the native side.
    package var optimizationLevel = 2
    /// The CPU the native side is compiled for: "baseline", "native" or an LLVM CPU name.
    package var cpu = "baseline"
    /// `wasm-tools`.
    package var wasmTools: URL
    /// Scratch space.
    package var workDirectory: URL
    /// Where disagreeing modules are saved (`<seed>.wasm` or the file's name), if anywhere.
    package var failureDirectory: URL?
    /// Whether generated modules may contain instructions that trap.
    package var allowTraps = true
    /// Python with the wasmtime package, and the reference script, to settle disagreements.
    package var reference: (python: URL, script: URL)?
    /// Seconds a module's compilation may take before it counts as a compiler hang.
    package var compileTimeout = 60.0
    /// Called, on a thread of its own, with one line naming the module when a compilation takes
    /// longer than `compileTimeout` (the module is saved to `failureDirectory` first). The hung
    /// compilation cannot be stopped, so the default prints the line and ends the process with
    /// status 1; the run does not go on.
    package var onCompileHang: @Sendable (String) -> Void = { line in
        print("error: \(line)")
        print("difftest: stopped at a compiler hang")
        fflush(nil)
        _exit(1)
    }

    package init(wasmTools: URL, workDirectory: URL) {
        self.wasmTools = wasmTools
        self.workDirectory = workDirectory
    }
}

/// Counts of a differential run.
package struct DifferentialSummary: Sendable {
    /// Modules run in both engines and compared.
    package var compared = 0
    package var agreed = 0
    /// Not comparable (stack exhaustion in either engine).
    package var inconclusive = 0
    /// Disagreements, one line each.
    package var disagreements: [String] = []
    /// Modules that could not be generated, validated, prepared or compiled.
    package var errors: [String] = []

    /// One line: `difftest: N compared, N agreed, N inconclusive, N disagreements, N errors`.
    package var line: String {
        "difftest: \(compared) compared, \(agreed) agreed, \(inconclusive) inconclusive (stack exhaustion), "
            + "\(disagreements.count) disagreements, \(errors.count) errors"
    }
}

/// One module to test and where it came from.
struct Candidate: Sendable {
    var label: String
    var seed: UInt64
    var bytes: [UInt8]
}

/// Runs the engines side by side.
package final class DifferentialRun {
    let configuration: DifferentialConfiguration
    package private(set) var summary = DifferentialSummary()

    package init(configuration: DifferentialConfiguration) {
        self.configuration = configuration
    }

    /// Runs every module; `log` receives progress and each disagreement.
    package func run(log: (String) -> Void) -> DifferentialSummary {
        guard let linker = NativeBatch.findLinker() else {
            summary.errors.append("ld.lld not found (Debian's lld-19, or W2N_LLD)")
            return summary
        }
        try? FileManager.default.createDirectory(at: configuration.workDirectory, withIntermediateDirectories: true)
        var configured = ModuleGenerator(wasmTools: configuration.wasmTools, directory: configuration.workDirectory)
        configured.allowTraps = configuration.allowTraps
        let generator = configured
        var sources: [(label: String, seed: UInt64, file: URL?)] = configuration.files.map {
            ($0.lastPathComponent, Self.seed(ofFile: $0) ?? configuration.argumentsSeed, $0)
        }
        if configuration.files.isEmpty {
            sources = configuration.seeds.map { ("seed \($0)", $0, nil) }
        }
        var batchNumber = 0
        for start in stride(from: 0, to: sources.count, by: configuration.batchSize) {
            let slice = Array(sources[start..<min(start + configuration.batchSize, sources.count)])
            let generated = ParallelWork.map(slice, workers: configuration.jobs) { source -> Result<[UInt8], DifferentialError> in
                if let file = source.file {
                    guard let data = FileManager.default.contents(atPath: file.path) else {
                        return .failure(DifferentialError("cannot read \(file.path)"))
                    }
                    return .success([UInt8](data))
                }
                return generator.module(seed: source.seed)
            }
            var candidates: [Candidate] = []
            for (source, result) in zip(slice, generated) {
                switch result {
                case .success(let bytes): candidates.append(Candidate(label: source.label, seed: source.seed, bytes: bytes))
                case .failure(let error): summary.errors.append("\(source.label): \(error)")
                }
            }
            runBatch(candidates, number: batchNumber, linker: linker, log: log)
            batchNumber += 1
            log("\(min(start + configuration.batchSize, sources.count)) of \(sources.count) modules: \(summary.line)")
        }
        return summary
    }

    private func runBatch(_ candidates: [Candidate], number: Int, linker: String, log: (String) -> Void) {
        var modules: [Module] = []
        var prepared: [(candidate: Candidate, interpreted: InterpretedModule)] = []
        for candidate in candidates {
            do {
                let module = try validateModule(candidate.bytes)
                let interpreted = try InterpretedModule(module: module)
                try interpreted.translateAll()
                modules.append(module)
                prepared.append((candidate, interpreted))
            } catch {
                summary.errors.append("\(candidate.label): \(error)")
                save(candidate, reason: "rejected: \(error)")
            }
        }
        let hung = prepared.map(\.candidate)
        let (timeout, failureDirectory, report) = (configuration.compileTimeout, failureDirectory, configuration.onCompileHang)
        let native = NativeBatch(
            modules: modules, directory: configuration.workDirectory, batch: number,
            optimizationLevel: configuration.optimizationLevel, cpu: configuration.cpu, jobs: configuration.jobs,
            linker: linker, compileTimeout: timeout
        ) { index in
            let line = "\(hung[index].label): compiling did not finish in \(timeout) s (a compiler hang)"
            Self.save(hung[index], reason: line, in: failureDirectory)
            report(line)
        }
        for (index, (candidate, interpreted)) in prepared.enumerated() {
            guard let descriptor = native.descriptors[index] else {
                summary.errors.append("\(candidate.label): \(native.failures[index] ?? "not compiled")")
                save(candidate, reason: "native: \(native.failures[index] ?? "not compiled")")
                continue
            }
            let module = modules[index]
            let mine = Runner.run(module, descriptor: interpreted.descriptor, seed: candidate.seed)
            let theirs = Runner.run(
                module, descriptor: descriptor.assumingMemoryBound(to: w2n_module.self), seed: candidate.seed)
            summary.compared += 1
            switch Comparison.compare(interpreter: mine, native: theirs) {
            case .agree:
                summary.agreed += 1
            case .inconclusive:
                summary.inconclusive += 1
            case .disagree(let difference):
                var line = "\(candidate.label): \(difference)"
                if let reference = configuration.reference {
                    line += "; " + Reference.settle(
                        module: candidate.bytes, parsed: module, interpreter: mine, native: theirs, python: reference.python,
                        script: reference.script, directory: configuration.workDirectory)
                }
                summary.disagreements.append(line)
                save(candidate, reason: line)
                log("DISAGREEMENT \(line)")
            }
        }
    }

    /// N for a file named `seed-N.wasm` or `seed-N-anything.wasm`.
    static func seed(ofFile file: URL) -> UInt64? {
        let name = file.deletingPathExtension().lastPathComponent
        guard name.hasPrefix("seed-") else { return nil }
        return UInt64(name.dropFirst("seed-".count).prefix { $0.isNumber })
    }

    /// Where `save` keeps a failing module: the failure directory, and whether modules are
    /// named by seed (generated) or by file.
    private var failureDirectory: (url: URL, bySeed: Bool)? {
        configuration.failureDirectory.map { ($0, configuration.files.isEmpty) }
    }

    /// Keeps a failing module (and why) in the failure directory.
    private func save(_ candidate: Candidate, reason: String) {
        Self.save(candidate, reason: reason, in: failureDirectory)
    }

    private static func save(_ candidate: Candidate, reason: String, in failureDirectory: (url: URL, bySeed: Bool)?) {
        guard let (directory, bySeed) = failureDirectory else { return }
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let name = bySeed ? "seed-\(candidate.seed)" : candidate.label.replacingOccurrences(of: ".wasm", with: "")
        _ = FileManager.default.createFile(
            atPath: directory.appendingPathComponent(name + ".wasm").path, contents: Data(candidate.bytes))
        _ = FileManager.default.createFile(
            atPath: directory.appendingPathComponent(name + ".txt").path, contents: Data((reason + "\n").utf8))
    }
}
