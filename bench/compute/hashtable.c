// hashtable: an open-addressing hash table (linear probing, backward-shift deletion, growth at
// 70% load) from 64-bit keys to 64-bit values, under a deterministic mix of inserts, lookups
// (hits and misses) and deletes. Written for wasm2native's benchmarks.
//
//   hashtable [OPS]     default 8000000 (operations per phase, three phases)
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
    uint64_t *keys;  // 0 marks an empty slot (keys are never 0)
    uint64_t *values;
    uint32_t mask, count;
} table;

static inline uint32_t slot_of(uint64_t key, uint32_t mask) {
    key ^= key >> 33;
    key *= 0xff51afd7ed558ccdu;
    key ^= key >> 33;
    return (uint32_t)key & mask;
}

static void table_init(table *t, uint32_t capacity) {
    t->keys = calloc(capacity, sizeof *t->keys);
    t->values = malloc(capacity * sizeof *t->values);
    if (!t->keys || !t->values) exit(1);
    t->mask = capacity - 1;
    t->count = 0;
}

static void table_put(table *t, uint64_t key, uint64_t value);

static void grow(table *t) {
    table bigger;
    table_init(&bigger, (t->mask + 1) * 2);
    for (uint32_t i = 0; i <= t->mask; i++) {
        if (t->keys[i]) table_put(&bigger, t->keys[i], t->values[i]);
    }
    free(t->keys);
    free(t->values);
    *t = bigger;
}

// Inserts or replaces; returns nothing (the count tells).
static void table_put(table *t, uint64_t key, uint64_t value) {
    if ((uint64_t)(t->count + 1) * 10 > (uint64_t)(t->mask + 1) * 7) grow(t);
    uint32_t i = slot_of(key, t->mask);
    while (t->keys[i] && t->keys[i] != key) i = (i + 1) & t->mask;
    if (!t->keys[i]) t->count++;
    t->keys[i] = key;
    t->values[i] = value;
}

static int table_get(const table *t, uint64_t key, uint64_t *value) {
    uint32_t i = slot_of(key, t->mask);
    while (t->keys[i]) {
        if (t->keys[i] == key) {
            *value = t->values[i];
            return 1;
        }
        i = (i + 1) & t->mask;
    }
    return 0;
}

static int table_delete(table *t, uint64_t key) {
    uint32_t i = slot_of(key, t->mask);
    while (t->keys[i] && t->keys[i] != key) i = (i + 1) & t->mask;
    if (!t->keys[i]) return 0;
    // Backward-shift: move later entries of the cluster into the hole when their home allows it.
    uint32_t hole = i;
    for (uint32_t j = (i + 1) & t->mask; t->keys[j]; j = (j + 1) & t->mask) {
        uint32_t home = slot_of(t->keys[j], t->mask);
        if (((j - home) & t->mask) >= ((j - hole) & t->mask)) {
            t->keys[hole] = t->keys[j];
            t->values[hole] = t->values[j];
            hole = j;
        }
    }
    t->keys[hole] = 0;
    t->count--;
    return 1;
}

static uint64_t state = 0x243f6a8885a308d3u;
static uint64_t next_random(void) {
    state ^= state << 7;
    state ^= state >> 9;
    return state;
}

int main(int argc, char **argv) {
    uint32_t ops = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 8000000u;
    uint32_t key_space = ops / 2 + 1;  // keys 1..key_space, so operations hit existing keys often
    table t;
    table_init(&t, 1024);
    uint64_t sum = 0, hits = 0, misses = 0, deleted = 0, value;
    // Phase 1: inserts and updates.
    for (uint32_t i = 0; i < ops; i++) {
        uint64_t key = next_random() % key_space + 1;
        table_put(&t, key, key * 3 + i);
    }
    uint32_t after_inserts = t.count;
    // Phase 2: lookups, about half of them for absent keys.
    for (uint32_t i = 0; i < ops; i++) {
        uint64_t key = next_random() % (2 * (uint64_t)key_space) + 1;
        if (table_get(&t, key, &value)) {
            hits++;
            sum += value;
        } else {
            misses++;
        }
    }
    // Phase 3: deletes mixed with inserts and lookups.
    for (uint32_t i = 0; i < ops; i++) {
        uint64_t r = next_random(), key = r % key_space + 1;
        switch ((r >> 40) % 3) {
            case 0: deleted += (uint64_t)table_delete(&t, key); break;
            case 1: table_put(&t, key, i); break;
            default:
                if (table_get(&t, key, &value)) sum ^= value * 0x9e3779b97f4a7c15u;
                break;
        }
    }
    // Every stored key must be reachable from its home slot, and the count must match.
    uint32_t stored = 0;
    for (uint32_t i = 0; i <= t.mask; i++) {
        if (!t.keys[i]) continue;
        stored++;
        if (!table_get(&t, t.keys[i], &value) || value != t.values[i]) {
            fprintf(stderr, "hashtable: key %" PRIu64 " lost\n", t.keys[i]);
            return 1;
        }
    }
    if (stored != t.count) {
        fprintf(stderr, "hashtable: count %" PRIu32 " but %" PRIu32 " stored\n", t.count, stored);
        return 1;
    }
    printf("hashtable ops=%" PRIu32 "\nafter inserts %" PRIu32 ", hits %" PRIu64 ", misses %" PRIu64
           ", deleted %" PRIu64 ", final %" PRIu32 " in %" PRIu32 " slots, sum %016" PRIx64 "\n",
           ops, after_inserts, hits, misses, deleted, t.count, t.mask + 1, sum);
    return 0;
}
