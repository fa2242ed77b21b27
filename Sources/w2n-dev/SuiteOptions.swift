// Options shared by the commands that read the converted suite.

import ArgumentParser
import SpecHarness

/// Where the suite, its cache and wasm-tools are, and which files to take.
struct SuiteOptions: ParsableArguments {
    @Option(help: "The directory of .wast files (default: $W2N_TESTSUITE, else <repo>/../shared/testsuite).")
    var testsuite: String?

    @Option(help: "The cache of converted files and verdicts (default: <repo>/.build-spec).")
    var cache: String?

    @Option(
        name: .customLong("wasm-tools"), help: "The wasm-tools binary (default: $W2N_WASM_TOOLS, .venv, /tmp/venvtest)."
    )
    var wasmTools: String?

    @Option(help: "Comma-separated globs or substrings of files to run (default: $W2N_SPECTEST_INCLUDE, all).")
    var include: String?

    @Option(help: "Comma-separated globs or substrings of files to leave out (default: $W2N_SPECTEST_EXCLUDE).")
    var exclude: String?

    @Option(help: "Concurrent wasm-tools processes for conversion.")
    var conversionJobs = 2

    @Option(help: "Concurrent wasm-tools processes for feature classification.")
    var validationJobs = 3

    func locations() throws(SpecHarnessError) -> SpecLocations {
        try SpecLocations(testsuite: testsuite, cache: cache, wasmTools: wasmTools)
    }

    var filter: SpecFileFilter {
        SpecFileFilter(includeOption: include, excludeOption: exclude)
    }

    /// Converts and classifies the selected files, logging progress to stderr.
    func prepare() throws -> SpecSuite {
        do {
            return try SpecSuite.prepare(
                locations: try locations(), filter: filter, conversionWorkers: conversionJobs,
                validationWorkers: validationJobs, log: { printError($0) })
        } catch {
            throw ValidationError(error.message)
        }
    }
}
