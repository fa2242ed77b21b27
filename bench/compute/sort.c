// sort: sorts N pseudo-random 32-bit keys with an introsort-style quicksort (median of three,
// insertion sort for short ranges) and a copy of them with a top-down merge sort that compares
// through a function pointer (an indirect call in wasm). Both results must be sorted and equal.
// Written for wasm2native's benchmarks.
//
//   sort [N]     default 10000000
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng = 0x853c49e6748fea9bu;
static uint32_t next_random(void) {  // splitmix-style mixer over a Weyl sequence
    uint64_t z = (rng += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return (uint32_t)((z ^ (z >> 31)) >> 32);
}

static void insertion_sort(uint32_t *a, long n) {
    for (long i = 1; i < n; i++) {
        uint32_t v = a[i];
        long j = i - 1;
        while (j >= 0 && a[j] > v) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = v;
    }
}

static void quicksort(uint32_t *a, long n) {
    while (n > 24) {
        uint32_t x = a[0], y = a[n / 2], z = a[n - 1];
        uint32_t pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
        long i = 0, j = n - 1;
        for (;;) {
            while (a[i] < pivot) i++;
            while (a[j] > pivot) j--;
            if (i >= j) break;
            uint32_t t = a[i];
            a[i] = a[j];
            a[j] = t;
            i++;
            j--;
        }
        // Recurse into the smaller part, loop on the larger one.
        long left = j + 1;
        if (left < n - left) {
            quicksort(a, left);
            a += left;
            n -= left;
        } else {
            quicksort(a + left, n - left);
            n = left;
        }
    }
    insertion_sort(a, n);
}

typedef int (*compare_fn)(const void *, const void *);

static int compare_keys(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static void merge_sort(uint32_t *a, uint32_t *scratch, long n, compare_fn compare) {
    if (n < 2) return;
    long half = n / 2;
    merge_sort(a, scratch, half, compare);
    merge_sort(a + half, scratch, n - half, compare);
    if (compare(&a[half - 1], &a[half]) <= 0) return;
    memcpy(scratch, a, half * sizeof *a);
    long i = 0, j = half, k = 0;
    while (i < half && j < n) a[k++] = compare(&a[j], &scratch[i]) < 0 ? a[j++] : scratch[i++];
    while (i < half) a[k++] = scratch[i++];
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 10000000;
    uint32_t *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b), *scratch = malloc((n / 2 + 1) * sizeof *b);
    if (!a || !b || !scratch) return 1;
    for (long i = 0; i < n; i++) a[i] = next_random() % 1000000007u;
    memcpy(b, a, n * sizeof *a);
    quicksort(a, n);
    compare_fn compare = compare_keys;
    merge_sort(b, scratch, n, compare);
    uint64_t checksum = 0;
    for (long i = 0; i < n; i++) {
        if (a[i] != b[i] || (i && a[i - 1] > a[i])) {
            fprintf(stderr, "sort: wrong result at %ld\n", i);
            return 1;
        }
        checksum = checksum * 31 + a[i];
    }
    printf("sort n=%ld\nmin %" PRIu32 " median %" PRIu32 " max %" PRIu32 " checksum %016" PRIx64 "\n", n, a[0],
           a[n / 2], a[n - 1], checksum);
    return 0;
}
