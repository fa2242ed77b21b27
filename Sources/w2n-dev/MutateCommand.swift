// `w2n-dev mutate`: the robustness run over mutated suite modules.

import ArgumentParser
import Foundation
import SpecHarness

/// Runs mutated variants of the suite's modules through validateModule.
struct MutateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mutate",
        abstract:
            "Robustness run: mutated suite modules through validateModule; every variant needs a verdict in time.",
        discussion: """
            Variants are made deterministically from --seed: bit flips, byte overwrites, truncation, \
            overlong and huge LEB128s, inserted/deleted bytes, duplicated/swapped/dropped sections and \
            splices of two modules. A variant slower than --hang-limit fails and is saved to \
            .build-spec/failures/<kind>-<hash>.wasm; a crash saves it as crash-<kind>-<seed>-<n>.wasm. \
            The last line is `mutate: N passed, N failed`.
            """
    )

    @OptionGroup var suite: SuiteOptions

    @Option(help: "How many variants to make.")
    var count = 100_000

    @Option(help: "The seed; the same seed gives the same variants.")
    var seed: UInt64 = 1

    @Option(help: "Seconds after which one validation counts as a hang.")
    var hangLimit = 1.0

    @Option(help: "Only make variant number N, save it to the failures directory and print its verdict.")
    var variant: UInt64?

    func run() throws {
        CrashGuard.install()
        let locations: SpecLocations
        do {
            locations = try suite.locations()
            let tools = try WasmTools(executable: locations.wasmTools)
            let files = try SpecFile.discover(testsuite: locations.testsuite, cache: locations.cache)
                .filter { suite.filter.accepts($0.relativePath) }
            let outcomes = SpecConverter(tools: tools, workers: suite.conversionJobs).update(files)
            for case (let file, .failed(let message)) in zip(files, outcomes) {
                printError("\(file.relativePath): \(message)")
            }
        } catch {
            throw ValidationError(error.message)
        }
        let bases: [(name: String, bytes: [UInt8])]
        do {
            bases = try MutationRun.collectBases(cache: locations.cache)
        } catch {
            throw ValidationError(error.message)
        }
        var run = MutationRun(
            bases: bases, seed: seed, failureDirectory: locations.cache.appendingPathComponent("failures"))
        run.hangLimit = hangLimit

        if let variant {
            let made = run.mutator.variant(seed: seed, index: variant)
            let path = run.save(made)
            let base = bases[made.base].name
            print("variant \(variant): \(made.kind.rawValue) of \(base), \(made.bytes.count) bytes -> \(path)")
            flushOutput()
            try? FileManager.default.createDirectory(at: run.failureDirectory, withIntermediateDirectories: true)
            let (verdict, seconds) = run.check(made, index: variant, crashDirectory: run.failureDirectory.path)
            switch verdict {
            case .success: print("valid", terminator: "")
            case .failure(let error): print(error.description, terminator: "")
            }
            print(String(format: " (%.3f ms)", seconds * 1e3))
            return
        }

        let totalBytes = bases.reduce(0) { $0 + $1.bytes.count }
        let source = locations.cache.appendingPathComponent("wast").path
        print("mutating \(bases.count) distinct modules (\(totalBytes) bytes) from \(source), seed \(seed)")
        let showProgress = isatty(2) != 0
        let report = run.run(count: count) { done, _ in
            if showProgress { printError("  \(done) variants") }
        }
        print(Self.table(report))
        if report.failed > 0 { throw ExitCode(1) }
    }

    static func table(_ report: MutationRun.Report) -> String {
        var lines: [String] = []
        lines.append("kind                 variants     valid malformed   invalid    failed  slowest ms")
        var total = MutationRun.KindTally()
        for kind in MutationKind.allCases {
            let tally = report.kinds[kind] ?? MutationRun.KindTally()
            total.variants += tally.variants
            total.valid += tally.valid
            total.malformed += tally.malformed
            total.invalid += tally.invalid
            total.failed += tally.failed
            total.slowest = max(total.slowest, tally.slowest)
            lines.append(row(kind.rawValue, tally))
        }
        lines.append(row("total", total))
        lines.append("")
        lines.append("most frequent rejections:")
        for (message, count) in report.messages.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }).prefix(20) {
            lines.append("  \(String(format: "%7d", count))  \(message)")
        }
        if !report.failures.isEmpty {
            lines.append("")
            lines.append("failures (slower than the hang limit):")
            for failure in report.failures.prefix(50) {
                lines.append(
                    "  variant \(failure.index) \(failure.kind.rawValue) of \(failure.base): "
                        + String(format: "%.2f s", failure.seconds) + " -> \(failure.savedTo)")
            }
        }
        lines.append("")
        if let slowest = report.slowest {
            lines.append(
                "slowest variant: \(slowest.index) (\(slowest.kind.rawValue) of \(slowest.base)) "
                    + String(format: "%.3f ms", slowest.seconds * 1e3))
        }
        let rate = report.seconds > 0 ? Double(total.variants) / report.seconds : 0
        lines.append(
            String(
                format: "total time: %.2f s, %.0f variants/s, %.1f MB validated", report.seconds, rate,
                Double(report.bytes) / 1e6))
        lines.append("mutate: \(report.passed) passed, \(report.failed) failed")
        return lines.joined(separator: "\n")
    }

    private static func row(_ name: String, _ tally: MutationRun.KindTally) -> String {
        name.padding(toLength: 18, withPad: " ", startingAt: 0)
            + String(
                format: "%10d%10d%10d%10d%10d%12.3f", tally.variants, tally.valid, tally.malformed, tally.invalid,
                tally.failed, tally.slowest * 1e3)
    }
}
