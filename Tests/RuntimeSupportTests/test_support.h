/*
 * test_support.h: the small check framework of the RuntimeSupport tests, and helpers that stand in
 * for generated code (calling an import through its funcref, guest memory stores).
 */
#ifndef W2N_TEST_SUPPORT_H
#define W2N_TEST_SUPPORT_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "w2n_runtime.h"
#include "w2n_wasi.h"

/* The counters CHECK updates: the test program defines `tests_passed` and `tests_failed`. */
#define CHECK(condition)                                                                                            \
  do {                                                                                                              \
    if (condition) {                                                                                                \
      tests_passed++;                                                                                               \
    } else {                                                                                                        \
      tests_failed++;                                                                                               \
      fprintf(stderr, "FAILED %s:%d: %s\n", __FILE__, __LINE__, #condition);                                        \
    }                                                                                                               \
  } while (0)

#define CHECK_EQ(actual, expected)                                                                                  \
  do {                                                                                                              \
    unsigned long long actual_value = (unsigned long long)(actual);                                                 \
    unsigned long long expected_value = (unsigned long long)(expected);                                             \
    if (actual_value == expected_value) {                                                                           \
      tests_passed++;                                                                                               \
    } else {                                                                                                        \
      tests_failed++;                                                                                               \
      fprintf(stderr, "FAILED %s:%d: %s == %llu, expected %s == %llu\n", __FILE__, __LINE__, #actual, actual_value, \
              #expected, expected_value);                                                                           \
    }                                                                                                               \
  } while (0)

/* Generated code calls an import through instance->functions[i]: code with the funcref's own
 * instance first. These casts do the same for the WASI signatures the tests use. */
typedef uint32_t (*w2n_fn_i)(w2n_instance *, uint32_t);
typedef uint32_t (*w2n_fn_ii)(w2n_instance *, uint32_t, uint32_t);
typedef uint32_t (*w2n_fn_iii)(w2n_instance *, uint32_t, uint32_t, uint32_t);
typedef uint32_t (*w2n_fn_iiii)(w2n_instance *, uint32_t, uint32_t, uint32_t, uint32_t);
typedef uint32_t (*w2n_fn_iIi)(w2n_instance *, uint32_t, uint64_t, uint32_t);
typedef void (*w2n_fn_exit)(w2n_instance *, uint32_t);

#define CALL_IMPORT(instance, index, type, ...)                                                                     \
  (((type)(instance)->functions[index]->code)((instance)->functions[index]->instance, __VA_ARGS__))

static inline void guest_store32(w2n_instance *instance, uint32_t address, uint32_t value) {
  memcpy(instance->memory0 + address, &value, 4);
}

static inline uint32_t guest_load32(w2n_instance *instance, uint32_t address) {
  uint32_t value;
  memcpy(&value, instance->memory0 + address, 4);
  return value;
}

static inline uint64_t guest_load64(w2n_instance *instance, uint32_t address) {
  uint64_t value;
  memcpy(&value, instance->memory0 + address, 8);
  return value;
}

#endif /* W2N_TEST_SUPPORT_H */
