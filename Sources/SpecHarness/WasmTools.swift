// The `wasm-tools` binary: converting `.wast` to JSON and validating modules with a feature set.

import Foundation

/// A `wasm-tools` executable.
package struct WasmTools: Sendable {
    /// Its path.
    package var executable: URL
    /// `wasm-tools --version`, e.g. "wasm-tools 1.262.0 (e22db44da 2026-10-13)"; part of every cache key.
    package var version: String

    /// Asks the binary at `executable` for its version.
    package init(executable: URL) throws(SpecHarnessError) {
        self.executable = executable
        let result = try ProcessRunner.run(executable.path, ["--version"])
        guard result.status == 0 else {
            throw SpecHarnessError("\(executable.path) --version failed: \(result.output)")
        }
        version = result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `wasm-tools json-from-wast WAST --output JSON --wasm-dir DIR`.
    package func jsonFromWast(_ wast: URL, output json: URL, wasmDirectory: URL) throws(SpecHarnessError) {
        let result = try ProcessRunner.run(
            executable.path,
            ["json-from-wast", wast.path, "--output", json.path, "--wasm-dir", wasmDirectory.path]
        )
        guard result.status == 0 else {
            throw SpecHarnessError("wasm-tools json-from-wast \(wast.lastPathComponent) failed: \(result.output)")
        }
    }

    /// `wasm-tools validate --features FEATURES FILE`: `nil` when valid, else the reason (see `reason(from:)`).
    package func validate(_ file: URL, features: String) throws(SpecHarnessError) -> String? {
        let result = try ProcessRunner.run(executable.path, ["validate", "--features", features, file.path])
        if result.status == 0 { return nil }
        return Self.reason(from: result.output)
    }

    /// The real reason inside `wasm-tools` error output.
    ///
    /// Drops log lines (`[2026-... WARN ] failed to parse DWARF ...`), takes the last line after
    /// "Caused by:" when there is a chain (`error: func 0 failed to validate` / `Caused by:` /
    /// `0: type mismatch: ...`), else the `error:` line, and strips `error: `, the `N: ` chain
    /// index and the trailing ` (at offset 0x..)`.
    package static func reason(from output: String) -> String {
        let lines = output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("[") }
        var line: String
        if let causedBy = lines.lastIndex(of: "Caused by:"), causedBy + 1 < lines.count {
            line = lines[lines.count - 1]
        } else {
            line = lines.first { $0.hasPrefix("error:") } ?? lines.last ?? "failed without a message"
        }
        if line.hasPrefix("error: ") { line.removeFirst("error: ".count) }
        if let colon = line.firstIndex(of: ":"), line[..<colon].allSatisfy(\.isNumber), !line[..<colon].isEmpty {
            line = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
        }
        if let range = line.range(of: " (at offset 0x", options: .backwards), line.hasSuffix(")") {
            line = String(line[..<range.lowerBound])
        }
        return line
    }
}
