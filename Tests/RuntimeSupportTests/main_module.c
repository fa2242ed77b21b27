/*
 * main_module.c: a hand-written w2n_main_module and w2n_main_config_data, linked with
 * RuntimeSupport built with -DW2N_EXECUTABLE_MAIN, standing in for a compiled WASI command.
 * runtime_test.c runs it as a process. Its `_start` reads argv[1] through WASI and does:
 *   hello  write "hello\n" to stdout and return      args   write the arguments, "|"-separated
 *   env    write the environment, "|"-separated      exit   proc_exit(7)
 *   trap   unreachable (in function "trapper")       oob    load at 70000 with one page
 *   stack  unbounded recursion                       ls     list the preopened "." (fd 3)
 *   sleep  poll_oneoff for 10 s (for SIGTERM)        else   proc_exit(3)
 * The configuration grants "." and passes W2N_TEST=1 and the host's HOME.
 */
#include "test_support.h"

enum { T_FD_WRITE, T_I_V, T_II_I, T_FD_READDIR, T_VOID, T_I_I, T_COUNT };
enum {
  F_FD_WRITE,
  F_PROC_EXIT,
  F_ARGS_SIZES_GET,
  F_ARGS_GET,
  F_ENVIRON_SIZES_GET,
  F_ENVIRON_GET,
  F_FD_READDIR,
  F_POLL_ONEOFF,
  F_START,
  F_TRAPPER,
  F_LOADER,
  F_RECURSE,
  F_END,
  F_COUNT
};

static const w2n_func_type types[T_COUNT] = {{"iiii:i"}, {"i:"}, {"ii:i"}, {"iiiIi:i"}, {":"}, {"i:i"}};

static const w2n_import imports[] = {
    {W2N_WASI_MODULE, "fd_write", W2N_EXTERN_FUNC, F_FD_WRITE, T_FD_WRITE, 0, {0, 0, 0}},
    {W2N_WASI_MODULE, "proc_exit", W2N_EXTERN_FUNC, F_PROC_EXIT, T_I_V, 0, {0, 0, 0}},
    {W2N_WASI_MODULE, "args_sizes_get", W2N_EXTERN_FUNC, F_ARGS_SIZES_GET, T_II_I, 0, {0, 0, 0}},
    {W2N_WASI_MODULE, "args_get", W2N_EXTERN_FUNC, F_ARGS_GET, T_II_I, 0, {0, 0, 0}},
    {W2N_WASI_MODULE, "environ_sizes_get", W2N_EXTERN_FUNC, F_ENVIRON_SIZES_GET, T_II_I, 0, {0, 0, 0}},
    {W2N_WASI_MODULE, "environ_get", W2N_EXTERN_FUNC, F_ENVIRON_GET, T_II_I, 0, {0, 0, 0}},
    {W2N_WASI_MODULE, "fd_readdir", W2N_EXTERN_FUNC, F_FD_READDIR, T_FD_READDIR, 0, {0, 0, 0}},
    {W2N_WASI_MODULE, "poll_oneoff", W2N_EXTERN_FUNC, F_POLL_ONEOFF, T_FD_WRITE, 0, {0, 0, 0}},
};

typedef uint32_t (*fn_readdir)(w2n_instance *, uint32_t, uint32_t, uint32_t, uint64_t, uint32_t);

static void write_text(w2n_instance *instance, const char *text, size_t length) {
  memcpy(instance->memory0 + 3000, text, length);
  guest_store32(instance, 2900, 3000);
  guest_store32(instance, 2904, (uint32_t)length);
  CALL_IMPORT(instance, F_FD_WRITE, w2n_fn_iiii, 1, 2900, 1, 2908);
}

static void write_string(w2n_instance *instance, const char *text) { write_text(instance, text, strlen(text)); }

/* Writes the NUL-terminated strings that `count` guest pointers at `pointers` point to. */
static void write_list(w2n_instance *instance, uint32_t count, uint32_t pointers) {
  for (uint32_t i = 0; i < count; i++) {
    write_string(instance, (const char *)instance->memory0 + guest_load32(instance, pointers + 4 * i));
    write_string(instance, "|");
  }
  write_string(instance, "\n");
}

__attribute__((noinline)) static void trapper(w2n_instance *instance);
static uint32_t loader(w2n_instance *instance, uint32_t address);
static uint32_t recurse(w2n_instance *instance, uint32_t depth);

static void start(w2n_instance *instance) {
  CALL_IMPORT(instance, F_ARGS_SIZES_GET, w2n_fn_ii, 100, 104);
  CALL_IMPORT(instance, F_ARGS_GET, w2n_fn_ii, 200, 1000);
  uint32_t argc = guest_load32(instance, 100);
  const char *command = argc > 1 ? (const char *)instance->memory0 + guest_load32(instance, 204) : "";
  if (strcmp(command, "hello") == 0) {
    write_string(instance, "hello\n");
  } else if (strcmp(command, "args") == 0) {
    write_list(instance, argc, 200);
  } else if (strcmp(command, "env") == 0) {
    CALL_IMPORT(instance, F_ENVIRON_SIZES_GET, w2n_fn_ii, 100, 104);
    CALL_IMPORT(instance, F_ENVIRON_GET, w2n_fn_ii, 400, 1500);
    write_list(instance, guest_load32(instance, 100), 400);
  } else if (strcmp(command, "exit") == 0) {
    CALL_IMPORT(instance, F_PROC_EXIT, w2n_fn_exit, 7);
  } else if (strcmp(command, "trap") == 0) {
    trapper(instance);
  } else if (strcmp(command, "oob") == 0) {
    loader(instance, 70000);
  } else if (strcmp(command, "stack") == 0) {
    recurse(instance, 0);
  } else if (strcmp(command, "ls") == 0) {
    CALL_IMPORT(instance, F_FD_READDIR, fn_readdir, 3, 8192, 4096, 0, 800);
    uint32_t used = guest_load32(instance, 800);
    for (uint32_t offset = 0; offset + 24 <= used;) {
      uint32_t length = guest_load32(instance, 8192 + offset + 16);
      write_text(instance, (const char *)instance->memory0 + 8192 + offset + 24, length);
      write_string(instance, "|");
      offset += 24 + length;
    }
    write_string(instance, "\n");
  } else if (strcmp(command, "sleep") == 0) {
    uint8_t *subscription = instance->memory0 + 5000;
    uint64_t timeout = 10000000000ull;
    memset(subscription, 0, 48);
    guest_store32(instance, 5016, 1);
    memcpy(subscription + 24, &timeout, 8);
    CALL_IMPORT(instance, F_POLL_ONEOFF, w2n_fn_iiii, 5000, 5100, 1, 5200);
  } else {
    CALL_IMPORT(instance, F_PROC_EXIT, w2n_fn_exit, 3);
  }
}

__attribute__((noinline)) static void trapper(w2n_instance *instance) {
  (void)instance;
  w2n_trap(W2N_TRAP_UNREACHABLE);
}

static uint32_t loader(w2n_instance *instance, uint32_t address) {
  return *(volatile uint32_t *)(instance->memory0 + address);
}

static uint32_t (*volatile recurse_pointer)(w2n_instance *, uint32_t) = recurse;
static uint32_t recurse(w2n_instance *instance, uint32_t depth) {
  volatile uint8_t frame[200];
  frame[depth % 200] = (uint8_t)depth;
  return recurse_pointer(instance, depth + 1) + frame[depth % 200];
}

static void end(w2n_instance *instance) { (void)instance; }

static const w2n_function functions[F_COUNT] = {
    {NULL, T_FD_WRITE, NULL},   {NULL, T_I_V, NULL},         {NULL, T_II_I, NULL},
    {NULL, T_II_I, NULL},       {NULL, T_II_I, NULL},        {NULL, T_II_I, NULL},
    {NULL, T_FD_READDIR, NULL}, {NULL, T_FD_WRITE, NULL},    {(void *)start, T_VOID, "_start"},
    {(void *)trapper, T_VOID, "trapper"}, {(void *)loader, T_I_I, "loader"},
    {(void *)recurse, T_I_I, "recurse"},  {(void *)end, T_VOID, "end"},
};

static void invoke(w2n_instance *instance, uint32_t index, const w2n_value *args, w2n_value *results) {
  (void)args;
  (void)results;
  if (index != F_START)
    w2n_trap(W2N_TRAP_UNDEFINED_ELEMENT);
  start(instance);
}

static const w2n_limits memories[] = {{1, 0, 0}};
static const w2n_export exports[] = {{"_start", W2N_EXTERN_FUNC, F_START, 6}, {"memory", W2N_EXTERN_MEMORY, 0, 6}};

const w2n_module w2n_main_module = {
    "main-test", T_COUNT, types, 8, imports, F_COUNT, functions, 0, NULL, 1, memories, 0, NULL,
    2,           exports, 0,     NULL,  0, NULL,    NULL,    -1,        invoke,
};

static const char *const granted_dirs[] = {".", NULL};
static const char *const granted_env[] = {"W2N_TEST=1", "HOME", NULL};
const w2n_main_config w2n_main_config_data = {granted_dirs, granted_env, 0, 0, 0};
