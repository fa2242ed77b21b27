// A persistent cache of `wasm-tools validate` verdicts.
//
// Keyed by the module's SHA-256 and the `--features` list; the file records the wasm-tools version
// and is ignored when another version wrote it. The whole suite is about 6,000 distinct modules, so
// the cache is one JSON file (`.build-spec/verdicts.json`) read at start and written at the end.

import Foundation
import Synchronization

/// Verdicts of `wasm-tools validate`, by module hash and feature list.
package final class VerdictCache: Sendable {
    /// Where the cache lives.
    package let url: URL
    /// The wasm-tools version the verdicts belong to.
    package let tool: String
    private let state: Mutex<(verdicts: [String: String], dirty: Bool)>

    /// Loads the cache at `url`, or starts empty when it is missing or from another wasm-tools.
    package init(url: URL, tool: String) {
        self.url = url
        self.tool = tool
        var verdicts: [String: String] = [:]
        if let data = FileManager.default.contents(atPath: url.path),
            let stored = try? JSONDecoder().decode(Stored.self, from: data), stored.tool == tool
        {
            verdicts = stored.verdicts
        }
        state = Mutex((verdicts, false))
    }

    /// The cached verdict: `.some(nil)` valid, `.some(reason)` rejected, `nil` unknown.
    package func verdict(sha256: String, features: String) -> String?? {
        state.withLock { state in
            guard let stored = state.verdicts[Self.key(sha256, features)] else { return nil }
            return .some(stored.isEmpty ? nil : stored)
        }
    }

    /// Records a verdict (`nil` = valid).
    package func record(sha256: String, features: String, reason: String?) {
        state.withLock { state in
            state.verdicts[Self.key(sha256, features)] = reason ?? ""
            state.dirty = true
        }
    }

    /// Writes the cache if anything changed.
    package func save() throws(SpecHarnessError) {
        let snapshot = state.withLock { state -> [String: String]? in
            defer { state.dirty = false }
            return state.dirty ? state.verdicts : nil
        }
        guard let snapshot else { return }
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            try encoder.encode(Stored(tool: tool, verdicts: snapshot)).write(to: url, options: .atomic)
        } catch {
            throw SpecHarnessError("cannot write \(url.path): \(error)")
        }
    }

    private static func key(_ sha256: String, _ features: String) -> String {
        "\(sha256) \(features)"
    }

    private struct Stored: Codable {
        var tool: String
        var verdicts: [String: String]
    }
}
