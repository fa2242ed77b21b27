// The native engine of the spec harness: runs every command against modules compiled by the real
// pipeline (Lowering, Codegen) and driven through RuntimeSupport.
//
// Per script (one `.wast` file), before its first command, `ScriptBuild` compiles all the binary
// modules the harness will run into one shared object and loads it (see ScriptBuild.swift). The
// session then runs the commands: `assert_invalid` / `assert_malformed` through the parser
// engine's session, exactly as `--engine parser` does; every other command through
// RuntimeSupport's host API (w2n_instantiate with an import resolver, w2n_invoke, w2n_find_export,
// w2n_get_extern), which this process links itself: the w2n-dev executable exports its symbols
// (`--export-dynamic`) so that the loaded objects' `w2n_*` references resolve to them.
//
// Calls go through SpecTestHost's spec_call_*: a fault in generated code that RuntimeSupport does
// not turn into a trap, or a call that runs past `callTimeout`, fails that command with a report
// ("crash: SIGSEGV at ...", "timeout: ...") and the run goes on.

import Foundation
import RuntimeSupport
import SpecHarness
import SpecTestHost
import WasmParser

/// Runs spec commands against natively compiled modules.
package struct NativeEngine: SpecEngine {
    /// How modules are compiled and run.
    package struct Configuration: Sendable {
        /// LLVM optimisation level, 0 to 3.
        package var optimizationLevel = 2
        /// The CPU modules are compiled for: "baseline", "native" or an LLVM CPU name.
        package var cpu = "baseline"
        /// Modules compiled concurrently.
        package var compileJobs = 2
        /// Seconds after which a call into generated code is interrupted (0: never).
        package var callTimeout = 10.0
        /// Whether `spectest.print*` write to stdout.
        package var printHostOutput = false
        /// The feature set modules are validated with.
        package var features: WasmFeatureSet = .wasm2
        /// `ld.lld`.
        package var linker: String
        /// Where compiled objects are cached.
        package var objectDirectory: URL
        /// Where each script's shared object is written (kept for debugging crashes).
        package var libraryDirectory: URL
        /// Changes whenever the compiler (linked into this executable) changes.
        package var compilerIdentity: String

        /// A configuration with the cache in `<cache>/native` and the linker from `linker`, else
        /// `$W2N_LLD`, else Debian's `/usr/lib/llvm-19/bin/ld.lld`, else `ld.lld` on PATH.
        package init(cache: URL, linker: String? = nil) throws(NativeEngineError) {
            let environment = ProcessInfo.processInfo.environment
            var candidates = [linker, environment["W2N_LLD"], "/usr/lib/llvm-19/bin/ld.lld"].compactMap { $0 }
            for directory in (environment["PATH"] ?? "").split(separator: ":") {
                candidates.append("\(directory)/ld.lld")
            }
            guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
                throw .link("ld.lld not found: install Debian's lld-19 (scripts/setup.sh does) or set W2N_LLD")
            }
            self.linker = found
            let native = cache.appendingPathComponent("native")
            objectDirectory = native.appendingPathComponent("objects")
            libraryDirectory = native.appendingPathComponent("lib")
            for directory in [objectDirectory, libraryDirectory] {
                do {
                    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                } catch {
                    throw .io("cannot create \(directory.path): \(error)")
                }
            }
            compilerIdentity = Self.executableIdentity()
        }

        /// The running executable's size and modification time.
        static func executableIdentity() -> String {
            var info = stat()
            guard stat("/proc/self/exe", &info) == 0 else { return "unknown-\(getpid())" }
            return "\(info.st_size)-\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
        }
    }

    /// Totals over all scripts, for the statistics line.
    package final class Statistics {
        /// Modules compiled in this run.
        package var compiled = 0
        /// Modules whose object came from the cache.
        package var cached = 0
        /// Modules the compiler refused or failed on.
        package var failed = 0
        /// Wall time spent compiling and linking.
        package var compileSeconds = 0.0
        package var linkSeconds = 0.0

        /// One line: `native engine: ...`.
        package var summary: String {
            "native engine: \(compiled) modules compiled, \(cached) from the cache, \(failed) refused; "
                + String(format: "compiling %.1f s, linking %.1f s (wall)", compileSeconds, linkSeconds)
        }
    }

    package let configuration: Configuration
    /// The feature verdicts of the prepared suite: only modules the harness will run are compiled.
    let verdicts: [ModuleQuery: FeatureVerdict]
    /// Totals, updated by every session.
    package let statistics = Statistics()

    /// Creates the engine and installs the fault recovery of spec calls (before any other
    /// RuntimeSupport call, so that RuntimeSupport's fault handler chains to it).
    package init(configuration: Configuration, verdicts: [ModuleQuery: FeatureVerdict]) {
        self.configuration = configuration
        self.verdicts = verdicts
        spec_calls_install(configuration.callTimeout)
    }

    /// "native".
    package var name: String { "native" }

    /// Compiles and loads the script's modules and starts its session.
    package func makeSession(for file: SpecFile) -> Session {
        let parser = ParserEngine(features: configuration.features).makeSession(for: file)
        let script: SpecScript
        do {
            script = try SpecScript.load(file.json)
        } catch {
            return Session(file: file, parser: parser, build: nil, setupError: error.message, configuration: configuration)
        }
        let build = ScriptBuild(file: file, script: script, configuration: configuration) { command in
            guard let query = SpecSuite.moduleQuery(for: command, in: file) else { return false }
            return verdicts[query]?.skipReason == nil
        }
        statistics.compiled += build.statistics.compiled
        statistics.cached += build.statistics.cached
        statistics.failed += build.statistics.failed
        statistics.compileSeconds += build.statistics.compileSeconds
        statistics.linkSeconds += build.statistics.linkSeconds
        return Session(file: file, parser: parser, build: build, setupError: nil, configuration: configuration)
    }
}

/// The skip reason of modules the compiler refuses as using SIMD, while SIMD lowering is being
/// written: reported apart from failures.
package let simdNotLoweredYet = "native: simd not lowered yet"
