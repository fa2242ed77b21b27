// Random modules for differential testing: `wasm-tools smith` fed with bytes derived from a seed,
// so that every seed names one module for good (for a given wasm-tools version).
//
// The configuration keeps to what both engines run and what makes results comparable: the
// WebAssembly 2.0 feature set (SIMD included, no proposal beyond), at most one memory, no imports
// (the harness provides none), every function, global, memory and table exported, loops and
// recursion bounded by smith's fuel (`--ensure-termination`), and NaNs canonicalized after float
// operations (`--canonicalize-nans`), so that NaN payloads, which the spec leaves to the engine,
// cannot make memories differ.

import Foundation
import SpecHarness

/// Generates modules with `wasm-tools smith`.
package struct ModuleGenerator: Sendable {
    /// The `wasm-tools` binary.
    package var wasmTools: URL
    /// Where inputs and outputs are written.
    package var directory: URL
    /// Bytes of fuzz input per module (more input, larger modules).
    package var inputSize = 4096
    /// Whether smith may generate instructions that trap (`--disallow-traps false`).
    package var allowTraps = true

    /// smith's configuration (see the file comment).
    static let options: [String] = [
        "--ensure-termination",
        "--export-everything", "true",
        "--canonicalize-nans", "true",
        "--max-imports", "0",
        "--max-memories", "1",
        "--max-memory32-bytes", "1048576",
        "--max-tables", "4",
        "--max-table-elements", "1000",
        "--max-funcs", "30",
        "--max-instructions", "2000",
        "--min-funcs", "1",
        "--simd-enabled", "true",
        "--relaxed-simd-enabled", "false",
        "--bulk-memory-enabled", "true",
        "--reference-types-enabled", "true",
        "--multi-value-enabled", "true",
        "--saturating-float-to-int-enabled", "true",
        "--sign-extension-ops-enabled", "true",
        "--tail-call-enabled", "false",
        "--exceptions-enabled", "false",
        "--gc-enabled", "false",
        "--memory64-enabled", "false",
        "--threads-enabled", "false",
        "--extended-const-enabled", "false",
        "--custom-page-sizes-enabled", "false",
        "--wide-arithmetic-enabled", "false",
        "--allow-start-export", "true",
    ]

    package init(wasmTools: URL, directory: URL) {
        self.wasmTools = wasmTools
        self.directory = directory
    }

    /// The module of `seed`, or a message when smith fails.
    package func module(seed: UInt64) -> Result<[UInt8], DifferentialError> {
        var random = SplitMix64(seed: SplitMix64.derive(seed: seed, index: 0x5EED))
        let input = (0..<inputSize).map { _ in random.byte() }
        let inputPath = directory.appendingPathComponent("smith-\(seed).in").path
        let outputPath = directory.appendingPathComponent("smith-\(seed).wasm").path
        defer {
            unlink(inputPath)
            unlink(outputPath)
        }
        guard FileManager.default.createFile(atPath: inputPath, contents: Data(input)) else {
            return .failure(DifferentialError("cannot write \(inputPath)"))
        }
        do {
            let traps = ["--disallow-traps", allowTraps ? "false" : "true"]
            let result = try ProcessRunner.run(
                wasmTools.path, ["smith"] + Self.options + traps + [inputPath, "-o", outputPath])
            guard result.status == 0, let data = FileManager.default.contents(atPath: outputPath) else {
                return .failure(DifferentialError("wasm-tools smith failed for seed \(seed): \(result.output.prefix(500))"))
            }
            return .success([UInt8](data))
        } catch {
            return .failure(DifferentialError("\(error)"))
        }
    }
}

/// A failure of the differential run itself (not a disagreement).
package struct DifferentialError: Error, CustomStringConvertible, Sendable {
    package let description: String
    package init(_ description: String) { self.description = description }
}
