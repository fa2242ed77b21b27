// Target machines for the two supported targets, and the optimisation pipeline.

import CLLVM
import Foundation

/// A compilation target.
public enum Target: String, CaseIterable, Sendable {
    case x86_64Linux = "x86_64-linux"
    case aarch64Linux = "aarch64-linux"

    /// The LLVM triple of the generated objects.
    var llvmTriple: String {
        switch self {
        case .x86_64Linux: return "x86_64-unknown-linux-musl"
        case .aarch64Linux: return "aarch64-unknown-linux-musl"
        }
    }

    /// The target for zig, which builds RuntimeSupport and links against musl.
    var zigTarget: String {
        switch self {
        case .x86_64Linux: return "x86_64-linux-musl"
        case .aarch64Linux: return "aarch64-linux-musl"
        }
    }

    /// The portable baseline CPU.
    var baselineCPU: String {
        switch self {
        case .x86_64Linux: return "x86-64"
        case .aarch64Linux: return "generic"
        }
    }

    /// The target of the machine this compiler runs on.
    public static var host: Target {
        #if arch(arm64)
            return .aarch64Linux
        #else
            return .x86_64Linux
        #endif
    }
}

/// Why code generation failed.
public enum CodegenError: Error, CustomStringConvertible, Sendable {
    /// LLVM reported an error (the text is LLVM's diagnostic).
    case llvm(String)
    /// A tool (zig, for RuntimeSupport and linking) is missing or failed.
    case tool(String)
    /// Writing an output failed.
    case io(String)

    public var description: String {
        switch self {
        case .llvm(let message): return "LLVM: \(message)"
        case .tool(let message): return message
        case .io(let message): return message
        }
    }
}

private let initializeTargets: Void = {
    LLVMInitializeX86TargetInfo()
    LLVMInitializeX86Target()
    LLVMInitializeX86TargetMC()
    LLVMInitializeX86AsmPrinter()
    LLVMInitializeAArch64TargetInfo()
    LLVMInitializeAArch64Target()
    LLVMInitializeAArch64TargetMC()
    LLVMInitializeAArch64AsmPrinter()
    // Innermost loops start at a 32-byte boundary on x86 (LLVM's default is 16): the speed of a
    // dispatch loop (an interpreter's `br_table` in a loop) otherwise depends on where its header
    // lands relative to the 64-byte lines the branch predictor and op cache work in (the same
    // machine code of bench/compute's interp ran 0.6x-1.4x native, depending on the rest of the
    // module); a dispatch block of up to 32 bytes then never straddles two lines. 64 bytes did
    // that too but executes more padding in front of short loops entered by falling through
    // (callgrind, sort: 62.3 M instructions at 16, 62.6 M at 32, 64.4 M at 64). interp's speed
    // stays partly a matter of where the whole loop lands: its baseline build is fastest at 32,
    // its `--cpu native` build at 16 (bench/README.md, "Results at commit 151692b").
    //
    // A dispatch block (Lowering writes a br_table as a jump table without a range check, so the
    // block ends in its indirect jump) is copied to the end of each of its up to 64 targets, as
    // LLVM does for blocks of at most 16 predecessors and successors: every handler of an
    // interpreter then has an indirect jump of its own, which the predictor learns per handler
    // ("threaded" dispatch). bench/compute's interp on a Zen 5 machine: 0.90-1.05 s over seven
    // code layouts (alignment options), against 1.1-1.66 s with the one shared jump; its other
    // programs' code is unchanged.
    var options = [
        "wasm2native", "-x86-experimental-pref-innermost-loop-alignment=5", "-tail-dup-pred-size=64",
        "-tail-dup-succ-size=64",
    ]
    // W2N_LLVM_OPTIONS: LLVM's own command-line options, for experiments (e.g. "-align-all-blocks=5").
    // (-x86-branches-within-32B-boundaries steadies the interp benchmark on this machine, but its
    // assembler relaxation made a 4.5 MB module take over 15 minutes instead of 80 s.)
    if let extra = ProcessInfo.processInfo.environment["W2N_LLVM_OPTIONS"] {
        let extraOptions = extra.split(separator: " ").map(String.init)
        // An option given there replaces the default above (LLVM takes each option once, spelled
        // with one dash or two).
        func name(_ option: String) -> Substring? {
            option.hasPrefix("-") ? option.drop { $0 == "-" }.split(separator: "=").first : nil
        }
        options.removeAll { option in
            name(option) != nil && extraOptions.contains { name($0) == name(option) }
        }
        options += extraOptions
    }
    var pointers = options.map { strdup($0) }
    pointers.withUnsafeMutableBufferPointer { buffer in
        buffer.withMemoryRebound(to: UnsafePointer<CChar>?.self) {
            LLVMParseCommandLineOptions(Int32($0.count), $0.baseAddress, nil)
        }
    }
    pointers.forEach { free($0) }
}()

/// An LLVM target machine.
final class TargetMachine {
    let machine: LLVMTargetMachineRef
    let target: Target

    /// `cpu` is "baseline", "native" (only for the host target) or an LLVM CPU name. Code for
    /// shared objects and for objects others link must be position independent; code that
    /// wasm2native links into its static (non-PIE) executables need not be, and is not: absolute
    /// jump tables and addresses save an instruction or two in dispatch loops.
    init(target: Target, cpu: String, optimizationLevel: Int, positionIndependent: Bool = true) throws(CodegenError) {
        _ = initializeTargets
        self.target = target
        var llvmTarget: LLVMTargetRef?
        var error: UnsafeMutablePointer<CChar>?
        guard LLVMGetTargetFromTriple(target.llvmTriple, &llvmTarget, &error) == 0, let llvmTarget else {
            throw .llvm(takeMessage(error))
        }
        var cpuName = cpu == "baseline" ? target.baselineCPU : cpu
        var features = ""
        if cpu == "native" {
            guard target == .host else { throw .llvm("--cpu native is only possible for the host target") }
            let host = HostCPU.current()
            (cpuName, features) = (host.name, host.features)
        }
        let level: LLVMCodeGenOptLevel
        switch optimizationLevel {
        case 0: level = LLVMCodeGenLevelNone
        case 1: level = LLVMCodeGenLevelLess
        case 2: level = LLVMCodeGenLevelDefault
        default: level = LLVMCodeGenLevelAggressive
        }
        guard
            let machine = LLVMCreateTargetMachine(
                llvmTarget, target.llvmTriple, cpuName, features, level,
                positionIndependent ? LLVMRelocPIC : LLVMRelocStatic, LLVMCodeModelDefault)
        else { throw .llvm("cannot create a target machine for \(target.rawValue) (cpu \(cpuName))") }
        self.machine = machine
    }

    deinit { LLVMDisposeTargetMachine(machine) }

    /// Sets the module's triple and data layout to this machine's; on x86_64, its functions
    /// prefer vectors of at most 256 bits.
    ///
    /// LLVM 19 already prefers 256-bit vectors on Intel's AVX-512 CPUs (skylake-avx512 to
    /// sapphirerapids), but not on AMD's (znver4, znver5), where `--cpu native` then vectorizes
    /// loops with 512-bit vectors, 16 lanes of 32 bits interleaved 4 times: a loop must run 64
    /// iterations to enter its vector body, and every entry pays the vector set-up (broadcasts,
    /// constant loads). Loops of wasm programs are mostly shorter. On a Zen 5 machine, 256 bits
    /// made fannkuch-redux 6% faster (its 11-element loops; 1.16x native before) and left sha256,
    /// matmul, spectral-norm and n-body within their spread (bench/README.md). Without AVX-512
    /// the attribute changes nothing.
    func configure(_ module: LLVMModuleRef) {
        LLVMSetTarget(module, target.llvmTriple)
        let layout = LLVMCreateTargetDataLayout(machine)
        LLVMSetModuleDataLayout(module, layout)
        LLVMDisposeTargetData(layout)
        guard target == .x86_64Linux else { return }
        let attribute = LLVMCreateStringAttribute(LLVMGetModuleContext(module), "prefer-vector-width", 19, "256", 3)
        var function = LLVMGetFirstFunction(module)
        while let current = function {
            if LLVMCountBasicBlocks(current) > 0 {
                LLVMAddAttributeAtIndex(current, UInt32.max /* LLVMAttributeFunctionIndex */, attribute)
            }
            function = LLVMGetNextFunction(current)
        }
    }

    /// Runs the new pass manager's default pipeline at `level` (0 to 3). At -O2 and -O3 with
    /// `betweenPipelines`, the pipeline runs in two halves (Pipelines.swift): the simplification
    /// pipeline, then `loop-simplify,lcssa` and `betweenPipelines` (LoopVersioning), then the
    /// optimization pipeline, which vectorizes loops. When `betweenPipelines` changed the code (it
    /// returns true), correlated-value propagation and early CSE run first: LLVM's value ranges
    /// then decide the checks of versioned loops that the enclosing loops' conditions settle
    /// (n-body's inner loops), and CSE merges the values the checks and the copies compute twice
    /// (a group's base and the same base written in terms of the tested induction variable), so
    /// that comparisons between them fold too. (n-body: 74.8 M instructions before, 65.5 M with
    /// the first alone, 60.5 M with both; bench/README.md.)
    func optimize(_ module: LLVMModuleRef, level: Int, betweenPipelines: (() -> Bool)? = nil) throws(CodegenError) {
        let options = LLVMCreatePassBuilderOptions()
        defer { LLVMDisposePassBuilderOptions(options) }
        LLVMPassBuilderOptionsSetLoopVectorization(options, level >= 2 ? 1 : 0)
        // No SLP vectorizer (Utilities/generate.py says why; the split pipelines leave it out too).
        LLVMPassBuilderOptionsSetSLPVectorization(options, 0)
        func run(_ pipeline: String) throws(CodegenError) {
            if let error = LLVMRunPasses(module, pipeline, machine, options) {
                throw .llvm(takeMessage(LLVMGetErrorMessage(error)))
            }
        }
        guard level >= 2, let betweenPipelines else {
            try run("default<O\(max(0, min(3, level)))>")
            return
        }
        let (simplification, optimization) = Pipelines.split(target: target, level: level)
        try run(simplification + ",function(loop-simplify,lcssa)")
        let changed = betweenPipelines()
        // Module analyses do not survive between runs: compute globals-aa again, as the first half
        // left it for the second.
        try run("require<globals-aa>," + (changed ? "function(correlated-propagation,early-cse)," : "") + optimization)
    }

    /// Writes an object file.
    func emitObject(_ module: LLVMModuleRef, to path: String) throws(CodegenError) {
        var error: UnsafeMutablePointer<CChar>?
        let failed = path.withCString { pathPointer in
            LLVMTargetMachineEmitToFile(machine, module, pathPointer, LLVMObjectFile, &error) != 0
        }
        if failed { throw .llvm(takeMessage(error)) }
    }
}

/// This machine's CPU as `--cpu native` sees it: LLVM's name for it and its features (what
/// TargetMachine compiles for, and what keys caches of code compiled for it).
public struct HostCPU: Sendable, CustomStringConvertible {
    public let name: String
    public let features: String

    public static func current() -> HostCPU {
        HostCPU(name: takeMessage(LLVMGetHostCPUName()), features: takeMessage(LLVMGetHostCPUFeatures()))
    }

    public var description: String { name + " " + features }
}

/// Returns LLVM's message and frees it.
func takeMessage(_ message: UnsafeMutablePointer<CChar>?) -> String {
    guard let message else { return "" }
    defer { LLVMDisposeMessage(message) }
    return String(cString: message)
}
