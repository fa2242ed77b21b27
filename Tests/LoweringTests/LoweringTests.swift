import CLLVM
import Codegen
import Foundation
import Lowering
import TestSupport
import Testing
import WasmParser

/// Lowers `bytes` without optimisation and returns the textual IR.
func lowerToIR(_ bytes: [UInt8], options: LoweringOptions = LoweringOptions()) throws -> String {
    let module = try validateModule(bytes)
    let lowering = ModuleLowering(module: module, options: options)
    try lowering.lower()
    let lowered = lowering.takeModule()
    let text = LLVMPrintModuleToString(lowered.module)!
    defer { LLVMDisposeMessage(text) }
    return String(cString: text)
}

@Suite struct LoweringTests {
    let i32: UInt8 = 0x7F

    @Test func signedDivisionTrapsOnZeroAndOverflow() throws {
        let ir = try lowerToIR(moduleWithFunction(params: [i32, i32], results: [i32], body: [0x20, 0x00, 0x20, 0x01, 0x6D]))
        #expect(ir.contains("trap.integerDivideByZero"))
        #expect(ir.contains("trap.integerOverflow"))
        #expect(ir.contains("sdiv i32"))
        #expect(ir.contains("call void @w2n_trap(i32 3)"))
        #expect(ir.contains("call void @w2n_trap(i32 4)"))
    }

    @Test func linearMemoryAccessesCarryTheirOwnAliasTag() throws {
        // i32.const 0 i32.load
        let ir = try lowerToIR(moduleWithFunction(results: [i32], body: [0x41, 0x00, 0x28, 0x02, 0x00], memory: true))
        #expect(ir.contains("!\"wasm linear memory\""))
        #expect(ir.contains("load i32, ptr %effective"))
        #expect(ir.contains("!invariant.load"))
    }

    @Test func accessesThatMayFaultSitBetweenTrapPoints() throws {
        // (param i32): local.get 0 i32.load, local.get 0 i32.load, i32.add (memory of 1 page)
        let loads: [UInt8] = [0x20, 0x00, 0x28, 0x02, 0x00, 0x20, 0x00, 0x28, 0x02, 0x00, 0x6A]
        let ir = try lowerToIR(moduleWithFunction(params: [i32], results: [i32], body: loads, memory: true))
        // One before the first load, one after both (keeping their values), none in between.
        #expect(ir.components(separatedBy: "call void asm sideeffect \"\", \"\"()").count - 1 == 1)
        #expect(ir.components(separatedBy: "call void asm sideeffect \"\", \"r,r\"(i32 %i32.load").count - 1 == 1)
        #expect(ir.contains("memory(read)"))
        #expect(!ir.contains("willreturn"))
        // i32.const 65532 i32.load: inside the minimum size, cannot fault.
        let inBounds = try lowerToIR(
            moduleWithFunction(results: [i32], body: [0x41, 0xFC, 0xFF, 0x03, 0x28, 0x02, 0x00], memory: true))
        #expect(!inBounds.contains("asm sideeffect"))
        // i32.const 65533 i32.load: may fault.
        let outOfBounds = try lowerToIR(
            moduleWithFunction(results: [i32], body: [0x41, 0xFD, 0xFF, 0x03, 0x28, 0x02, 0x00], memory: true))
        #expect(outOfBounds.contains("asm sideeffect"))
    }

    @Test func unoptimizedCodeKeepsTheLoadOfAnUnusedOutOfBoundsValue() throws {
        // (func i32.const 65536 i32.load drop): one page, so the load traps; its value is unused.
        let body: [UInt8] = [0x41, 0x80, 0x80, 0x04, 0x28, 0x02, 0x00, 0x1A]
        let bytes = moduleWithFunction(body: body, memory: true)
        // Optimised code: the trap point only reads memory, so LLVM may move loads between them.
        #expect(try lowerToIR(bytes).contains("memory(read)"))
        // -O0: x86's FastISel would drop a trap point that writes no memory and whose result is
        // unused, and the load with it; Codegen asks for trap points without `memory(read)`.
        var options = LoweringOptions()
        options.trapPointsOnlyRead = false
        let unoptimized = try lowerToIR(bytes, options: options)
        #expect(unoptimized.contains("asm sideeffect \"\", \"r\"(i32 %i32.load)"))
        #expect(!unoptimized.contains("memory(read)"))
    }

    @Test func constantVectorsAreReinterpretedWithoutConstantExpressions() throws {
        // (param v128) (result i32): local.get 0, v128.const i64x2 1 -1, i32x4.add,
        // v128.const f64x2 -0.0 nan:0x8000000000001, i32x4.add, i8x16.bitmask. The constants'
        // lanes change count and kind (i64 and f64 lanes as i32); LLVM would leave
        // `bitcast (<2 x i64> ... to <4 x i32>)` unfolded, which x86's instruction selection at
        // -O0 can loop on (Tests/Differential/FailCases/o0-constant-vector-bitcast.wat).
        let first: [UInt8] = [0xFD, 0x0C] + [1, 0, 0, 0, 0, 0, 0, 0] + [UInt8](repeating: 0xFF, count: 8)
        let second: [UInt8] = [0xFD, 0x0C] + [0, 0, 0, 0, 0, 0, 0, 0x80] + [1, 0, 0, 0, 0, 0, 0xF8, 0xFF]
        let add: [UInt8] = [0xFD, 0xAE, 0x01]
        let body = [0x20, 0x00] + first + add + second + add + [0xFD, 0x64]
        let ir = try lowerToIR(moduleWithFunction(params: [0x7B], results: [i32], body: body))
        #expect(!ir.contains("to <4 x i32>)"))
        // The lanes: 1 and -1 as i32 lanes 1, 0, -1, -1; -0.0 and the NaN bit for bit (high word
        // 0x80000000; 0x00000001 and 0xFFF80000).
        #expect(ir.contains("<i32 1, i32 0, i32 -1, i32 -1>"))
        #expect(ir.contains("<i32 0, i32 -2147483648, i32 1, i32 -524288>"))
    }

    @Test func bulkMemoryChecksReadTheSizeThroughTheDescriptorLoadedAtEntry() throws {
        // (param $c i32) (param $d i32) (param $s i32) (param $n i32):
        // if c: memory.copy d s n else: memory.copy s d n; memory.fill d c n; memory.size; drop
        let copy: (UInt8, UInt8) -> [UInt8] = { [0x20, $0, 0x20, $1, 0x20, 0x03, 0xFC, 0x0A, 0x00, 0x00] }
        let body: [UInt8] = [0x20, 0x00, 0x04, 0x40] + copy(1, 2) + [0x05] + copy(2, 1)
            + [0x0B, 0x20, 0x01, 0x20, 0x00, 0x20, 0x03, 0xFC, 0x0B, 0x00, 0x3F, 0x00, 0x1A]
        let ir = try lowerToIR(moduleWithFunction(params: [i32, i32, i32, i32], body: body, memory: true))
        // One chain instance → memories → descriptor for the whole function, in its entry block;
        // each check reads the current size from there.
        let lines = ir.split(separator: "\n", omittingEmptySubsequences: false)
        let descriptorLoads = try Regex(#"%memory0\.descriptor[0-9]* = load"#)
        #expect(lines.filter { $0.contains(descriptorLoads) }.count == 1)
        #expect(lines.filter { $0.contains("%memory0.size") && $0.contains("= load") }.count == 3)
        let entry = lines.drop { $0 != "entry:" }.prefix { !$0.isEmpty }
        #expect(entry.contains { $0.contains("%memory0.descriptor = load") })
    }

    @Test func anAccessAfterACallGetsItsOwnTrapPoint() throws {
        // Two functions of type (param i32) (result i32); function 1: local.get 0 i32.load,
        // local.get 0 call 0 drop, local.get 0 i32.load, i32.add. Function 0 (a callee LLVM may inline) returns 0.
        var bytes = header
        bytes += section(1, vector([[0x60, 0x01, i32, 0x01, i32]]))
        bytes += section(3, vector([[0x00], [0x00]]))
        bytes += section(5, vector([[0x00, 0x01]]))
        let callee: [UInt8] = [0x00, 0x41, 0x00, 0x0B]
        let caller: [UInt8] = [0x00, 0x20, 0x00, 0x28, 0x02, 0x00, 0x20, 0x00, 0x10, 0x00, 0x1A, 0x20, 0x00, 0x28, 0x02, 0x00, 0x6A, 0x0B]
        bytes += section(10, vector([uleb(UInt64(callee.count)) + callee, uleb(UInt64(caller.count)) + caller]))
        let ir = try lowerToIR(bytes)
        // Before each of the two loads and after each: the call in between is an effect.
        #expect(ir.components(separatedBy: "call void asm sideeffect \"\", \"\"()").count - 1 == 2)
        #expect(ir.components(separatedBy: "call void asm sideeffect \"\", \"r\"(i32").count - 1 == 2)
    }

    @Test func onlyFoldableFloatArithmeticIsQuietedExplicitly() throws {
        let f64: UInt8 = 0x7C
        let one: [UInt8] = [0x44, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F]  // f64.const 1
        // 1 / x stays a division: no quieting. x / 1 folds to x: quieted.
        let reciprocal = try lowerToIR(moduleWithFunction(params: [f64], results: [f64], body: one + [0x20, 0x00, 0xA3]))
        #expect(!reciprocal.contains("quieted"))
        let identity = try lowerToIR(moduleWithFunction(params: [f64], results: [f64], body: [0x20, 0x00] + one + [0xA3]))
        #expect(identity.contains("quieted"))
        // x + 1 cannot fold; x * 1 can.
        let sum = try lowerToIR(moduleWithFunction(params: [f64], results: [f64], body: [0x20, 0x00] + one + [0xA0]))
        #expect(!sum.contains("quieted"))
        let product = try lowerToIR(moduleWithFunction(params: [f64], results: [f64], body: [0x20, 0x00] + one + [0xA2]))
        #expect(product.contains("quieted"))
    }

    @Test func ownGlobalsLieBeforeTheInstanceAndImportedOnesBehindTheirCell() throws {
        // (import "env" "g" (global i32)) (global (mut i32) 5) (global (mut i32) 7)
        // (func (result i32) global.get 0 global.get 2 i32.add global.set 1 global.get 1)
        var bytes = header
        bytes += section(1, vector([[0x60, 0x00, 0x01, i32]]))
        bytes += section(2, vector([name("env") + name("g") + [0x03, i32, 0x00]]))
        bytes += section(3, vector([[0x00]]))
        bytes += section(6, vector([[i32, 0x01, 0x41, 0x05, 0x0B], [i32, 0x01, 0x41, 0x07, 0x0B]]))
        let code: [UInt8] = [0x00, 0x23, 0x00, 0x23, 0x02, 0x6A, 0x24, 0x01, 0x23, 0x01, 0x0B]
        bytes += section(10, vector([uleb(UInt64(code.count)) + code]))
        var options = LoweringOptions()
        options.allowHostImports = true
        let ir = try lowerToIR(bytes, options: options)
        // Of three globals, own global 1 is 32 bytes before the instance and global 2 16 bytes:
        // no loads on the way (the runtime allocates those cells with the instance).
        #expect(ir.contains("%global1.cell = getelementptr i8, ptr %instance, i64 -32"))
        #expect(ir.contains("%global2.cell = getelementptr i8, ptr %instance, i64 -16"))
        #expect(!ir.contains("%global1.cell = load") && !ir.contains("%global2.cell = load"))
        // The import's cell is the exporter's: read from the instance's `globals`.
        #expect(ir.contains("%global0.cell = load ptr"))
    }

    @Test func multiValueBlocksBecomePhis() throws {
        // (result i32 i32 via type 1): block (type 1) i32.const 1 i32.const 2 end i32.add
        var bytes = header
        bytes += section(1, vector([[0x60, 0x00, 0x01, i32], [0x60, 0x00, 0x02, i32, i32]]))
        bytes += section(3, vector([[0x00]]))
        let code: [UInt8] = [0x00, 0x02, 0x01, 0x41, 0x01, 0x41, 0x02, 0x0B, 0x6A, 0x0B]
        bytes += section(10, vector([uleb(UInt64(code.count)) + code]))
        let ir = try lowerToIR(bytes)
        #expect(ir.contains("%block.result0"))
        #expect(ir.contains("%block.result1"))
    }

    @Test func unresolvedImportsAreRefusedByName() throws {
        var bytes = header
        bytes += section(1, vector([[0x60, 0x00, 0x00]]))
        bytes += section(2, vector([name("env") + name("missing") + [0x00, 0x00]]))
        #expect(throws: LoweringError.self) { try lowerToIR(bytes) }
        do {
            _ = try lowerToIR(bytes)
        } catch {
            #expect("\(error)".contains("env.missing"))
        }
        var options = LoweringOptions()
        options.trapUnresolvedImports = true
        let ir = try lowerToIR(bytes, options: options)
        #expect(ir.contains("@wasm.import.env.missing"))
        #expect(ir.contains("call void @w2n_trap(i32 14)"))
    }

    @Test func functionNamesBecomeSymbols() throws {
        var bytes = moduleWithFunction(body: [])
        let names = [0x01] + uleb(UInt64(vector([[0x00] + name("my_function")]).count)) + vector([[0x00] + name("my_function")])
        bytes += section(0, name("name") + names)
        let ir = try lowerToIR(bytes)
        #expect(ir.contains("define internal void @wasm.my_function(ptr"))
    }

    @Test func objectsAreDeterministic() throws {
        let module = try validateModule(
            moduleWithFunction(params: [i32, i32], results: [i32], body: [0x20, 0x00, 0x20, 0x01, 0x6E], memory: true))
        let outputs = try withTemporaryDirectory { directory in
            try (0..<2).map { i in
                let path = directory.appendingPathComponent("m\(i).o").path
                try Compiler.compileObject(module, loweringOptions: LoweringOptions(), options: CompileOptions(), objectPath: path)
                return try Data(contentsOf: URL(fileURLWithPath: path))
            }
        }
        #expect(outputs[0] == outputs[1])
        #expect(outputs[0].prefix(4) == Data([0x7F, 0x45, 0x4C, 0x46]))
    }

    /// `body`'s result with a new temporary directory, which is removed afterwards.
    func withTemporaryDirectory<T>(_ body: (URL) throws -> T) throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("w2n-lowering-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        return try body(directory)
    }

    /// What LLVM's tool `name` (llvm-readobj, llvm-objdump) prints for `arguments`.
    func llvmTool(_ name: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/lib/llvm-19/bin/\(name)")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: output, as: UTF8.self)
    }

    /// The relocations of an x86_64 object, as llvm-readobj prints them.
    func relocations(of object: String) throws -> String {
        try llvmTool("llvm-readobj", ["--relocations", object])
    }

    @Test func onlyTheObjectOfAnExecutableUsesAbsoluteAddresses() throws {
        // (param i32) (result i32): a br_table over five blocks returning 17, 3, 55, 42 or 7, which
        // LLVM turns into a table in read-only data, addressed absolutely or relative to the code.
        let body: [UInt8] = Array(repeating: [0x02, 0x40], count: 5).flatMap { $0 }
            + [0x20, 0x00, 0x0E, 0x04, 0x00, 0x01, 0x02, 0x03, 0x04, 0x0B]
            + [0x41, 0x11, 0x0F, 0x0B, 0x41, 0x03, 0x0F, 0x0B, 0x41, 0x37, 0x0F, 0x0B, 0x41, 0x2A, 0x0F, 0x0B, 0x41, 0x07]
        let code = [0x00] + body + [0x0B]
        let bytes = header + section(1, vector([[0x60, 0x01, i32, 0x01, i32]])) + section(3, vector([[0x00]]))
            + section(7, vector([name("choose") + [0x00, 0x00]])) + section(10, vector([uleb(UInt64(code.count)) + code]))
        let module = try validateModule(bytes)
        try withTemporaryDirectory { directory in
            var options = CompileOptions()
            options.target = .x86_64Linux
            // Only the object (for the user to link, maybe into a PIE): position independent.
            options.objectOutput = directory.appendingPathComponent("alone.o").path
            try Compiler.compileExecutable(module, output: nil, options: options)
            let alone = try relocations(of: options.objectOutput!)
            #expect(alone.contains("R_X86_64_PC32") || alone.contains("R_X86_64_PLT32"))
            #expect(!alone.contains("R_X86_64_32S"))
            // The object wasm2native links into its (non-PIE) executable: absolute addresses.
            options.objectOutput = directory.appendingPathComponent("linked.o").path
            try Compiler.compileExecutable(module, output: directory.appendingPathComponent("app").path, options: options)
            #expect(try relocations(of: options.objectOutput!).contains("R_X86_64_32S"))
        }
    }

    @Test func brTableIsAJumpTableWithItsDefaultAsTheLastEntry() throws {
        // block block block (local.get 0) br_table 0 1 2 end ... : three entries and the default.
        let body: [UInt8] = [0x02, 0x40, 0x02, 0x40, 0x02, 0x40, 0x20, 0x00, 0x0E, 0x02, 0x00, 0x01, 0x02, 0x0B,
                             0x41, 0x0A, 0x0F, 0x0B, 0x41, 0x14, 0x0F, 0x0B, 0x41, 0x1E]
        let ir = try lowerToIR(moduleWithFunction(params: [i32], results: [i32], body: body))
        #expect(ir.contains("%br_table.index = call i32 @llvm.umin.i32(i32 %local0.value, i32 2)"))
        #expect(ir.contains("switch i32 %br_table.index, label %br_table.beyond"))
        #expect(ir.contains("i32 2, label"))
    }

    /// An interpreter's loop: pc walks a bytecode in memory, and each of `handlers` opcodes
    /// updates an accumulator its own way and goes back to the dispatch; other bytes end the run.
    static func interpreterLoop(handlers: Int) -> [UInt8] {
        let operations: [UInt8] = [0x6A, 0x73, 0x6C, 0x6B, 0x77, 0x72, 0x74]  // add xor mul sub rotl or shl
        var body: [UInt8] = [0x03, 0x40, 0x02, 0x40] + Array(repeating: [0x02, 0x40], count: handlers).flatMap { $0 }
        body += [0x20, 0x00, 0x2D, 0x00, 0x00, 0x20, 0x00, 0x41, 0x01, 0x6A, 0x21, 0x00]  // load8_u pc; pc += 1
        body += [0x0E] + uleb(UInt64(handlers)) + (0...handlers).flatMap { uleb(UInt64($0)) }
        for i in 0..<handlers {
            body += [0x0B, 0x20, 0x01, 0x41] + sleb(Int64(3 + 7 * i)) + [operations[i % operations.count], 0x21, 0x01]
            body += [0x0C] + uleb(UInt64(handlers - i))
        }
        body += [0x0B, 0x20, 0x01, 0x0F, 0x0B, 0x41, 0x00]
        return moduleWithFunction(results: [0x7F], locals: [[0x02, 0x7F]], body: body, memory: true)
    }

    @Test func eachHandlerOfADispatchLoopEndsInAnIndirectJumpOfItsOwn() throws {
        let module = try validateModule(Self.interpreterLoop(handlers: 20))
        let disassembly = try withTemporaryDirectory { directory in
            let object = directory.appendingPathComponent("m.o").path
            var options = CompileOptions()
            options.target = .x86_64Linux
            try Compiler.compileObject(module, loweringOptions: LoweringOptions(), options: options, objectPath: object)
            return try llvmTool("llvm-objdump", ["-d", "--no-show-raw-insn", object])
        }
        // One shared `jmpq *table(,%reg,8)` would be 1; the dispatch is copied into the handlers.
        let indirectJumps = disassembly.split(separator: "\n").filter { $0.contains("jmpq\t*") }.count
        #expect(indirectJumps >= 20)
    }

    /// `y[i] += x[i]` for i in [0, n), f64: (param $y i32) (param $x i32) (param $n i32) (local $i i32).
    static let addArraysLoop: [UInt8] = {
        func element(_ array: UInt8) -> [UInt8] { [0x20, array, 0x20, 0x03, 0x41, 0x03, 0x74, 0x6A] }
        let body: [UInt8] = [0x03, 0x40] + element(0) + element(0) + [0x2B, 0x03, 0x00] + element(1)
            + [0x2B, 0x03, 0x00, 0xA0, 0x39, 0x03, 0x00]
            + [0x20, 0x03, 0x41, 0x01, 0x6A, 0x22, 0x03, 0x20, 0x02, 0x49, 0x0D, 0x00, 0x0B]
        return moduleWithFunction(params: [0x7F, 0x7F, 0x7F], locals: [[0x01, 0x7F]], body: body, memory: true)
    }()

    /// Optimised IR of `bytes` at -O2, with or without loop versioning.
    func optimizedIR(_ bytes: [UInt8], loopVersioning: Bool, cpu: String = "baseline") throws -> String {
        let module = try validateModule(bytes)
        return try withTemporaryDirectory { directory in
            var options = CompileOptions()
            options.loopVersioning = loopVersioning
            options.cpu = cpu
            options.llvmIROutput = directory.appendingPathComponent("m.ll").path
            try Compiler.compileObject(
                module, loweringOptions: LoweringOptions(), options: options, objectPath: directory.appendingPathComponent("m.o").path)
            return try String(contentsOfFile: options.llvmIROutput!, encoding: .utf8)
        }
    }

    @Test func aCountedLoopInBoundsGetsAVectorizedCopyWithoutTrapPoints() throws {
        let versioned = try optimizedIR(Self.addArraysLoop, loopVersioning: true)
        // The copy: vector loads and stores of doubles, chosen by the trip count and bounds check.
        #expect(versioned.contains("x double>"))
        #expect(versioned.contains("%fast."))
        #expect(versioned.contains("%memory0.size"))
        // The original loop, with its trap points, for the iterations that would fault.
        #expect(versioned.contains("asm sideeffect"))
        let original = try optimizedIR(Self.addArraysLoop, loopVersioning: false)
        #expect(!original.contains("x double>"))
        #expect(!original.contains("%fast."))
    }

    @Test func vectorsAreAtMost256BitsWideOnAMDsAVX512CPUs() throws {
        // LLVM's own choice for znver5 would be 512 bits: <8 x double>.
        for cpu in ["znver5", "skylake-avx512", "x86-64-v3"] {
            let ir = try optimizedIR(Self.addArraysLoop, loopVersioning: true, cpu: cpu)
            #expect(ir.contains("<4 x double>"), "\(cpu)")
            #expect(!ir.contains("<8 x double>"), "\(cpu)")
        }
    }

    @Test func anAddressThatStaysBesideMovingOnesIsKeptInARegisterInTheCopy() throws {
        // (param $k i32) (param $base i32) (param $n i32) (local $j i32):
        // loop: mem[k] += mem[base + 4j]; j += 1; br_if j < n
        let body: [UInt8] = [
            0x03, 0x40, 0x20, 0x00, 0x20, 0x00, 0x28, 0x02, 0x00, 0x20, 0x01, 0x20, 0x03, 0x41, 0x02, 0x74, 0x6A,
            0x28, 0x02, 0x00, 0x6A, 0x36, 0x02, 0x00, 0x20, 0x03, 0x41, 0x01, 0x6A, 0x22, 0x03, 0x20, 0x02, 0x49,
            0x0D, 0x00, 0x0B,
        ]
        let bytes = moduleWithFunction(params: [i32, i32, i32], locals: [[0x01, i32]], body: body, memory: true)
        let versioned = try optimizedIR(bytes, loopVersioning: true)
        // The copy runs only when mem[k] lies apart from the words it adds, and says so with alias
        // scopes, so LLVM keeps mem[k] in a register through the loop (LICM's ".promoted").
        #expect(versioned.contains("!alias.scope"))
        #expect(versioned.contains("!noalias"))
        #expect(versioned.contains(".promoted"))
        let original = try optimizedIR(bytes, loopVersioning: false)
        #expect(!original.contains("!alias.scope"))
        #expect(!original.contains(".promoted"))
    }

    @Test func theCopyBoundsItsTripCountByTheStrideSoThatTheCheckCannotWrap() throws {
        // (param $j i32) (param $n i64) (local $k i64):
        // loop: mem8[j] = 1; j += 0x1000000; k += 1; br_if k <u n
        // With n near 2^40, (n - 1)·2^24 wraps in 64 bits to a small number, which alone would pass
        // the bounds test; the copy also needs n - 1 ≤ 2^32 / 2^24 = 256 (LLVM: n <u 258).
        let body: [UInt8] = [
            0x03, 0x40, 0x20, 0x00, 0x41, 0x01, 0x3A, 0x00, 0x00, 0x20, 0x00, 0x41, 0x80, 0x80, 0x80, 0x08, 0x6A,
            0x21, 0x00, 0x20, 0x02, 0x42, 0x01, 0x7C, 0x22, 0x02, 0x20, 0x01, 0x54, 0x0D, 0x00, 0x0B,
        ]
        let bytes = moduleWithFunction(params: [i32, 0x7E], locals: [[0x01, 0x7E]], body: body, memory: true)
        let versioned = try optimizedIR(bytes, loopVersioning: true)
        let bound = versioned.split(separator: "\n").filter { $0.contains("%fast.short = icmp") }
        #expect(!bound.isEmpty)
        #expect(bound.allSatisfy { $0.hasSuffix(" 258") || $0.hasSuffix(" 257") })
    }

    /// (param $p i32) (param $n i32): loop: mem32[p] = 1; p += stride; br_if p <u n
    func storeLoop(strideLEB: [UInt8]) -> [UInt8] {
        let body: [UInt8] = [0x03, 0x40, 0x20, 0x00, 0x41, 0x01, 0x36, 0x02, 0x00, 0x20, 0x00, 0x41] + strideLEB
            + [0x6A, 0x22, 0x00, 0x20, 0x01, 0x49, 0x0D, 0x00, 0x0B]
        return moduleWithFunction(params: [i32, i32], body: body, memory: true)
    }

    @Test func aThirtyTwoBitCounterBoundsTheTripCountWithoutATest() throws {
        // N - 1 ≤ 2^32 with a 32-bit counter: (N - 1)·4 stays far from 2^63, so no test for it.
        let small = try optimizedIR(storeLoop(strideLEB: [0x04]), loopVersioning: true)
        #expect(small.contains("%fast."))
        #expect(!small.contains("fast.short"))
        // With a stride of 2^30 + 1 the product may pass 2^62, and the base added to it 2^63: the
        // check bounds N - 1 by 2^32 / stride = 3, and as the copy runs only from 8 iterations on
        // (the gate), LLVM finds it can never run and drops it.
        let large = try optimizedIR(storeLoop(strideLEB: [0x81, 0x80, 0x80, 0x80, 0x04]), loopVersioning: true)
        #expect(!large.contains("%fast."))
        #expect(large.contains("asm sideeffect"))
    }

    @Test func theChecksOfAFunctionShareOneLoadOfTheMemoryDescriptorInTheEntryBlock() throws {
        // (param $p i32) (param $n i32) (param $m i32):
        // loop: if n: (loop: mem32[p] = 1; p += 4; br_if p <u n) end; m -= 1; br_if m
        let inner: [UInt8] = [
            0x03, 0x40, 0x20, 0x00, 0x41, 0x01, 0x36, 0x02, 0x00, 0x20, 0x00, 0x41, 0x04, 0x6A, 0x22, 0x00, 0x20,
            0x01, 0x49, 0x0D, 0x00, 0x0B,
        ]
        let body: [UInt8] = [0x03, 0x40, 0x20, 0x01, 0x04, 0x40] + inner + [0x0B, 0x20, 0x02, 0x41, 0x7F, 0x6A, 0x22, 0x02, 0x0D, 0x00, 0x0B]
        let ir = try optimizedIR(moduleWithFunction(params: [i32, i32, i32], body: body, memory: true), loopVersioning: true)
        #expect(ir.contains("%fast."))
        // The function (w2n.invoke, which inlines it, follows it).
        let function = ir.split(separator: "\n", omittingEmptySubsequences: false)
            .drop { !$0.hasPrefix("define internal void @wasm.") }.prefix { $0 != "}" }
        #expect(function.filter { $0.contains("%memory0.descriptor = load") }.count == 1)
        // The entry block: from `entry:` to the first empty line.
        let entry = function.drop { $0 != "entry:" }.prefix { !$0.isEmpty }
        #expect(entry.contains { $0.contains("%memory0.descriptor = load") })
        #expect(entry.contains { $0.contains("!dereferenceable") })
    }

    /// (param $m i32) (local $i $p $n $j $q i32), p = 1024, n = 8:
    /// loop: block: br_if i >u BOUND; q = p; j = n; (loop: mem32[q + 8] = j; q += 4; j -= 1; br_if j)
    /// end; p += 64; n -= 1; i += 1; br_if i != m. The inner loop's base p and trip count n move in
    /// lockstep with i (n-body's shape), which only the guard bounds.
    static func lockstepNest(bound: [UInt8]) -> [UInt8] {
        let body: [UInt8] = [0x41, 0x80, 0x08, 0x21, 0x02, 0x41, 0x08, 0x21, 0x03, 0x03, 0x40, 0x02, 0x40, 0x20, 0x01, 0x41]
            + bound
            + [
                0x4B, 0x0D, 0x00, 0x20, 0x02, 0x21, 0x05, 0x20, 0x03, 0x21, 0x04, 0x03, 0x40, 0x20, 0x05, 0x41, 0x08, 0x6A,
                0x20, 0x04, 0x36, 0x02, 0x00, 0x20, 0x05, 0x41, 0x04, 0x6A, 0x21, 0x05, 0x20, 0x04, 0x41, 0x7F, 0x6A,
                0x22, 0x04, 0x0D, 0x00, 0x0B, 0x0B, 0x20, 0x02, 0x41, 0xC0, 0x00, 0x6A, 0x21, 0x02, 0x20, 0x03, 0x41,
                0x7F, 0x6A, 0x21, 0x03, 0x20, 0x01, 0x41, 0x01, 0x6A, 0x22, 0x01, 0x20, 0x00, 0x47, 0x0D, 0x00, 0x0B,
            ]
        return moduleWithFunction(params: [0x7F], locals: [[0x05, 0x7F]], body: body, memory: true)
    }

    @Test func aCheckThatTheEnclosingLoopsConditionsDecideIsGoneWhenTheyKeepTheLoopInBounds() throws {
        // i ≤ 3: the inner loop writes [1032, 1244) of the one-page memory and runs 8 - i ≥ 5
        // times; the check folds away, and with it the loop with trap points.
        let function = Self.functionIR(try optimizedIR(Self.lockstepNest(bound: [0x03]), loopVersioning: true))
        #expect(function.contains { $0.contains("%fast") })
        #expect(!function.contains { $0.contains("asm sideeffect") })
        #expect(!function.contains { $0.contains("memory0.size") })
        // i ≤ 2000: p reaches 129,024, past the memory's minimum; the check stays.
        let bounded = Self.functionIR(try optimizedIR(Self.lockstepNest(bound: [0xD0, 0x0F]), loopVersioning: true))
        #expect(bounded.contains { $0.contains("%fast") })
        #expect(bounded.contains { $0.contains("asm sideeffect") })
        #expect(bounded.contains { $0.contains("memory0.size") })
    }

    @Test func shortRunsTakeTheLoopWithTrapPointsBeforeTheCheckUnlessItMayFold() throws {
        // y[i] += x[i] with y, x and n parameters: a run of fewer than 8 iterations goes to the
        // original loop on the trip count alone, before the check reads the memory's size.
        let function = Self.functionIR(try optimizedIR(Self.addArraysLoop, loopVersioning: true))
        let gate = function.firstIndex { $0.contains("%fast.long = icmp") }
        let size = function.firstIndex { $0.contains("memory0.size") }
        #expect(gate != nil && size != nil)
        if let gate, let size { #expect(gate < size) }
        // The lockstep nest's check starts from i alone, which LLVM follows: no gate, although the
        // inner loop runs fewer than 8 times (its check stays here, as i may pass 1000).
        let nest = Self.functionIR(try optimizedIR(Self.lockstepNest(bound: [0xD0, 0x0F]), loopVersioning: true))
        #expect(nest.contains { $0.contains("memory0.size") })
        #expect(!nest.contains { $0.contains("fast.long") })
    }

    /// The lines of the module's first wasm function.
    static func functionIR(_ ir: String) -> [Substring] {
        Array(ir.split(separator: "\n", omittingEmptySubsequences: false).drop { !$0.hasPrefix("define internal void @wasm.") }
            .prefix { $0 != "}" })
    }

    /// (param $v i32) (result i32), one page: memory.fill 0 v COUNT; memory.copy 32 0 COUNT;
    /// memory.size; i32.eqz.
    static func bulkWithinMinimum(count: [UInt8]) -> [UInt8] {
        let body: [UInt8] = [0x41, 0x00, 0x20, 0x00, 0x41] + count + [0xFC, 0x0B, 0x00, 0x41, 0x20, 0x41, 0x00, 0x41]
            + count + [0xFC, 0x0A, 0x00, 0x00, 0x3F, 0x00, 0x45]
        return moduleWithFunction(params: [0x7F], results: [0x7F], body: body, memory: true)
    }

    @Test func bulkMemoryChecksAndMemorySizeKnowTheMinimumSize() throws {
        func function(_ count: [UInt8]) throws -> [Substring] {
            let ir = try optimizedIR(Self.bulkWithinMinimum(count: count), loopVersioning: true)
            return Array(ir.split(separator: "\n", omittingEmptySubsequences: false)
                .drop { !($0.hasPrefix("define internal") && $0.contains("@wasm.")) }.prefix { $0 != "}" })
        }
        // 16 bytes at 0 and at 32 lie in the first page: both checks fold, and so does
        // memory.size = 0 (the memory has at least its one page).
        let within = try function([0x10])
        #expect(!within.isEmpty)
        #expect(!within.contains { $0.contains("memory0.size") || $0.contains("w2n_trap") })
        #expect(within.contains { $0.contains("ret i32 0") })
        // 65,537 bytes pass the minimum: the checks stay.
        let beyond = try function([0x81, 0x80, 0x04])
        #expect(beyond.contains { $0.contains("memory0.size") })
        #expect(beyond.contains { $0.contains("w2n_trap") })
    }

    @Test func aWidenedAddressWrittenAsAMaskIsVersioned() throws {
        // (param $n i32) (local $j i32): loop: mem32[56·j + 1024] = j, j += 1, while j < n (signed).
        // LLVM widens j, and instcombine writes zext(56·j) as `and i64 (56·j), 0xFFFFFFF8`.
        let body: [UInt8] = [
            0x03, 0x40, 0x20, 0x01, 0x41, 0x38, 0x6C, 0x20, 0x01, 0x36, 0x02, 0x80, 0x08,
            0x20, 0x01, 0x41, 0x01, 0x6A, 0x21, 0x01, 0x20, 0x01, 0x20, 0x00, 0x48, 0x0D, 0x00, 0x0B,
        ]
        let ir = try optimizedIR(
            moduleWithFunction(params: [i32], locals: [[0x01, 0x7F]], body: body, memory: true), loopVersioning: true)
        #expect(ir.contains("4294967288"))
        #expect(ir.contains("%fast."))
        #expect(ir.contains("asm sideeffect"))
    }

    @Test func aLoopWhoseExitDependsOnMemoryIsNotVersioned() throws {
        // (param $p i32): loop: local.get p, i32.const 1, i32.add, local.tee p, i32.load8_u, br_if 0
        let body: [UInt8] = [0x03, 0x40, 0x20, 0x00, 0x41, 0x01, 0x6A, 0x22, 0x00, 0x2D, 0x00, 0x00, 0x0D, 0x00, 0x0B]
        let ir = try optimizedIR(moduleWithFunction(params: [i32], body: body, memory: true), loopVersioning: true)
        #expect(!ir.contains("%fast."))
        #expect(ir.contains("asm sideeffect"))
    }
}

