// The seam between the harness and whatever runs the commands.
//
// The harness reads the scripts, applies the feature rule and the module bookkeeping (which module
// an action means, whether it was skipped), times every command, and counts. An engine only runs
// commands: today the parser engine (validation), later the interpreter and the native pipeline,
// each behind this protocol. An engine makes one session per `.wast` file, which holds that file's
// instances and registrations; sessions of different files are independent.

import Foundation

/// Runs the commands of spec scripts.
package protocol SpecEngine {
    /// The per-file state of this engine.
    associatedtype Session: SpecEngineSession

    /// A short name for reports ("parser", "interpreter", "native").
    var name: String { get }

    /// Starts a file.
    func makeSession(for file: SpecFile) -> Session
}

/// The state of an engine while it runs one file.
package protocol SpecEngineSession {
    /// Runs one command that the harness did not skip; `module` is the binary module the command
    /// carries (already resolved to a file, text modules excluded), if any.
    mutating func run(_ command: SpecCommand, module: URL?) -> SpecOutcome

    /// Learns that the harness skipped `command` (e.g. the `register` of a module beyond the
    /// supported feature set), so that later failures caused by its absence can be skipped too.
    mutating func noteSkipped(_ command: SpecCommand, reason: String)
}

extension SpecEngineSession {
    /// Engines that keep no cross-command state ignore skips.
    package mutating func noteSkipped(_ command: SpecCommand, reason: String) {}
}

/// What running one command gave.
package enum SpecOutcome: Sendable, Equatable {
    /// The command did what the suite expects. For `assert_invalid`/`assert_malformed`, `message`
    /// compares our message with the suite's expected text.
    case passed(message: MessageCheck?)
    /// It did not: what was expected and what happened instead.
    case failed(expected: String, got: String)
    /// Not run, and why.
    case skipped(reason: String)

    /// A pass with no message to compare.
    package static var passed: SpecOutcome { .passed(message: nil) }
}

/// Our error message next to the one the suite expects.
package struct MessageCheck: Sendable, Equatable {
    /// The suite's text.
    package var expected: String
    /// Our message.
    package var actual: String

    /// Creates a comparison.
    package init(expected: String, actual: String) {
        self.expected = expected
        self.actual = actual
    }

    /// The matching rule: our message contains the suite's text (so also when it starts with it),
    /// case-sensitively.
    package var matches: Bool {
        actual.contains(expected)
    }
}

/// The skip reason for commands an engine cannot run because it does not execute code.
package let needsExecutionEngine = "needs an execution engine"
