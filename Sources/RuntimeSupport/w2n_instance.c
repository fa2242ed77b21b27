/*
 * w2n_instance.c: instantiation, exports, invocation and function type interning.
 *
 * w2n_instantiate follows the spec's order: resolve every import, allocate the module's own
 * memories, tables, globals and funcrefs, the element segments' item arrays and the data-dropped
 * flags, then run the generated `initialize` and the start function, each under a guard.
 *
 * Imports: WASI functions link to RuntimeSupport directly; everything else goes through the
 * host's resolver and is checked with the spec's import matching rules; a function import no one
 * resolves falls back to the descriptor's code for it when the compiler emitted one (a stub that
 * traps "unresolved import called").
 *
 * The instance is one allocation: the public struct w2n_instance that generated code reads, then
 * the private part below, which owns the storage.
 */
#include "w2n_internal.h"
#include "w2n_wasi.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The offsets generated code hard-codes (Sources/Lowering/RuntimeABI.swift). */
_Static_assert(offsetof(w2n_instance, memory0) == 0, "instance layout");
_Static_assert(offsetof(w2n_instance, memories) == 8, "instance layout");
_Static_assert(offsetof(w2n_instance, tables) == 16, "instance layout");
_Static_assert(offsetof(w2n_instance, globals) == 24, "instance layout");
_Static_assert(offsetof(w2n_instance, functions) == 32, "instance layout");
_Static_assert(offsetof(w2n_instance, type_ids) == 40, "instance layout");
_Static_assert(offsetof(w2n_instance, elems) == 48, "instance layout");
_Static_assert(offsetof(w2n_instance, data_dropped) == 56, "instance layout");
_Static_assert(offsetof(w2n_instance, module) == 64, "instance layout");
_Static_assert(offsetof(w2n_instance, wasi) == 72, "instance layout");
_Static_assert(offsetof(w2n_instance, host) == 80, "instance layout");
_Static_assert(offsetof(w2n_funcref, code) == 0 && offsetof(w2n_funcref, type_id) == 8 &&
                   offsetof(w2n_funcref, function_index) == 12 && offsetof(w2n_funcref, instance) == 16,
               "funcref layout");
_Static_assert(offsetof(w2n_memory, data) == 0 && offsetof(w2n_memory, size_bytes) == 8 &&
                   offsetof(w2n_memory, pages) == 16 && offsetof(w2n_memory, max_pages) == 20 &&
                   offsetof(w2n_memory, reserved) == 24 && offsetof(w2n_memory, has_max) == 32,
               "memory layout");
_Static_assert(offsetof(w2n_table, elements) == 0 && offsetof(w2n_table, size) == 8 &&
                   offsetof(w2n_table, max_size) == 12 && offsetof(w2n_table, capacity) == 16 &&
                   offsetof(w2n_table, elem_kind) == 20 && offsetof(w2n_table, has_max) == 24,
               "table layout");
_Static_assert(sizeof(w2n_value) == 16 && sizeof(w2n_elem_segment) == 16, "value and segment sizes");

typedef struct w2n_instance_private {
  w2n_instance public; /* first: a w2n_instance * is a w2n_instance_private * */
  uint32_t first_own_memory, first_own_table, first_own_global;
  w2n_memory *own_memories; /* module->num_memories - first_own_memory of them */
  w2n_table *own_tables;
  w2n_value *own_globals; /* right before `public`, in the same allocation (see allocate_instance) */
  w2n_funcref *own_funcrefs; /* one per function index; imports from hosts leave theirs unused */
  uint32_t *type_ids;
} w2n_instance_private;

/* Interning ------------------------------------------------------------------------------- */

typedef struct w2n_intern_slot {
  char *signature; /* NULL: empty */
  uint32_t id;
} w2n_intern_slot;

static pthread_mutex_t intern_lock = PTHREAD_MUTEX_INITIALIZER;
static w2n_intern_slot *intern_slots;
static size_t intern_capacity, intern_count;

static size_t intern_hash(const char *text) {
  uint64_t hash = 1469598103934665603ull; /* FNV-1a */
  for (; *text != '\0'; text++)
    hash = (hash ^ (uint8_t)*text) * 1099511628211ull;
  return (size_t)hash;
}

static w2n_intern_slot *intern_find(w2n_intern_slot *slots, size_t capacity, const char *signature) {
  size_t i = intern_hash(signature) & (capacity - 1);
  while (slots[i].signature != NULL && strcmp(slots[i].signature, signature) != 0)
    i = (i + 1) & (capacity - 1);
  return &slots[i];
}

static int intern_grow(void) {
  size_t capacity = intern_capacity ? intern_capacity * 2 : 64;
  w2n_intern_slot *slots = calloc(capacity, sizeof *slots);
  if (slots == NULL)
    return -1;
  for (size_t i = 0; i < intern_capacity; i++)
    if (intern_slots[i].signature != NULL)
      *intern_find(slots, capacity, intern_slots[i].signature) = intern_slots[i];
  free(intern_slots);
  intern_slots = slots;
  intern_capacity = capacity;
  return 0;
}

uint32_t w2n_intern_type(const char *signature) {
  if (signature == NULL)
    signature = "";
  uint32_t id = 0;
  pthread_mutex_lock(&intern_lock);
  if ((intern_count + 1) * 2 <= intern_capacity || intern_grow() == 0) {
    w2n_intern_slot *slot = intern_find(intern_slots, intern_capacity, signature);
    if (slot->signature == NULL && (slot->signature = strdup(signature)) != NULL)
      slot->id = (uint32_t)++intern_count;
    id = slot->id;
  }
  pthread_mutex_unlock(&intern_lock);
  return id; /* 0 only when out of memory */
}

/* Errors ---------------------------------------------------------------------------------- */

static _Thread_local char instantiate_error[256];

const char *w2n_instantiate_error(void) { return instantiate_error; }

static w2n_instantiate_status fail(w2n_instantiate_status status, const char *format, ...) {
  va_list arguments;
  va_start(arguments, format);
  vsnprintf(instantiate_error, sizeof instantiate_error, format, arguments);
  va_end(arguments);
  return status;
}

/* Imports --------------------------------------------------------------------------------- */

/* Points functions[index] at the instance's own funcref for `code`, with the function's type. */
static void bind_own_function(w2n_instance_private *self, uint32_t index, void *code) {
  w2n_instance *instance = &self->public;
  const w2n_module *module = instance->module;
  uint32_t type_index = module->functions[index].type_index;
  w2n_funcref *funcref = &self->own_funcrefs[index];
  funcref->code = code;
  funcref->type_id = type_index < module->num_types ? self->type_ids[type_index] : 0;
  funcref->function_index = index;
  funcref->instance = instance;
  instance->functions[index] = funcref;
}

static int limits_match(uint64_t size, uint32_t has_max, uint64_t max, const w2n_limits *wanted) {
  if (size < wanted->min)
    return 0;
  return !wanted->has_max || (has_max && max <= wanted->max);
}

static w2n_instantiate_status resolve_import(w2n_instance_private *self, const w2n_import *import,
                                             w2n_import_resolver resolver, void *context) {
  w2n_instance *instance = &self->public;
  const w2n_module *module = instance->module;
  if (import->kind == W2N_EXTERN_FUNC && import->type >= module->num_types)
    return fail(W2N_INSTANTIATE_INCOMPATIBLE_IMPORT, "incompatible import type: %s.%s (no type %u)", import->module,
                import->name, import->type);
  if (import->kind == W2N_EXTERN_FUNC && strcmp(import->module, W2N_WASI_MODULE) == 0) {
    /* By name and type: WasmEdge's socket functions have a V1 and a V2 type under one name. */
    const w2n_wasi_function *function = w2n_wasi_lookup(import->name, module->types[import->type].signature);
    if (function != NULL) {
      bind_own_function(self, import->index, function->code);
      return W2N_INSTANTIATE_OK;
    }
    if ((function = w2n_wasi_find(import->name)) != NULL)
      return fail(W2N_INSTANTIATE_INCOMPATIBLE_IMPORT,
                  "incompatible import type: %s.%s (function type %s, expected %s)", import->module, import->name,
                  module->types[import->type].signature, function->signature);
  }
  w2n_extern found;
  memset(&found, 0, sizeof found);
  if (resolver == NULL || !resolver(context, import, &found)) {
    if (import->kind == W2N_EXTERN_FUNC && module->functions[import->index].code != NULL) {
      /* the compiler's stand-in (a trapping stub) */
      bind_own_function(self, import->index, module->functions[import->index].code);
      return W2N_INSTANTIATE_OK;
    }
    return fail(W2N_INSTANTIATE_UNKNOWN_IMPORT, "unknown import: %s.%s", import->module, import->name);
  }
  const char *mismatch = NULL;
  switch (import->kind) {
  case W2N_EXTERN_FUNC:
    if (found.func == NULL)
      mismatch = "not a function";
    else if (found.func->type_id != self->type_ids[import->type])
      mismatch = "function type";
    else
      instance->functions[import->index] = found.func;
    break;
  case W2N_EXTERN_TABLE:
    if (found.table == NULL)
      mismatch = "not a table";
    else if (found.table->elem_kind != import->type)
      mismatch = "table element type";
    else if (!limits_match(found.table->size, found.table->has_max, found.table->max_size, &import->limits))
      mismatch = "table limits";
    else
      instance->tables[import->index] = found.table;
    break;
  case W2N_EXTERN_MEMORY:
    if (found.memory == NULL)
      mismatch = "not a memory";
    else if (!limits_match(found.memory->pages, found.memory->has_max, found.memory->max_pages, &import->limits))
      mismatch = "memory limits";
    else
      instance->memories[import->index] = found.memory;
    break;
  case W2N_EXTERN_GLOBAL:
    if (found.global == NULL)
      mismatch = "not a global";
    else if (found.global_type.kind != import->type || found.global_type.is_mutable != import->is_mutable)
      mismatch = "global type";
    else
      instance->globals[import->index] = found.global;
    break;
  default:
    mismatch = "unsupported import kind";
    break;
  }
  if (mismatch != NULL)
    return fail(W2N_INSTANTIATE_INCOMPATIBLE_IMPORT, "incompatible import type: %s.%s (%s)", import->module,
                import->name, mismatch);
  return W2N_INSTANTIATE_OK;
}

/* Allocation ------------------------------------------------------------------------------ */

static void *allocate(size_t count, size_t size) { return calloc(count > 0 ? count : 1, size); }

/* Counts the imports of each kind: the module's own objects come after them. */
static void count_imports(const w2n_module *module, uint32_t counts[4]) {
  memset(counts, 0, 4 * sizeof counts[0]);
  for (uint32_t i = 0; i < module->num_imports; i++)
    if (module->imports[i].kind < 4)
      counts[module->imports[i].kind]++;
}

/* The module's own globals' cells lie right before the instance, in one allocation with it:
 * global i (not imported) at instance - 16 * (num_globals - i), where generated code reads and
 * writes it without going through `globals` (RuntimeABI.ownGlobalCellOffset). */
static w2n_instantiate_status allocate_instance(const w2n_module *module, w2n_instance_private **out) {
  uint32_t imported[4];
  count_imports(module, imported);
  size_t own_globals = module->num_globals - imported[W2N_EXTERN_GLOBAL];
  uint8_t *block = calloc(1, own_globals * sizeof(w2n_value) + sizeof(w2n_instance_private));
  if (block == NULL)
    return W2N_INSTANTIATE_OUT_OF_MEMORY;
  w2n_instance_private *self = (w2n_instance_private *)(block + own_globals * sizeof(w2n_value));
  *out = self;
  self->own_globals = (w2n_value *)block;
  w2n_instance *instance = &self->public;
  instance->module = module;
  self->first_own_table = imported[W2N_EXTERN_TABLE];
  self->first_own_memory = imported[W2N_EXTERN_MEMORY];
  self->first_own_global = imported[W2N_EXTERN_GLOBAL];

  self->type_ids = allocate(module->num_types, sizeof(uint32_t));
  instance->memories = allocate(module->num_memories, sizeof(w2n_memory *));
  instance->tables = allocate(module->num_tables, sizeof(w2n_table *));
  instance->globals = allocate(module->num_globals, sizeof(w2n_value *));
  instance->functions = allocate(module->num_functions, sizeof(w2n_funcref *));
  instance->elems = allocate(module->num_elems, sizeof(w2n_elem_segment));
  instance->data_dropped = allocate(module->num_data, 1);
  self->own_funcrefs = allocate(module->num_functions, sizeof(w2n_funcref));
  self->own_memories = allocate(module->num_memories - self->first_own_memory, sizeof(w2n_memory));
  self->own_tables = allocate(module->num_tables - self->first_own_table, sizeof(w2n_table));
  if (self->type_ids == NULL || instance->memories == NULL || instance->tables == NULL || instance->globals == NULL ||
      instance->functions == NULL || instance->elems == NULL || instance->data_dropped == NULL ||
      self->own_funcrefs == NULL || self->own_memories == NULL || self->own_tables == NULL)
    return W2N_INSTANTIATE_OUT_OF_MEMORY;
  instance->type_ids = self->type_ids;
  for (uint32_t i = 0; i < module->num_types; i++)
    if ((self->type_ids[i] = w2n_intern_type(module->types[i].signature)) == 0)
      return W2N_INSTANTIATE_OUT_OF_MEMORY;
  return W2N_INSTANTIATE_OK;
}

/* Allocates what the module defines itself; imports are resolved already. */
static w2n_instantiate_status allocate_own(w2n_instance_private *self) {
  w2n_instance *instance = &self->public;
  const w2n_module *module = instance->module;
  for (uint32_t i = self->first_own_memory; i < module->num_memories; i++) {
    w2n_memory *memory = &self->own_memories[i - self->first_own_memory];
    const w2n_limits *limits = &module->memories[i];
    if (w2n_memory_init_storage(memory, limits->min, limits->max, limits->has_max != 0) != 0)
      return fail(W2N_INSTANTIATE_OUT_OF_MEMORY, "cannot allocate memory %u (%llu pages)", i,
                  (unsigned long long)limits->min);
    instance->memories[i] = memory;
  }
  if (module->num_memories > 0)
    instance->memory0 = instance->memories[0]->data;
  for (uint32_t i = self->first_own_table; i < module->num_tables; i++) {
    w2n_table *table = &self->own_tables[i - self->first_own_table];
    const w2n_table_type *type = &module->tables[i];
    if (w2n_table_init_storage(table, type->elem_kind, type->limits.min, type->limits.max,
                               type->limits.has_max != 0) != 0)
      return fail(W2N_INSTANTIATE_OUT_OF_MEMORY, "cannot allocate table %u (%llu elements)", i,
                  (unsigned long long)type->limits.min);
    instance->tables[i] = table;
  }
  for (uint32_t i = self->first_own_global; i < module->num_globals; i++)
    instance->globals[i] = &self->own_globals[i - self->first_own_global];
  for (uint32_t i = 0; i < module->num_functions; i++)
    if (instance->functions[i] == NULL && module->functions[i].code != NULL)
      bind_own_function(self, i, module->functions[i].code); /* imports are bound already */
  for (uint32_t i = 0; i < module->num_elems; i++) {
    uint32_t count = module->elem_sizes[i];
    instance->elems[i].items = allocate(count, sizeof(w2n_ref));
    if (instance->elems[i].items == NULL)
      return W2N_INSTANTIATE_OUT_OF_MEMORY;
    instance->elems[i].count = count;
  }
  return W2N_INSTANTIATE_OK;
}

/* Instantiation --------------------------------------------------------------------------- */

static void run_initialize(w2n_instance *instance, void *data) {
  (void)data;
  if (instance->module->initialize != NULL)
    instance->module->initialize(instance);
}

w2n_instantiate_status w2n_instantiate_with_wasi(const w2n_module *module, struct w2n_wasi *wasi,
                                                 w2n_import_resolver resolver, void *context, w2n_instance **out,
                                                 w2n_trap_code *trap) {
  *out = NULL;
  if (trap != NULL)
    *trap = W2N_TRAP_NONE;
  instantiate_error[0] = '\0';
  w2n_instance_private *self = NULL;
  w2n_instantiate_status status = allocate_instance(module, &self);
  if (status == W2N_INSTANTIATE_OK) {
    self->public.wasi = wasi;
    for (uint32_t i = 0; i < module->num_imports && status == W2N_INSTANTIATE_OK; i++)
      status = resolve_import(self, &module->imports[i], resolver, context);
  }
  if (status == W2N_INSTANTIATE_OK)
    status = allocate_own(self);
  if (status != W2N_INSTANTIATE_OK) {
    if (status == W2N_INSTANTIATE_OUT_OF_MEMORY && instantiate_error[0] == '\0')
      fail(status, "out of memory");
    w2n_instance_free(self ? &self->public : NULL);
    return status;
  }
  w2n_instance *instance = &self->public;
  *out = instance;
  w2n_trap_code code = w2n_run_guarded(instance, run_initialize, NULL);
  if (code == W2N_TRAP_NONE && module->start >= 0)
    code = w2n_invoke(instance, (uint32_t)module->start, NULL, NULL);
  if (code != W2N_TRAP_NONE) {
    if (trap != NULL)
      *trap = code;
    return fail(W2N_INSTANTIATE_TRAP, "%s", w2n_trap_message(code));
  }
  return W2N_INSTANTIATE_OK;
}

w2n_instantiate_status w2n_instantiate(const w2n_module *module, w2n_import_resolver resolver, void *context,
                                       w2n_instance **out, w2n_trap_code *trap) {
  return w2n_instantiate_with_wasi(module, NULL, resolver, context, out, trap);
}

void w2n_instance_free(w2n_instance *instance) {
  if (instance == NULL)
    return;
  w2n_instance_private *self = (w2n_instance_private *)instance;
  const w2n_module *module = instance->module;
  if (self->own_memories != NULL)
    for (uint32_t i = self->first_own_memory; i < module->num_memories; i++)
      w2n_memory_release_storage(&self->own_memories[i - self->first_own_memory]);
  if (self->own_tables != NULL)
    for (uint32_t i = self->first_own_table; i < module->num_tables; i++)
      w2n_table_release_storage(&self->own_tables[i - self->first_own_table]);
  if (instance->elems != NULL)
    for (uint32_t i = 0; i < module->num_elems; i++)
      free(instance->elems[i].items);
  free(instance->memories);
  free(instance->tables);
  free(instance->globals);
  free(instance->functions);
  free(instance->elems);
  free(instance->data_dropped);
  free(self->own_funcrefs);
  free(self->own_memories);
  free(self->own_tables);
  free(self->type_ids);
  free(self->own_globals); /* the allocation that holds `self` too */
}

/* Exports and calls ----------------------------------------------------------------------- */

int w2n_find_export_bytes(const w2n_instance *instance, const char *name, size_t length, uint32_t kind,
                          uint32_t *index) {
  const w2n_module *module = instance->module;
  for (uint32_t i = 0; i < module->num_exports; i++) {
    const w2n_export *export = &module->exports[i];
    if (export->kind == kind && export->name_length == length && memcmp(export->name, name, length) == 0) {
      *index = export->index;
      return 1;
    }
  }
  return 0;
}

int w2n_find_export(const w2n_instance *instance, const char *name, uint32_t kind, uint32_t *index) {
  return w2n_find_export_bytes(instance, name, strlen(name), kind, index);
}

int w2n_get_extern(w2n_instance *instance, uint32_t kind, uint32_t index, w2n_extern *out) {
  const w2n_module *module = instance->module;
  memset(out, 0, sizeof *out);
  switch (kind) {
  case W2N_EXTERN_FUNC:
    if (index >= module->num_functions)
      return 0;
    out->func = instance->functions[index];
    return out->func != NULL;
  case W2N_EXTERN_TABLE:
    if (index >= module->num_tables)
      return 0;
    out->table = instance->tables[index];
    return 1;
  case W2N_EXTERN_MEMORY:
    if (index >= module->num_memories)
      return 0;
    out->memory = instance->memories[index];
    return 1;
  case W2N_EXTERN_GLOBAL:
    if (index >= module->num_globals)
      return 0;
    out->global = instance->globals[index];
    out->global_type = module->globals[index];
    return 1;
  default:
    return 0;
  }
}

typedef struct w2n_invoke_call {
  uint32_t function_index;
  const w2n_value *args;
  w2n_value *results;
} w2n_invoke_call;

static void run_invoke(w2n_instance *instance, void *data) {
  w2n_invoke_call *call = data;
  instance->module->invoke(instance, call->function_index, call->args, call->results);
}

w2n_trap_code w2n_invoke(w2n_instance *instance, uint32_t function_index, const w2n_value *args,
                         w2n_value *results) {
  w2n_invoke_call call = {function_index, args, results};
  return w2n_run_guarded(instance, run_invoke, &call);
}
