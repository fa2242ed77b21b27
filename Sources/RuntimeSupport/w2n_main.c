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
 */
#ifdef W2N_EXECUTABLE_MAIN

#include "w2n_internal.h"
#include "w2n_wasi.h"

#include <signal.h>
#include <stdio.h>
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

int main(int argc, char **argv) {
  install_signal_handlers();
  char error[512];
  w2n_wasi *wasi = w2n_wasi_create(argc, (const char *const *)argv, &w2n_main_config_data, error, sizeof error);
  if (wasi == NULL) {
    fprintf(stderr, "wasm2native: %s\n", error);
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
