// Running a child process and capturing its output.

import Foundation

/// The outcome of one child process.
package struct ProcessResult: Sendable {
    /// The exit status, or 128 + the signal number when a signal killed it.
    package var status: Int32
    /// Everything it wrote to stdout and stderr, interleaved.
    package var output: String
}

/// Runs child processes synchronously.
package enum ProcessRunner {
    /// Runs `executable` with `arguments`, waits for it, and captures stdout and stderr together
    /// (one pipe, so a chatty child cannot deadlock against a full second pipe).
    package static func run(_ executable: String, _ arguments: [String]) throws(SpecHarnessError) -> ProcessResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw SpecHarnessError("cannot run \(executable): \(error)")
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let status =
            process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return ProcessResult(status: status, output: String(decoding: data, as: UTF8.self))
    }
}
