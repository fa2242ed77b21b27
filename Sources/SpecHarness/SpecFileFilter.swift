// Which `.wast` files a run takes: `W2N_SPECTEST_INCLUDE` / `W2N_SPECTEST_EXCLUDE` and the
// matching command-line options.

import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Include and exclude patterns over test file names.
///
/// Each pattern is a shell glob (`simd_*`, `proposals/threads/*`) when it contains `*`, `?` or `[`,
/// else a substring. A pattern is tried against the path relative to the suite
/// (`proposals/threads/atomic.wast`), the file name (`atomic.wast`) and the name without `.wast`.
/// A file runs when it matches some include pattern (or there are none) and no exclude pattern.
package struct SpecFileFilter: Sendable {
    /// Patterns a file must match one of; empty means all files.
    package var include: [String]
    /// Patterns a file must match none of.
    package var exclude: [String]

    /// Creates a filter from comma-separated lists; blank entries are ignored.
    package init(include: String?, exclude: String?) {
        self.include = Self.split(include)
        self.exclude = Self.split(exclude)
    }

    /// Options override the environment: `--include` wins over `W2N_SPECTEST_INCLUDE`, same for exclude.
    package init(
        includeOption: String?,
        excludeOption: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.init(
            include: includeOption ?? environment["W2N_SPECTEST_INCLUDE"],
            exclude: excludeOption ?? environment["W2N_SPECTEST_EXCLUDE"]
        )
    }

    /// Whether the file at `relativePath` (relative to the suite) runs.
    package func accepts(_ relativePath: String) -> Bool {
        if !include.isEmpty && !include.contains(where: { Self.matches($0, relativePath) }) { return false }
        return !exclude.contains { Self.matches($0, relativePath) }
    }

    static func split(_ list: String?) -> [String] {
        guard let list else { return [] }
        return list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    static func matches(_ pattern: String, _ relativePath: String) -> Bool {
        let fileName = (relativePath as NSString).lastPathComponent
        let stem = fileName.hasSuffix(".wast") ? String(fileName.dropLast(5)) : fileName
        let candidates = [relativePath, fileName, stem]
        if pattern.contains(where: { "*?[".contains($0) }) {
            return candidates.contains { fnmatch(pattern, $0, 0) == 0 }
        }
        return candidates.contains { $0.contains(pattern) }
    }
}
