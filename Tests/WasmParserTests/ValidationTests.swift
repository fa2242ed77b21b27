import TestSupport
import Testing

@testable import WasmParser

/// Expects `bytes` to be rejected with `kind` and a message containing `message`.
func expectError(
    _ bytes: [UInt8], _ kind: WasmParserError.Kind, _ message: String,
    offset: Int? = nil, function: UInt32? = nil, sourceLocation: SourceLocation = #_sourceLocation
) {
    do {
        _ = try validateModule(bytes)
        Issue.record("expected \(kind): \(message), but the module validated", sourceLocation: sourceLocation)
    } catch {
        #expect(error.kind == kind, "\(error)", sourceLocation: sourceLocation)
        #expect(error.message.contains(message), "\(error)", sourceLocation: sourceLocation)
        if let offset { #expect(error.offset == offset, "\(error)", sourceLocation: sourceLocation) }
        if let function { #expect(error.functionIndex == function, "\(error)", sourceLocation: sourceLocation) }
    }
}

@Suite struct ModuleTests {
    @Test func emptyModuleIsValid() throws {
        let module = try validateModule(header)
        #expect(module.types.isEmpty)
        #expect(module.functionBodies.isEmpty)
    }

    @Test func headerErrors() {
        expectError([], .malformed, "magic header not detected", offset: 0)
        expectError([0x00, 0x61, 0x73, 0x6E, 1, 0, 0, 0], .malformed, "magic header not detected")
        expectError([0x00, 0x61, 0x73, 0x6D, 2, 0, 0, 0], .malformed, "unknown binary version", offset: 4)
        expectError([0x00, 0x61, 0x73, 0x6D, 1, 0], .malformed, "unexpected end")
    }

    @Test func sectionErrors() {
        expectError(header + [0x0E, 0x00], .malformed, "malformed section id", offset: 8)
        expectError(header + section(3, vector([])) + section(1, vector([])), .malformed, "unexpected content after last section")
        expectError(header + [0x01, 0x05, 0x00], .malformed, "length out of bounds")
        expectError(header + section(1, [0x00, 0x00]), .malformed, "section size mismatch")
    }

    @Test func decodesTheWholeModule() throws {
        var bytes = header
        bytes += section(1, vector([[0x60, 0x01, 0x7F, 0x01, 0x7F], [0x60, 0x00, 0x00]]))
        bytes += section(2, vector([name("env") + name("f") + [0x00, 0x01]]))
        bytes += section(3, vector([[0x00]]))
        bytes += section(4, vector([[0x70, 0x00, 0x02]]))
        bytes += section(5, vector([[0x01, 0x01, 0x02]]))
        bytes += section(6, vector([[0x7F, 0x01, 0x41, 0x2A, 0x0B]]))
        bytes += section(7, vector([name("g") + [0x00, 0x01], name("mem") + [0x02, 0x00]]))
        bytes += section(9, vector([[0x00, 0x41, 0x00, 0x0B] + vector([[0x01], [0x00]])]))
        bytes += section(12, [0x01])
        let code = vector([]) + [0x20, 0x00, 0x0B]
        bytes += section(10, vector([uleb(UInt64(code.count)) + code]))
        bytes += section(11, vector([[0x01] + vector([[0x68], [0x69]])]))
        bytes += section(0, name("producers") + [1, 2, 3])
        let nameSection = [0x01] + uleb(UInt64(vector([[0x01] + name("double")]).count)) + vector([[0x01] + name("double")])
        bytes += section(0, name("name") + nameSection)

        let module = try validateModule(bytes)
        #expect(module.types.count == 2)
        #expect(module.imports == [Import(module: "env", name: "f", descriptor: .function(typeIndex: 1))])
        #expect(module.importedFunctionCount == 1)
        #expect(module.functionTypeIndices == [0])
        #expect(module.tables.first?.type == TableType(elementType: .funcRef, limits: Limits(min: 2)))
        #expect(module.memories == [MemoryType(limits: Limits(min: 1, max: 2))])
        #expect(module.globals.first?.initializer.instructions == [.i32Const(42)])
        #expect(module.exports.map(\.name) == ["g", "mem"])
        #expect(module.elements.first?.items.map(\.instructions) == [[.refFunc(functionIndex: 1)], [.refFunc(functionIndex: 0)]])
        #expect(module.dataCount == 1)
        #expect(module.data.count == 1)
        #expect(Array(module.bytes(of: module.data[0])) == [0x68, 0x69])
        #expect(module.data[0].mode == .passive)
        #expect(module.customSections.map(\.name) == ["producers"])
        #expect(Array(module.bytes(of: module.customSections[0])) == [1, 2, 3])
        #expect(module.names.functionNames == [1: "double"])
    }

    @Test func functionAndCodeCountsMustAgree() {
        var bytes = header
        bytes += section(1, vector([[0x60, 0x00, 0x00]]))
        bytes += section(3, vector([[0x00]]))
        expectError(bytes, .malformed, "function and code section have inconsistent lengths")
    }

    @Test func hugeCountsAreRefusedWithoutAllocating() {
        // A type section claiming 2^32-1 types in 5 bytes.
        expectError(header + section(1, [0xFF, 0xFF, 0xFF, 0xFF, 0x0F]), .malformed, "unexpected end")
        // A function declaring 2^32-1 locals.
        expectError(moduleWithFunction(locals: [[0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x7F]], body: []), .malformed, "too many locals")
    }

    @Test func duplicateExportNames() {
        var bytes = header
        bytes += section(1, vector([[0x60, 0x00, 0x00]]))
        bytes += section(3, vector([[0x00]]))
        bytes += section(7, vector([name("a") + [0x00, 0x00], name("a") + [0x00, 0x00]]))
        bytes += section(10, vector([[0x02, 0x00, 0x0B]]))
        expectError(bytes, .invalid, "duplicate export name")
    }

    @Test func memoryLimits() {
        expectError(header + section(5, vector([[0x00, 0x81, 0x80, 0x04]])), .invalid, "memory size must be at most 65536 pages")
        expectError(header + section(5, vector([[0x01, 0x02, 0x01]])), .invalid, "size minimum must not be greater than maximum")
        expectError(header + section(5, vector([[0x00, 0x01], [0x00, 0x01]])), .invalid, "multiple memories")
        expectError(header + section(5, vector([[0x08, 0x01]])), .malformed, "malformed limits flags")
    }

    @Test func constantExpressions() {
        // global.get of a non-imported global
        expectError(
            header + section(6, vector([[0x7F, 0x00, 0x41, 0x00, 0x0B], [0x7F, 0x00, 0x23, 0x00, 0x0B]])),
            .invalid, "unknown global 0")
        // a non-constant instruction
        expectError(header + section(6, vector([[0x7F, 0x00, 0x41, 0x00, 0x41, 0x00, 0x6A, 0x0B]])), .invalid, "constant expression required")
        // wrong type
        expectError(header + section(6, vector([[0x7F, 0x00, 0x42, 0x00, 0x0B]])), .invalid, "type mismatch")
    }

    @Test func namesAreCheckedForUTF8() {
        expectError(header + section(0, [0x02, 0xC0, 0x80]), .malformed, "malformed UTF-8 encoding")
    }
}

@Suite struct FunctionBodyTests {
    let i32: UInt8 = 0x7F
    let i64: UInt8 = 0x7E

    @Test func validBodies() throws {
        // (param i32 i32) (result i32) local.get 0 local.get 1 i32.add
        _ = try validateModule(moduleWithFunction(params: [i32, i32], results: [i32], body: [0x20, 0x00, 0x20, 0x01, 0x6A]))
        // block (result i32) i32.const 1 br 0 end
        _ = try validateModule(moduleWithFunction(results: [i32], body: [0x02, 0x7F, 0x41, 0x01, 0x0C, 0x00, 0x0B]))
        // unreachable code is polymorphic: unreachable i32.add
        _ = try validateModule(moduleWithFunction(results: [i32], body: [0x00, 0x6A]))
        // loads and stores with a memory
        _ = try validateModule(
            moduleWithFunction(body: [0x41, 0x00, 0x41, 0x07, 0x36, 0x02, 0x00], memory: true))
        // SIMD: v128.const, i32x4.extract_lane 3
        _ = try validateModule(
            moduleWithFunction(results: [i32], body: [0xFD, 0x0C] + [UInt8](repeating: 0, count: 16) + [0xFD, 0x1B, 0x03]))
    }

    @Test func typeMismatchNamesTheFunctionAndOffset() {
        // (result i32) i64.const 0
        let bytes = moduleWithFunction(results: [i32], body: [0x42, 0x00])
        // The error is found at the final `end`: header 8 + type section 7 + function section 4
        // + code section header 4 + local count 1 + i64.const 2.
        expectError(bytes, .invalid, "type mismatch", offset: 26, function: 0)
    }

    @Test func unknownIndices() {
        expectError(moduleWithFunction(body: [0x20, 0x03, 0x1A]), .invalid, "unknown local 3", function: 0)
        expectError(moduleWithFunction(body: [0x23, 0x00, 0x1A]), .invalid, "unknown global 0")
        expectError(moduleWithFunction(body: [0x10, 0x05]), .invalid, "unknown function 5")
        expectError(moduleWithFunction(body: [0x0C, 0x01]), .invalid, "unknown label")
        expectError(moduleWithFunction(body: [0x41, 0x00, 0x28, 0x02, 0x00, 0x1A]), .invalid, "unknown memory 0")
        expectError(moduleWithFunction(body: [0xFC, 0x09, 0x00]), .malformed, "data count section required")
    }

    @Test func alignmentAndLanes() {
        expectError(
            moduleWithFunction(body: [0x41, 0x00, 0x28, 0x03, 0x00, 0x1A], memory: true),
            .invalid, "alignment must not be larger than natural")
        expectError(
            moduleWithFunction(body: [0x41, 0x00, 0x28, 0x80, 0x01, 0x00, 0x1A], memory: true),
            .malformed, "malformed memop flags")
        expectError(
            moduleWithFunction(
                results: [i32], body: [0xFD, 0x0C] + [UInt8](repeating: 0, count: 16) + [0xFD, 0x1B, 0x04]),
            .invalid, "invalid lane index")
    }

    @Test func malformedInstructions() {
        expectError(moduleWithFunction(body: [0xFF]), .malformed, "illegal opcode ff")
        expectError(moduleWithFunction(body: [0xFD, 0x9A, 0x01]), .malformed, "illegal opcode")
        // i32.const with a 6-byte LEB
        expectError(moduleWithFunction(body: [0x41, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x1A]), .malformed, "integer representation too long")
        // i32.const whose last byte has bits beyond 32
        expectError(moduleWithFunction(body: [0x41, 0x80, 0x80, 0x80, 0x80, 0x70, 0x1A]), .malformed, "integer too large")
        // a body without its final end
        var bytes = header
        bytes += section(1, vector([[0x60, 0x00, 0x00]]))
        bytes += section(3, vector([[0x00]]))
        bytes += section(10, vector([[0x02, 0x00, 0x01]]))
        expectError(bytes, .malformed, "unexpected end")
    }

    @Test func selectRules() {
        // untyped select on references is invalid
        expectError(
            moduleWithFunction(body: [0xD0, 0x70, 0xD0, 0x70, 0x41, 0x00, 0x1B, 0x1A]), .invalid, "type mismatch")
        // typed select with two types is invalid
        expectError(
            moduleWithFunction(body: [0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0x1C, 0x02, 0x7F, 0x7F, 0x1A]),
            .invalid, "invalid result arity")
    }

    @Test func brIfPushesKnownTypesAfterUnreachable() {
        // (result i64) unreachable br_if 0 i64.extend_i32_u: br_if leaves a known i64
        expectError(moduleWithFunction(results: [i64], body: [0x00, 0x0D, 0x00, 0xAD]), .invalid, "type mismatch")
    }

    @Test func undeclaredFunctionReference() {
        expectError(moduleWithFunction(body: [0xD2, 0x00, 0x1A]), .invalid, "undeclared function reference")
    }

    @Test func manyLocalsUseRunLengthLookup() throws {
        // 40,000 i32 locals and 9,000 i64 locals in a tiny body: local.get 45000 is an i64.
        let locals: [[UInt8]] = [uleb(40_000) + [i32], uleb(9_000) + [i64]]
        _ = try validateModule(moduleWithFunction(results: [i64], locals: locals, body: [0x20] + uleb(45_000)))
        expectError(moduleWithFunction(results: [i32], locals: locals, body: [0x20] + uleb(45_000)), .invalid, "type mismatch")
    }
}
