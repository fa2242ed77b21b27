// `w2n-dev bench-validate FILE`: parser throughput on one module.

import ArgumentParser
import Foundation
import SpecHarness
import WasmParser

/// Times validateModule on one file.
struct BenchValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-validate",
        abstract: "Time validateModule on one .wasm file, in process; prints MB/s (best and median)."
    )

    @Argument(help: "The .wasm file.")
    var file: String

    @Option(help: "How many times to validate it.")
    var iterations = 20

    @Flag(help: "Time decodeModule (no function-body validation) instead.")
    var decodeOnly = false

    func run() throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ValidationError("cannot read \(file)")
        }
        let bytes = [UInt8](data)
        guard iterations > 0 else { throw ValidationError("--iterations must be positive") }
        // One untimed run: checks the module and warms caches.
        do {
            _ = try decodeOnly ? decodeModule(bytes) : validateModule(bytes)
        } catch {
            throw ValidationError("\(file): \(error)")
        }
        var times: [Double] = []
        for _ in 0..<iterations {
            let start = MonotonicClock.now()
            _ = try? decodeOnly ? decodeModule(bytes) : validateModule(bytes)
            times.append(MonotonicClock.seconds(since: start))
        }
        times.sort()
        let megabytes = Double(bytes.count) / 1e6
        let best = times[0]
        let median = times[times.count / 2]
        let what = decodeOnly ? "decodeModule" : "validateModule"
        print("\(what) \(file): \(bytes.count) bytes, \(iterations) iterations")
        print(String(format: "best   %10.3f ms  %9.1f MB/s", best * 1e3, megabytes / best))
        print(String(format: "median %10.3f ms  %9.1f MB/s", median * 1e3, megabytes / median))
    }
}
