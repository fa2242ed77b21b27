/*
 * runtime_test.c: tests of RuntimeSupport through a hand-written w2n_module standing in for
 * generated code: C functions that take the instance first, an `invoke` switch, an `initialize`
 * that fills globals and element items and performs the active segments.
 *
 * Usage: runtime_test [MAIN_TEST_EXECUTABLE]. With the path of main_module.c linked with
 * -DW2N_EXECUTABLE_MAIN, also runs it as a process and checks output and exit statuses.
 * Prints "runtime-test: N passed, M failed" last; exits 1 when a check failed.
 */
#define _GNU_SOURCE 1

#include "test_support.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int tests_passed, tests_failed;

/* The module ------------------------------------------------------------------------------ */

enum { T_VOID, T_I_I, T_II_I, T_V_I, T_FD_WRITE, T_I_V, T_COUNT };
enum {
  F_FD_WRITE, /* imports */
  F_PROC_EXIT,
  F_ARGS_SIZES_GET,
  F_ENV_ADD,
  F_LOAD, /* defined */
  F_RECURSE,
  F_TRAP,
  F_GROW,
  F_HELLO,
  F_EXIT,
  F_CALL_ADD,
  F_START,
  F_COUNT
};

static const w2n_func_type test_types[T_COUNT] = {{":"}, {"i:i"}, {"ii:i"}, {":i"}, {"iiii:i"}, {"i:"}};

static const w2n_import test_imports[] = {
    {W2N_WASI_MODULE, "fd_write", W2N_EXTERN_FUNC, F_FD_WRITE, T_FD_WRITE, 0, {0, 0, 0}},
    {W2N_WASI_MODULE, "proc_exit", W2N_EXTERN_FUNC, F_PROC_EXIT, T_I_V, 0, {0, 0, 0}},
    {W2N_WASI_MODULE, "args_sizes_get", W2N_EXTERN_FUNC, F_ARGS_SIZES_GET, T_II_I, 0, {0, 0, 0}},
    {"env", "add", W2N_EXTERN_FUNC, F_ENV_ADD, T_II_I, 0, {0, 0, 0}},
    {"env", "g", W2N_EXTERN_GLOBAL, 0, W2N_KIND_I32, 0, {0, 0, 0}},
};

static uint32_t fn_load(w2n_instance *instance, uint32_t address) {
#if W2N_BOUNDS_CHECKS /* what generated code does without guard pages */
  if ((uint64_t)address + 4 > instance->memories[0]->size_bytes)
    w2n_trap(W2N_TRAP_OUT_OF_BOUNDS_MEMORY);
#endif
  return *(volatile uint32_t *)(instance->memory0 + address);
}

/* Infinite recursion that no compiler turns into a loop: a call through a volatile pointer whose
 * result is used after a volatile read. */
static volatile int recursion_enabled = 1;
static uint32_t recurse(w2n_instance *instance, uint32_t depth);
static uint32_t (*volatile recurse_pointer)(w2n_instance *, uint32_t) = recurse;
static uint32_t recurse(w2n_instance *instance, uint32_t depth) {
  volatile uint8_t frame[200];
  frame[depth % 200] = (uint8_t)depth;
  if (!recursion_enabled)
    return frame[depth % 200];
  return recurse_pointer(instance, depth + 1) + frame[depth % 200];
}

/* The same with the check generated code may emit against w2n_stack_limit. */
static uint32_t recurse_checked(w2n_instance *instance, uint32_t depth);
static uint32_t (*volatile recurse_checked_pointer)(w2n_instance *, uint32_t) = recurse_checked;
static uint32_t recurse_checked(w2n_instance *instance, uint32_t depth) {
  volatile uint8_t frame[200];
  if ((uintptr_t)__builtin_frame_address(0) < w2n_stack_limit)
    w2n_trap(W2N_TRAP_CALL_STACK_EXHAUSTED);
  frame[depth % 200] = (uint8_t)depth;
  return recurse_checked_pointer(instance, depth + 1) + frame[depth % 200];
}

static void fn_trap(w2n_instance *instance, uint32_t code) {
  (void)instance;
  w2n_trap((w2n_trap_code)code);
}

static uint32_t fn_grow(w2n_instance *instance, uint32_t delta) { return w2n_memory_grow(instance, 0, delta); }

static uint32_t fn_hello(w2n_instance *instance) {
  memcpy(instance->memory0 + 2048, "hello\n", 6);
  guest_store32(instance, 1024, 2048);
  guest_store32(instance, 1028, 6);
  return CALL_IMPORT(instance, F_FD_WRITE, w2n_fn_iiii, 1, 1024, 1, 1032);
}

static void fn_exit(w2n_instance *instance, uint32_t status) {
  CALL_IMPORT(instance, F_PROC_EXIT, w2n_fn_exit, status);
}

static uint32_t fn_call_add(w2n_instance *instance, uint32_t a, uint32_t b) {
  return CALL_IMPORT(instance, F_ENV_ADD, w2n_fn_ii, a, b);
}

static void fn_start(w2n_instance *instance) { instance->memory0[0] = 0xAB; }

static const w2n_function test_functions[F_COUNT] = {
    {NULL, T_FD_WRITE, NULL},
    {NULL, T_I_V, NULL},
    {NULL, T_II_I, NULL},
    {NULL, T_II_I, NULL},
    {(void *)fn_load, T_I_I, "load"},
    {(void *)recurse, T_I_I, "recurse"},
    {(void *)fn_trap, T_I_V, "trap"},
    {(void *)fn_grow, T_I_I, "grow"},
    {(void *)fn_hello, T_V_I, "hello"},
    {(void *)fn_exit, T_I_V, "exit"},
    {(void *)fn_call_add, T_II_I, "call_add"},
    {(void *)fn_start, T_VOID, "start"},
};

static const w2n_table_type test_table_types[] = {{W2N_KIND_FUNCREF, {4, 10, 1}}};
static const w2n_limits test_memories[] = {{1, 2, 1}};
static const w2n_global_type test_globals[] = {{W2N_KIND_I32, 0}, {W2N_KIND_I32, 1}};
static const w2n_export test_exports[] = {
    {"load", W2N_EXTERN_FUNC, F_LOAD, 4},     {"trap", W2N_EXTERN_FUNC, F_TRAP, 4},
    {"memory", W2N_EXTERN_MEMORY, 0, 6},      {"table", W2N_EXTERN_TABLE, 0, 5},
    {"counter", W2N_EXTERN_GLOBAL, 1, 7},     {"call_add", W2N_EXTERN_FUNC, F_CALL_ADD, 8},
};
static const uint8_t active_bytes[] = "Hello, data!";
static const uint8_t passive_bytes[] = "passive";
static const w2n_data_segment test_data[] = {{active_bytes, 12}, {passive_bytes, 7}};
static const uint32_t test_elem_sizes[] = {2, 3};

static void test_initialize(w2n_instance *instance) {
  instance->globals[1]->i32 = instance->globals[0]->i32 + 1;
  instance->elems[0].items[0] = instance->functions[F_LOAD];
  instance->elems[0].items[1] = instance->functions[F_GROW];
  instance->elems[1].items[0] = instance->functions[F_LOAD];
  instance->elems[1].items[1] = NULL;
  instance->elems[1].items[2] = instance->functions[F_TRAP];
  w2n_table_init(instance, 0, 0, 1, 0, 2);
  w2n_elem_drop(instance, 0);
  w2n_memory_init(instance, 0, 0, 16, 0, 12);
  w2n_data_drop(instance, 0);
}

static void test_invoke(w2n_instance *instance, uint32_t index, const w2n_value *args, w2n_value *results) {
  switch (index) {
  case F_LOAD: results[0].i32 = fn_load(instance, args[0].i32); break;
  case F_RECURSE: results[0].i32 = recurse(instance, args[0].i32); break;
  case F_TRAP: fn_trap(instance, args[0].i32); break;
  case F_GROW: results[0].i32 = fn_grow(instance, args[0].i32); break;
  case F_HELLO: results[0].i32 = fn_hello(instance); break;
  case F_EXIT: fn_exit(instance, args[0].i32); break;
  case F_CALL_ADD: results[0].i32 = fn_call_add(instance, args[0].i32, args[1].i32); break;
  case F_START: fn_start(instance); break;
  default: w2n_trap(W2N_TRAP_UNDEFINED_ELEMENT);
  }
}

static const w2n_module test_module = {
    "test",
    T_COUNT, test_types,
    5, test_imports,
    F_COUNT, test_functions,
    1, test_table_types,
    1, test_memories,
    2, test_globals,
    6, test_exports,
    2, test_data,
    2, test_elem_sizes,
    test_initialize,
    F_START,
    test_invoke,
};

/* The host side of linking ---------------------------------------------------------------- */

static uint32_t host_add(w2n_instance *instance, uint32_t a, uint32_t b) {
  (void)instance;
  return a + b;
}

enum { RESOLVE_OK, RESOLVE_UNKNOWN_ADD, RESOLVE_WRONG_TYPE, RESOLVE_MUTABLE_GLOBAL, RESOLVE_F64_GLOBAL };

static w2n_funcref host_add_ref;
static w2n_value host_global;

static int test_resolver(void *context, const w2n_import *import, w2n_extern *out) {
  int mode = *(int *)context;
  if (strcmp(import->module, "env") != 0)
    return 0;
  if (strcmp(import->name, "add") == 0 && mode != RESOLVE_UNKNOWN_ADD) {
    host_add_ref.code = (void *)host_add;
    host_add_ref.type_id = w2n_intern_type(mode == RESOLVE_WRONG_TYPE ? "ii:I" : "ii:i");
    out->func = &host_add_ref;
    return 1;
  }
  if (strcmp(import->name, "g") == 0) {
    host_global.i32 = 41;
    out->global = &host_global;
    out->global_type.kind = mode == RESOLVE_F64_GLOBAL ? W2N_KIND_F64 : W2N_KIND_I32;
    out->global_type.is_mutable = mode == RESOLVE_MUTABLE_GLOBAL;
    return 1;
  }
  return 0;
}

static w2n_instance *instantiate_test_module(w2n_wasi *wasi) {
  int mode = RESOLVE_OK;
  w2n_instance *instance = NULL;
  w2n_trap_code trap = W2N_TRAP_NONE;
  w2n_instantiate_status status = w2n_instantiate_with_wasi(&test_module, wasi, test_resolver, &mode, &instance, &trap);
  CHECK_EQ(status, W2N_INSTANTIATE_OK);
  CHECK_EQ(trap, W2N_TRAP_NONE);
  if (status != W2N_INSTANTIATE_OK) {
    fprintf(stderr, "instantiate: %s\n", w2n_instantiate_error());
    exit(1);
  }
  return instance;
}

static w2n_trap_code invoke1(w2n_instance *instance, uint32_t function, uint32_t argument, uint32_t *result) {
  w2n_value args[2], results[1];
  memset(args, 0, sizeof args);
  memset(results, 0, sizeof results);
  args[0].i32 = argument;
  w2n_trap_code trap = w2n_invoke(instance, function, args, results);
  if (result != NULL)
    *result = results[0].i32;
  return trap;
}

/* Tests ----------------------------------------------------------------------------------- */

static void test_interning(void) {
  uint32_t a = w2n_intern_type("ii:i"), b = w2n_intern_type("ii:i"), c = w2n_intern_type("i:i");
  CHECK(a != 0);
  CHECK_EQ(a, b);
  CHECK(a != c);
  CHECK(w2n_intern_type("") != 0);
  char buffer[32];
  uint32_t first = 0;
  for (int i = 0; i < 500; i++) { /* several rehashes */
    snprintf(buffer, sizeof buffer, "sig%d:", i);
    uint32_t id = w2n_intern_type(buffer);
    if (i == 0)
      first = id;
  }
  CHECK_EQ(w2n_intern_type("sig0:"), first);
  CHECK_EQ(w2n_intern_type("ii:i"), a);
}

static void test_instantiation(void) {
  w2n_instance *instance = instantiate_test_module(NULL);
  CHECK(instance->memory0 != NULL);
  CHECK(instance->memory0 == instance->memories[0]->data);
  CHECK_EQ(instance->memories[0]->pages, 1);
  CHECK_EQ(instance->memories[0]->size_bytes, 65536);
  CHECK_EQ(instance->memories[0]->max_pages, 2);
  CHECK_EQ(instance->memories[0]->has_max, 1);
  CHECK(memcmp(instance->memory0 + 16, "Hello, data!", 12) == 0);
  CHECK_EQ(instance->memory0[0], 0xAB); /* the start function ran */
  CHECK_EQ(instance->data_dropped[0], 1);
  CHECK_EQ(instance->data_dropped[1], 0);
  CHECK_EQ(instance->globals[0]->i32, 41);
  CHECK(instance->globals[0] == &host_global);
  CHECK_EQ(instance->globals[1]->i32, 42);
  CHECK_EQ(instance->type_ids[T_II_I], w2n_intern_type("ii:i"));
  w2n_funcref *load = instance->functions[F_LOAD];
  CHECK(load->code == (void *)fn_load);
  CHECK_EQ(load->type_id, w2n_intern_type("i:i"));
  CHECK_EQ(load->function_index, F_LOAD);
  CHECK(load->instance == instance);
  CHECK(instance->functions[F_ENV_ADD] == &host_add_ref);
  w2n_funcref *fd_write = instance->functions[F_FD_WRITE];
  CHECK(fd_write->code == (void *)w2n_import_wasi_snapshot_preview1_fd_write);
  CHECK(fd_write->instance == instance);
  CHECK_EQ(fd_write->type_id, w2n_intern_type("iiii:i"));
  w2n_table *table = instance->tables[0];
  CHECK_EQ(table->size, 4);
  CHECK_EQ(table->max_size, 10);
  CHECK(table->elements[0] == NULL && table->elements[3] == NULL);
  CHECK(table->elements[1] == instance->functions[F_LOAD]);
  CHECK(table->elements[2] == instance->functions[F_GROW]);
  CHECK(instance->elems[0].items == NULL && instance->elems[0].count == 0);
  CHECK_EQ(instance->elems[1].count, 3);

  uint32_t result = 0;
  CHECK_EQ(invoke1(instance, F_LOAD, 16, &result), W2N_TRAP_NONE);
  CHECK(memcmp(&result, "Hell", 4) == 0);
  w2n_value args[2] = {{.i32 = 40}, {.i32 = 2}}, results[1];
  CHECK_EQ(w2n_invoke(instance, F_CALL_ADD, args, results), W2N_TRAP_NONE);
  CHECK_EQ(results[0].i32, 42);

  uint32_t index = 0;
  CHECK(w2n_find_export(instance, "call_add", W2N_EXTERN_FUNC, &index) && index == F_CALL_ADD);
  CHECK(!w2n_find_export(instance, "call_add", W2N_EXTERN_MEMORY, &index));
  CHECK(!w2n_find_export(instance, "missing", W2N_EXTERN_FUNC, &index));
  w2n_extern found;
  CHECK(w2n_get_extern(instance, W2N_EXTERN_GLOBAL, 1, &found));
  CHECK(found.global == instance->globals[1] && found.global_type.is_mutable == 1);
  CHECK(w2n_get_extern(instance, W2N_EXTERN_MEMORY, 0, &found) && found.memory == instance->memories[0]);
  CHECK(w2n_get_extern(instance, W2N_EXTERN_FUNC, F_LOAD, &found) && found.func == load);
  CHECK(!w2n_get_extern(instance, W2N_EXTERN_TABLE, 1, &found));
  w2n_instance_free(instance);
}

static void test_memory_grow(void) {
  w2n_instance *instance = instantiate_test_module(NULL);
  w2n_memory *memory = instance->memories[0];
  uint8_t *base = instance->memory0;
  uint32_t result = 0;
  CHECK_EQ(invoke1(instance, F_GROW, 0, &result), W2N_TRAP_NONE);
  CHECK_EQ(result, 1);
  CHECK_EQ(invoke1(instance, F_LOAD, 70000, &result), W2N_TRAP_OUT_OF_BOUNDS_MEMORY);
  CHECK_EQ(w2n_memory_grow(instance, 0, 1), 1);
  CHECK_EQ(memory->pages, 2);
  CHECK_EQ(memory->size_bytes, 2 * 65536);
  CHECK(instance->memory0 == base && memory->data == base); /* the base never moves */
  CHECK_EQ(invoke1(instance, F_LOAD, 70000, &result), W2N_TRAP_NONE);
  CHECK_EQ(result, 0);
  instance->memory0[131071] = 7;
  CHECK_EQ(w2n_memory_grow(instance, 0, 1), UINT32_MAX); /* beyond the maximum of 2 */
  CHECK_EQ(w2n_memory_grow(instance, 0, 0xFFFFFFFFu), UINT32_MAX);
  CHECK_EQ(memory->pages, 2);
  CHECK_EQ(invoke1(instance, F_LOAD, 131072, &result), W2N_TRAP_OUT_OF_BOUNDS_MEMORY);
  CHECK_EQ(invoke1(instance, F_LOAD, 0xFFFFFFFCu, &result), W2N_TRAP_OUT_OF_BOUNDS_MEMORY);
  w2n_instance_free(instance);

  w2n_memory *host = w2n_memory_new(0, 0, 0); /* no maximum: 65536 pages */
  CHECK(host != NULL && host->pages == 0 && host->max_pages == 65536 && host->has_max == 0);
  CHECK(host != NULL && host->data != NULL && host->reserved >= 65536);
  w2n_memory_free(host);
  CHECK(w2n_memory_new(3, 2, 1) == NULL);
  CHECK(w2n_memory_new(65537, 0, 0) == NULL);
}

static void test_traps(void) {
  w2n_instance *instance = instantiate_test_module(NULL);
  for (uint32_t code = W2N_TRAP_UNREACHABLE; code < W2N_TRAP_COUNT; code++)
    CHECK_EQ(invoke1(instance, F_TRAP, code, NULL), code);
  CHECK_EQ(invoke1(instance, 999, 0, NULL), W2N_TRAP_UNDEFINED_ELEMENT);
  CHECK(strcmp(w2n_trap_message(W2N_TRAP_OUT_OF_BOUNDS_MEMORY), "out of bounds memory access") == 0);
  CHECK(strcmp(w2n_trap_message(W2N_TRAP_CALL_STACK_EXHAUSTED), "call stack exhausted") == 0);
  uint32_t function = 0;
  invoke1(instance, F_TRAP, W2N_TRAP_UNREACHABLE, NULL);
  if (w2n_last_trap_function(instance, &function)) /* best effort: depends on code layout */
    CHECK_EQ(function, F_TRAP);
  invoke1(instance, F_LOAD, 1u << 20, NULL);
  if (w2n_last_trap_function(instance, &function))
    CHECK_EQ(function, F_LOAD);
  w2n_instance_free(instance);
}

typedef struct nested {
  w2n_trap_code inner;
} nested;

static void nested_inner(w2n_instance *instance, void *data) {
  (void)data;
  fn_trap(instance, W2N_TRAP_INTEGER_OVERFLOW);
}

static void nested_outer(w2n_instance *instance, void *data) {
  nested *state = data;
  state->inner = w2n_run_guarded(instance, nested_inner, NULL);
  fn_trap(instance, W2N_TRAP_NULL_REFERENCE);
}

static void test_nested_guards(void) {
  nested state = {W2N_TRAP_NONE};
  CHECK_EQ(w2n_run_guarded(NULL, nested_outer, &state), W2N_TRAP_NULL_REFERENCE);
  CHECK_EQ(state.inner, W2N_TRAP_INTEGER_OVERFLOW);
}

static void run_recursion(w2n_instance *instance, void *data) {
  (void)instance;
  *(uint32_t *)data = recurse(instance, 0);
}

static void run_recursion_checked(w2n_instance *instance, void *data) {
  *(uint32_t *)data = recurse_checked(instance, 0);
}

static void test_stack_exhaustion(void) {
  uint32_t sink = 0;
  CHECK_EQ(w2n_run_guarded(NULL, run_recursion, &sink), W2N_TRAP_CALL_STACK_EXHAUSTED);
  CHECK_EQ(w2n_run_guarded(NULL, run_recursion, &sink), W2N_TRAP_CALL_STACK_EXHAUSTED); /* again */
  CHECK(w2n_stack_limit != 0);
  CHECK_EQ(w2n_thread_stack_limit(), w2n_stack_limit);
  CHECK((uintptr_t)__builtin_frame_address(0) > w2n_stack_limit);
  CHECK_EQ(w2n_run_guarded(NULL, run_recursion_checked, &sink), W2N_TRAP_CALL_STACK_EXHAUSTED);
  /* The process survives and guarded calls still work. */
  w2n_instance *instance = instantiate_test_module(NULL);
  uint32_t result = 0;
  CHECK_EQ(invoke1(instance, F_LOAD, 16, &result), W2N_TRAP_NONE);
  CHECK_EQ(invoke1(instance, F_LOAD, 70000, &result), W2N_TRAP_OUT_OF_BOUNDS_MEMORY);
  w2n_instance_free(instance);
}

typedef struct thread_result {
  w2n_trap_code recursion, recursion_again, out_of_bounds, fine;
} thread_result;

static void *thread_body(void *data) {
  thread_result *result = data;
  uint32_t sink = 0;
  result->recursion = w2n_run_guarded(NULL, run_recursion, &sink);
  result->recursion_again = w2n_run_guarded(NULL, run_recursion_checked, &sink);
  w2n_instance *instance = instantiate_test_module(NULL);
  result->out_of_bounds = invoke1(instance, F_LOAD, 70000, NULL);
  result->fine = invoke1(instance, F_LOAD, 16, NULL);
  w2n_instance_free(instance);
  return NULL;
}

static void test_threads(void) {
  for (size_t stack_size = 256u << 10; stack_size <= (2u << 20); stack_size *= 8) {
    pthread_attr_t attributes;
    pthread_t thread;
    thread_result result;
    memset(&result, 0xFF, sizeof result);
    pthread_attr_init(&attributes);
    pthread_attr_setstacksize(&attributes, stack_size);
    CHECK_EQ(pthread_create(&thread, &attributes, thread_body, &result), 0);
    pthread_join(thread, NULL);
    pthread_attr_destroy(&attributes);
    CHECK_EQ(result.recursion, W2N_TRAP_CALL_STACK_EXHAUSTED);
    CHECK_EQ(result.recursion_again, W2N_TRAP_CALL_STACK_EXHAUSTED);
    CHECK_EQ(result.out_of_bounds, W2N_TRAP_OUT_OF_BOUNDS_MEMORY);
    CHECK_EQ(result.fine, W2N_TRAP_NONE);
  }
}

/* Runs `body` under a guard and returns the trap code. */
typedef struct bulk_call {
  int operation;
  uint32_t a, b, c, d;
} bulk_call;

enum { OP_FILL, OP_COPY, OP_INIT, OP_TABLE_GET, OP_TABLE_SET, OP_TABLE_FILL, OP_TABLE_COPY, OP_TABLE_INIT };

static void run_bulk(w2n_instance *instance, void *data) {
  bulk_call *call = data;
  switch (call->operation) {
  case OP_FILL: w2n_memory_fill(instance, 0, call->a, call->b, call->c); break;
  case OP_COPY: w2n_memory_copy(instance, 0, 0, call->a, call->b, call->c); break;
  case OP_INIT: w2n_memory_init(instance, 0, call->a, call->b, call->c, call->d); break;
  case OP_TABLE_GET: w2n_table_get(instance, 0, call->a); break;
  case OP_TABLE_SET: w2n_table_set(instance, 0, call->a, NULL); break;
  case OP_TABLE_FILL: w2n_table_fill(instance, 0, call->a, instance->functions[F_HELLO], call->b); break;
  case OP_TABLE_COPY: w2n_table_copy(instance, 0, 0, call->a, call->b, call->c); break;
  case OP_TABLE_INIT: w2n_table_init(instance, 0, call->a, call->b, call->c, call->d); break;
  }
}

static w2n_trap_code bulk(w2n_instance *instance, int operation, uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
  bulk_call call = {operation, a, b, c, d};
  return w2n_run_guarded(instance, run_bulk, &call);
}

static void test_bulk_memory(void) {
  w2n_instance *instance = instantiate_test_module(NULL);
  uint8_t *memory = instance->memory0;
  CHECK_EQ(bulk(instance, OP_FILL, 100, 0x1234, 4, 0), W2N_TRAP_NONE);
  CHECK(memory[100] == 0x34 && memory[103] == 0x34 && memory[104] == 0);
  CHECK_EQ(bulk(instance, OP_FILL, 65535, 9, 2, 0), W2N_TRAP_OUT_OF_BOUNDS_MEMORY);
  CHECK_EQ(memory[65535], 0); /* nothing written before the trap */
  CHECK_EQ(bulk(instance, OP_FILL, 65536, 9, 0, 0), W2N_TRAP_NONE);
  CHECK_EQ(bulk(instance, OP_FILL, 65537, 9, 0, 0), W2N_TRAP_OUT_OF_BOUNDS_MEMORY);
  CHECK_EQ(bulk(instance, OP_FILL, 0xFFFFFFFFu, 9, 2, 0), W2N_TRAP_OUT_OF_BOUNDS_MEMORY);
  memcpy(memory + 200, "abcdef", 6);
  CHECK_EQ(bulk(instance, OP_COPY, 202, 200, 4, 0), W2N_TRAP_NONE); /* overlapping: memmove */
  CHECK(memcmp(memory + 200, "ababcd", 6) == 0);
  CHECK_EQ(bulk(instance, OP_COPY, 65530, 200, 7, 0), W2N_TRAP_OUT_OF_BOUNDS_MEMORY);
  CHECK_EQ(memory[65530], 0);
  CHECK_EQ(bulk(instance, OP_COPY, 200, 65530, 7, 0), W2N_TRAP_OUT_OF_BOUNDS_MEMORY);
  CHECK_EQ(bulk(instance, OP_COPY, 65536, 0, 0, 0), W2N_TRAP_NONE);
  CHECK_EQ(bulk(instance, OP_INIT, 1, 300, 2, 5), W2N_TRAP_NONE); /* segment 1 = "passive" */
  CHECK(memcmp(memory + 300, "ssive", 5) == 0);
  CHECK_EQ(bulk(instance, OP_INIT, 1, 400, 2, 6), W2N_TRAP_OUT_OF_BOUNDS_MEMORY);
  CHECK_EQ(memory[400], 0);
  CHECK_EQ(bulk(instance, OP_INIT, 1, 65535, 0, 2), W2N_TRAP_OUT_OF_BOUNDS_MEMORY);
  CHECK_EQ(bulk(instance, OP_INIT, 1, 0, 7, 0), W2N_TRAP_NONE);
  CHECK_EQ(bulk(instance, OP_INIT, 0, 0, 0, 1), W2N_TRAP_OUT_OF_BOUNDS_MEMORY); /* dropped */
  CHECK_EQ(bulk(instance, OP_INIT, 0, 0, 0, 0), W2N_TRAP_NONE);
  w2n_data_drop(instance, 1);
  CHECK_EQ(bulk(instance, OP_INIT, 1, 0, 0, 1), W2N_TRAP_OUT_OF_BOUNDS_MEMORY);
  CHECK_EQ(bulk(instance, OP_INIT, 1, 0, 1, 0), W2N_TRAP_OUT_OF_BOUNDS_MEMORY);
  w2n_instance_free(instance);
}

static void test_tables(void) {
  w2n_instance *instance = instantiate_test_module(NULL);
  w2n_table *table = instance->tables[0];
  w2n_ref load = instance->functions[F_LOAD], hello = instance->functions[F_HELLO];
  CHECK_EQ(w2n_table_size(instance, 0), 4);
  CHECK(w2n_table_get(instance, 0, 1) == load);
  CHECK_EQ(bulk(instance, OP_TABLE_GET, 4, 0, 0, 0), W2N_TRAP_OUT_OF_BOUNDS_TABLE);
  CHECK_EQ(bulk(instance, OP_TABLE_SET, 4, 0, 0, 0), W2N_TRAP_OUT_OF_BOUNDS_TABLE);
  w2n_table_set(instance, 0, 3, hello);
  CHECK(table->elements[3] == hello);
  CHECK_EQ(w2n_table_grow(instance, 0, load, 2), 4);
  CHECK_EQ(w2n_table_size(instance, 0), 6);
  CHECK(w2n_table_get(instance, 0, 4) == load && w2n_table_get(instance, 0, 5) == load);
  CHECK_EQ(w2n_table_grow(instance, 0, NULL, 0), 6);
  CHECK_EQ(w2n_table_grow(instance, 0, NULL, 5), UINT32_MAX); /* maximum 10 */
  CHECK_EQ(w2n_table_grow(instance, 0, NULL, 4), 6);
  CHECK_EQ(w2n_table_size(instance, 0), 10);
  CHECK(w2n_table_get(instance, 0, 9) == NULL);
  CHECK_EQ(w2n_table_grow(instance, 0, NULL, 1), UINT32_MAX);
  CHECK_EQ(bulk(instance, OP_TABLE_FILL, 8, 3, 0, 0), W2N_TRAP_OUT_OF_BOUNDS_TABLE);
  CHECK(table->elements[8] == NULL);
  CHECK_EQ(bulk(instance, OP_TABLE_FILL, 7, 3, 0, 0), W2N_TRAP_NONE);
  CHECK(table->elements[7] == hello && table->elements[9] == hello);
  CHECK_EQ(bulk(instance, OP_TABLE_FILL, 10, 0, 0, 0), W2N_TRAP_NONE);
  CHECK_EQ(bulk(instance, OP_TABLE_COPY, 0, 1, 3, 0), W2N_TRAP_NONE); /* overlapping */
  CHECK(table->elements[0] == load && table->elements[2] == hello);
  CHECK_EQ(bulk(instance, OP_TABLE_COPY, 8, 0, 3, 0), W2N_TRAP_OUT_OF_BOUNDS_TABLE);
  CHECK_EQ(bulk(instance, OP_TABLE_COPY, 0, 8, 3, 0), W2N_TRAP_OUT_OF_BOUNDS_TABLE);
  CHECK_EQ(bulk(instance, OP_TABLE_INIT, 1, 0, 0, 3), W2N_TRAP_NONE); /* load, null, trap */
  CHECK(table->elements[0] == load && table->elements[1] == NULL &&
        table->elements[2] == instance->functions[F_TRAP]);
  CHECK_EQ(bulk(instance, OP_TABLE_INIT, 1, 8, 0, 3), W2N_TRAP_OUT_OF_BOUNDS_TABLE);
  CHECK(table->elements[8] == hello);
  CHECK_EQ(bulk(instance, OP_TABLE_INIT, 1, 0, 1, 3), W2N_TRAP_OUT_OF_BOUNDS_TABLE);
  CHECK_EQ(bulk(instance, OP_TABLE_INIT, 0, 0, 0, 1), W2N_TRAP_OUT_OF_BOUNDS_TABLE); /* dropped */
  CHECK_EQ(bulk(instance, OP_TABLE_INIT, 0, 10, 0, 0), W2N_TRAP_NONE);
  w2n_elem_drop(instance, 1);
  CHECK_EQ(bulk(instance, OP_TABLE_INIT, 1, 0, 0, 1), W2N_TRAP_OUT_OF_BOUNDS_TABLE);
  w2n_instance_free(instance);

  w2n_table *host = w2n_table_new(W2N_KIND_EXTERNREF, 2, 0, 0);
  CHECK(host != NULL && host->size == 2 && host->max_size == UINT32_MAX && host->elements[1] == NULL);
  w2n_table_free(host);
  CHECK(w2n_table_new(W2N_KIND_FUNCREF, W2N_TABLE_MAX_ELEMENTS + 1u, 0, 0) == NULL);
}

/* Import resolution ----------------------------------------------------------------------- */

static w2n_instantiate_status instantiate_with_mode(const w2n_module *module, int mode) {
  w2n_instance *instance = NULL;
  w2n_instantiate_status status = w2n_instantiate(module, test_resolver, &mode, &instance, NULL);
  w2n_instance_free(instance);
  return status;
}

static w2n_memory *provided_memory;
static w2n_table *provided_table;

/* Offers whatever is provided, whatever the import's kind. */
static int object_resolver(void *context, const w2n_import *import, w2n_extern *out) {
  (void)context;
  (void)import;
  out->memory = provided_memory;
  out->table = provided_table;
  return provided_memory != NULL || provided_table != NULL;
}

static w2n_import single_import;
static w2n_limits no_memories[1];
static w2n_module single_import_module;

static w2n_instantiate_status instantiate_single(uint32_t kind, uint32_t type, w2n_limits limits) {
  single_import = (w2n_import){"env", "object", kind, 0, type, 0, limits};
  memset(&single_import_module, 0, sizeof single_import_module);
  single_import_module.name = "single";
  single_import_module.num_imports = 1;
  single_import_module.imports = &single_import;
  single_import_module.num_memories = kind == W2N_EXTERN_MEMORY;
  single_import_module.memories = no_memories;
  single_import_module.num_tables = kind == W2N_EXTERN_TABLE;
  single_import_module.tables = NULL;
  single_import_module.start = -1;
  w2n_instance *instance = NULL;
  w2n_instantiate_status status = w2n_instantiate(&single_import_module, object_resolver, NULL, &instance, NULL);
  if (status == W2N_INSTANTIATE_OK && kind == W2N_EXTERN_MEMORY)
    CHECK(instance->memory0 == provided_memory->data && instance->memories[0] == provided_memory);
  w2n_instance_free(instance);
  return status;
}

static void test_import_errors(void) {
  CHECK_EQ(instantiate_with_mode(&test_module, RESOLVE_OK), W2N_INSTANTIATE_OK);
  CHECK_EQ(instantiate_with_mode(&test_module, RESOLVE_UNKNOWN_ADD), W2N_INSTANTIATE_UNKNOWN_IMPORT);
  CHECK(strcmp(w2n_instantiate_error(), "unknown import: env.add") == 0);
  CHECK_EQ(instantiate_with_mode(&test_module, RESOLVE_WRONG_TYPE), W2N_INSTANTIATE_INCOMPATIBLE_IMPORT);
  CHECK(strstr(w2n_instantiate_error(), "incompatible import type: env.add") != NULL);
  CHECK_EQ(instantiate_with_mode(&test_module, RESOLVE_MUTABLE_GLOBAL), W2N_INSTANTIATE_INCOMPATIBLE_IMPORT);
  CHECK_EQ(instantiate_with_mode(&test_module, RESOLVE_F64_GLOBAL), W2N_INSTANTIATE_INCOMPATIBLE_IMPORT);

  /* WASI: a wrong signature, an unknown function. */
  w2n_import wasi_imports[1] = {{W2N_WASI_MODULE, "fd_write", W2N_EXTERN_FUNC, 0, T_I_I, 0, {0, 0, 0}}};
  w2n_function wasi_functions[1] = {{NULL, T_I_I, NULL}};
  w2n_module wasi_module = test_module;
  wasi_module.num_imports = 1;
  wasi_module.imports = wasi_imports;
  wasi_module.num_functions = 1;
  wasi_module.functions = wasi_functions;
  wasi_module.num_tables = wasi_module.num_memories = wasi_module.num_globals = 0;
  wasi_module.num_elems = wasi_module.num_data = wasi_module.num_exports = 0;
  wasi_module.initialize = NULL;
  wasi_module.start = -1;
  CHECK_EQ(instantiate_with_mode(&wasi_module, RESOLVE_OK), W2N_INSTANTIATE_INCOMPATIBLE_IMPORT);
  wasi_imports[0].type = T_FD_WRITE;
  wasi_functions[0].type_index = T_FD_WRITE;
  CHECK_EQ(instantiate_with_mode(&wasi_module, RESOLVE_OK), W2N_INSTANTIATE_OK);
  wasi_imports[0].name = "no_such_function";
  CHECK_EQ(instantiate_with_mode(&wasi_module, RESOLVE_OK), W2N_INSTANTIATE_UNKNOWN_IMPORT);

  /* A function import no one resolves uses the descriptor's stand-in code when there is one. */
  w2n_import stub_imports[1] = {{"env", "missing", W2N_EXTERN_FUNC, 0, T_I_V, 0, {0, 0, 0}}};
  w2n_function stub_functions[1] = {{(void *)fn_trap, T_I_V, NULL}};
  w2n_module stub_module = wasi_module;
  stub_module.imports = stub_imports;
  stub_module.functions = stub_functions;
  stub_module.invoke = test_invoke; /* index 0 is not in its switch: traps */
  w2n_instance *stubbed = NULL;
  CHECK_EQ(w2n_instantiate(&stub_module, NULL, NULL, &stubbed, NULL), W2N_INSTANTIATE_OK);
  if (stubbed != NULL) {
    CHECK(stubbed->functions[0]->code == (void *)fn_trap && stubbed->functions[0]->instance == stubbed);
    CHECK_EQ(stubbed->functions[0]->type_id, w2n_intern_type("i:"));
    w2n_instance_free(stubbed);
  }
  stub_functions[0].code = NULL;
  CHECK_EQ(w2n_instantiate(&stub_module, NULL, NULL, &stubbed, NULL), W2N_INSTANTIATE_UNKNOWN_IMPORT);
  CHECK(stubbed == NULL);

  /* Every WASI function is listed, sorted by name and type, with a signature. */
  int sorted = 1;
  for (uint32_t i = 1; i < w2n_wasi_function_count; i++) {
    int order = strcmp(w2n_wasi_functions[i - 1].name, w2n_wasi_functions[i].name);
    sorted &= order < 0 || (order == 0 && strcmp(w2n_wasi_functions[i - 1].signature, w2n_wasi_functions[i].signature) < 0);
  }
  CHECK(sorted);
  CHECK_EQ(w2n_wasi_function_count, 73); /* 46 of preview1, 27 of WasmEdge's extension */
  /* (name, type) lookup: WasmEdge's V1 / V2 rule. */
  CHECK(w2n_wasi_lookup("fd_write", "iiii:i")->code == (void *)w2n_import_wasi_snapshot_preview1_fd_write);
  CHECK(w2n_wasi_lookup("fd_write", "iii:i") == NULL);
  CHECK(w2n_wasi_lookup("no_such_function", "i:i") == NULL);
  CHECK(w2n_wasi_lookup("sock_accept", "ii:i")->code == (void *)w2n_import_wasi_snapshot_preview1_sock_accept_v1);
  CHECK(w2n_wasi_lookup("sock_accept", "iii:i")->code == (void *)w2n_import_wasi_snapshot_preview1_sock_accept);
  CHECK(w2n_wasi_lookup("sock_accept_v2", "iii:i")->code == (void *)w2n_import_wasi_snapshot_preview1_sock_accept_v2);
  CHECK(w2n_wasi_lookup("sock_accept_v2", "ii:i") == NULL);
  CHECK(w2n_wasi_lookup("sock_getpeeraddr", "iiii:i")->code == (void *)w2n_import_wasi_snapshot_preview1_sock_getpeeraddr);
  CHECK(w2n_wasi_lookup("sock_getpeeraddr", "iii:i")->code ==
        (void *)w2n_import_wasi_snapshot_preview1_sock_getpeeraddr_v2);
  CHECK(w2n_wasi_lookup("sock_getlocaladdr", "iii:i")->code ==
        (void *)w2n_import_wasi_snapshot_preview1_sock_getlocaladdr_v2);
  CHECK(w2n_wasi_lookup("sock_recv_from", "iiiiiii:i")->code == (void *)w2n_import_wasi_snapshot_preview1_sock_recv_from);
  CHECK(w2n_wasi_lookup("sock_recv_from", "iiiiiiii:i")->code ==
        (void *)w2n_import_wasi_snapshot_preview1_sock_recv_from_v2);
  CHECK(w2n_wasi_lookup("sock_send_to", "iiiiiii:i")->code == (void *)w2n_import_wasi_snapshot_preview1_sock_send_to);
  CHECK(w2n_wasi_lookup("sock_open", "iii:i")->code == (void *)w2n_import_wasi_snapshot_preview1_sock_open);
  CHECK(w2n_wasi_lookup("epoll_oneoff", "iiii:i")->code == (void *)w2n_import_wasi_snapshot_preview1_epoll_oneoff);
  CHECK(w2n_wasi_lookup("sock_open", "ii:i") == NULL);
  /* Every `_v2` name and every plain name of the 11 has an entry. */
  static const char *const v2_names[] = {"sock_accept",    "sock_bind",   "sock_connect", "sock_getlocaladdr",
                                         "sock_getpeeraddr", "sock_listen", "sock_open",    "sock_recv",
                                         "sock_recv_from", "sock_send",   "sock_send_to"};
  for (size_t i = 0; i < sizeof v2_names / sizeof v2_names[0]; i++) {
    char v2[64];
    snprintf(v2, sizeof v2, "%s_v2", v2_names[i]);
    int plain = 0, with_v2 = 0;
    for (uint32_t j = 0; j < w2n_wasi_function_count; j++) {
      plain |= strcmp(w2n_wasi_functions[j].name, v2_names[i]) == 0;
      with_v2 |= strcmp(w2n_wasi_functions[j].name, v2) == 0;
    }
    CHECK(plain && with_v2);
  }

  /* Memories: limits subsumption with the current size and the declared maximum. */
  w2n_limits want_1_2 = {1, 2, 1}, want_1 = {1, 0, 0}, want_2 = {2, 0, 0};
  provided_memory = w2n_memory_new(1, 0, 0);
  CHECK_EQ(instantiate_single(W2N_EXTERN_MEMORY, 0, want_1), W2N_INSTANTIATE_OK);
  CHECK_EQ(instantiate_single(W2N_EXTERN_MEMORY, 0, want_1_2), W2N_INSTANTIATE_INCOMPATIBLE_IMPORT);
  CHECK_EQ(instantiate_single(W2N_EXTERN_MEMORY, 0, want_2), W2N_INSTANTIATE_INCOMPATIBLE_IMPORT);
  w2n_memory_free(provided_memory);
  provided_memory = w2n_memory_new(1, 2, 1);
  CHECK_EQ(instantiate_single(W2N_EXTERN_MEMORY, 0, want_1_2), W2N_INSTANTIATE_OK);
  CHECK_EQ(instantiate_single(W2N_EXTERN_MEMORY, 0, want_2), W2N_INSTANTIATE_INCOMPATIBLE_IMPORT);
  w2n_instance fake;
  w2n_memory *memories[1] = {provided_memory};
  memset(&fake, 0, sizeof fake);
  fake.memories = memories;
  CHECK_EQ(w2n_memory_grow(&fake, 0, 1), 1); /* the current size counts */
  CHECK_EQ(instantiate_single(W2N_EXTERN_MEMORY, 0, want_2), W2N_INSTANTIATE_OK);
  w2n_memory_free(provided_memory);
  provided_memory = w2n_memory_new(1, 3, 1);
  CHECK_EQ(instantiate_single(W2N_EXTERN_MEMORY, 0, want_1_2), W2N_INSTANTIATE_INCOMPATIBLE_IMPORT);
  w2n_memory_free(provided_memory);
  provided_memory = NULL;
  CHECK_EQ(instantiate_single(W2N_EXTERN_MEMORY, 0, want_1), W2N_INSTANTIATE_UNKNOWN_IMPORT);

  /* Tables: element type and limits. */
  provided_table = w2n_table_new(W2N_KIND_FUNCREF, 1, 2, 1);
  CHECK_EQ(instantiate_single(W2N_EXTERN_TABLE, W2N_KIND_FUNCREF, want_1_2), W2N_INSTANTIATE_OK);
  CHECK_EQ(instantiate_single(W2N_EXTERN_TABLE, W2N_KIND_EXTERNREF, want_1_2), W2N_INSTANTIATE_INCOMPATIBLE_IMPORT);
  CHECK_EQ(instantiate_single(W2N_EXTERN_TABLE, W2N_KIND_FUNCREF, want_2), W2N_INSTANTIATE_INCOMPATIBLE_IMPORT);
  w2n_table_free(provided_table);
  provided_table = w2n_table_new(W2N_KIND_FUNCREF, 1, 0, 0);
  CHECK_EQ(instantiate_single(W2N_EXTERN_TABLE, W2N_KIND_FUNCREF, want_1_2), W2N_INSTANTIATE_INCOMPATIBLE_IMPORT);
  CHECK_EQ(instantiate_single(W2N_EXTERN_TABLE, W2N_KIND_FUNCREF, want_1), W2N_INSTANTIATE_OK);
  w2n_table_free(provided_table);
  provided_table = NULL;
  /* A memory where a table is expected. */
  provided_memory = w2n_memory_new(1, 0, 0);
  CHECK_EQ(instantiate_single(W2N_EXTERN_TABLE, W2N_KIND_FUNCREF, want_1), W2N_INSTANTIATE_INCOMPATIBLE_IMPORT);
  CHECK(strstr(w2n_instantiate_error(), "not a table") != NULL);
  w2n_memory_free(provided_memory);
  provided_memory = NULL;
}

/* Linking two instances: B imports A's memory and function. */
static w2n_instance *exporter;

static int link_resolver(void *context, const w2n_import *import, w2n_extern *out) {
  (void)context;
  uint32_t index;
  if (strcmp(import->module, "a") != 0 || !w2n_find_export(exporter, import->name, import->kind, &index))
    return 0;
  return w2n_get_extern(exporter, import->kind, index, out);
}

static uint32_t importer_read(w2n_instance *instance) { return guest_load32(instance, 16); }

static void importer_invoke(w2n_instance *instance, uint32_t index, const w2n_value *args, w2n_value *results) {
  (void)args;
  if (index == 1)
    results[0].i32 = importer_read(instance);
  else
    results[0].i32 = CALL_IMPORT(instance, 0, w2n_fn_i, 16);
}

static void test_linking(void) {
  exporter = instantiate_test_module(NULL);
  static const w2n_func_type types[] = {{"i:i"}, {":i"}};
  static const w2n_import imports[] = {
      {"a", "load", W2N_EXTERN_FUNC, 0, 0, 0, {0, 0, 0}},
      {"a", "memory", W2N_EXTERN_MEMORY, 0, 0, 0, {1, 0, 0}},
      {"a", "counter", W2N_EXTERN_GLOBAL, 0, W2N_KIND_I32, 1, {0, 0, 0}},
  };
  static const w2n_function functions[] = {{NULL, 0, NULL}, {(void *)importer_read, 1, "read"}};
  static const w2n_limits memories[] = {{1, 0, 0}};
  static const w2n_global_type globals[] = {{W2N_KIND_I32, 1}};
  w2n_module importer = {0};
  importer.name = "importer";
  importer.num_types = 2, importer.types = types;
  importer.num_imports = 3, importer.imports = imports;
  importer.num_functions = 2, importer.functions = functions;
  importer.num_memories = 1, importer.memories = memories;
  importer.num_globals = 1, importer.globals = globals;
  importer.start = -1;
  importer.invoke = importer_invoke;
  w2n_instance *instance = NULL;
  CHECK_EQ(w2n_instantiate(&importer, link_resolver, NULL, &instance, NULL), W2N_INSTANTIATE_OK);
  if (instance == NULL)
    return;
  CHECK(instance->memory0 == exporter->memory0);
  CHECK(instance->functions[0] == exporter->functions[F_LOAD]);
  CHECK(instance->globals[0] == exporter->globals[1]);
  w2n_value results[1];
  CHECK_EQ(w2n_invoke(instance, 1, NULL, results), W2N_TRAP_NONE);
  CHECK(memcmp(&results[0].i32, "Hell", 4) == 0);
  CHECK_EQ(w2n_invoke(instance, 0, NULL, results), W2N_TRAP_NONE); /* A's function, A's instance */
  CHECK(memcmp(&results[0].i32, "Hell", 4) == 0);
  w2n_instance_free(instance);
  /* A start function that traps: the instance comes back with the code. */
  w2n_module trapping = importer;
  trapping.start = 1;
  trapping.invoke = test_invoke; /* index 1 there is F_PROC_EXIT's slot: traps "undefined element" */
  w2n_trap_code trap = W2N_TRAP_NONE;
  instance = NULL;
  CHECK_EQ(w2n_instantiate(&trapping, link_resolver, NULL, &instance, &trap), W2N_INSTANTIATE_TRAP);
  CHECK_EQ(trap, W2N_TRAP_UNDEFINED_ELEMENT);
  CHECK(instance != NULL);
  w2n_instance_free(instance);
  w2n_instance_free(exporter);
}

/* WASI ------------------------------------------------------------------------------------ */

static void test_wasi_fd_write(void) {
  w2n_wasi *wasi = w2n_wasi_create(0, NULL, NULL, NULL, 0);
  w2n_instance *instance = instantiate_test_module(wasi);
  int pipe_fds[2];
  CHECK_EQ(pipe(pipe_fds), 0);
  int saved_stdout = dup(1);
  dup2(pipe_fds[1], 1);
  uint32_t result = 99;
  w2n_trap_code trap = invoke1(instance, F_HELLO, 0, &result);
  dup2(saved_stdout, 1);
  close(saved_stdout);
  close(pipe_fds[1]);
  char buffer[32] = {0};
  ssize_t count = read(pipe_fds[0], buffer, sizeof buffer - 1);
  close(pipe_fds[0]);
  CHECK_EQ(trap, W2N_TRAP_NONE);
  CHECK_EQ(result, W2N_WASI_SUCCESS);
  CHECK_EQ(count, 6);
  CHECK(strcmp(buffer, "hello\n") == 0);
  CHECK_EQ(guest_load32(instance, 1032), 6); /* nwritten */
  /* Bad guest pointers: EFAULT, nothing written. */
  guest_store32(instance, 1024, 65531); /* buf + len beyond the memory */
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_fd_write(instance, 1, 1024, 1, 1032), W2N_WASI_FAULT);
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_fd_write(instance, 1, 65532, 1, 1032), W2N_WASI_FAULT);
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_fd_write(instance, 1, 1024, 0, 65534), W2N_WASI_FAULT);
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_fd_write(instance, 77, 1024, 0, 1032), W2N_WASI_BADF);
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_fd_write(instance, 1, 1024, 0, 1032), W2N_WASI_SUCCESS);
  CHECK_EQ(guest_load32(instance, 1032), 0);
  /* proc_exit ends the guarded call with W2N_TRAP_EXIT and records the status. */
  CHECK_EQ(invoke1(instance, F_EXIT, 7, NULL), W2N_TRAP_EXIT);
  CHECK_EQ(w2n_wasi_exit_status(wasi), 7);
  /* stdio's fdstat: no seek/tell rights unless a regular file. */
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_fd_fdstat_get(instance, 2, 512), W2N_WASI_SUCCESS);
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_fd_prestat_get(instance, 1, 512), W2N_WASI_BADF);
  /* Clocks and randomness. */
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_clock_time_get(instance, 0, 0, 600), W2N_WASI_SUCCESS);
  uint64_t guest_now = guest_load64(instance, 600);
  CHECK(guest_now / 1000000000u >= (uint64_t)now.tv_sec && guest_now / 1000000000u <= (uint64_t)now.tv_sec + 5);
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_clock_time_get(instance, 9, 0, 600), W2N_WASI_INVAL);
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_clock_res_get(instance, 1, 608), W2N_WASI_SUCCESS);
  CHECK(guest_load64(instance, 608) > 0);
  memset(instance->memory0 + 700, 0, 64);
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_random_get(instance, 700, 64), W2N_WASI_SUCCESS);
  int nonzero = 0;
  for (int i = 0; i < 64; i++)
    nonzero += instance->memory0[700 + i] != 0;
  CHECK(nonzero > 32);
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_random_get(instance, 65530, 64), W2N_WASI_FAULT);
  /* poll_oneoff: a 20 ms relative monotonic clock. */
  uint8_t *subscription = instance->memory0 + 800;
  memset(subscription, 0, 48);
  subscription[0] = 0x5A;                                   /* userdata */
  subscription[8] = 0;                                      /* clock */
  guest_store32(instance, 816, 1);                          /* monotonic */
  uint64_t timeout = 20000000;
  memcpy(subscription + 24, &timeout, 8);
  struct timespec before, after;
  clock_gettime(CLOCK_MONOTONIC, &before);
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_poll_oneoff(instance, 800, 900, 1, 940), W2N_WASI_SUCCESS);
  clock_gettime(CLOCK_MONOTONIC, &after);
  double elapsed = (double)(after.tv_sec - before.tv_sec) + (double)(after.tv_nsec - before.tv_nsec) / 1e9;
  CHECK(elapsed >= 0.019 && elapsed < 2);
  CHECK_EQ(guest_load32(instance, 940), 1);
  CHECK_EQ(instance->memory0[900], 0x5A);
  CHECK_EQ(instance->memory0[910], 0); /* type: clock */
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_poll_oneoff(instance, 800, 900, 0, 940), W2N_WASI_INVAL);
  w2n_instance_free(instance);
  w2n_wasi_free(wasi);

  /* Without a WASI context a WASI call traps. */
  instance = instantiate_test_module(NULL);
  CHECK_EQ(invoke1(instance, F_HELLO, 0, NULL), W2N_TRAP_HOST);
  w2n_instance_free(instance);
}

static void test_wasi_args_env(void) {
  const char *argv[] = {"prog", "a b", "", "last"};
  setenv("W2N_TEST_HOST_VALUE", "from host", 1);
  const char *env[] = {"FOO=bar", "W2N_TEST_HOST_VALUE", "W2N_TEST_ABSENT", "FOO=baz", "EMPTY=", NULL};
  const char *dirs[] = {NULL};
  w2n_main_config config = {dirs, env, 0, 0, 0};
  w2n_wasi *wasi = w2n_wasi_create(4, argv, &config, NULL, 0);
  CHECK(wasi != NULL);
  w2n_instance *instance = instantiate_test_module(wasi);
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_args_sizes_get(instance, 100, 104), W2N_WASI_SUCCESS);
  CHECK_EQ(guest_load32(instance, 100), 4);
  CHECK_EQ(guest_load32(instance, 104), 5 + 4 + 1 + 5);
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_args_get(instance, 200, 300), W2N_WASI_SUCCESS);
  CHECK_EQ(guest_load32(instance, 200), 300);
  CHECK_EQ(guest_load32(instance, 204), 305);
  CHECK(strcmp((char *)instance->memory0 + guest_load32(instance, 204), "a b") == 0);
  CHECK(strcmp((char *)instance->memory0 + guest_load32(instance, 208), "") == 0);
  CHECK(strcmp((char *)instance->memory0 + guest_load32(instance, 212), "last") == 0);
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_args_get(instance, 65534, 300), W2N_WASI_FAULT);
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_args_get(instance, 200, 65530), W2N_WASI_FAULT);
  CHECK_EQ(CALL_IMPORT(instance, F_ARGS_SIZES_GET, w2n_fn_ii, 100, 104), W2N_WASI_SUCCESS);

  CHECK_EQ(w2n_import_wasi_snapshot_preview1_environ_sizes_get(instance, 100, 104), W2N_WASI_SUCCESS);
  CHECK_EQ(guest_load32(instance, 100), 3); /* FOO=baz (replaced), W2N_TEST_HOST_VALUE=..., EMPTY= */
  CHECK_EQ(guest_load32(instance, 104), 8 + 30 + 7);
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_environ_get(instance, 400, 500), W2N_WASI_SUCCESS);
  CHECK(strcmp((char *)instance->memory0 + guest_load32(instance, 400), "FOO=baz") == 0);
  CHECK(strcmp((char *)instance->memory0 + guest_load32(instance, 404), "W2N_TEST_HOST_VALUE=from host") == 0);
  CHECK(strcmp((char *)instance->memory0 + guest_load32(instance, 408), "EMPTY=") == 0);
  w2n_instance_free(instance);
  w2n_wasi_free(wasi);

  /* inherit_env: the whole host environment. */
  w2n_main_config inherit = {NULL, NULL, 1, 0, 0};
  wasi = w2n_wasi_create(0, NULL, &inherit, NULL, 0);
  instance = instantiate_test_module(wasi);
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_environ_sizes_get(instance, 100, 104), W2N_WASI_SUCCESS);
  extern char **environ;
  uint32_t host_count = 0;
  for (char **entry = environ; *entry != NULL; entry++)
    host_count++;
  CHECK_EQ(guest_load32(instance, 100), host_count);
  w2n_instance_free(instance);
  w2n_wasi_free(wasi);

  char error[256] = "";
  const char *bad_dirs[] = {"/nonexistent/w2n-test-dir", NULL};
  w2n_main_config bad = {bad_dirs, NULL, 0, 0, 0};
  CHECK(w2n_wasi_create(0, NULL, &bad, error, sizeof error) == NULL);
  CHECK(strstr(error, "/nonexistent/w2n-test-dir") != NULL);
}

/* Puts a guest string at `address`, returns its length. */
static uint32_t put_path(w2n_instance *instance, uint32_t address, const char *path) {
  size_t length = strlen(path);
  memcpy(instance->memory0 + address, path, length);
  return (uint32_t)length;
}

static uint32_t open_path(w2n_instance *instance, uint32_t dir_fd, const char *path, uint32_t lookup,
                          uint32_t oflags, uint64_t rights, uint32_t *fd) {
  uint32_t length = put_path(instance, 4096, path);
  uint32_t error = w2n_import_wasi_snapshot_preview1_path_open(instance, dir_fd, lookup, 4096, length, oflags,
                                                                rights, rights, 0, 4000);
  *fd = error == W2N_WASI_SUCCESS ? guest_load32(instance, 4000) : UINT32_MAX;
  return error;
}

static void test_wasi_paths(void) {
  char root[] = "/tmp/w2n-runtime-test-XXXXXX";
  CHECK(mkdtemp(root) != NULL);
  char path[512];
  snprintf(path, sizeof path, "%s/sandbox", root);
  mkdir(path, 0755);
  snprintf(path, sizeof path, "%s/secret.txt", root);
  FILE *secret = fopen(path, "w");
  if (secret != NULL) {
    fputs("secret", secret);
    fclose(secret);
  }
  snprintf(path, sizeof path, "%s/sandbox/sub", root);
  mkdir(path, 0755);
  snprintf(path, sizeof path, "%s/sandbox/sub/f.txt", root);
  FILE *file = fopen(path, "w");
  if (file != NULL) {
    fputs("content", file);
    fclose(file);
  }
  char link[512];
  snprintf(link, sizeof link, "%s/sandbox/escape", root);
  CHECK_EQ(symlink("..", link), 0);
  snprintf(link, sizeof link, "%s/sandbox/absolute", root);
  CHECK_EQ(symlink(root, link), 0);
  snprintf(link, sizeof link, "%s/sandbox/inner", root);
  CHECK_EQ(symlink("sub/f.txt", link), 0);
  snprintf(link, sizeof link, "%s/sandbox/sub/up", root);
  CHECK_EQ(symlink("../sub/f.txt", link), 0);
  snprintf(link, sizeof link, "%s/sandbox/loop", root);
  CHECK_EQ(symlink("loop", link), 0);

  char grant[600];
  snprintf(grant, sizeof grant, "%s/sandbox::/data", root);
  const char *dirs[] = {grant, NULL};
  w2n_main_config config = {dirs, NULL, 0, 0, 0};
  char error[256] = "";
  w2n_wasi *wasi = w2n_wasi_create(0, NULL, &config, error, sizeof error);
  CHECK(wasi != NULL);
  if (wasi == NULL) {
    fprintf(stderr, "wasi: %s\n", error);
    return;
  }
  w2n_instance *instance = instantiate_test_module(wasi);
  /* The preopen. */
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_fd_prestat_get(instance, 3, 100), W2N_WASI_SUCCESS);
  CHECK_EQ(instance->memory0[100], 0);
  CHECK_EQ(guest_load32(instance, 104), 5);
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_fd_prestat_dir_name(instance, 3, 200, 5), W2N_WASI_SUCCESS);
  CHECK(memcmp(instance->memory0 + 200, "/data", 5) == 0);
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_fd_prestat_dir_name(instance, 3, 200, 4), W2N_WASI_NAMETOOLONG);
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_fd_prestat_get(instance, 4, 100), W2N_WASI_BADF);

  const uint64_t read = 2 | 4 | 32 | (1u << 14) | (1u << 21), write = 64 | (1u << 22);
  uint32_t fd = 0;
  /* Escapes: PERM, as wasmtime. */
  CHECK_EQ(open_path(instance, 3, "../secret.txt", 0, 0, read, &fd), W2N_WASI_PERM);
  CHECK_EQ(open_path(instance, 3, "/etc/passwd", 0, 0, read, &fd), W2N_WASI_PERM);
  CHECK_EQ(open_path(instance, 3, "sub/../../secret.txt", 0, 0, read, &fd), W2N_WASI_PERM);
  CHECK_EQ(open_path(instance, 3, "sub/../sub/../..", 0, 0, read, &fd), W2N_WASI_PERM);
  CHECK_EQ(open_path(instance, 3, "escape/secret.txt", 0, 0, read, &fd), W2N_WASI_PERM);
  CHECK_EQ(open_path(instance, 3, "escape", 1, 0, read, &fd), W2N_WASI_PERM);
  CHECK_EQ(open_path(instance, 3, "absolute/secret.txt", 0, 0, read, &fd), W2N_WASI_PERM);
  CHECK_EQ(open_path(instance, 3, "escape", 0, 0, read, &fd), W2N_WASI_LOOP); /* the link itself */
  CHECK_EQ(open_path(instance, 3, "loop", 1, 0, read, &fd), W2N_WASI_LOOP);
  CHECK_EQ(open_path(instance, 3, "missing/x", 0, 0, read, &fd), W2N_WASI_NOENT);
  CHECK_EQ(open_path(instance, 3, "", 0, 0, read, &fd), W2N_WASI_NOENT);
  CHECK_EQ(open_path(instance, 3, "sub/f.txt/x", 0, 0, read, &fd), W2N_WASI_NOTDIR);
  /* Paths that stay inside. */
  CHECK_EQ(open_path(instance, 3, "sub/../sub/./f.txt", 0, 0, read, &fd), W2N_WASI_SUCCESS);
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_fd_close(instance, fd), W2N_WASI_SUCCESS);
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_fd_close(instance, fd), W2N_WASI_BADF);
  CHECK_EQ(open_path(instance, 3, "sub/up", 1, 0, read, &fd), W2N_WASI_SUCCESS); /* a link via ".." */
  w2n_import_wasi_snapshot_preview1_fd_close(instance, fd);
  CHECK_EQ(open_path(instance, 3, "inner", 1, 0, read, &fd), W2N_WASI_SUCCESS);
  /* Read it back. */
  guest_store32(instance, 300, 400);
  guest_store32(instance, 304, 100);
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_fd_read(instance, fd, 300, 1, 308), W2N_WASI_SUCCESS);
  CHECK_EQ(guest_load32(instance, 308), 7);
  CHECK(memcmp(instance->memory0 + 400, "content", 7) == 0);
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_fd_seek(instance, fd, (uint64_t)-3, 2, 312), W2N_WASI_SUCCESS);
  CHECK_EQ(guest_load64(instance, 312), 4);
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_fd_tell(instance, fd, 320), W2N_WASI_SUCCESS);
  CHECK_EQ(guest_load64(instance, 320), 4);
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_fd_seek(instance, fd, 0, 3, 312), W2N_WASI_INVAL);
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_fd_filestat_get(instance, fd, 512), W2N_WASI_SUCCESS);
  CHECK_EQ(instance->memory0[512 + 16], 4); /* regular file */
  CHECK_EQ(guest_load64(instance, 512 + 32), 7);
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_fd_fdstat_get(instance, fd, 600), W2N_WASI_SUCCESS);
  CHECK_EQ(instance->memory0[600], 4);
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_fd_write(instance, fd, 300, 1, 308), W2N_WASI_BADF); /* read-only */
  w2n_import_wasi_snapshot_preview1_fd_close(instance, fd);
  /* Create, write, stat, rename, unlink; directories. */
  CHECK_EQ(open_path(instance, 3, "new.txt", 0, 1 | 4, read | write, &fd), W2N_WASI_SUCCESS);
  memcpy(instance->memory0 + 400, "written", 7);
  guest_store32(instance, 304, 7);
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_fd_write(instance, fd, 300, 1, 308), W2N_WASI_SUCCESS);
  CHECK_EQ(guest_load32(instance, 308), 7);
  w2n_import_wasi_snapshot_preview1_fd_close(instance, fd);
  CHECK_EQ(open_path(instance, 3, "new.txt", 0, 1 | 4, read | write, &fd), W2N_WASI_EXIST);
  uint32_t length = put_path(instance, 4096, "sub/../new.txt");
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_path_filestat_get(instance, 3, 0, 4096, length, 512), W2N_WASI_SUCCESS);
  CHECK_EQ(guest_load64(instance, 512 + 32), 7);
  length = put_path(instance, 4096, "../secret.txt");
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_path_filestat_get(instance, 3, 0, 4096, length, 512),
           W2N_WASI_PERM);
  length = put_path(instance, 4096, "newdir");
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_path_create_directory(instance, 3, 4096, length), W2N_WASI_SUCCESS);
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_path_create_directory(instance, 3, 4096, length), W2N_WASI_EXIST);
  uint32_t old_length = put_path(instance, 4096, "new.txt"), new_length = put_path(instance, 5000, "newdir/moved.txt");
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_path_rename(instance, 3, 4096, old_length, 3, 5000, new_length),
           W2N_WASI_SUCCESS);
  new_length = put_path(instance, 5000, "../stolen.txt");
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_path_rename(instance, 3, 4096, old_length, 3, 5000, new_length),
           W2N_WASI_PERM);
  length = put_path(instance, 4096, "newdir");
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_path_remove_directory(instance, 3, 4096, length), W2N_WASI_NOTEMPTY);
  length = put_path(instance, 4096, "newdir/moved.txt");
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_path_unlink_file(instance, 3, 4096, length), W2N_WASI_SUCCESS);
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_path_unlink_file(instance, 3, 4096, length), W2N_WASI_NOENT);
  length = put_path(instance, 4096, "newdir");
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_path_remove_directory(instance, 3, 4096, length), W2N_WASI_SUCCESS);
  length = put_path(instance, 4096, "../sandbox");
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_path_remove_directory(instance, 3, 4096, length), W2N_WASI_PERM);
  /* Symbolic links: absolute contents are refused, readlink reads. */
  old_length = put_path(instance, 4096, "/etc/passwd");
  new_length = put_path(instance, 5000, "mylink");
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_path_symlink(instance, 4096, old_length, 3, 5000, new_length),
           W2N_WASI_PERM);
  length = put_path(instance, 4096, "inner");
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_path_readlink(instance, 3, 4096, length, 700, 64, 800),
           W2N_WASI_SUCCESS);
  CHECK_EQ(guest_load32(instance, 800), 9);
  CHECK(memcmp(instance->memory0 + 700, "sub/f.txt", 9) == 0);
  /* fd_readdir on the preopen: ".", "..", then the entries. */
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_fd_readdir(instance, 3, 8192, 4096, 0, 800), W2N_WASI_SUCCESS);
  uint32_t used = guest_load32(instance, 800), offset = 0, entries = 0;
  int saw_dot = 0, saw_sub = 0, saw_secret = 0;
  uint64_t third_cookie = 0;
  while (offset + 24 <= used) {
    uint32_t name_length = guest_load32(instance, 8192 + offset + 16);
    const char *name = (const char *)instance->memory0 + 8192 + offset + 24;
    if (entries == 0)
      saw_dot = name_length == 1 && name[0] == '.';
    if (entries == 2)
      third_cookie = guest_load64(instance, 8192 + offset);
    if (name_length == 3 && memcmp(name, "sub", 3) == 0)
      saw_sub = instance->memory0[8192 + offset + 20] == 3;
    if (name_length == 10 && memcmp(name, "secret.txt", 10) == 0)
      saw_secret = 1;
    offset += 24 + name_length;
    entries++;
  }
  CHECK(used < 4096);
  CHECK(saw_dot && saw_sub && !saw_secret);
  CHECK_EQ(entries, 2 + 5); /* sub, escape, absolute, inner, loop */
  CHECK_EQ(third_cookie, 3);
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_fd_readdir(instance, 3, 8192, 4096, 3, 800), W2N_WASI_SUCCESS);
  CHECK_EQ(guest_load64(instance, 8192), 4); /* resumed at the fourth entry */
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_fd_readdir(instance, 3, 8192, 30, 0, 800), W2N_WASI_SUCCESS);
  CHECK_EQ(guest_load32(instance, 800), 30); /* a full buffer: the last entry is cut */
  /* Opening a directory and the fd table. */
  CHECK_EQ(open_path(instance, 3, "sub", 0, 2, read, &fd), W2N_WASI_SUCCESS);
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_fd_fdstat_get(instance, fd, 600), W2N_WASI_SUCCESS);
  CHECK_EQ(instance->memory0[600], 3);
  uint32_t sub_fd = fd;
  CHECK_EQ(open_path(instance, sub_fd, "..", 0, 2, read, &fd), W2N_WASI_PERM); /* relative to sub */
  CHECK_EQ(open_path(instance, sub_fd, "f.txt", 0, 0, read, &fd), W2N_WASI_SUCCESS);
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_fd_renumber(instance, fd, sub_fd), W2N_WASI_SUCCESS);
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_fd_fdstat_get(instance, sub_fd, 600), W2N_WASI_SUCCESS);
  CHECK_EQ(instance->memory0[600], 4);
  CHECK_EQ(w2n_import_wasi_snapshot_preview1_fd_close(instance, fd), W2N_WASI_BADF);
  CHECK_EQ(open_path(instance, sub_fd, "x", 0, 0, read, &fd), W2N_WASI_NOTDIR); /* path_open below a file: NOTDIR, as wasmtime */
  w2n_instance_free(instance);
  w2n_wasi_free(wasi);

  char command[700];
  snprintf(command, sizeof command, "rm -rf '%s'", root);
  CHECK_EQ(system(command), 0);
}

/* Reads until end of file into a NUL-terminated buffer. */
static void read_all(int fd, char *buffer, size_t size) {
  size_t used = 0;
  ssize_t count;
  while (used + 1 < size && (count = read(fd, buffer + used, size - 1 - used)) > 0)
    used += (size_t)count;
  buffer[used] = '\0';
}

/* w2n_trap outside any guarded call: message and exit status 134. */
static void test_unguarded_trap(void) {
  int pipe_fds[2];
  CHECK_EQ(pipe(pipe_fds), 0);
  pid_t child = fork();
  if (child == 0) {
    dup2(pipe_fds[1], 2);
    w2n_trap(W2N_TRAP_INTEGER_DIVIDE_BY_ZERO);
  }
  close(pipe_fds[1]);
  char buffer[256];
  read_all(pipe_fds[0], buffer, sizeof buffer);
  close(pipe_fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  CHECK(strcmp(buffer, "wasm2native: trap: integer divide by zero (outside any guarded call)\n") == 0);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == W2N_EXIT_TRAP);
}

/* An unrelated fault is not a trap: the process dies of SIGSEGV. */
static void test_unrelated_fault(void) {
  pid_t child = fork();
  if (child == 0) {
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    w2n_thread_stack_limit(); /* handlers installed */
    volatile int *volatile wild = (volatile int *)(uintptr_t)16;
    *wild = 1;
    _exit(0);
  }
  int status = 0;
  waitpid(child, &status, 0);
  CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
}

/* The executable (main_module.c with w2n_main.c) ------------------------------------------ */

typedef struct run_result {
  int status; /* exit status, or 128 + signal */
  char out[4096], err[4096];
} run_result;


static void run_main(const char *executable, const char *directory, const char *const *arguments,
                     double terminate_after, run_result *result) {
  int out_pipe[2], err_pipe[2];
  if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0)
    return;
  pid_t child = fork();
  if (child == 0) {
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    close(out_pipe[0]);
    close(err_pipe[0]);
    if (chdir(directory) != 0)
      _exit(120);
    execv(executable, (char *const *)arguments);
    _exit(121);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (terminate_after > 0) {
    struct timespec pause = {(time_t)terminate_after, (long)((terminate_after - (time_t)terminate_after) * 1e9)};
    nanosleep(&pause, NULL);
    kill(child, SIGTERM);
  }
  read_all(out_pipe[0], result->out, sizeof result->out);
  read_all(err_pipe[0], result->err, sizeof result->err);
  close(out_pipe[0]);
  close(err_pipe[0]);
  int status = 0;
  waitpid(child, &status, 0);
  result->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void test_executable(const char *executable) {
  char directory[] = "/tmp/w2n-main-test-XXXXXX";
  CHECK(mkdtemp(directory) != NULL);
  char path[600];
  snprintf(path, sizeof path, "%s/visible.txt", directory);
  FILE *file = fopen(path, "w");
  if (file != NULL)
    fclose(file);
  run_result result;
  setenv("HOME", "/home/w2n-test", 1);
  setenv("W2N_NOT_GRANTED", "1", 1);

  const char *hello[] = {"prog0", "hello", NULL};
  run_main(executable, directory, hello, 0, &result);
  CHECK_EQ(result.status, 0);
  CHECK(strcmp(result.out, "hello\n") == 0);
  CHECK(strcmp(result.err, "") == 0);

  const char *args[] = {"./my program", "args", "x y", "", "z", NULL};
  run_main(executable, directory, args, 0, &result);
  CHECK_EQ(result.status, 0);
  CHECK(strcmp(result.out, "./my program|args|x y||z|\n") == 0);

  const char *env[] = {"prog", "env", NULL};
  run_main(executable, directory, env, 0, &result);
  CHECK_EQ(result.status, 0);
  /* nothing else of the host's, and the runtime's W2N_ENGINE */
  CHECK(strcmp(result.out, "W2N_TEST=1|HOME=/home/w2n-test|W2N_ENGINE=aot|\n") == 0);

  /* Grants adjusted at deployment: W2N_ENV replaces the environment grants. */
  setenv("W2N_ENV", "W2N_NOT_GRANTED,EXTRA=x,W2N_ENGINE=custom", 1);
  run_main(executable, directory, env, 0, &result);
  CHECK_EQ(result.status, 0);
  CHECK(strcmp(result.out, "W2N_NOT_GRANTED=1|EXTRA=x|W2N_ENGINE=custom|\n") == 0);
  setenv("W2N_ENV", "", 1);
  run_main(executable, directory, env, 0, &result);
  CHECK(strcmp(result.out, "W2N_ENGINE=aot|\n") == 0);
  unsetenv("W2N_ENV");
  setenv("W2N_DIRS", "/nonexistent/w2n-dir", 1); /* W2N_DIRS replaces the directory grants */
  run_main(executable, directory, env, 0, &result);
  CHECK_EQ(result.status, 1);
  CHECK(strstr(result.err, "/nonexistent/w2n-dir") != NULL);
  unsetenv("W2N_DIRS");

  const char *exit7[] = {"prog", "exit", NULL};
  run_main(executable, directory, exit7, 0, &result);
  CHECK_EQ(result.status, 7);
  CHECK(strcmp(result.out, "") == 0 && strcmp(result.err, "") == 0);

  const char *trap[] = {"prog", "trap", NULL};
  run_main(executable, directory, trap, 0, &result);
  CHECK_EQ(result.status, W2N_EXIT_TRAP);
  CHECK(strncmp(result.err, "wasm2native: trap: unreachable", 30) == 0);
  printf("  trap message: %s", result.err);

  const char *oob[] = {"prog", "oob", NULL};
  run_main(executable, directory, oob, 0, &result);
  CHECK_EQ(result.status, W2N_EXIT_TRAP);
  CHECK(strncmp(result.err, "wasm2native: trap: out of bounds memory access", 46) == 0);

  const char *stack[] = {"prog", "stack", NULL};
  run_main(executable, directory, stack, 0, &result);
  CHECK_EQ(result.status, W2N_EXIT_TRAP);
  CHECK(strncmp(result.err, "wasm2native: trap: call stack exhausted", 39) == 0);

  const char *ls[] = {"prog", "ls", NULL};
  run_main(executable, directory, ls, 0, &result);
  CHECK_EQ(result.status, 0);
  CHECK(strcmp(result.out, ".|..|visible.txt|\n") == 0);

  struct timespec before, after;
  const char *sleep_args[] = {"prog", "sleep", NULL};
  clock_gettime(CLOCK_MONOTONIC, &before);
  run_main(executable, directory, sleep_args, 0.3, &result);
  clock_gettime(CLOCK_MONOTONIC, &after);
  CHECK_EQ(result.status, W2N_EXIT_SIGTERM);
  CHECK(after.tv_sec - before.tv_sec < 5);

  const char *start_trap[] = {"prog", "none", NULL};
  run_main(executable, directory, start_trap, 0, &result);
  CHECK_EQ(result.status, 3); /* _start's fallback: proc_exit(3) */

  snprintf(path, sizeof path, "rm -rf '%s'", directory);
  CHECK_EQ(system(path), 0);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  test_interning();
  test_instantiation();
  test_memory_grow();
  test_traps();
  test_nested_guards();
  test_stack_exhaustion();
  test_threads();
  test_bulk_memory();
  test_tables();
  test_import_errors();
  test_linking();
  test_wasi_fd_write();
  test_wasi_args_env();
  test_wasi_paths();
  test_unguarded_trap();
  test_unrelated_fault();
  if (argc > 1)
    test_executable(argv[1]);
  printf("runtime-test: %d passed, %d failed\n", tests_passed, tests_failed);
  return tests_failed == 0 ? 0 : 1;
}
