// The robustness run: many mutated variants of the suite's modules through `validateModule`,
// in process. Every variant must get a verdict (valid, malformed or invalid) within the time limit;
// a slower one is a hang and fails. A crash ends the process, after `CrashGuard` saved the variant.

import Foundation
import WasmParser

/// Runs mutated modules through the validator and counts verdicts.
package struct MutationRun {
    /// The modules to mutate and their names (paths relative to the cache).
    package var bases: [(name: String, bytes: [UInt8])]
    /// The run's seed.
    package var seed: UInt64
    /// Where failing variants are saved.
    package var failureDirectory: URL
    /// Seconds after which one validation counts as a hang.
    package var hangLimit: Double = 1.0
    /// The feature set to validate with.
    package var features: WasmFeatureSet = .wasm2

    /// Creates a run.
    package init(bases: [(name: String, bytes: [UInt8])], seed: UInt64, failureDirectory: URL) {
        self.bases = bases
        self.seed = seed
        self.failureDirectory = failureDirectory
    }

    /// Counts of one mutation kind.
    package struct KindTally: Sendable {
        /// Variants made.
        package var variants = 0
        /// Variants that validated.
        package var valid = 0
        /// Variants rejected as malformed.
        package var malformed = 0
        /// Variants rejected as invalid.
        package var invalid = 0
        /// Variants that took longer than the limit.
        package var failed = 0
        /// The slowest variant of this kind, in seconds.
        package var slowest = 0.0

        /// Zero counts.
        package init() {}
    }

    /// One failure.
    package struct Failure: Sendable {
        /// Variant number.
        package var index: UInt64
        /// Mutation kind.
        package var kind: MutationKind
        /// Base module name.
        package var base: String
        /// Time taken.
        package var seconds: Double
        /// Where the variant was saved.
        package var savedTo: String
    }

    /// The result of a run.
    package struct Report: Sendable {
        /// Per mutation kind.
        package var kinds: [MutationKind: KindTally] = [:]
        /// Rejection messages (kind and message, numbers blurred) by count.
        package var messages: [String: Int] = [:]
        /// The slowest variant: number, kind, base, seconds.
        package var slowest: (index: UInt64, kind: MutationKind, base: String, seconds: Double)?
        /// Hangs.
        package var failures: [Failure] = []
        /// Total bytes validated.
        package var bytes = 0
        /// Wall time of the run, in seconds.
        package var seconds = 0.0

        /// Variants that got a verdict in time.
        package var passed: Int { kinds.values.reduce(0) { $0 + $1.variants - $1.failed } }
        /// Variants that did not.
        package var failed: Int { failures.count }
    }

    /// The mutator over the bases.
    package var mutator: Mutator {
        Mutator(bases: bases.map(\.bytes))
    }

    /// Runs variants `0..<count`; `progress` is called every 10,000 variants.
    package func run(count: Int, progress: (Int, Report) -> Void = { _, _ in }) -> Report {
        let mutator = self.mutator
        var report = Report()
        let start = MonotonicClock.now()
        let crashDirectory = failureDirectory.path
        try? FileManager.default.createDirectory(at: failureDirectory, withIntermediateDirectories: true)
        for index in 0..<UInt64(count) {
            let variant = mutator.variant(seed: seed, index: index)
            let base = bases[variant.base].name
            var tally = report.kinds[variant.kind] ?? KindTally()
            tally.variants += 1
            report.bytes += variant.bytes.count

            let (verdict, seconds) = check(variant, index: index, crashDirectory: crashDirectory)
            switch verdict {
            case .success: tally.valid += 1
            case .failure(let error):
                if error.kind == .malformed { tally.malformed += 1 } else { tally.invalid += 1 }
                report.messages["\(error.kind.rawValue): \(SpecReport.blur(error.message))", default: 0] += 1
            }
            tally.slowest = max(tally.slowest, seconds)
            if seconds > (report.slowest?.seconds ?? -1) {
                report.slowest = (index, variant.kind, base, seconds)
            }
            if seconds > hangLimit {
                tally.failed += 1
                let saved = save(variant)
                report.failures.append(
                    Failure(index: index, kind: variant.kind, base: base, seconds: seconds, savedTo: saved))
            }
            report.kinds[variant.kind] = tally
            if (index + 1) % 10_000 == 0 { progress(Int(index + 1), report) }
        }
        report.seconds = MonotonicClock.seconds(since: start)
        return report
    }

    /// Validates one variant under `CrashGuard`: its verdict and the time it took.
    package func check(_ variant: Mutator.Variant, index: UInt64, crashDirectory: String) -> (
        verdict: Result<Void, WasmParserError>, seconds: Double
    ) {
        variant.bytes.withUnsafeBytes { buffer in
            CrashGuard.begin(
                "mutate variant \(index) (\(variant.kind.rawValue) of \(bases[variant.base].name)); reproduce with "
                    + "`w2n-dev mutate --seed \(seed) --variant \(index)`",
                payload: buffer,
                savePath: "\(crashDirectory)/crash-\(variant.kind.rawValue)-\(seed)-\(index).wasm")
            defer { CrashGuard.end() }
            let start = MonotonicClock.now()
            let verdict: Result<Void, WasmParserError>
            do throws(WasmParserError) {
                _ = try validateModule(variant.bytes, features: features)
                verdict = .success(())
            } catch {
                verdict = .failure(error)
            }
            return (verdict, MonotonicClock.seconds(since: start))
        }
    }

    /// Saves a variant as `<failures>/<kind>-<sha256 prefix>.wasm`; returns the path.
    package func save(_ variant: Mutator.Variant) -> String {
        let name = "\(variant.kind.rawValue)-\(SHA256.hexDigest(variant.bytes).prefix(16)).wasm"
        let url = failureDirectory.appendingPathComponent(name)
        try? FileManager.default.createDirectory(at: failureDirectory, withIntermediateDirectories: true)
        do {
            try Data(variant.bytes).write(to: url)
        } catch {
            return "(could not save \(url.path): \(error))"
        }
        return url.path
    }

    /// Every distinct `.wasm` under the cache's converted suite, sorted by path (content duplicates
    /// keep the first path).
    package static func collectBases(cache: URL) throws(SpecHarnessError) -> [(name: String, bytes: [UInt8])] {
        let root = cache.appendingPathComponent("wast")
        guard let enumerator = FileManager.default.enumerator(atPath: root.path) else {
            throw SpecHarnessError("no converted suite in \(root.path)")
        }
        var paths: [String] = []
        while let path = enumerator.nextObject() as? String {
            if path.hasSuffix(".wasm") { paths.append(path) }
        }
        var seen = Set<[UInt8]>()
        var bases: [(name: String, bytes: [UInt8])] = []
        for path in paths.sorted() {
            guard let data = FileManager.default.contents(atPath: root.appendingPathComponent(path).path) else {
                continue
            }
            let bytes = [UInt8](data)
            if seen.insert(bytes).inserted { bases.append(("wast/\(path)", bytes)) }
        }
        if bases.isEmpty { throw SpecHarnessError("no .wasm files in \(root.path)") }
        return bases
    }
}
