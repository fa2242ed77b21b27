// The `wasm2native` command line.

import ArgumentParser

/// `wasm2native`: the root command; subcommands do the work.
public struct RootCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "wasm2native",
        abstract: "An ahead-of-time WebAssembly-to-native compiler.",
        subcommands: [ValidateCommand.self]
    )

    public init() {}

    /// Runs the command line and exits: status 2 for usage errors, as documented.
    public static func mainWithUsageExitCode(_ arguments: [String]? = nil) -> Never {
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            exit(withError: nil)
        } catch {
            // ArgumentParser gives usage errors status 64 (EX_USAGE); wasm2native documents 2.
            if exitCode(for: error).rawValue == 64 {
                printError(fullMessage(for: error))
                exit(withError: usageExitCode)
            }
            exit(withError: error)
        }
    }
}
