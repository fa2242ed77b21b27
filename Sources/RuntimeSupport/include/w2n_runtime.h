/*
 * w2n_runtime.h: the runtime ABI of wasm2native, the one contract between generated code
 * (Sources/Lowering) and RuntimeSupport. Sources/Lowering/RuntimeABI.swift mirrors it; a test
 * checks that the two agree (names, signatures, struct offsets).
 *
 * Sections, in order:
 *   1. configuration macros
 *   2. trap codes
 *   3. values, references, memories, tables, the instance
 *   4. the module descriptor that generated code emits
 *   5. traps and guarded calls
 *   6. memory, table and segment builtins called by generated code
 *   7. instantiation and invocation (hosts, the spec harness, executables)
 *   8. WASI: `w2n_import_wasi_snapshot_preview1_<name>` functions (declared in w2n_wasi.h)
 *
 * Conventions: every symbol starts with `w2n_`, every macro with `W2N_`. The instance pointer is
 * the first parameter of every function that generated code calls, so that several modules (the
 * spec suite's `register`) live in one process.
 */
#ifndef W2N_RUNTIME_H
#define W2N_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* 1. Configuration ------------------------------------------------------------------------- */

/* Bytes reserved for a 32-bit linear memory: the 4 GiB address space, the largest memarg offset
 * (4 GiB) and an access size (one more wasm page), so that no index + offset + size can leave the
 * reservation and no bounds check is needed. Pages are committed (made readable and writable) on
 * memory.grow. */
#ifndef W2N_MEMORY_RESERVATION
#define W2N_MEMORY_RESERVATION ((8ull << 30) + 65536u)
#endif

/* 1: explicit bounds checks instead of guard pages (for small address spaces). The generated code
 * must have been compiled with the same choice (`--bounds-checks`). */
#ifndef W2N_BOUNDS_CHECKS
#define W2N_BOUNDS_CHECKS 0
#endif

#define W2N_PAGE_SIZE 65536u
#define W2N_MAX_PAGES 65536u

/* Elements a table may hold: table.grow beyond it returns -1 and a larger initial size fails
 * instantiation (an implementation limit, as the spec allows). */
#ifndef W2N_TABLE_MAX_ELEMENTS
#define W2N_TABLE_MAX_ELEMENTS 10000000u
#endif

/* Native stack kept free below w2n_stack_limit for the runtime and libc (WASI calls), at most a
 * quarter of the thread's stack. */
#ifndef W2N_STACK_HEADROOM
#define W2N_STACK_HEADROOM (256u << 10)
#endif

/* Exit statuses of executables (w2n_main.c): a trap (the status of an abort, 128 + SIGABRT),
 * SIGTERM (128 + 15) and SIGINT (128 + 2); instantiation failures exit with 1. */
#define W2N_EXIT_TRAP 134
#define W2N_EXIT_SIGTERM 143
#define W2N_EXIT_SIGINT 130

#if W2N_BOUNDS_CHECKS != 0 && W2N_BOUNDS_CHECKS != 1
#error "W2N_BOUNDS_CHECKS must be 0 or 1"
#endif
#if W2N_BOUNDS_CHECKS == 0 && W2N_MEMORY_RESERVATION < (8ull << 30) + 16u
#error "without bounds checks the reservation must cover a 32-bit index, a 32-bit offset and 16 bytes"
#endif

#if defined(__GNUC__) || defined(__clang__)
#define W2N_NORETURN __attribute__((noreturn))
#else
#define W2N_NORETURN
#endif

/* 2. Trap codes: the messages are the spec's own strings (w2n_trap_message). --------------- */

typedef enum w2n_trap_code {
  W2N_TRAP_NONE = 0,
  W2N_TRAP_UNREACHABLE = 1,                 /* "unreachable" */
  W2N_TRAP_OUT_OF_BOUNDS_MEMORY = 2,        /* "out of bounds memory access" */
  W2N_TRAP_INTEGER_DIVIDE_BY_ZERO = 3,      /* "integer divide by zero" */
  W2N_TRAP_INTEGER_OVERFLOW = 4,            /* "integer overflow" */
  W2N_TRAP_INVALID_CONVERSION = 5,          /* "invalid conversion to integer" */
  W2N_TRAP_INDIRECT_CALL_TYPE_MISMATCH = 6, /* "indirect call type mismatch" */
  W2N_TRAP_UNDEFINED_ELEMENT = 7,           /* "undefined element" */
  W2N_TRAP_UNINITIALIZED_ELEMENT = 8,       /* "uninitialized element" */
  W2N_TRAP_OUT_OF_BOUNDS_TABLE = 9,         /* "out of bounds table access" */
  W2N_TRAP_CALL_STACK_EXHAUSTED = 10,       /* "call stack exhausted" */
  W2N_TRAP_NULL_REFERENCE = 11,             /* "null reference" */
  W2N_TRAP_HOST = 12,                       /* a host function failed (message in the instance) */
  W2N_TRAP_EXIT = 13,                       /* proc_exit: not an error; the status is in the instance */
  W2N_TRAP_UNRESOLVED_IMPORT = 14,          /* "unresolved import called" (--trap-unresolved-imports) */
  W2N_TRAP_COUNT
} w2n_trap_code;

/* The spec's message for a trap code ("integer divide by zero", ...). */
const char *w2n_trap_message(w2n_trap_code code);

/* 3. Values, references, memories, tables, the instance ------------------------------------ */

typedef struct w2n_instance w2n_instance;

/* A function reference: what `ref.func`, tables and imports hold. One per function per
 * instance, so that reference identity survives export and import. */
typedef struct w2n_funcref {
  void *code;              /* offset 0: the native function: first parameter is `instance` */
  uint32_t type_id;        /* offset 8: canonical id of its function type (w2n_intern_type) */
  uint32_t function_index; /* offset 12 */
  w2n_instance *instance;  /* offset 16: the instance that defines the function (for WASI
                              functions: the importing instance) */
} w2n_funcref;

/* A reference value: NULL is ref.null; funcref values are `w2n_funcref *`; externref values are
 * opaque host pointers (the spec harness encodes `ref.extern N` as N + 1). */
typedef void *w2n_ref;

typedef struct w2n_v128 {
  uint64_t low, high;
} w2n_v128;

/* One wasm value, as passed to and from `invoke` and stored in globals (16 bytes). */
typedef union w2n_value {
  uint32_t i32;
  uint64_t i64;
  uint32_t f32; /* bit pattern */
  uint64_t f64; /* bit pattern */
  w2n_v128 v128;
  w2n_ref ref;
} w2n_value;

typedef struct w2n_memory {
  uint8_t *data;       /* offset 0: never moves (the reservation's start) */
  uint64_t size_bytes; /* offset 8: pages * W2N_PAGE_SIZE */
  uint32_t pages;      /* offset 16 */
  uint32_t max_pages;  /* offset 20: the declared maximum, or W2N_MAX_PAGES */
  uint64_t reserved;   /* offset 24: bytes reserved at `data` */
  uint32_t has_max;    /* offset 32: 1 when a maximum was declared (import matching) */
} w2n_memory;

typedef struct w2n_table {
  w2n_ref *elements;   /* offset 0 */
  uint32_t size;       /* offset 8 */
  uint32_t max_size;   /* offset 12: the declared maximum, or UINT32_MAX */
  uint32_t capacity;   /* offset 16 */
  uint32_t elem_kind;  /* offset 20: W2N_KIND_FUNCREF or W2N_KIND_EXTERNREF */
  uint32_t has_max;    /* offset 24: 1 when a maximum was declared (import matching) */
} w2n_table;

/* An element segment's items after instantiation (NULL items after elem.drop, count 0). */
typedef struct w2n_elem_segment {
  w2n_ref *items;
  uint32_t count;
} w2n_elem_segment;

/* The instance. Generated code reads these fields at these offsets (RuntimeABI.swift).
 * `memories` and `tables` have at least one slot: memories[0] is NULL when the module has no
 * memory. WASI functions read only `memories[0]` and `wasi`, so a host such as the interpreter may
 * call them with an instance struct it filled itself; w2n_instance_free takes only instances that
 * w2n_instantiate made. */
struct w2n_instance {
  uint8_t *memory0;               /* 0: base of memory 0 (NULL without memory) */
  w2n_memory **memories;          /* 8: every memory, imported ones first */
  w2n_table **tables;             /* 16: every table, imported ones first */
  w2n_value **globals;            /* 24: a 16-byte cell per global (imports: the exporter's); the
                                     module's own cells lie right before the instance, global i at
                                     (w2n_value *)instance - (num_globals - i) */
  w2n_funcref **functions;        /* 32: a funcref per function index (imports: the exporter's) */
  const uint32_t *type_ids;       /* 40: canonical id per type index */
  w2n_elem_segment *elems;        /* 48: element segments' items */
  uint8_t *data_dropped;          /* 56: 1 once a data segment is dropped */
  const struct w2n_module *module;/* 64 */
  struct w2n_wasi *wasi;          /* 72: WASI context (NULL: WASI calls trap) */
  void *host;                     /* 80: embedder's data */
  /* the runtime's private part follows */
};

/* 4. The module descriptor ----------------------------------------------------------------- */

/* Value and reference kinds, as in the binary format. */
enum {
  W2N_KIND_I32 = 0x7F,
  W2N_KIND_I64 = 0x7E,
  W2N_KIND_F32 = 0x7D,
  W2N_KIND_F64 = 0x7C,
  W2N_KIND_V128 = 0x7B,
  W2N_KIND_FUNCREF = 0x70,
  W2N_KIND_EXTERNREF = 0x6F,
};

/* External kinds, as in the binary format. */
enum { W2N_EXTERN_FUNC = 0, W2N_EXTERN_TABLE = 1, W2N_EXTERN_MEMORY = 2, W2N_EXTERN_GLOBAL = 3 };

/* A function type: parameter and result kinds. Its canonical form is its signature string,
 * "<params>:<results>" with one character per kind (i, I, f, F, v, r for funcref, e for
 * externref), e.g. "iI:f". */
typedef struct w2n_func_type {
  const char *signature;
} w2n_func_type;

typedef struct w2n_limits {
  uint64_t min;
  uint64_t max;     /* valid when has_max */
  uint32_t has_max;
} w2n_limits;

typedef struct w2n_import {
  const char *module;
  const char *name;
  uint32_t kind;      /* W2N_EXTERN_* */
  uint32_t index;     /* index in its kind's index space */
  uint32_t type;      /* func: type index; table: elem kind; global: value kind */
  uint32_t is_mutable;/* global */
  w2n_limits limits;  /* table, memory */
} w2n_import;

typedef struct w2n_export {
  const char *name;     /* NUL-terminated, but names may contain NUL: name_length is the truth */
  uint32_t kind;        /* W2N_EXTERN_* */
  uint32_t index;
  uint32_t name_length; /* bytes of the UTF-8 name */
} w2n_export;

typedef struct w2n_function {
  void *code;            /* imports: NULL, or what to use when no one resolves it (a stub) */
  uint32_t type_index;
  const char *name;      /* from the name section, else NULL */
} w2n_function;

typedef struct w2n_table_type {
  uint32_t elem_kind;
  w2n_limits limits;
} w2n_table_type;

typedef struct w2n_global_type {
  uint32_t kind;
  uint32_t is_mutable;
} w2n_global_type;

typedef struct w2n_data_segment {
  const uint8_t *bytes;
  uint32_t length;
} w2n_data_segment;

typedef struct w2n_module {
  const char *name;
  uint32_t num_types;
  const w2n_func_type *types;
  uint32_t num_imports;
  const w2n_import *imports;
  uint32_t num_functions; /* imports included */
  const w2n_function *functions;
  uint32_t num_tables;    /* imports included */
  const w2n_table_type *tables;
  uint32_t num_memories;  /* imports included */
  const w2n_limits *memories;
  uint32_t num_globals;   /* imports included */
  const w2n_global_type *globals;
  uint32_t num_exports;
  const w2n_export *exports;
  uint32_t num_data;
  const w2n_data_segment *data;
  uint32_t num_elems;
  const uint32_t *elem_sizes; /* item count per element segment */
  /* Generated: evaluates global initializers and element items, then performs the active element
   * and data segments in order (table.init / memory.init then drop; declarative segments are
   * dropped), as instantiation requires. It may trap. The start function is not called. */
  void (*initialize)(w2n_instance *instance);
  int64_t start; /* function index, or -1 */
  /* Generated uniform entry: calls function `function_index` (any, not only exports) with
   * `args` (one w2n_value per parameter) and stores its results in `results`. */
  void (*invoke)(w2n_instance *instance, uint32_t function_index, const w2n_value *args, w2n_value *results);
} w2n_module;

/* 5. Traps --------------------------------------------------------------------------------- */

/* Ends the current guarded call with `code`. Generated code calls it for every trap. */
W2N_NORETURN void w2n_trap(w2n_trap_code code);

/* Runs `body(instance, data)` so that a trap inside it (w2n_trap, a fault in a memory's
 * reservation, native stack exhaustion) returns here: the result is W2N_TRAP_NONE or the code.
 * Guarded calls nest; each thread has its own. The first guarded call of a thread installs the
 * SIGSEGV/SIGBUS handler (once per process), an alternate signal stack and w2n_stack_limit.
 * w2n_trap outside any guarded call prints the trap to stderr and exits with W2N_EXIT_TRAP. */
w2n_trap_code w2n_run_guarded(w2n_instance *instance, void (*body)(w2n_instance *, void *), void *data);

/* The lowest native stack address generated code may use on this thread: a function whose stack
 * pointer is below it should trap with W2N_TRAP_CALL_STACK_EXHAUSTED. It leaves
 * W2N_STACK_HEADROOM (at most a quarter of the stack) for the runtime. 0 (no limit) until the
 * thread's first guarded call. Without such checks, the guard page below the stack still turns
 * exhaustion into the same trap through the signal handler. */
#if defined(__cplusplus)
extern thread_local uintptr_t w2n_stack_limit;
#elif !defined(__swift__) /* Swift does not import thread-locals: use w2n_thread_stack_limit */
extern _Thread_local uintptr_t w2n_stack_limit;
#endif
/* The same value, setting it up for the calling thread first if needed (for the interpreter). */
uintptr_t w2n_thread_stack_limit(void);

/* The function in which the calling thread's last trap happened, best effort: 1 and its index
 * when the trapping code address (the fault's, or w2n_trap's return address) lies after the start
 * of one of the module's defined functions and before the start of another function, `initialize`
 * or `invoke`; else 0 (the code after the last of these starts is never attributed: its end is
 * unknown). Assumes the generated functions are laid out contiguously, without outlined parts. */
int w2n_last_trap_function(const w2n_instance *instance, uint32_t *function_index);

/* 6. Builtins called by generated code ----------------------------------------------------- */

/* memory.grow: the old size in pages, or -1 (as uint32 0xFFFFFFFF) when it cannot grow. */
uint32_t w2n_memory_grow(w2n_instance *instance, uint32_t memory, uint32_t delta_pages);
/* memory.fill / memory.copy / memory.init / data.drop, with the spec's bounds checks. */
void w2n_memory_fill(w2n_instance *instance, uint32_t memory, uint32_t dest, uint32_t value, uint32_t count);
void w2n_memory_copy(w2n_instance *instance, uint32_t dest_memory, uint32_t source_memory, uint32_t dest,
                     uint32_t source, uint32_t count);
void w2n_memory_init(w2n_instance *instance, uint32_t memory, uint32_t segment, uint32_t dest, uint32_t source,
                     uint32_t count);
void w2n_data_drop(w2n_instance *instance, uint32_t segment);

/* Table instructions. Indices are checked; traps are "out of bounds table access". */
w2n_ref w2n_table_get(w2n_instance *instance, uint32_t table, uint32_t index);
void w2n_table_set(w2n_instance *instance, uint32_t table, uint32_t index, w2n_ref value);
uint32_t w2n_table_size(w2n_instance *instance, uint32_t table);
uint32_t w2n_table_grow(w2n_instance *instance, uint32_t table, w2n_ref init, uint32_t delta);
void w2n_table_fill(w2n_instance *instance, uint32_t table, uint32_t dest, w2n_ref value, uint32_t count);
void w2n_table_copy(w2n_instance *instance, uint32_t dest_table, uint32_t source_table, uint32_t dest,
                    uint32_t source, uint32_t count);
void w2n_table_init(w2n_instance *instance, uint32_t table, uint32_t segment, uint32_t dest, uint32_t source,
                    uint32_t count);
void w2n_elem_drop(w2n_instance *instance, uint32_t segment);

/* 7. Instantiation and invocation ---------------------------------------------------------- */

/* The canonical id of a function signature string (equal strings, equal ids; never 0). */
uint32_t w2n_intern_type(const char *signature);

/* What a host provides for one import: one of the first four fields is used, by the import's
 * kind; a global also needs `global_type` (its value kind and mutability), which import matching
 * compares. */
typedef struct w2n_extern {
  w2n_funcref *func;
  w2n_table *table;
  w2n_memory *memory;
  w2n_value *global;
  w2n_global_type global_type;
} w2n_extern;

/* Resolves an import; returns 0 when unknown. */
typedef int (*w2n_import_resolver)(void *context, const w2n_import *import, w2n_extern *out);

/* Why instantiation failed. */
typedef enum w2n_instantiate_status {
  W2N_INSTANTIATE_OK = 0,
  W2N_INSTANTIATE_UNKNOWN_IMPORT = 1,    /* "unknown import" */
  W2N_INSTANTIATE_INCOMPATIBLE_IMPORT = 2, /* "incompatible import type" */
  W2N_INSTANTIATE_TRAP = 3,              /* initialization or start trapped: see *trap */
  W2N_INSTANTIATE_OUT_OF_MEMORY = 4,
} w2n_instantiate_status;

/* Creates an instance: resolves imports (WASI imports resolve to RuntimeSupport's functions
 * without the resolver), allocates memories, tables and globals, runs `initialize` and the start
 * function under a guard. On a trap the instance is still returned through *out (segments
 * written before the trap stay written, as the spec says) along with the code in *trap. */
w2n_instantiate_status w2n_instantiate(const w2n_module *module, w2n_import_resolver resolver, void *context,
                                       w2n_instance **out, w2n_trap_code *trap);

/* The same with a WASI context (w2n_wasi.h), set in instance->wasi before `initialize` and the
 * start function run. The instance does not own it. */
w2n_instantiate_status w2n_instantiate_with_wasi(const w2n_module *module, struct w2n_wasi *wasi,
                                                 w2n_import_resolver resolver, void *context, w2n_instance **out,
                                                 w2n_trap_code *trap);

/* Why the calling thread's last w2n_instantiate failed, for messages: e.g.
 * "unknown import: env.f", "incompatible import type: env.m (memory limits)". "" after success. */
const char *w2n_instantiate_error(void);

/* Frees an instance and what it owns (not imported memories, tables and globals). */
void w2n_instance_free(w2n_instance *instance);

/* Looks up an export by name; returns 0 when absent. */
int w2n_find_export(const w2n_instance *instance, const char *name, uint32_t kind, uint32_t *index);
/* The same for a name given by its bytes, which may include NUL. */
int w2n_find_export_bytes(const w2n_instance *instance, const char *name, size_t length, uint32_t kind,
                          uint32_t *index);

/* What an export is, for the host side of linking (register): the object itself. */
int w2n_get_extern(w2n_instance *instance, uint32_t kind, uint32_t index, w2n_extern *out);

/* Calls function `function_index` through the module's uniform entry under a guard. */
w2n_trap_code w2n_invoke(w2n_instance *instance, uint32_t function_index, const w2n_value *args,
                         w2n_value *results);

/* Host-owned memories and tables (e.g. the spec harness's "spectest" module), to be passed to
 * other instances through a resolver. NULL when the limits are invalid or allocation fails.
 * Table elements start as ref.null. */
w2n_memory *w2n_memory_new(uint32_t min_pages, uint32_t max_pages, uint32_t has_max);
void w2n_memory_free(w2n_memory *memory);
w2n_table *w2n_table_new(uint32_t elem_kind, uint32_t min, uint32_t max, uint32_t has_max);
void w2n_table_free(w2n_table *table);

/* Executables: generated code defines these two symbols; RuntimeSupport's `main` (compiled only
 * with -DW2N_EXECUTABLE_MAIN) instantiates `w2n_main_module` with WASI set up from
 * `w2n_main_config_data` and the process's argv, runs `_start`, and exits with proc_exit's status,
 * 0 when `_start` returns, W2N_EXIT_TRAP after printing "wasm2native: trap: <message>" to stderr,
 * 1 when instantiation fails. See w2n_main.c. */
typedef struct w2n_main_config {
  const char *const *dirs;  /* NULL-terminated "HOST" or "HOST::GUEST" directory grants, each
                               optionally followed by ":ro" for a read-only grant */
  const char *const *env;   /* NULL-terminated "NAME=VALUE" entries, or "NAME" to pass the host's */
  uint32_t inherit_env;     /* 1: the guest sees the whole host environment */
  uint32_t allow_network;   /* 1: the WasmEdge socket extension may create sockets and resolve names */
  uint32_t lock_grants;     /* executables: 1 ignores the deployment's W2N_DIRS, W2N_ENV,
                               W2N_INHERIT_ENV and W2N_NET (see w2n_main.c) */
} w2n_main_config;

extern const w2n_module w2n_main_module;
extern const w2n_main_config w2n_main_config_data;

#ifdef __cplusplus
}
#endif

#endif /* W2N_RUNTIME_H */
