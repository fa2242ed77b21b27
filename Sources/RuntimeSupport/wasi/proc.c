/*
 * wasi/proc.c: proc_exit (records the status and ends the guarded call with W2N_TRAP_EXIT; the
 * host decides what exiting means), proc_raise (NOTSUP, as in wasmtime) and sched_yield.
 */
#include "wasi_internal.h"

#include <sched.h>

void w2n_import_wasi_snapshot_preview1_proc_exit(w2n_instance *instance, uint32_t status) {
  w2n_wasi *wasi = w2n_wasi_of(instance);
  wasi->exit_status = status;
  w2n_trap_at(W2N_TRAP_EXIT, W2N_CALLER_PC() - 1);
}

uint32_t w2n_import_wasi_snapshot_preview1_proc_raise(w2n_instance *instance, uint32_t signal) {
  (void)instance;
  (void)signal;
  return W2N_WASI_NOTSUP;
}

uint32_t w2n_import_wasi_snapshot_preview1_sched_yield(w2n_instance *instance) {
  (void)instance;
  sched_yield();
  return W2N_WASI_SUCCESS;
}
