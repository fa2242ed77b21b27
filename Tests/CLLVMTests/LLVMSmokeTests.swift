// Smoke tests for the LLVM C API as seen through `CLLVM`: the module map, the header search path
// and the link against libLLVM-19. They build a tiny function, verify it, and emit a real x86_64
// ELF object through a target machine, which is the path Lowering and Codegen will take.

import CLLVM
import Foundation
import Testing

@Suite struct LLVMSmokeTests {
    /// Builds `i32 @w2n_smoke_add(i32, i32)` returning the sum of its arguments in a new context.
    private static func makeAddModule(in context: LLVMContextRef) -> LLVMModuleRef {
        let module = LLVMModuleCreateWithNameInContext("smoke", context)!
        let i32 = LLVMInt32TypeInContext(context)
        var parameters: [LLVMTypeRef?] = [i32, i32]
        let functionType = parameters.withUnsafeMutableBufferPointer {
            LLVMFunctionType(i32, $0.baseAddress, 2, 0)
        }
        let function = LLVMAddFunction(module, "w2n_smoke_add", functionType)
        let entry = LLVMAppendBasicBlockInContext(context, function, "entry")
        let builder = LLVMCreateBuilderInContext(context)
        defer { LLVMDisposeBuilder(builder) }
        LLVMPositionBuilderAtEnd(builder, entry)
        let sum = LLVMBuildAdd(builder, LLVMGetParam(function, 0), LLVMGetParam(function, 1), "sum")
        LLVMBuildRet(builder, sum)
        return module
    }

    /// Returns LLVM's message and frees it, or nil when there is none.
    private static func takeMessage(_ message: UnsafeMutablePointer<CChar>?) -> String? {
        guard let message else { return nil }
        defer { LLVMDisposeMessage(message) }
        return String(cString: message)
    }

    @Test func buildsAndVerifiesAFunction() throws {
        let context = LLVMContextCreate()!
        defer { LLVMContextDispose(context) }
        let module = Self.makeAddModule(in: context)
        defer { LLVMDisposeModule(module) }

        var error: UnsafeMutablePointer<CChar>?
        let broken = LLVMVerifyModule(module, LLVMReturnStatusAction, &error)
        let message = Self.takeMessage(error) ?? ""
        #expect(broken == 0, "LLVMVerifyModule: \(message)")

        let ir = try #require(Self.takeMessage(LLVMPrintModuleToString(module)))
        #expect(ir.contains("define i32 @w2n_smoke_add(i32 %0, i32 %1)"))
        #expect(ir.contains("%sum = add i32 %0, %1"))
        #expect(ir.contains("ret i32 %sum"))
    }

    @Test func verifierRejectsABlockWithoutTerminator() {
        let context = LLVMContextCreate()!
        defer { LLVMContextDispose(context) }
        let module = LLVMModuleCreateWithNameInContext("broken", context)!
        defer { LLVMDisposeModule(module) }
        let void = LLVMVoidTypeInContext(context)
        let function = LLVMAddFunction(module, "no_terminator", LLVMFunctionType(void, nil, 0, 0))
        LLVMAppendBasicBlockInContext(context, function, "entry")

        var error: UnsafeMutablePointer<CChar>?
        let broken = LLVMVerifyModule(module, LLVMReturnStatusAction, &error)
        let message = Self.takeMessage(error) ?? ""
        #expect(broken != 0)
        #expect(message.contains("terminator"), "verifier said: \(message)")
    }

    @Test func emitsAnX86_64ELFObject() throws {
        LLVMInitializeX86TargetInfo()
        LLVMInitializeX86Target()
        LLVMInitializeX86TargetMC()
        LLVMInitializeX86AsmPrinter()

        let context = LLVMContextCreate()!
        defer { LLVMContextDispose(context) }
        let module = Self.makeAddModule(in: context)
        defer { LLVMDisposeModule(module) }

        let triple = "x86_64-unknown-linux-gnu"
        var target: LLVMTargetRef?
        var error: UnsafeMutablePointer<CChar>?
        let lookupFailed = LLVMGetTargetFromTriple(triple, &target, &error)
        let lookupMessage = Self.takeMessage(error) ?? ""
        try #require(lookupFailed == 0, "LLVMGetTargetFromTriple: \(lookupMessage)")
        // Not inside #require: the macro evaluates each argument separately, and the implicit
        // String-to-C-string conversions would then dangle (AddressSanitizer: use after free).
        let createdMachine = LLVMCreateTargetMachine(
            target, triple, "x86-64", "", LLVMCodeGenLevelDefault, LLVMRelocPIC, LLVMCodeModelDefault)
        let machine = try #require(createdMachine)
        defer { LLVMDisposeTargetMachine(machine) }
        LLVMSetTarget(module, triple)
        let layout = LLVMCreateTargetDataLayout(machine)
        defer { LLVMDisposeTargetData(layout) }
        LLVMSetModuleDataLayout(module, layout)

        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("w2n-cllvm-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let objectPath = directory.appendingPathComponent("smoke.o").path

        error = nil
        let emitFailed = objectPath.withCString { path in
            LLVMTargetMachineEmitToFile(machine, module, path, LLVMObjectFile, &error)
        }
        let emitMessage = Self.takeMessage(error) ?? ""
        try #require(emitFailed == 0, "LLVMTargetMachineEmitToFile: \(emitMessage)")

        let bytes = try Data(contentsOf: URL(fileURLWithPath: objectPath))
        #expect(Array(bytes.prefix(4)) == [0x7F, 0x45, 0x4C, 0x46], "not an ELF file")
        #expect(bytes.count > 4 && bytes[4] == 2, "not ELFCLASS64")
        #expect(bytes.count > 19 && bytes[18] == 0x3E && bytes[19] == 0x00, "e_machine is not EM_X86_64")
        #expect(bytes.range(of: Data("w2n_smoke_add".utf8)) != nil, "symbol name missing from the object")
    }
}
