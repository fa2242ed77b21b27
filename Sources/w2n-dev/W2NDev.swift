// w2n-dev: developer tools of wasm2native (not shipped).
//
//   w2n-dev spectest        run the spec suite through an engine (parser, or native: compiled modules)
//   w2n-dev classify        show how the feature rule classifies the suite's modules
//   w2n-dev mutate          robustness run: mutated suite modules through validateModule
//   w2n-dev bench-validate  time validateModule on one file
//   w2n-dev cross-spectest  the suite's executable commands compiled for aarch64, run under qemu-user

import ArgumentParser

/// The developer tool's root command.
@main
struct W2NDev: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "w2n-dev",
        abstract: "Developer tools for wasm2native: spec suite, robustness run, parser benchmark.",
        subcommands: [
            SpecTestCommand.self, ClassifyCommand.self, MutateCommand.self, BenchValidateCommand.self,
            CrossSpecTestCommand.self, DiffTestCommand.self,
        ]
    )
}
