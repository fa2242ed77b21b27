// Runs a prepared suite through one engine and counts every command.
//
// Per file, in order, each command is either skipped by the harness or handed to the engine:
// - a text-format module (`module quote`, `assert_malformed`/`assert_invalid` on text): "text format";
// - a module beyond the supported feature set (see `FeatureClassifier`): "beyond Wasm 2.0: <feature>";
// - a command that uses a skipped module (an action on it, `register` of it, `module_instance` of a
//   skipped definition): the module's own skip reason;
// - a command listed in `SpecSkipList` (it depends on the effects of a skipped module): its reason;
// - otherwise the engine runs it, timed; more than `timeLimit` seconds is a failure ("too slow").

import Foundation

/// Runs spec commands through an engine.
package struct SpecRunner {
    /// A command that takes longer than this (seconds) fails as "too slow".
    package var timeLimit: Double = 1.0

    /// Creates a runner.
    package init(timeLimit: Double = 1.0) {
        self.timeLimit = timeLimit
    }

    /// Runs every entry of `suite` through `engine`; `log` receives the per-file lines.
    package func run<Engine: SpecEngine>(
        _ suite: SpecSuite,
        engine: Engine,
        log: (String) -> Void = { _ in }
    ) -> SpecReport {
        var report = SpecReport(engine: engine.name)
        for entry in suite.entries {
            var tally = SpecReport.FileTally(path: entry.file.relativePath)
            switch entry.script {
            case .failure(let error):
                report.record(
                    file: entry.file.relativePath, line: 0, type: "convert",
                    outcome: .failed(expected: "a converted script", got: error.message), seconds: 0, into: &tally)
            case .success(let script):
                runFile(entry.file, script: script, suite: suite, engine: engine, report: &report, tally: &tally)
            }
            log("\(tally.path): passed \(tally.passed), failed \(tally.failed), skipped \(tally.skipped)")
            report.files.append(tally)
        }
        return report
    }

    private func runFile<Engine: SpecEngine>(
        _ file: SpecFile,
        script: SpecScript,
        suite: SpecSuite,
        engine: Engine,
        report: inout SpecReport,
        tally: inout SpecReport.FileTally
    ) {
        var session = engine.makeSession(for: file)
        var modules = ModuleBook()
        for command in script.commands {
            let skip = skipReason(for: command, in: file, suite: suite, modules: modules)
            let outcome: SpecOutcome
            var seconds = 0.0
            if let skip {
                outcome = .skipped(reason: skip)
                session.noteSkipped(command, reason: skip)
            } else if command.kind == .unknown {
                outcome = .failed(expected: "a command type the harness knows", got: command.typeName)
            } else {
                let module = SpecSuite.binaryModule(of: command, in: file)
                CrashGuard.begin("\(file.relativePath):\(command.line) \(command.typeName) \(module?.path ?? "")")
                let start = MonotonicClock.now()
                var result = session.run(command, module: module)
                seconds = MonotonicClock.seconds(since: start)
                CrashGuard.end()
                if seconds > timeLimit {
                    let slow = "too slow: \(String(format: "%.2f", seconds)) s (limit \(timeLimit) s)"
                    switch result {
                    case .failed(let expected, let got): result = .failed(expected: expected, got: "\(got); \(slow)")
                    default: result = .failed(expected: "a result within \(timeLimit) s", got: slow)
                    }
                }
                outcome = result
            }
            modules.note(command, outcome: outcome)
            report.record(
                file: file.relativePath, line: command.line, type: command.typeName, outcome: outcome,
                seconds: seconds, into: &tally)
        }
    }

    private func skipReason(for command: SpecCommand, in file: SpecFile, suite: SpecSuite, modules: ModuleBook)
        -> String?
    {
        if let listed = SpecSkipList.reason(file: file.relativePath, line: command.line) { return listed }
        switch command.kind {
        case .module, .moduleDefinition, .assertInvalid, .assertMalformed, .assertUnlinkable,
            .assertUninstantiable:
            guard command.filename != nil else { return nil }
            guard let query = SpecSuite.moduleQuery(for: command, in: file) else { return "text format" }
            return suite.verdicts[query]?.skipReason
        case .action, .assertReturn, .assertTrap, .assertExhaustion, .assertException:
            return modules.skipReason(of: command.action?.module)
        case .register:
            return modules.skipReason(of: command.name)
        case .moduleInstance:
            return modules.skipReason(of: command.module)
        case .unknown:
            return nil
        }
    }
}

/// Which modules of a file were skipped, by name and as "the current module".
struct ModuleBook {
    private var current: String??  // .none: no module yet; .some(nil): current module ran; .some(reason): skipped
    private var named: [String: String?] = [:]

    /// The skip reason of the module a command refers to (`nil` name = the current module).
    func skipReason(of name: String?) -> String? {
        if let name { return named[name] ?? nil }
        return current ?? nil
    }

    /// Updates the book after a command.
    mutating func note(_ command: SpecCommand, outcome: SpecOutcome) {
        let reason: String?
        if case .skipped(let skip) = outcome, skip != needsExecutionEngine { reason = skip } else { reason = nil }
        switch command.kind {
        case .module:
            current = .some(reason)
            if let name = command.name { named[name] = .some(reason) }
        case .moduleDefinition:
            if let name = command.name { named[name] = .some(reason) }
        case .moduleInstance:
            let inherited = skipReason(of: command.module)
            current = .some(inherited)
            if let instance = command.instance { named[instance] = .some(inherited) }
        default:
            break
        }
    }
}
