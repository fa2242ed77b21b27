// Commands that use a skipped module are skipped with that module's reason.

import Testing

@testable import SpecHarness

@Suite struct ModuleBookTests {
    @Test func actionsFollowTheCurrentAndNamedModules() {
        var book = ModuleBook()
        #expect(book.skipReason(of: nil) == nil)
        var skipped = SpecCommand(kind: .module, line: 1)
        skipped.name = "$M"
        book.note(skipped, outcome: .skipped(reason: "beyond Wasm 2.0: gc"))
        #expect(book.skipReason(of: nil) == "beyond Wasm 2.0: gc")
        #expect(book.skipReason(of: "$M") == "beyond Wasm 2.0: gc")

        book.note(SpecCommand(kind: .module, line: 2), outcome: .passed)
        #expect(book.skipReason(of: nil) == nil)
        #expect(book.skipReason(of: "$M") == "beyond Wasm 2.0: gc")
    }

    @Test func instancesInheritTheirDefinition() {
        var book = ModuleBook()
        var definition = SpecCommand(kind: .moduleDefinition, line: 1)
        definition.name = "$D"
        book.note(definition, outcome: .skipped(reason: "beyond Wasm 2.0: memory64"))
        var instance = SpecCommand(kind: .moduleInstance, line: 2)
        instance.module = "$D"
        instance.instance = "$I"
        book.note(instance, outcome: .skipped(reason: "beyond Wasm 2.0: memory64"))
        #expect(book.skipReason(of: "$I") == "beyond Wasm 2.0: memory64")
        #expect(book.skipReason(of: nil) == "beyond Wasm 2.0: memory64")
    }

    @Test func engineSkipsDoNotPropagate() {
        var book = ModuleBook()
        book.note(SpecCommand(kind: .module, line: 1), outcome: .skipped(reason: needsExecutionEngine))
        #expect(book.skipReason(of: nil) == nil)
    }
}
