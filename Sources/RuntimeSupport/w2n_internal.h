/*
 * w2n_internal.h: declarations shared by RuntimeSupport's files and nobody else: platform helpers
 * (w2n_os_*), the registry of memory reservations the fault handler reads, the trap helpers that
 * record where a trap happened, and the instance's private part.
 *
 * Every .c file of RuntimeSupport includes this header first, so that _GNU_SOURCE (O_PATH,
 * pthread_getattr_np, REG_RSP, preadv, ...) is defined before any system header.
 */
#ifndef W2N_INTERNAL_H
#define W2N_INTERNAL_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif

#include <stddef.h>
#include <stdint.h>

#include "w2n_runtime.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "RuntimeSupport assumes a little-endian host (wasm memory is little-endian)"
#endif

/* Platform (w2n_platform_posix.c) ---------------------------------------------------------- */

/* Reserves `size` bytes of inaccessible address space; NULL on failure. */
void *w2n_os_reserve(uint64_t size);
/* Makes [address, address + size) readable and writable; 0 on success. */
int w2n_os_commit(void *address, uint64_t size);
void w2n_os_release(void *address, uint64_t size);
/* The bounds of the calling thread's stack: [*low, *high). 0 on success. For the main thread
 * `low` is where the stack may grow to (its top minus RLIMIT_STACK), not the part mapped now. */
int w2n_os_thread_stack(uintptr_t *low, uintptr_t *high);
/* Writes a whole string to fd 2 (async-signal-safe). */
void w2n_os_write_stderr(const char *text);

/* Reservations (w2n_memory.c) -------------------------------------------------------------- */

/* 1 when `address` lies in a live memory reservation. Lock-free and async-signal-safe. */
int w2n_reservation_contains(uintptr_t address);

/* Traps (w2n_trap.c) ----------------------------------------------------------------------- */

/* w2n_trap for runtime builtins: `pc` is the return address into generated code, so that a trap
 * in memory.fill is attributed to the wasm function that called it. */
W2N_NORETURN void w2n_trap_at(w2n_trap_code code, uintptr_t pc);
/* Prepares the calling thread for guarded calls: handlers, alternate signal stack, stack limit. */
void w2n_thread_init(void);

#define W2N_CALLER_PC() ((uintptr_t)__builtin_return_address(0))

/* Memories and tables (w2n_memory.c, w2n_table.c) ------------------------------------------ */

int w2n_memory_init_storage(w2n_memory *memory, uint64_t min_pages, uint64_t max_pages, int has_max);
void w2n_memory_release_storage(w2n_memory *memory);
int w2n_table_init_storage(w2n_table *table, uint32_t elem_kind, uint64_t min, uint64_t max, int has_max);
void w2n_table_release_storage(w2n_table *table);

/* The WASI import table (wasi/wasi.c) ------------------------------------------------------ */

/* The first entry of w2n_wasi_functions named `name` (several may follow with other types);
 * NULL when there is none. w2n_wasi_lookup (w2n_wasi.h) picks the one for a type. */
const struct w2n_wasi_function *w2n_wasi_find(const char *name);

#endif /* W2N_INTERNAL_H */
