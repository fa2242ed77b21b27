// Include and exclude patterns over suite file names.

import Testing

@testable import SpecHarness

@Suite struct SpecFileFilterTests {
    @Test func emptyFilterTakesEverything() {
        let filter = SpecFileFilter(include: nil, exclude: " , ")
        #expect(filter.accepts("address.wast"))
        #expect(filter.accepts("proposals/threads/atomic.wast"))
    }

    @Test func substringsAndGlobs() {
        let filter = SpecFileFilter(include: "simd_*, i32", exclude: "simd_lane")
        #expect(filter.accepts("simd_address.wast"))
        #expect(filter.accepts("i32.wast"))
        #expect(!filter.accepts("simd_lane.wast"))
        #expect(!filter.accepts("address.wast"))
    }

    @Test func globsMatchPathsAndStems() {
        let filter = SpecFileFilter(include: "proposals/threads/*", exclude: nil)
        #expect(filter.accepts("proposals/threads/memory.wast"))
        #expect(!filter.accepts("memory.wast"))
        #expect(SpecFileFilter(include: "memory", exclude: "memory64*").accepts("memory_grow.wast"))
        #expect(!SpecFileFilter(include: "memory", exclude: "memory64*").accepts("memory64.wast"))
        #expect(SpecFileFilter(include: "memory.wast", exclude: nil).accepts("proposals/threads/memory.wast"))
    }

    @Test func optionsOverrideTheEnvironment() {
        let environment = ["W2N_SPECTEST_INCLUDE": "address", "W2N_SPECTEST_EXCLUDE": "address64"]
        let fromEnvironment = SpecFileFilter(includeOption: nil, excludeOption: nil, environment: environment)
        #expect(fromEnvironment.accepts("address0.wast"))
        #expect(!fromEnvironment.accepts("address64.wast"))
        let fromOptions = SpecFileFilter(includeOption: "align", excludeOption: nil, environment: environment)
        #expect(fromOptions.accepts("align.wast"))
        #expect(!fromOptions.accepts("address.wast"))
    }
}
