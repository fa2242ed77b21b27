// The pipeline after validation: lower, optimise, emit an object, link an executable.

import CLLVM
import Foundation
import Lowering
import WasmParser

/// Options of a compilation.
public struct CompileOptions: Sendable {
    /// Optimisation level, 0 to 3.
    public var optimizationLevel = 2
    /// "baseline" (portable), "native" (this machine's CPU), or an LLVM CPU name.
    public var cpu = "baseline"
    /// The target.
    public var target = Target.host
    /// Capabilities of the executable.
    public var config = ExecutableConfig()
    /// Write the optimised LLVM IR here.
    public var llvmIROutput: String?
    /// Write the object file here (and do not link unless `output` is also set).
    public var objectOutput: String?
    /// Keep intermediate files next to the output.
    public var keepTemps = false
    /// Compile unresolvable function imports as functions that trap when called.
    public var trapUnresolvedImports = false
    /// Link without symbols and debug information (smaller, and independent of temporary paths).
    public var stripSymbols = false
    /// Give loops whose accesses stay in bounds a copy without trap points, which LLVM may
    /// vectorize (LoopVersioning.swift); at -O2 and -O3.
    public var loopVersioning = true

    public init() {}
}

/// Compiles validated modules to native code.
public enum Compiler {
    /// Compiles `module` to an object file at `objectPath` whose descriptor symbol and import
    /// policy `loweringOptions` set (the spec harness links several into one shared object).
    public static func compileObject(
        _ module: Module, loweringOptions: LoweringOptions, options: CompileOptions, objectPath: String
    ) throws {
        let machine = try TargetMachine(target: options.target, cpu: options.cpu, optimizationLevel: options.optimizationLevel)
        let lowered = try lowerAndOptimize(module, loweringOptions: loweringOptions, machine: machine, options: options)
        try machine.emitObject(lowered.module, to: objectPath)
    }

    static func lowerAndOptimize(
        _ module: Module, loweringOptions: LoweringOptions, machine: TargetMachine, options: CompileOptions
    ) throws -> LoweredModule {
        var loweringOptions = loweringOptions
        loweringOptions.architecture = options.target == .aarch64Linux ? .aarch64 : .x86_64
        loweringOptions.trapPointsOnlyRead = options.optimizationLevel > 0
        let lowering = ModuleLowering(module: module, options: loweringOptions)
        try lowering.lower()
        let lowered = lowering.takeModule()
        machine.configure(lowered.module)
        try machine.optimize(lowered.module, level: options.optimizationLevel) {
            options.loopVersioning && LoopVersioning.run(on: lowered)
        }
        if let path = options.llvmIROutput {
            var error: UnsafeMutablePointer<CChar>?
            if LLVMPrintModuleToFile(lowered.module, path, &error) != 0 {
                throw CodegenError.io("cannot write \(path): \(takeMessage(error))")
            }
        }
        return lowered
    }

    /// Compiles `module` to a static executable at `output` (or only the requested artifacts).
    public static func compileExecutable(_ module: Module, output: String?, options: CompileOptions) throws {
        var loweringOptions = LoweringOptions()
        loweringOptions.executableConfig = options.config
        loweringOptions.trapUnresolvedImports = options.trapUnresolvedImports
        // Position-dependent code when wasm2native links the executable itself (not PIE).
        let machine = try TargetMachine(
            target: options.target, cpu: options.cpu, optimizationLevel: options.optimizationLevel,
            positionIndependent: output == nil)
        let lowered = try lowerAndOptimize(module, loweringOptions: loweringOptions, machine: machine, options: options)
        let llvmModule = lowered.module
        guard let output else {
            if let objectPath = options.objectOutput { try machine.emitObject(llvmModule, to: objectPath) }
            return
        }
        let objectPath = options.objectOutput ?? (output + ".o")
        try machine.emitObject(llvmModule, to: objectPath)
        defer { if options.objectOutput == nil && !options.keepTemps { try? FileManager.default.removeItem(atPath: objectPath) } }

        let toolchain = try Toolchain.locate()
        let runtime = try toolchain.runtimeLibrary(for: options.target, boundsChecks: false)
        try toolchain.linkExecutable(
            objects: [objectPath], runtime: runtime, target: options.target, output: output, strip: options.stripSymbols)
    }
}
