/*
 * w2n_memory.c: linear memories.
 *
 * A 32-bit memory reserves W2N_MEMORY_RESERVATION bytes of inaccessible address space
 * (PROT_NONE, MAP_NORESERVE) and makes the first `pages` pages readable and writable; memory.grow
 * commits more. The base never moves, so generated code loads it once. With W2N_BOUNDS_CHECKS=1
 * the reservation is only the memory's maximum (generated code checks every access), and the base
 * is just as stable.
 *
 * Every reservation is listed in a registry that the fault handler reads without locks (chunks of
 * atomic slots, only ever appended), so that a fault inside one becomes a trap.
 *
 * memory.fill / copy / init and data.drop follow the spec: bounds are checked before any byte is
 * written; memory.copy is memmove.
 */
#include "w2n_internal.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* The reservation registry ----------------------------------------------------------------- */

#define W2N_REGISTRY_CHUNK 64

typedef struct w2n_registry_chunk {
  _Atomic(uintptr_t) start[W2N_REGISTRY_CHUNK]; /* 0: free slot */
  _Atomic(uintptr_t) end[W2N_REGISTRY_CHUNK];
  struct w2n_registry_chunk *_Atomic next;
} w2n_registry_chunk;

static w2n_registry_chunk registry;
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;

static int registry_add(uintptr_t start, uintptr_t end) {
  pthread_mutex_lock(&registry_lock);
  w2n_registry_chunk *chunk = &registry;
  for (;;) {
    for (int i = 0; i < W2N_REGISTRY_CHUNK; i++) {
      if (atomic_load(&chunk->start[i]) == 0) {
        atomic_store(&chunk->end[i], end);
        atomic_store(&chunk->start[i], start); /* published last */
        pthread_mutex_unlock(&registry_lock);
        return 0;
      }
    }
    w2n_registry_chunk *next = atomic_load(&chunk->next);
    if (next == NULL) {
      next = calloc(1, sizeof *next);
      if (next == NULL) {
        pthread_mutex_unlock(&registry_lock);
        return -1;
      }
      atomic_store(&chunk->next, next);
    }
    chunk = next;
  }
}

static void registry_remove(uintptr_t start) {
  pthread_mutex_lock(&registry_lock);
  for (w2n_registry_chunk *chunk = &registry; chunk != NULL; chunk = atomic_load(&chunk->next)) {
    for (int i = 0; i < W2N_REGISTRY_CHUNK; i++) {
      if (atomic_load(&chunk->start[i]) == start) {
        atomic_store(&chunk->start[i], 0);
        atomic_store(&chunk->end[i], 0);
        pthread_mutex_unlock(&registry_lock);
        return;
      }
    }
  }
  pthread_mutex_unlock(&registry_lock);
}

int w2n_reservation_contains(uintptr_t address) {
  for (w2n_registry_chunk *chunk = &registry; chunk != NULL; chunk = atomic_load(&chunk->next)) {
    for (int i = 0; i < W2N_REGISTRY_CHUNK; i++) {
      uintptr_t start = atomic_load(&chunk->start[i]);
      if (start != 0 && address >= start && address < atomic_load(&chunk->end[i]))
        return 1;
    }
  }
  return 0;
}

/* Storage ---------------------------------------------------------------------------------- */

int w2n_memory_init_storage(w2n_memory *memory, uint64_t min_pages, uint64_t max_pages, int has_max) {
  memset(memory, 0, sizeof *memory);
  if (!has_max || max_pages > W2N_MAX_PAGES)
    max_pages = W2N_MAX_PAGES;
  if (min_pages > max_pages)
    return -1;
#if W2N_BOUNDS_CHECKS
  uint64_t reserved = max_pages > 0 ? max_pages * W2N_PAGE_SIZE : W2N_PAGE_SIZE;
#else
  uint64_t reserved = W2N_MEMORY_RESERVATION;
#endif
  uint8_t *data = w2n_os_reserve(reserved);
  if (data == NULL)
    return -1;
  if (w2n_os_commit(data, min_pages * W2N_PAGE_SIZE) != 0 ||
      registry_add((uintptr_t)data, (uintptr_t)data + reserved) != 0) {
    w2n_os_release(data, reserved);
    return -1;
  }
  memory->data = data;
  memory->size_bytes = min_pages * W2N_PAGE_SIZE;
  memory->pages = (uint32_t)min_pages;
  memory->max_pages = (uint32_t)max_pages;
  memory->reserved = reserved;
  memory->has_max = has_max ? 1 : 0;
  return 0;
}

void w2n_memory_release_storage(w2n_memory *memory) {
  if (memory->data == NULL)
    return;
  registry_remove((uintptr_t)memory->data);
  w2n_os_release(memory->data, memory->reserved);
  memory->data = NULL;
}

w2n_memory *w2n_memory_new(uint32_t min_pages, uint32_t max_pages, uint32_t has_max) {
  w2n_memory *memory = malloc(sizeof *memory);
  if (memory != NULL && w2n_memory_init_storage(memory, min_pages, max_pages, has_max != 0) != 0) {
    free(memory);
    memory = NULL;
  }
  return memory;
}

void w2n_memory_free(w2n_memory *memory) {
  if (memory == NULL)
    return;
  w2n_memory_release_storage(memory);
  free(memory);
}

/* Builtins --------------------------------------------------------------------------------- */

uint32_t w2n_memory_grow(w2n_instance *instance, uint32_t index, uint32_t delta_pages) {
  w2n_memory *memory = instance->memories[index];
  uint32_t old_pages = memory->pages;
  if (delta_pages == 0)
    return old_pages;
  uint64_t new_pages = (uint64_t)old_pages + delta_pages;
  if (new_pages > memory->max_pages || new_pages > W2N_MAX_PAGES)
    return UINT32_MAX;
  uint64_t new_size = new_pages * W2N_PAGE_SIZE;
  if (new_size > memory->reserved)
    return UINT32_MAX;
  if (w2n_os_commit(memory->data + memory->size_bytes, new_size - memory->size_bytes) != 0)
    return UINT32_MAX;
  memory->size_bytes = new_size;
  memory->pages = (uint32_t)new_pages;
  return old_pages;
}

void w2n_memory_fill(w2n_instance *instance, uint32_t index, uint32_t dest, uint32_t value, uint32_t count) {
  w2n_memory *memory = instance->memories[index];
  if ((uint64_t)dest + count > memory->size_bytes)
    w2n_trap_at(W2N_TRAP_OUT_OF_BOUNDS_MEMORY, W2N_CALLER_PC() - 1);
  if (count != 0)
    memset(memory->data + dest, (int)(uint8_t)value, count);
}

void w2n_memory_copy(w2n_instance *instance, uint32_t dest_memory, uint32_t source_memory, uint32_t dest,
                     uint32_t source, uint32_t count) {
  w2n_memory *to = instance->memories[dest_memory];
  w2n_memory *from = instance->memories[source_memory];
  if ((uint64_t)dest + count > to->size_bytes || (uint64_t)source + count > from->size_bytes)
    w2n_trap_at(W2N_TRAP_OUT_OF_BOUNDS_MEMORY, W2N_CALLER_PC() - 1);
  if (count != 0)
    memmove(to->data + dest, from->data + source, count);
}

void w2n_memory_init(w2n_instance *instance, uint32_t index, uint32_t segment, uint32_t dest, uint32_t source,
                     uint32_t count) {
  w2n_memory *memory = instance->memories[index];
  const w2n_data_segment *data = &instance->module->data[segment];
  uint64_t length = instance->data_dropped[segment] ? 0 : data->length;
  if ((uint64_t)source + count > length || (uint64_t)dest + count > memory->size_bytes)
    w2n_trap_at(W2N_TRAP_OUT_OF_BOUNDS_MEMORY, W2N_CALLER_PC() - 1);
  if (count != 0)
    memcpy(memory->data + dest, data->bytes + source, count);
}

void w2n_data_drop(w2n_instance *instance, uint32_t segment) { instance->data_dropped[segment] = 1; }
