// Counting the results of a run and printing them.

import Foundation

/// The counts and failures of one run.
package struct SpecReport: Sendable {
    /// Counts of one file.
    package struct FileTally: Sendable {
        /// The file, relative to the suite.
        package var path: String
        /// Commands that passed.
        package var passed = 0
        /// Commands that failed.
        package var failed = 0
        /// Commands skipped.
        package var skipped = 0
    }

    /// One failed command.
    package struct Failure: Sendable {
        /// File relative to the suite.
        package var file: String
        /// Line in the `.wast`.
        package var line: Int
        /// Command type.
        package var type: String
        /// What the suite expects.
        package var expected: String
        /// What happened.
        package var got: String
    }

    /// Counts per command type.
    package struct TypeTally: Sendable {
        /// Passed.
        package var passed = 0
        /// Failed.
        package var failed = 0
        /// Skipped.
        package var skipped = 0
    }

    /// The engine that ran.
    package var engine: String
    /// Per file, in order.
    package var files: [FileTally] = []
    /// Every failure, in order.
    package var failures: [Failure] = []
    /// Skips by reason.
    package var skipReasons: [String: Int] = [:]
    /// Per command type.
    package var types: [String: TypeTally] = [:]
    /// For assert_invalid / assert_malformed: passes whose message contains the expected text, and passes.
    package var messageMatches: [String: (matched: Int, passed: Int)] = [:]
    /// Passes whose message does not contain the expected text.
    package var messageMismatches: [(file: String, line: Int, type: String, check: MessageCheck)] = []
    /// The slowest command run.
    package var slowest: (label: String, seconds: Double) = ("none", 0)

    /// Total passed.
    package var passed: Int { files.reduce(0) { $0 + $1.passed } }
    /// Total failed.
    package var failed: Int { files.reduce(0) { $0 + $1.failed } }
    /// Total skipped.
    package var skipped: Int { files.reduce(0) { $0 + $1.skipped } }

    /// Creates an empty report.
    package init(engine: String) {
        self.engine = engine
    }

    /// Counts one command.
    mutating func record(
        file: String, line: Int, type: String, outcome: SpecOutcome, seconds: Double, into tally: inout FileTally
    ) {
        if seconds > slowest.seconds { slowest = ("\(file):\(line) \(type)", seconds) }
        switch outcome {
        case .passed(let check):
            tally.passed += 1
            types[type, default: TypeTally()].passed += 1
            if let check {
                var entry = messageMatches[type] ?? (0, 0)
                entry.passed += 1
                if check.matches {
                    entry.matched += 1
                } else {
                    messageMismatches.append((file, line, type, check))
                }
                messageMatches[type] = entry
            }
        case .failed(let expected, let got):
            tally.failed += 1
            types[type, default: TypeTally()].failed += 1
            failures.append(Failure(file: file, line: line, type: type, expected: expected, got: got))
        case .skipped(let reason):
            tally.skipped += 1
            types[type, default: TypeTally()].skipped += 1
            skipReasons[reason, default: 0] += 1
        }
    }

    // MARK: - Printing

    /// The report after the per-file lines: failures, failure groups, tables, and the summary line
    /// `spectest: N passed, N failed, N skipped` last.
    package func summary(maxListedFailures: Int = 200) -> String {
        var lines: [String] = []
        if !failures.isEmpty {
            lines.append("")
            lines.append("failures (\(failures.count)):")
            for failure in failures.prefix(maxListedFailures) {
                let location = "\(failure.file):\(failure.line) \(failure.type)"
                lines.append("  \(location): expected \(failure.expected); got \(failure.got)")
            }
            if failures.count > maxListedFailures {
                lines.append("  ... and \(failures.count - maxListedFailures) more")
            }
            lines.append("")
            lines.append("failure groups (by command type, expectation and our message):")
            for group in failureGroups() {
                let more = group.count > group.examples.count ? ", ..." : ""
                let examples = group.examples.joined(separator: ", ") + more
                lines.append("  \(String(format: "%5d", group.count))  \(group.key)  [\(examples)]")
            }
        }

        lines.append("")
        lines.append("by command type (\(engine) engine):")
        lines.append("  type                        passed   failed  skipped")
        for (type, tally) in types.sorted(by: { $0.key < $1.key }) {
            lines.append(
                "  " + type.padding(toLength: 26, withPad: " ", startingAt: 0)
                    + String(format: "%8d %8d %8d", tally.passed, tally.failed, tally.skipped))
        }

        lines.append("")
        lines.append("skipped by reason:")
        for (reason, count) in skipReasons.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }) {
            lines.append("  \(String(format: "%7d", count))  \(reason)")
        }

        lines.append("")
        lines.append("message match (our message contains the suite's text, among passes):")
        for type in ["assert_invalid", "assert_malformed"] {
            let entry = messageMatches[type] ?? (0, 0)
            let percent = entry.passed == 0 ? 0 : 100 * Double(entry.matched) / Double(entry.passed)
            lines.append("  \(type): \(entry.matched) of \(entry.passed) (\(String(format: "%.1f", percent))%)")
        }
        if !messageMismatches.isEmpty {
            lines.append("message mismatches (passes; suite text -> our message):")
            for group in messageMismatchGroups() {
                lines.append(
                    "  \(String(format: "%5d", group.count))  \(group.key)  [\(group.examples.joined(separator: ", "))"
                        + (group.count > group.examples.count ? ", ...]" : "]"))
            }
        }
        lines.append("")
        lines.append("slowest command: \(slowest.label) (\(String(format: "%.3f", slowest.seconds * 1e3)) ms)")
        lines.append("spectest: \(passed) passed, \(failed) failed, \(skipped) skipped")
        return lines.joined(separator: "\n")
    }

    /// Failures grouped by command type, expectation and our message with numbers and offsets
    /// blurred, largest first.
    package func failureGroups(examples: Int = 4) -> [(key: String, count: Int, examples: [String])] {
        Self.group(
            failures.map { failure in
                (
                    "\(failure.type): expected \(Self.blur(failure.expected)) | got \(Self.blur(failure.got))",
                    "\(failure.file):\(failure.line)"
                )
            }, examples: examples)
    }

    /// Message mismatches grouped by command type, suite text and our message (numbers blurred).
    package func messageMismatchGroups(examples: Int = 3) -> [(key: String, count: Int, examples: [String])] {
        Self.group(
            messageMismatches.map { mismatch in
                (
                    "\(mismatch.type): \"\(mismatch.check.expected)\" -> \"\(Self.blur(mismatch.check.actual))\"",
                    "\(mismatch.file):\(mismatch.line)"
                )
            }, examples: examples)
    }

    /// Groups (key, location) pairs: largest group first, then first appearance.
    static func group(_ items: [(key: String, location: String)], examples: Int) -> [(
        key: String, count: Int, examples: [String]
    )] {
        var groups: [String: (count: Int, examples: [String], first: Int)] = [:]
        for (index, item) in items.enumerated() {
            var group = groups[item.key] ?? (0, [], index)
            group.count += 1
            if group.examples.count < examples { group.examples.append(item.location) }
            groups[item.key] = group
        }
        return groups.sorted { ($0.value.count, -$0.value.first) > ($1.value.count, -$1.value.first) }
            .map { ($0.key, $0.value.count, $0.value.examples) }
    }

    /// Drops the position suffix and turns every standalone number (decimal or 0x hex, not part of a
    /// word such as `i32`, `UTF-8` or `32-bit`) into `N`, so "unknown local 3 (at offset 0x1f)" and
    /// "unknown local 7" group together.
    static func blur(_ message: String) -> String {
        var text = message
        if let range = text.range(of: " (at offset 0x") {
            let tail = text[range.upperBound...]
            if let close = tail.firstIndex(of: ")") { text.removeSubrange(range.lowerBound...close) }
        }
        let characters = Array(text)
        var result = ""
        var index = 0
        while index < characters.count {
            let character = characters[index]
            let startsWord =
                index == 0
                || !(characters[index - 1].isLetter || characters[index - 1].isNumber
                    || characters[index - 1] == "_" || characters[index - 1] == "-")
            var end = index
            if character.isASCII && character.isNumber && startsWord {
                end += 1
                if character == "0" && end < characters.count && characters[end] == "x" { end += 1 }
                while end < characters.count && characters[end].isHexDigit { end += 1 }
            }
            if end > index && (end == characters.count || characters[end] != "-") {
                result.append("N")
                index = end
            } else if end > index {
                result.append(contentsOf: characters[index..<end])  // `64-bit`: part of a word
                index = end
            } else {
                result.append(character)
                index += 1
            }
        }
        return result
    }
}
