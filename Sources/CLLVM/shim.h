// The LLVM C API headers that wasm2native uses, in one umbrella for `module CLLVM`.
//
// The target-initialisation entry points in llvm-c/Target.h (LLVMInitializeNativeTarget,
// LLVMInitializeAllTargets, ...) are static inline functions built from macros; Swift cannot
// always see through them, so callers use the per-target functions that this header declares
// (LLVMInitializeX86TargetInfo, LLVMInitializeAArch64Target, ...), which libLLVM exports.
#ifndef W2N_CLLVM_SHIM_H
#define W2N_CLLVM_SHIM_H

#include <llvm-c/Analysis.h>
#include <llvm-c/BitWriter.h>
#include <llvm-c/Core.h>
#include <llvm-c/Error.h>
#include <llvm-c/Object.h>
#include <llvm-c/Support.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Transforms/PassBuilder.h>

// The two targets wasm2native compiles for. llvm-c/Target.h declares these through
// llvm/Config/Targets.def; repeating the prototypes keeps them visible even if that file changes.
void LLVMInitializeX86TargetInfo(void);
void LLVMInitializeX86Target(void);
void LLVMInitializeX86TargetMC(void);
void LLVMInitializeX86AsmPrinter(void);
void LLVMInitializeX86AsmParser(void);
void LLVMInitializeAArch64TargetInfo(void);
void LLVMInitializeAArch64Target(void);
void LLVMInitializeAArch64TargetMC(void);
void LLVMInitializeAArch64AsmPrinter(void);
void LLVMInitializeAArch64AsmParser(void);

#endif // W2N_CLLVM_SHIM_H
