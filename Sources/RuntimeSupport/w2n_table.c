/*
 * w2n_table.c: tables and element segments.
 *
 * A table is a growable array of references (NULL is ref.null; funcref elements are
 * `w2n_funcref *`). table.grow returns the old size or -1 beyond the declared maximum or
 * W2N_TABLE_MAX_ELEMENTS; the element array may move on grow, so generated code reloads it.
 * table.fill / copy / init check their bounds before writing anything and trap with
 * "out of bounds table access"; elem.drop frees a segment's items.
 */
#include "w2n_internal.h"

#include <stdlib.h>
#include <string.h>

int w2n_table_init_storage(w2n_table *table, uint32_t elem_kind, uint64_t min, uint64_t max, int has_max) {
  memset(table, 0, sizeof *table);
  if (!has_max || max > UINT32_MAX)
    max = UINT32_MAX;
  if (min > max || min > W2N_TABLE_MAX_ELEMENTS)
    return -1;
  table->elements = calloc(min > 0 ? min : 1, sizeof(w2n_ref));
  if (table->elements == NULL)
    return -1;
  table->size = (uint32_t)min;
  table->max_size = (uint32_t)max;
  table->capacity = (uint32_t)min;
  table->elem_kind = elem_kind;
  table->has_max = has_max ? 1 : 0;
  return 0;
}

void w2n_table_release_storage(w2n_table *table) {
  free(table->elements);
  table->elements = NULL;
  table->size = table->capacity = 0;
}

w2n_table *w2n_table_new(uint32_t elem_kind, uint32_t min, uint32_t max, uint32_t has_max) {
  w2n_table *table = malloc(sizeof *table);
  if (table != NULL && w2n_table_init_storage(table, elem_kind, min, max, has_max != 0) != 0) {
    free(table);
    table = NULL;
  }
  return table;
}

void w2n_table_free(w2n_table *table) {
  if (table == NULL)
    return;
  w2n_table_release_storage(table);
  free(table);
}

#define W2N_TABLE_TRAP() w2n_trap_at(W2N_TRAP_OUT_OF_BOUNDS_TABLE, W2N_CALLER_PC() - 1)

w2n_ref w2n_table_get(w2n_instance *instance, uint32_t index, uint32_t element) {
  w2n_table *table = instance->tables[index];
  if (element >= table->size)
    W2N_TABLE_TRAP();
  return table->elements[element];
}

void w2n_table_set(w2n_instance *instance, uint32_t index, uint32_t element, w2n_ref value) {
  w2n_table *table = instance->tables[index];
  if (element >= table->size)
    W2N_TABLE_TRAP();
  table->elements[element] = value;
}

uint32_t w2n_table_size(w2n_instance *instance, uint32_t index) { return instance->tables[index]->size; }

uint32_t w2n_table_grow(w2n_instance *instance, uint32_t index, w2n_ref init, uint32_t delta) {
  w2n_table *table = instance->tables[index];
  uint32_t old_size = table->size;
  uint64_t new_size = (uint64_t)old_size + delta;
  if (new_size > table->max_size || new_size > W2N_TABLE_MAX_ELEMENTS)
    return UINT32_MAX;
  if (new_size > table->capacity) {
    uint64_t capacity = (uint64_t)table->capacity * 2;
    if (capacity < new_size)
      capacity = new_size;
    if (capacity > table->max_size)
      capacity = table->max_size;
    if (capacity > W2N_TABLE_MAX_ELEMENTS)
      capacity = W2N_TABLE_MAX_ELEMENTS;
    w2n_ref *elements = realloc(table->elements, (size_t)capacity * sizeof(w2n_ref));
    if (elements == NULL)
      return UINT32_MAX;
    table->elements = elements;
    table->capacity = (uint32_t)capacity;
  }
  for (uint64_t i = old_size; i < new_size; i++)
    table->elements[i] = init;
  table->size = (uint32_t)new_size;
  return old_size;
}

void w2n_table_fill(w2n_instance *instance, uint32_t index, uint32_t dest, w2n_ref value, uint32_t count) {
  w2n_table *table = instance->tables[index];
  if ((uint64_t)dest + count > table->size)
    W2N_TABLE_TRAP();
  for (uint32_t i = 0; i < count; i++)
    table->elements[dest + i] = value;
}

void w2n_table_copy(w2n_instance *instance, uint32_t dest_table, uint32_t source_table, uint32_t dest,
                    uint32_t source, uint32_t count) {
  w2n_table *to = instance->tables[dest_table];
  w2n_table *from = instance->tables[source_table];
  if ((uint64_t)dest + count > to->size || (uint64_t)source + count > from->size)
    W2N_TABLE_TRAP();
  if (count != 0)
    memmove(to->elements + dest, from->elements + source, (size_t)count * sizeof(w2n_ref));
}

void w2n_table_init(w2n_instance *instance, uint32_t index, uint32_t segment, uint32_t dest, uint32_t source,
                    uint32_t count) {
  w2n_table *table = instance->tables[index];
  const w2n_elem_segment *elem = &instance->elems[segment];
  if ((uint64_t)source + count > elem->count || (uint64_t)dest + count > table->size)
    W2N_TABLE_TRAP();
  if (count != 0)
    memcpy(table->elements + dest, elem->items + source, (size_t)count * sizeof(w2n_ref));
}

void w2n_elem_drop(w2n_instance *instance, uint32_t segment) {
  w2n_elem_segment *elem = &instance->elems[segment];
  free(elem->items);
  elem->items = NULL;
  elem->count = 0;
}
