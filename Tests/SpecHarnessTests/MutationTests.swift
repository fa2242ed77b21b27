// The mutation machinery: LEB128 helpers, the section splitter, determinism of variants.

import Testing

@testable import SpecHarness

@Suite struct MutationTests {
    /// (module (type (func)) (func (type 0)) ...) with a type, function and code section.
    private let module: [UInt8] = [
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
        0x01, 0x04, 0x01, 0x60, 0x00, 0x00,  // type section
        0x03, 0x03, 0x02, 0x00, 0x00,  // function section: 2 functions
        0x0a, 0x08, 0x02, 0x02, 0x00, 0x0b, 0x03, 0x00, 0x01, 0x0b,  // code: 2 bodies
    ]

    @Test func lebRoundTripsAndPads() {
        #expect(MutationLEB.encode(0) == [0x00])
        #expect(MutationLEB.encode(624_485) == [0xe5, 0x8e, 0x26])
        #expect(MutationLEB.encode(2, minimumLength: 5) == [0x82, 0x80, 0x80, 0x80, 0x00])
        #expect(MutationLEB.encode(0xffff_ffff) == [0xff, 0xff, 0xff, 0xff, 0x0f])
        let read = MutationLEB.read([0x82, 0x80, 0x80, 0x80, 0x00], at: 0)
        #expect(read?.value == 2 && read?.length == 5)
        #expect(MutationLEB.read([0x80, 0x80], at: 0) == nil)
    }

    @Test func sectionsSplitAndRejoin() throws {
        let sections = WasmSections(module)
        #expect(sections.sections.map(\.id) == [1, 3, 10])
        #expect(sections.tail.isEmpty)
        #expect(sections.bytes == module)
        try #require(sections.sections.count == 3)
        let bodies = CodeBodies(sections.sections[2].content)
        #expect(bodies?.bodies == [[0x00, 0x0b], [0x00, 0x01, 0x0b]])
        #expect(bodies?.content == sections.sections[2].content)
    }

    @Test func truncatedSectionGoesToTheTail() {
        let truncated = Array(module.prefix(module.count - 3))
        let sections = WasmSections(truncated)
        #expect(sections.sections.map(\.id) == [1, 3])
        #expect(sections.bytes == truncated)
    }

    @Test func generatorIsDeterministic() {
        var first = SplitMix64(seed: 42)
        var second = SplitMix64(seed: 42)
        let a = (0..<8).map { _ in first.next() }
        #expect(a == (0..<8).map { _ in second.next() })
        // SplitMix64's published first output for seed 0.
        var zero = SplitMix64(seed: 0)
        #expect(zero.next() == 0xe220_a839_7b1d_cdaf)
        var bounded = SplitMix64(seed: 9)
        #expect((0..<1000).allSatisfy { _ in bounded.below(7) < 7 })
    }

    @Test func variantsAreReproducibleOneByOne() {
        let mutator = Mutator(bases: [module, Array(module.prefix(19))])
        let run = (0..<200).map { mutator.variant(seed: 5, index: UInt64($0)) }
        let again = mutator.variant(seed: 5, index: 123)
        #expect(run[123].bytes == again.bytes && run[123].kind == again.kind)
        #expect(Set(run.map(\.kind)) == Set(MutationKind.allCases))
        #expect(run.contains { $0.bytes != module })
    }
}
