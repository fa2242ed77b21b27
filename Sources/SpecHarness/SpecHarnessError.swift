// Errors of the harness itself (missing tools, unreadable files), as opposed to test failures.

/// A problem that stops the harness before or while it runs the suite.
package struct SpecHarnessError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, lowercase.
    package var message: String

    /// Creates an error with a message.
    package init(_ message: String) {
        self.message = message
    }

    /// The message.
    package var description: String { message }
}
