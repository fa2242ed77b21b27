// Converts `.wast` files to JSON + modules with `wasm-tools json-from-wast`, into the cache.
//
// Each file converts into its own directory (`.build-spec/wast/<path without .wast>/`), next to a
// `.stamp` holding the SHA-256 of the `.wast`, its size and modification time, and the wasm-tools
// version. A file is reconverted only when the stamp no longer matches: size and mtime are checked
// first, the hash only when they differ (a fresh checkout changes every mtime but no content).
// A stale directory is removed first, so no module of an older conversion lingers.

import Foundation

/// Keeps the cache's converted files up to date.
package struct SpecConverter: Sendable {
    /// The converter.
    package var tools: WasmTools
    /// Concurrent `wasm-tools` processes.
    package var workers: Int

    /// Creates a converter.
    package init(tools: WasmTools, workers: Int = 2) {
        self.tools = tools
        self.workers = workers
    }

    /// What happened to one file.
    package enum Outcome: Sendable {
        case upToDate
        case converted
        case failed(String)
    }

    /// Converts every file whose cached JSON is missing or stale; returns an outcome per file.
    package func update(_ files: [SpecFile]) -> [Outcome] {
        let tools = self.tools
        return ParallelWork.map(files, workers: workers) { file in
            do throws(SpecHarnessError) {
                return try Self.update(file, tools: tools)
            } catch {
                return .failed(error.message)
            }
        }
    }

    static func update(_ file: SpecFile, tools: WasmTools) throws(SpecHarnessError) -> Outcome {
        let fileManager = FileManager.default
        guard let attributes = try? fileManager.attributesOfItem(atPath: file.wast.path),
            let size = attributes[.size] as? Int,
            let modified = attributes[.modificationDate] as? Date
        else { throw SpecHarnessError("cannot read \(file.wast.path)") }
        let mtime = modified.timeIntervalSince1970

        let old = Stamp.read(file.stamp)
        let haveJSON = fileManager.fileExists(atPath: file.json.path)
        if let old, haveJSON, old.tool == tools.version, old.size == size, old.mtime == mtime {
            return .upToDate
        }
        guard let contents = fileManager.contents(atPath: file.wast.path) else {
            throw SpecHarnessError("cannot read \(file.wast.path)")
        }
        let hash = SHA256.hexDigest(contents)
        var stamp = Stamp(sha256: hash, tool: tools.version, size: size, mtime: mtime)
        if let old, haveJSON, old.tool == tools.version, old.sha256 == hash {
            stamp.write(to: file.stamp)  // same content, new mtime: refresh the fast path
            return .upToDate
        }
        try? fileManager.removeItem(at: file.directory)
        do {
            try fileManager.createDirectory(at: file.directory, withIntermediateDirectories: true)
        } catch {
            throw SpecHarnessError("cannot create \(file.directory.path): \(error)")
        }
        try tools.jsonFromWast(file.wast, output: file.json, wasmDirectory: file.directory)
        stamp = Stamp(sha256: hash, tool: tools.version, size: size, mtime: mtime)
        stamp.write(to: file.stamp)
        return .converted
    }

    /// The record of one conversion.
    struct Stamp: Codable, Equatable {
        var sha256: String
        var tool: String
        var size: Int
        var mtime: Double

        static func read(_ url: URL) -> Stamp? {
            guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
            return try? JSONDecoder().decode(Stamp.self, from: data)
        }

        func write(to url: URL) {
            if let data = try? JSONEncoder().encode(self) { try? data.write(to: url, options: .atomic) }
        }
    }
}
