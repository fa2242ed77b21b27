// Location-based skips of commands that depend on skipped modules.

import Testing

@testable import SpecHarness

@Suite struct SpecSkipListTests {
    @Test func listedLinesAreSkippedWithTheirReason() {
        #expect(SpecSkipList.reason(file: "load1.wast", line: 27) == "beyond Wasm 2.0: multi-memory")
        #expect(SpecSkipList.reason(file: "load1.wast", line: 30) == nil)
        #expect(SpecSkipList.reason(file: "linking0.wast", line: 42) != nil)
    }
}
