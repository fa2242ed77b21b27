// Deciding, mechanically, which modules are beyond the supported feature set (WebAssembly 2.0).
//
// The rule (also in Documentation/SpecSuite.md). Every binary module a command names is validated
// with `wasm-tools validate --features wasm2`; let R be its reason when it rejects the module.
//
// A module expected to be valid (`module`, `module_definition`, the modules of
// `assert_unlinkable` / `assert_uninstantiable`):
//   1. wasm2 accepts it                        -> supported: the command runs;
//   2. R is in the feature-gate table          -> beyond Wasm 2.0: that feature;
//   3. `wasm2,F` accepts it for a probe F      -> beyond Wasm 2.0: the first such F;
//   4. otherwise                               -> beyond Wasm 2.0: "other: R" (nothing is hidden).
// A module expected to be rejected (`assert_invalid`, `assert_malformed`) with expected text T:
//   1. wasm2 accepts it                        -> skipped "not an error in Wasm 2.0" (an expectation
//                                                 from before 2.0, e.g. the threads proposal's copy
//                                                 of imports.wast still says "multiple tables");
//   2. R contains T                            -> supported: a genuine 2.0 error, the command runs;
//   3. R is in the table (not modulesOnly rows) -> beyond Wasm 2.0: that feature;
//   4. the reason of `wasm2,F` contains T for a probe F -> beyond Wasm 2.0: the first such F (the
//      module is only erroneous in the expected way when F changes how it reads, e.g. a 64-bit
//      memarg offset, or a multi-memory memarg flag);
//   5. otherwise                               -> supported: the command runs.
// Verdicts are cached by module SHA-256 and feature list (see `VerdictCache`).

import Foundation

/// A module to classify, and what the suite expects of it.
package struct ModuleQuery: Hashable, Sendable {
    /// What the suite expects.
    package enum Expectation: Hashable, Sendable {
        /// The module validates.
        case valid
        /// The module is rejected with a message containing this text.
        case error(String)
    }

    /// The `.wasm` file.
    package var path: String
    /// What the suite expects.
    package var expectation: Expectation

    /// Creates a query.
    package init(path: String, expectation: Expectation) {
        self.path = path
        self.expectation = expectation
    }
}

/// Where a module stands relative to the supported feature set.
package enum FeatureVerdict: Hashable, Sendable {
    /// How a feature was named.
    package enum Source: String, Hashable, Sendable {
        /// wasm-tools's reason is in the feature-gate table.
        case table
        /// Enabling the feature alone changed wasm-tools's verdict as the rule describes.
        case probe
        /// Neither: the feature is "other: <reason>".
        case unexplained
    }

    /// Within Wasm 2.0: run the command.
    case supported
    /// Needs `feature`; `reason` is wasm-tools's wasm2 reason.
    case beyond(feature: String, reason: String, source: Source)
    /// A negative test whose module Wasm 2.0 accepts.
    case notAnErrorInWasm2

    /// The skip reason, or `nil` when the command runs.
    package var skipReason: String? {
        switch self {
        case .supported: nil
        case .beyond(let feature, _, _): "beyond Wasm 2.0: \(feature)"
        case .notAnErrorInWasm2: "not an error in Wasm 2.0"
        }
    }
}

/// Classifies modules with `wasm-tools validate`, caching verdicts.
package struct FeatureClassifier: Sendable {
    /// The validator.
    package var tools: WasmTools
    /// The verdict cache.
    package var cache: VerdictCache
    /// Concurrent `wasm-tools` processes.
    package var workers: Int

    /// Creates a classifier.
    package init(tools: WasmTools, cache: VerdictCache, workers: Int = 3) {
        self.tools = tools
        self.cache = cache
        self.workers = workers
    }

    /// How many `wasm-tools validate` calls the last `classify` made (the rest came from the cache).
    package struct Statistics: Sendable {
        /// Distinct module files.
        package var modules = 0
        /// Validations run.
        package var validations = 0
        /// Validations answered by the cache.
        package var cached = 0
    }

    /// Classifies every query; also returns how much work it took.
    package func classify(_ queries: [ModuleQuery]) throws(SpecHarnessError) -> (
        verdicts: [ModuleQuery: FeatureVerdict], statistics: Statistics
    ) {
        var statistics = Statistics()
        let paths = Array(Set(queries.map(\.path))).sorted()
        statistics.modules = paths.count
        let hashes = ParallelWork.map(paths, workers: workers) { path -> String? in
            FileManager.default.contents(atPath: path).map { SHA256.hexDigest($0) }
        }
        var hashOf: [String: String] = [:]
        for (path, hash) in zip(paths, hashes) {
            guard let hash else { throw SpecHarnessError("cannot read \(path)") }
            hashOf[path] = hash
        }

        // Phase 1: wasm2 for every module.
        try ensure(paths.map { ($0, FeatureGate.supportedFlags) }, hashOf: hashOf, statistics: &statistics)

        // Phase 2: probes, only where the rule needs them.
        var probes: [(String, String)] = []
        for query in queries {
            if needsProbes(query, reason: reason(query.path, FeatureGate.supportedFlags, hashOf)) {
                for probe in FeatureGate.probes {
                    probes.append((query.path, "\(FeatureGate.supportedFlags),\(probe.flags)"))
                }
            }
        }
        try ensure(probes, hashOf: hashOf, statistics: &statistics)

        var verdicts: [ModuleQuery: FeatureVerdict] = [:]
        for query in queries {
            verdicts[query] = verdict(query, hashOf)
        }
        try cache.save()
        return (verdicts, statistics)
    }

    // MARK: - The rule

    private func needsProbes(_ query: ModuleQuery, reason: String?) -> Bool {
        guard let reason else { return false }
        switch query.expectation {
        case .valid:
            return FeatureGate.feature(named: reason, forValidModule: true) == nil
        case .error(let expected):
            return !reason.contains(expected) && FeatureGate.feature(named: reason, forValidModule: false) == nil
        }
    }

    private func verdict(_ query: ModuleQuery, _ hashOf: [String: String]) -> FeatureVerdict {
        Self.rule(query.expectation, wasm2: reason(query.path, FeatureGate.supportedFlags, hashOf)) { flags in
            reason(query.path, "\(FeatureGate.supportedFlags),\(flags)", hashOf)
        }
    }

    /// The rule itself: the verdict for a module with this expectation, given wasm-tools's wasm2
    /// reason (`nil` = valid) and a way to get the reason with a probe's flags added.
    package static func rule(
        _ expectation: ModuleQuery.Expectation,
        wasm2 reason: String?,
        probe: (String) -> String?
    ) -> FeatureVerdict {
        guard let reason else {
            return expectation == .valid ? .supported : .notAnErrorInWasm2
        }
        switch expectation {
        case .valid:
            if let feature = FeatureGate.feature(named: reason, forValidModule: true) {
                return .beyond(feature: feature, reason: reason, source: .table)
            }
            for candidate in FeatureGate.probes where probe(candidate.flags) == nil {
                return .beyond(feature: candidate.feature, reason: reason, source: .probe)
            }
            return .beyond(feature: "other: \(reason)", reason: reason, source: .unexplained)
        case .error(let expected):
            if reason.contains(expected) { return .supported }
            if let feature = FeatureGate.feature(named: reason, forValidModule: false) {
                return .beyond(feature: feature, reason: reason, source: .table)
            }
            for candidate in FeatureGate.probes {
                if let probed = probe(candidate.flags), probed.contains(expected) {
                    return .beyond(feature: candidate.feature, reason: reason, source: .probe)
                }
            }
            return .supported
        }
    }

    // MARK: - Verdicts

    /// The cached reason (`nil` = valid); only call after `ensure` covered the pair.
    private func reason(_ path: String, _ features: String, _ hashOf: [String: String]) -> String? {
        cache.verdict(sha256: hashOf[path]!, features: features) ?? nil
    }

    /// Runs `wasm-tools validate` for every (path, features) pair the cache lacks.
    private func ensure(
        _ pairs: [(String, String)],
        hashOf: [String: String],
        statistics: inout Statistics
    ) throws(SpecHarnessError) {
        struct Job: Sendable, Hashable {
            var path: String
            var hash: String
            var features: String
        }
        var seen = Set<String>()
        var jobs: [Job] = []
        for (path, features) in pairs {
            let hash = hashOf[path]!
            guard seen.insert("\(hash) \(features)").inserted else { continue }
            if cache.verdict(sha256: hash, features: features) != nil {
                statistics.cached += 1
            } else {
                jobs.append(Job(path: path, hash: hash, features: features))
            }
        }
        let tools = self.tools
        let cache = self.cache
        let failures = ParallelWork.map(jobs, workers: workers) { job -> String? in
            do throws(SpecHarnessError) {
                let reason = try tools.validate(URL(fileURLWithPath: job.path), features: job.features)
                cache.record(sha256: job.hash, features: job.features, reason: reason)
                return nil
            } catch {
                return error.message
            }
        }
        statistics.validations += jobs.count
        if let failure = failures.compactMap({ $0 }).first {
            try? cache.save()
            throw SpecHarnessError(failure)
        }
    }
}
