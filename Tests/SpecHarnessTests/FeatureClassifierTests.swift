// The Wasm 2.0 feature rule, on reasons wasm-tools 1.262 gives for modules of the suite.

import Testing

@testable import SpecHarness

@Suite struct FeatureClassifierTests {
    /// A probe answering from a table of flags -> reason; flags missing from it mean "still the
    /// wasm2 reason".
    private func probe(_ answers: [String: String?], otherwise: String) -> (String) -> String? {
        { flags in answers[flags] ?? otherwise }
    }

    @Test func validModuleWithinWasm2IsSupported() {
        let verdict = FeatureClassifier.rule(.valid, wasm2: nil) { _ in nil }
        #expect(verdict == .supported)
    }

    @Test func gateMessageNamesTheFeature() {
        let verdict = FeatureClassifier.rule(.valid, wasm2: "memory64 must be enabled for 64-bit memories") { _ in "x" }
        #expect(verdict.skipReason == "beyond Wasm 2.0: memory64")
    }

    @Test func modulesOnlyRowsDoNotGateNegativeTests() {
        let reason = "constant expression required: non-constant operator: i32.add"
        #expect(
            FeatureClassifier.rule(.valid, wasm2: reason) { _ in "x" }.skipReason == "beyond Wasm 2.0: extended-const")
        #expect(
            FeatureClassifier.rule(.error("constant expression required"), wasm2: reason) { _ in "x" } == .supported)
    }

    @Test func probeNamesAFeatureTheTableMisses() {
        // memory64.wast:8, a 64-bit memory whose limits wasm2 reads as an overlong u32.
        let reason = "invalid var_u32: integer representation too long"
        let verdict = FeatureClassifier.rule(.valid, wasm2: reason, probe: probe(["memory64": nil], otherwise: reason))
        #expect(verdict == .beyond(feature: "memory64", reason: reason, source: .probe))
    }

    @Test func unexplainedRejectionIsNamedOther() {
        let verdict = FeatureClassifier.rule(.valid, wasm2: "something new") { _ in "something new" }
        #expect(verdict.skipReason == "beyond Wasm 2.0: other: something new")
    }

    @Test func negativeTestWhoseReasonHasTheTextRuns() {
        // threads/memory.wast: "multiple memories" is a genuine 2.0 error although it is also a gate message.
        #expect(
            FeatureClassifier.rule(.error("multiple memories"), wasm2: "multiple memories") { _ in "x" } == .supported)
    }

    @Test func negativeTestAcceptedByWasm2IsNotAnError() {
        #expect(FeatureClassifier.rule(.error("multiple tables"), wasm2: nil) { _ in nil } == .notAnErrorInWasm2)
    }

    @Test func negativeTestNeedingAFeatureToReadAsExpected() {
        // align.wast:1005: a 64-bit memarg offset; only memory64 reads it and says "offset out of range".
        let reason = "invalid var_u32: integer representation too long"
        let verdict = FeatureClassifier.rule(
            .error("offset out of range"), wasm2: reason,
            probe: probe(["memory64": "offset out of range: must be <= 2**32"], otherwise: reason))
        #expect(verdict.skipReason == "beyond Wasm 2.0: memory64")
    }

    @Test func negativeTestWithOtherReasonStillRuns() {
        // binary-leb128.wast:526: wasm-tools reports a different malformation first; still a 2.0 test.
        let reason = "invalid var_u32: integer representation too long"
        let verdict = FeatureClassifier.rule(
            .error("integer too large"), wasm2: reason,
            probe: probe(["memory64": "unexpected end-of-file"], otherwise: reason))
        #expect(verdict == .supported)
    }

    @Test func reasonIsTheLastCausedByLine() {
        let output = """
            [2026-11-25T12:47:11Z WARN ] failed to parse DWARF information: malformed section id (at offset 0x12)
            error: func 0 failed to validate

            Caused by:
                0: type mismatch: expected i32, found i64 (at offset 0x1f)
            """
        #expect(WasmTools.reason(from: output) == "type mismatch: expected i32, found i64")
        #expect(WasmTools.reason(from: "error: multiple memories (at offset 0xb)\n") == "multiple memories")
    }
}
