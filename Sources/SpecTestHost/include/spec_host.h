/*
 * spec_host.h: the C side of the spec harness's native engine (Sources/NativeSpecEngine).
 *
 * Two parts, both host code that RuntimeSupport does not provide:
 *   1. the `spectest` module every spec script may import: print functions, four constant
 *      globals, a funcref table (10..20) and a memory (1..2 pages), built with RuntimeSupport's
 *      host-object API (w2n_table_new, w2n_memory_new, w2n_intern_type);
 *   2. calls into compiled modules that a fault or a hang in generated code cannot take down:
 *      spec_call_invoke / spec_call_instantiate run w2n_invoke / w2n_instantiate inside an outer
 *      w2n_run_guarded frame; a fault that RuntimeSupport does not turn into a trap (a wild
 *      pointer, SIGILL, SIGFPE) or a call running past its time limit becomes W2N_TRAP_HOST plus a
 *      spec_fault record, instead of killing the harness.
 *
 * Symbols start with `spec_` (not `w2n_`, which belongs to RuntimeSupport).
 */
#ifndef SPEC_HOST_H
#define SPEC_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "w2n_runtime.h"

#ifdef __cplusplus
extern "C" {
#endif

/* 1. The spectest module ------------------------------------------------------------------- */

/* The objects of one `spectest` instance (one per spec script). */
typedef struct spec_host spec_host;

/* Creates the spectest objects; NULL when RuntimeSupport cannot allocate the table or memory.
 * `print` 1: the print functions write to stdout (as the reference interpreter does), else they
 * do nothing. */
spec_host *spec_host_new(int print);
void spec_host_free(spec_host *host);

/* Resolves `spectest.<name>` for `import`: 1 and *out set when spectest has an export of that
 * name and kind; 0 when it has none; -1 when it has the name with another kind (*out untouched). */
int spec_host_resolve(spec_host *host, const w2n_import *import, w2n_extern *out);

/* 2. Guarded calls --------------------------------------------------------------------------- */

/* What went wrong in a call beyond a wasm trap. */
typedef enum spec_fault_kind {
  SPEC_FAULT_NONE = 0,
  SPEC_FAULT_SIGNAL = 1,  /* a signal RuntimeSupport did not turn into a trap */
  SPEC_FAULT_TIMEOUT = 2, /* the call ran longer than the time limit and was interrupted */
} spec_fault_kind;

typedef struct spec_fault {
  int kind;          /* spec_fault_kind */
  int signal_number; /* SPEC_FAULT_SIGNAL */
  uintptr_t address; /* the fault address (si_addr) */
  uintptr_t pc;      /* the interrupted instruction */
} spec_fault;

/* Installs the recovery handlers (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGALRM), chaining
 * to the handlers installed before for faults outside spec calls, then lets RuntimeSupport
 * install its own fault handler on top (so that out-of-bounds accesses and stack exhaustion are
 * traps first). Call once, before any other RuntimeSupport call. `timeout_seconds` <= 0: no limit. */
void spec_calls_install(double timeout_seconds);

/* w2n_invoke, recovered as described above (fault->kind says whether a W2N_TRAP_HOST was one). */
w2n_trap_code spec_call_invoke(w2n_instance *instance, uint32_t function_index, const w2n_value *args,
                               w2n_value *results, spec_fault *fault);

/* w2n_instantiate, recovered likewise: a fault during initialization or start gives
 * W2N_INSTANTIATE_TRAP with *trap = W2N_TRAP_HOST and fault->kind set; one in RuntimeSupport
 * outside its own guard gives W2N_INSTANTIATE_TRAP and *out = NULL. */
w2n_instantiate_status spec_call_instantiate(const w2n_module *module, w2n_import_resolver resolver, void *context,
                                             w2n_instance **out, w2n_trap_code *trap, spec_fault *fault);

/* Where a code address lies, for messages: "<file name>+0x<offset>" plus " (<symbol>+0x<offset>)"
 * when the dynamic symbol table names one; 0 when no loaded object contains it. */
int spec_describe_address(uintptr_t address, char *buffer, size_t size);

/* The name of a signal ("SIGSEGV"), for messages. */
const char *spec_signal_name(int signal_number);

#ifdef __cplusplus
}
#endif

#endif /* SPEC_HOST_H */
