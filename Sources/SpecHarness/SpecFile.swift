// One `.wast` file of the suite and where its converted JSON and modules live in the cache.

import Foundation

/// A `.wast` file and its converted form.
package struct SpecFile: Sendable, Hashable {
    /// The path relative to the suite, e.g. `address.wast` or `proposals/threads/atomic.wast`.
    package var relativePath: String
    /// The `.wast` file.
    package var wast: URL
    /// The cache directory holding the JSON and the `.wasm`/`.wat` files it refers to.
    package var directory: URL

    /// The converted JSON script.
    package var json: URL {
        directory.appendingPathComponent(stem + ".json")
    }

    /// The stamp recording which `.wast` content and which wasm-tools produced the JSON.
    var stamp: URL {
        directory.appendingPathComponent(".stamp")
    }

    /// The file name without `.wast`.
    package var stem: String {
        String(wast.lastPathComponent.dropLast(".wast".count))
    }

    /// A module file named by a command (`address.3.wasm`).
    package func module(_ fileName: String) -> URL {
        directory.appendingPathComponent(fileName)
    }

    /// All `.wast` files of a suite: `*.wast` at the top and `proposals/*/*.wast`, sorted by path.
    package static func discover(testsuite: URL, cache: URL) throws(SpecHarnessError) -> [SpecFile] {
        let fileManager = FileManager.default
        guard let top = try? fileManager.contentsOfDirectory(atPath: testsuite.path) else {
            throw SpecHarnessError("cannot read the test suite at \(testsuite.path)")
        }
        var paths = top.filter { $0.hasSuffix(".wast") }
        let proposals = testsuite.appendingPathComponent("proposals")
        for proposal in (try? fileManager.contentsOfDirectory(atPath: proposals.path)) ?? [] {
            let folder = proposals.appendingPathComponent(proposal)
            for name in (try? fileManager.contentsOfDirectory(atPath: folder.path)) ?? [] where name.hasSuffix(".wast")
            {
                paths.append("proposals/\(proposal)/\(name)")
            }
        }
        return paths.sorted().map { path in
            SpecFile(
                relativePath: path,
                wast: testsuite.appendingPathComponent(path),
                directory: cache.appendingPathComponent("wast").appendingPathComponent(String(path.dropLast(5)))
            )
        }
    }
}
