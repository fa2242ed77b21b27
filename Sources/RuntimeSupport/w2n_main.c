/*
 * w2n_main.c: `main` of the executables wasm2native produces, compiled only with
 * -DW2N_EXECUTABLE_MAIN (Codegen passes it; the host build of RuntimeSupport has no `main`).
 *
 * It sets up WASI from w2n_main_config_data (granted directories and environment) and the
 * process's argv (argv[0] included, unchanged), instantiates w2n_main_module, calls its `_start`
 * export and exits:
 *   - with proc_exit's status when the guest calls it (during `_start` or the start function),
 *   - 0 when `_start` returns,
 *   - W2N_EXIT_TRAP (134, like an abort) after "wasm2native: trap: <message>[ in function <name>]"
 *     on stderr when the guest traps,
 *   - 1 after "wasm2native: <reason>" when WASI setup or instantiation fails,
 *   - W2N_EXIT_SIGTERM (143) / W2N_EXIT_SIGINT (130) at once on SIGTERM / SIGINT: as PID 1 in a
 *     container the process would otherwise ignore them.
 * SIGPIPE is ignored, so that writing to a closed pipe is the EPIPE error (as in wasmtime).
 *
 * The guest's environment always has W2N_ENGINE=aot (unless a grant sets W2N_ENGINE itself), so a
 * guest can tell which engine runs it; the interpreter sets W2N_ENGINE=interpreter.
 *
 * Grants given at compile time can be adjusted at deployment, without recompiling, through the
 * process's environment (unless compiled with --lock-grants); each variable that is set replaces
 * the compiled-in value:
 *   W2N_DIRS         directory grants, separated by ',': HOST, HOST::GUEST, either with ":ro"
 *                    ("" grants none)
 *   W2N_ENV          environment grants, separated by ',': NAME (the process's value) or NAME=VALUE
 *   W2N_INHERIT_ENV  1: the guest sees the whole environment; 0: only W2N_ENV / --env
 *   W2N_NET          1: the network is granted; 0: refused
 */
#ifdef W2N_EXECUTABLE_MAIN

#include "w2n_internal.h"
#include "w2n_wasi.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void exit_on_signal(int signal_number) { _exit(signal_number == SIGTERM ? W2N_EXIT_SIGTERM : W2N_EXIT_SIGINT); }

static void install_signal_handlers(void) {
  struct sigaction action;
  memset(&action, 0, sizeof action);
  sigemptyset(&action.sa_mask);
  action.sa_handler = exit_on_signal;
  sigaction(SIGTERM, &action, NULL);
  sigaction(SIGINT, &action, NULL);
  action.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &action, NULL);
}

static int report_trap(const w2n_instance *instance, w2n_trap_code trap) {
  uint32_t function;
  const char *name = NULL;
  if (instance != NULL && w2n_last_trap_function(instance, &function))
    name = instance->module->functions[function].name;
  if (name != NULL)
    fprintf(stderr, "wasm2native: trap: %s in function %s\n", w2n_trap_message(trap), name);
  else
    fprintf(stderr, "wasm2native: trap: %s\n", w2n_trap_message(trap));
  return W2N_EXIT_TRAP;
}

/* The exit status for how a guarded call of the guest ended. */
static int exit_status(const w2n_instance *instance, const w2n_wasi *wasi, w2n_trap_code trap) {
  if (trap == W2N_TRAP_NONE)
    return 0;
  if (trap == W2N_TRAP_EXIT)
    return (int)w2n_wasi_exit_status(wasi);
  return report_trap(instance, trap);
}

/* Splits a ','-separated list into a NULL-terminated array (empty items dropped); NULL when out
 * of memory. The strings point into a copy of `text` kept in *storage. */
static const char **split_list(const char *text, char **storage) {
  size_t count = 1;
  for (const char *p = text; *p != '\0'; p++)
    count += *p == ',';
  const char **items = calloc(count + 1, sizeof *items);
  char *copy = strdup(text);
  if (items == NULL || copy == NULL) {
    free(items);
    free(copy);
    return NULL;
  }
  size_t used = 0;
  for (char *item = copy, *next; item != NULL; item = next) {
    next = strchr(item, ',');
    if (next != NULL)
      *next++ = '\0';
    if (*item != '\0')
      items[used++] = item;
  }
  items[used] = NULL;
  *storage = copy;
  return items;
}

/* 1 / 0 for a W2N_* switch that is set to 1 / 0 (or true / false, yes / no); -1 when unset. */
static int switch_value(const char *name) {
  const char *value = getenv(name);
  if (value == NULL)
    return -1;
  return strcmp(value, "1") == 0 || strcmp(value, "true") == 0 || strcmp(value, "yes") == 0;
}

/* The compiled-in grants with the deployment's W2N_* adjustments (see the top of the file). */
static int effective_config(w2n_main_config *config, char **storage) {
  *config = w2n_main_config_data;
  if (config->lock_grants)
    return 0;
  const char *dirs = getenv("W2N_DIRS"), *env = getenv("W2N_ENV");
  if (dirs != NULL && (config->dirs = split_list(dirs, &storage[0])) == NULL)
    return -1;
  if (env != NULL && (config->env = split_list(env, &storage[1])) == NULL)
    return -1;
  int inherit = switch_value("W2N_INHERIT_ENV"), network = switch_value("W2N_NET");
  if (inherit >= 0)
    config->inherit_env = (uint32_t)inherit;
  if (network >= 0)
    config->allow_network = (uint32_t)network;
  return 0;
}

int main(int argc, char **argv) {
  install_signal_handlers();
  char error[512];
  w2n_main_config config;
  char *storage[2] = {NULL, NULL};
  if (effective_config(&config, storage) != 0) {
    fprintf(stderr, "wasm2native: out of memory\n");
    return 1;
  }
  w2n_wasi *wasi = w2n_wasi_create(argc, (const char *const *)argv, &config, error, sizeof error);
  if (wasi == NULL) {
    fprintf(stderr, "wasm2native: %s\n", error);
    return 1;
  }
  if (w2n_wasi_env_default(wasi, "W2N_ENGINE=aot") != 0) {
    fprintf(stderr, "wasm2native: out of memory\n");
    return 1;
  }
  w2n_instance *instance = NULL;
  w2n_trap_code trap = W2N_TRAP_NONE;
  w2n_instantiate_status status = w2n_instantiate_with_wasi(&w2n_main_module, wasi, NULL, NULL, &instance, &trap);
  if (status == W2N_INSTANTIATE_TRAP)
    return exit_status(instance, wasi, trap);
  if (status != W2N_INSTANTIATE_OK) {
    fprintf(stderr, "wasm2native: cannot instantiate the module: %s\n", w2n_instantiate_error());
    return 1;
  }
  uint32_t start;
  if (!w2n_find_export(instance, "_start", W2N_EXTERN_FUNC, &start)) {
    fprintf(stderr, "wasm2native: the module exports no `_start` function\n");
    return 1;
  }
  return exit_status(instance, wasi, w2n_invoke(instance, start, NULL, NULL));
}

#else

/* ISO C forbids an empty translation unit. */
typedef int w2n_main_is_not_compiled;

#endif /* W2N_EXECUTABLE_MAIN */
