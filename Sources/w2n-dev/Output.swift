// Small output helpers.

import Foundation

/// Writes a line to stderr.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Flushes stdout (lines printed before a crash must not stay in the buffer).
func flushOutput() {
    fflush(nil)
}
