// Commands skipped by location, each with its reason: the few that the feature rule cannot see
// because the command itself is within Wasm 2.0 but depends on a module that is not.
//
// The feature rule skips a module beyond Wasm 2.0 and every command that names it; it cannot know
// that a later command on another instance observes that module's side effects. Such commands
// are listed here (never patched in the suite), keyed by `<file>:<line>`.

/// Location-based skips.
package enum SpecSkipList {
    /// One listed range of commands.
    package struct Entry: Sendable {
        /// The file, relative to the suite.
        package var file: String
        /// The `.wast` lines of the commands.
        package var lines: ClosedRange<Int>
        /// The skip reason (that of the module they depend on, so skips stay counted by feature).
        package var reason: String
    }

    /// The list.
    package static let entries: [Entry] = [
        // The assert_trap'd module at line 29 (multi-memory) writes $Mt's table slot 7 before
        // trapping; line 42 reads it back.
        Entry(file: "linking0.wast", lines: 42...42, reason: "beyond Wasm 2.0: multi-memory"),
        // The module at line 10 (multi-memory) writes "\01".."\05" into $M's memory; lines 25-29
        // read them through $M.
        Entry(file: "load1.wast", lines: 25...29, reason: "beyond Wasm 2.0: multi-memory"),
    ]

    /// The skip reason of the command at `line` of `file`, if listed.
    package static func reason(file: String, line: Int) -> String? {
        entries.first { $0.file == file && $0.lines.contains(line) }?.reason
    }
}
