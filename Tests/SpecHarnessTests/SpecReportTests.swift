// Counting, grouping and the summary line the CI reads.

import Testing

@testable import SpecHarness

@Suite struct SpecReportTests {
    @Test func blurKeepsWordsAndDropsNumbersAndOffsets() {
        #expect(SpecReport.blur("unknown local 3 (at offset 0x1f)") == "unknown local N")
        #expect(SpecReport.blur("type mismatch: expected i32, found v128") == "type mismatch: expected i32, found v128")
        #expect(SpecReport.blur("malformed UTF-8 encoding") == "malformed UTF-8 encoding")
        #expect(SpecReport.blur("illegal opcode 0xfd 12") == "illegal opcode N N")
        #expect(SpecReport.blur("64-bit memories need memory64") == "64-bit memories need memory64")
    }

    @Test func summaryEndsWithTheCILine() {
        var report = SpecReport(engine: "parser")
        var tally = SpecReport.FileTally(path: "a.wast")
        report.record(file: "a.wast", line: 1, type: "module", outcome: .passed, seconds: 0.001, into: &tally)
        report.record(
            file: "a.wast", line: 2, type: "assert_invalid",
            outcome: .passed(message: MessageCheck(expected: "type mismatch", actual: "type mismatch: i32")),
            seconds: 0, into: &tally)
        report.record(
            file: "a.wast", line: 3, type: "assert_malformed",
            outcome: .passed(message: MessageCheck(expected: "unexpected end", actual: "length out of bounds")),
            seconds: 0, into: &tally)
        report.record(
            file: "a.wast", line: 4, type: "assert_invalid",
            outcome: .failed(expected: "invalid: unknown local", got: "a valid module"), seconds: 0, into: &tally)
        report.record(
            file: "a.wast", line: 5, type: "assert_return", outcome: .skipped(reason: needsExecutionEngine),
            seconds: 0, into: &tally)
        report.files.append(tally)

        let summary = report.summary()
        #expect(summary.hasSuffix("spectest: 3 passed, 1 failed, 1 skipped"))
        #expect(summary.contains("a.wast:4 assert_invalid: expected invalid: unknown local; got a valid module"))
        #expect(summary.contains("assert_invalid: 1 of 1 (100.0%)"))
        #expect(summary.contains("assert_malformed: 0 of 1 (0.0%)"))
        #expect(summary.contains("1  needs an execution engine"))
        #expect(
            report.messageMismatchGroups().first?.key
                == "assert_malformed: \"unexpected end\" -> \"length out of bounds\"")
    }

    @Test func failuresGroupByBlurredMessage() {
        var report = SpecReport(engine: "parser")
        var tally = SpecReport.FileTally(path: "a.wast")
        for line in 1...3 {
            report.record(
                file: "a.wast", line: line, type: "module",
                outcome: .failed(
                    expected: "a valid module", got: "invalid: unknown type \(line) (at offset 0x\(line))"),
                seconds: 0, into: &tally)
        }
        let groups = report.failureGroups()
        #expect(groups.count == 1)
        #expect(groups[0].count == 3)
        #expect(groups[0].key == "module: expected a valid module | got invalid: unknown type N")
    }
}
