/*
 * wasi/args_env.c: args_get, args_sizes_get, environ_get, environ_sizes_get. The guest sees the
 * context's argument list (argv[0] as given) and its environment entries, nothing else.
 */
#include "wasi_internal.h"

/* Writes `count` pointers at `pointers` and the NUL-terminated strings they point to at `buffer`. */
static uint32_t write_strings(w2n_instance *instance, char *const *strings, uint32_t count, uint32_t size,
                              uint32_t pointers, uint32_t buffer) {
  uint8_t *table = w2n_guest(instance, pointers, (uint64_t)count * 4);
  uint8_t *bytes = w2n_guest(instance, buffer, size);
  if (table == NULL || bytes == NULL)
    return W2N_WASI_FAULT;
  uint32_t offset = 0;
  for (uint32_t i = 0; i < count; i++) {
    size_t length = strlen(strings[i]) + 1;
    w2n_store32(table + 4 * (size_t)i, buffer + offset);
    memcpy(bytes + offset, strings[i], length);
    offset += (uint32_t)length;
  }
  return W2N_WASI_SUCCESS;
}

static uint32_t write_sizes(w2n_instance *instance, uint32_t count, uint32_t size, uint32_t count_out,
                            uint32_t size_out) {
  uint32_t error = w2n_wasi_put32(instance, count_out, count);
  return error != W2N_WASI_SUCCESS ? error : w2n_wasi_put32(instance, size_out, size);
}

uint32_t w2n_import_wasi_snapshot_preview1_args_get(w2n_instance *instance, uint32_t argv, uint32_t argv_buf) {
  w2n_wasi *wasi = w2n_wasi_of(instance);
  return write_strings(instance, wasi->argv, wasi->argc, wasi->args_size, argv, argv_buf);
}

uint32_t w2n_import_wasi_snapshot_preview1_args_sizes_get(w2n_instance *instance, uint32_t argc_out,
                                                          uint32_t argv_buf_size_out) {
  w2n_wasi *wasi = w2n_wasi_of(instance);
  return write_sizes(instance, wasi->argc, wasi->args_size, argc_out, argv_buf_size_out);
}

uint32_t w2n_import_wasi_snapshot_preview1_environ_get(w2n_instance *instance, uint32_t environ_pointers,
                                                       uint32_t environ_buf) {
  w2n_wasi *wasi = w2n_wasi_of(instance);
  return write_strings(instance, wasi->env, wasi->envc, wasi->env_size, environ_pointers, environ_buf);
}

uint32_t w2n_import_wasi_snapshot_preview1_environ_sizes_get(w2n_instance *instance, uint32_t count_out,
                                                             uint32_t buf_size_out) {
  w2n_wasi *wasi = w2n_wasi_of(instance);
  return write_sizes(instance, wasi->envc, wasi->env_size, count_out, buf_size_out);
}
