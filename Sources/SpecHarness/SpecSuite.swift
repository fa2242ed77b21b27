// Preparing the suite for a run: discover, filter, convert, load, classify.

import Foundation

/// The converted, loaded and classified suite, ready for any engine.
package struct SpecSuite: Sendable {
    /// One file of the suite.
    package struct Entry: Sendable {
        /// The file.
        package var file: SpecFile
        /// Its commands, or why they could not be produced (conversion or decoding failed).
        package var script: Result<SpecScript, SpecHarnessError>
    }

    /// The files, in path order.
    package var entries: [Entry]
    /// The feature verdict of every binary module a command names.
    package var verdicts: [ModuleQuery: FeatureVerdict]
    /// Files converted in this preparation (the rest were up to date).
    package var converted: Int
    /// Work done by the classification.
    package var classification: FeatureClassifier.Statistics
    /// Wall time of the preparation, in seconds.
    package var seconds: Double

    /// Discovers the files that pass `filter`, converts stale ones, loads them and classifies their
    /// modules. `log` receives progress lines.
    package static func prepare(
        locations: SpecLocations,
        filter: SpecFileFilter,
        conversionWorkers: Int = 2,
        validationWorkers: Int = 3,
        log: (String) -> Void = { _ in }
    ) throws(SpecHarnessError) -> SpecSuite {
        let start = MonotonicClock.now()
        let tools = try WasmTools(executable: locations.wasmTools)
        let files = try SpecFile.discover(testsuite: locations.testsuite, cache: locations.cache)
            .filter { filter.accepts($0.relativePath) }
        if files.isEmpty { throw SpecHarnessError("no .wast file in \(locations.testsuite.path) matches the filters") }

        let outcomes = SpecConverter(tools: tools, workers: conversionWorkers).update(files)
        var converted = 0
        var entries: [Entry] = []
        for (file, outcome) in zip(files, outcomes) {
            switch outcome {
            case .upToDate:
                entries.append(
                    Entry(file: file, script: Result { () throws(SpecHarnessError) in try SpecScript.load(file.json) }))
            case .converted:
                converted += 1
                entries.append(
                    Entry(file: file, script: Result { () throws(SpecHarnessError) in try SpecScript.load(file.json) }))
            case .failed(let message):
                entries.append(Entry(file: file, script: .failure(SpecHarnessError(message))))
            }
        }
        log("converted \(converted) of \(files.count) files (the rest up to date) with \(tools.version)")

        var queries: [ModuleQuery] = []
        for entry in entries {
            guard case .success(let script) = entry.script else { continue }
            for command in script.commands {
                if let query = moduleQuery(for: command, in: entry.file) { queries.append(query) }
            }
        }
        let cache = VerdictCache(url: locations.cache.appendingPathComponent("verdicts.json"), tool: tools.version)
        let classifier = FeatureClassifier(tools: tools, cache: cache, workers: validationWorkers)
        let (verdicts, statistics) = try classifier.classify(queries)
        log(
            "classified \(statistics.modules) modules: \(statistics.validations) wasm-tools validations run, "
                + "\(statistics.cached) cached"
        )
        return SpecSuite(
            entries: entries, verdicts: verdicts, converted: converted, classification: statistics,
            seconds: MonotonicClock.seconds(since: start))
    }

    /// The binary module file a command carries, if any: its `filename` when binary, or the
    /// `binary_filename` of a text `module` that wasm-tools could encode.
    package static func binaryModule(of command: SpecCommand, in file: SpecFile) -> URL? {
        guard let filename = command.filename else { return nil }
        if command.moduleType == .binary { return file.module(filename) }
        if command.kind == .module || command.kind == .moduleDefinition, let binary = command.binaryFilename {
            return file.module(binary)
        }
        return nil
    }

    /// The classification question a command asks, if it carries a binary module.
    package static func moduleQuery(for command: SpecCommand, in file: SpecFile) -> ModuleQuery? {
        guard let module = binaryModule(of: command, in: file) else { return nil }
        switch command.kind {
        case .module, .moduleDefinition, .assertUnlinkable, .assertUninstantiable:
            return ModuleQuery(path: module.path, expectation: .valid)
        case .assertInvalid, .assertMalformed:
            return ModuleQuery(path: module.path, expectation: .error(command.text ?? ""))
        default:
            return nil
        }
    }
}
