/*
 * spec_host.c: the `spectest` module of the spec suite, as the reference interpreter defines it
 * (interpreter/host/spectest.ml): print functions, global_i32 = 666, global_i64 = 666,
 * global_f32 = 666.6, global_f64 = 666.6 (immutable), `table` (10..20 funcref) and `memory`
 * (1..2 pages). The table and the memory come from RuntimeSupport's host-object API, so the
 * memory is a real reservation and generated code accesses it like its own.
 *
 * The print functions are native functions with the signature generated code calls through a
 * funcref: the instance pointer (the funcref's, NULL here) first, then the wasm parameters.
 */
#include "spec_host.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SPEC_HOST_FUNCTIONS = 7 };

struct spec_host {
  w2n_funcref functions[SPEC_HOST_FUNCTIONS];
  w2n_value global_i32, global_i64, global_f32, global_f64;
  w2n_table *table;
  w2n_memory *memory;
};

/* Whether the print functions write (one flag per process: the functions get no host pointer). */
static int print_enabled;

static void print_line(const char *text) {
  if (print_enabled) {
    fputs(text, stdout);
    fputc('\n', stdout);
  }
}

static void print_i32_value(uint32_t value) {
  char line[64];
  snprintf(line, sizeof line, "%d : i32", (int32_t)value);
  print_line(line);
}

static void print_i64_value(uint64_t value) {
  char line[64];
  snprintf(line, sizeof line, "%lld : i64", (long long)(int64_t)value);
  print_line(line);
}

static void print_f32_value(float value) {
  char line[64];
  snprintf(line, sizeof line, "%.9g : f32", (double)value);
  print_line(line);
}

static void print_f64_value(double value) {
  char line[64];
  snprintf(line, sizeof line, "%.17g : f64", value);
  print_line(line);
}

static void host_print(w2n_instance *instance) {
  (void)instance;
  print_line("");
}

static void host_print_i32(w2n_instance *instance, uint32_t value) {
  (void)instance;
  print_i32_value(value);
}

static void host_print_i64(w2n_instance *instance, uint64_t value) {
  (void)instance;
  print_i64_value(value);
}

static void host_print_f32(w2n_instance *instance, float value) {
  (void)instance;
  print_f32_value(value);
}

static void host_print_f64(w2n_instance *instance, double value) {
  (void)instance;
  print_f64_value(value);
}

static void host_print_i32_f32(w2n_instance *instance, uint32_t a, float b) {
  (void)instance;
  print_i32_value(a);
  print_f32_value(b);
}

static void host_print_f64_f64(w2n_instance *instance, double a, double b) {
  (void)instance;
  print_f64_value(a);
  print_f64_value(b);
}

/* The functions by name, with their native code and signature (w2n_func_type's format). */
static const struct {
  const char *name;
  void *code;
  const char *signature;
} host_functions[SPEC_HOST_FUNCTIONS] = {
    {"print", (void *)host_print, ":"},
    {"print_i32", (void *)host_print_i32, "i:"},
    {"print_i64", (void *)host_print_i64, "I:"},
    {"print_f32", (void *)host_print_f32, "f:"},
    {"print_f64", (void *)host_print_f64, "F:"},
    {"print_i32_f32", (void *)host_print_i32_f32, "if:"},
    {"print_f64_f64", (void *)host_print_f64_f64, "FF:"},
};

spec_host *spec_host_new(int print) {
  print_enabled = print;
  spec_host *host = calloc(1, sizeof *host);
  if (host == NULL)
    return NULL;
  for (uint32_t i = 0; i < SPEC_HOST_FUNCTIONS; i++) {
    host->functions[i].code = host_functions[i].code;
    host->functions[i].type_id = w2n_intern_type(host_functions[i].signature);
    host->functions[i].function_index = i;
    host->functions[i].instance = NULL;
  }
  host->global_i32.i32 = 666;
  host->global_i64.i64 = 666;
  float f32 = 666.6f;
  double f64 = 666.6;
  memcpy(&host->global_f32.f32, &f32, sizeof f32);
  memcpy(&host->global_f64.f64, &f64, sizeof f64);
  host->table = w2n_table_new(W2N_KIND_FUNCREF, 10, 20, 1);
  host->memory = w2n_memory_new(1, 2, 1);
  if (host->table == NULL || host->memory == NULL) {
    spec_host_free(host);
    return NULL;
  }
  return host;
}

void spec_host_free(spec_host *host) {
  if (host == NULL)
    return;
  if (host->table != NULL)
    w2n_table_free(host->table);
  if (host->memory != NULL)
    w2n_memory_free(host->memory);
  free(host);
}

/* Sets *out to the global `cell` of `kind` (immutable). */
static void global_extern(w2n_value *cell, uint32_t kind, w2n_extern *out) {
  memset(out, 0, sizeof *out);
  out->global = cell;
  out->global_type.kind = kind;
  out->global_type.is_mutable = 0;
}

int spec_host_resolve(spec_host *host, const w2n_import *import, w2n_extern *out) {
  const char *name = import->name;
  int kind = -1; /* the kind spectest exports `name` as */
  w2n_extern found;
  memset(&found, 0, sizeof found);
  for (uint32_t i = 0; i < SPEC_HOST_FUNCTIONS; i++) {
    if (strcmp(name, host_functions[i].name) == 0) {
      kind = W2N_EXTERN_FUNC;
      found.func = &host->functions[i];
    }
  }
  if (strcmp(name, "global_i32") == 0) {
    kind = W2N_EXTERN_GLOBAL;
    global_extern(&host->global_i32, W2N_KIND_I32, &found);
  } else if (strcmp(name, "global_i64") == 0) {
    kind = W2N_EXTERN_GLOBAL;
    global_extern(&host->global_i64, W2N_KIND_I64, &found);
  } else if (strcmp(name, "global_f32") == 0) {
    kind = W2N_EXTERN_GLOBAL;
    global_extern(&host->global_f32, W2N_KIND_F32, &found);
  } else if (strcmp(name, "global_f64") == 0) {
    kind = W2N_EXTERN_GLOBAL;
    global_extern(&host->global_f64, W2N_KIND_F64, &found);
  } else if (strcmp(name, "table") == 0) {
    kind = W2N_EXTERN_TABLE;
    found.table = host->table;
  } else if (strcmp(name, "memory") == 0) {
    kind = W2N_EXTERN_MEMORY;
    found.memory = host->memory;
  }
  if (kind < 0)
    return 0;
  if ((uint32_t)kind != import->kind)
    return -1;
  *out = found;
  return 1;
}
