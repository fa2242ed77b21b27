// The `wasm2native` command line.

import ArgumentParser

/// `wasm2native`: the root command; subcommands do the work.
public struct RootCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "wasm2native",
        abstract: "An ahead-of-time WebAssembly-to-native compiler.",
        subcommands: [CompileCommand.self, ValidateCommand.self, ImageCommand.self, RunCommand.self],
        defaultSubcommand: CompileCommand.self
    )

    public init() {}

    /// Runs the command line and exits: status 2 for usage errors, as documented.
    public static func mainWithUsageExitCode(_ arguments: [String]? = nil) -> Never {
        // `-O2` is the compilers' spelling; ArgumentParser wants `-O 2`. The guest arguments of
        // `run` (after its module) are left alone.
        let given = arguments ?? Array(CommandLine.arguments.dropFirst())
        let guestStart = RunCommand.guestArgumentsStart(given) ?? given.count
        let arguments = given[..<guestStart].flatMap { argument -> [String] in
            if argument.count == 3, argument.hasPrefix("-O"), let level = argument.last, level.isNumber {
                return ["-O", String(level)]
            }
            return [argument]
        } + given[guestStart...]
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
