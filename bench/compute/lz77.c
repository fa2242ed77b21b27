// lz77: LZ77-style compression and decompression round trip, written for wasm2native's
// benchmarks. The input is generated text (words drawn from a skewed distribution, sometimes a
// copy of an earlier passage, sometimes random bytes). The compressor finds matches with a hash
// table of 4-byte prefixes and chains of earlier positions in a 64 KiB window (greedy, at most 48
// candidates); the format is a sequence of tokens: a byte with the literal count (high nibble) and
// match length - 4 (low nibble), each 15 extended by bytes of 255.., the literals, a 2-byte offset.
// The round trip must reproduce the input exactly.
//
//   lz77 [MB]     default 64
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WINDOW 65536
#define HASH_BITS 16
#define MIN_MATCH 4
#define MAX_CHAIN 48

static uint64_t rng = 0x2545f4914f6cdd1du;
static uint32_t next_random(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 32);
}

static void generate(uint8_t *out, size_t size) {
    enum { WORDS = 512 };
    char words[WORDS][12];
    for (int w = 0; w < WORDS; w++) {
        int length = 1 + next_random() % 9;
        for (int i = 0; i < length; i++) words[w][i] = (char)('a' + next_random() % 26);
        words[w][length] = 0;
    }
    size_t at = 0;
    while (at < size) {
        uint32_t kind = next_random() % 100;
        if (kind < 3 && at > 1000) {  // repeat an earlier passage
            size_t length = 20 + next_random() % 300, from = at - 1 - next_random() % (at < 60000 ? at - 1 : 60000);
            for (size_t i = 0; i < length && at < size; i++) out[at++] = out[from + i];
        } else if (kind < 5) {  // incompressible noise
            size_t length = 1 + next_random() % 64;
            for (size_t i = 0; i < length && at < size; i++) out[at++] = (uint8_t)next_random();
        } else {  // a word, skewed towards the first ones, then a separator
            uint32_t r = next_random() % WORDS;
            const char *word = words[(r * (next_random() % WORDS)) / WORDS];
            for (const char *p = word; *p && at < size; p++) out[at++] = (uint8_t)*p;
            if (at < size) out[at++] = (kind % 11 == 0) ? '\n' : (kind % 7 == 0) ? ',' : ' ';
        }
    }
}

static inline uint32_t read32(const uint8_t *p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static inline uint32_t hash4(const uint8_t *p) { return (read32(p) * 2654435761u) >> (32 - HASH_BITS); }

static uint8_t *put_length(uint8_t *op, size_t length) {
    while (length >= 255) {
        *op++ = 255;
        length -= 255;
    }
    *op++ = (uint8_t)length;
    return op;
}

static uint8_t *emit(uint8_t *op, const uint8_t *literals, size_t literal_count, size_t match_length, size_t offset) {
    uint8_t *token = op++;
    size_t match_code = match_length ? match_length - MIN_MATCH : 0;
    *token = (uint8_t)((literal_count < 15 ? literal_count : 15) << 4 | (match_code < 15 ? match_code : 15));
    if (literal_count >= 15) op = put_length(op, literal_count - 15);
    memcpy(op, literals, literal_count);
    op += literal_count;
    if (match_length) {
        *op++ = (uint8_t)offset;
        *op++ = (uint8_t)(offset >> 8);
        if (match_code >= 15) op = put_length(op, match_code - 15);
    }
    return op;
}

// Returns the compressed size. `out` must hold size + size / 255 + 16 bytes.
static size_t compress(const uint8_t *in, size_t size, uint8_t *out, int32_t *head, int32_t *chain) {
    for (size_t i = 0; i < (1u << HASH_BITS); i++) head[i] = -1;
    uint8_t *op = out;
    size_t pos = 0, anchor = 0;
    while (pos + MIN_MATCH <= size) {
        uint32_t h = hash4(in + pos);
        size_t best_length = 0, best_offset = 0;
        int32_t candidate = head[h];
        for (int tries = 0; candidate >= 0 && tries < MAX_CHAIN; tries++) {
            size_t offset = pos - (size_t)candidate;
            if (offset >= WINDOW) break;
            const uint8_t *a = in + candidate, *b = in + pos;
            if (a[best_length] == b[best_length] && read32(a) == read32(b)) {
                size_t length = 4, limit = size - pos;
                while (length < limit && a[length] == b[length]) length++;
                if (length > best_length) {
                    best_length = length;
                    best_offset = offset;
                    if (length >= 1024 || pos + length == size) break;
                }
            }
            candidate = chain[candidate & (WINDOW - 1)];
        }
        chain[pos & (WINDOW - 1)] = head[h];
        head[h] = (int32_t)pos;
        if (best_length >= MIN_MATCH) {
            op = emit(op, in + anchor, pos - anchor, best_length, best_offset);
            // Insert the matched positions into the hash chains (cheaply: every other one).
            size_t end = pos + best_length;
            for (size_t p = pos + 1; p + MIN_MATCH <= size && p < end; p += 2) {
                uint32_t hp = hash4(in + p);
                chain[p & (WINDOW - 1)] = head[hp];
                head[hp] = (int32_t)p;
            }
            pos = anchor = end;
        } else {
            pos++;
        }
    }
    op = emit(op, in + anchor, size - anchor, 0, 0);
    return (size_t)(op - out);
}

// Returns the decompressed size, or (size_t)-1 on a malformed stream.
static size_t decompress(const uint8_t *in, size_t size, uint8_t *out, size_t capacity) {
    const uint8_t *ip = in, *end = in + size;
    uint8_t *op = out, *op_end = out + capacity;
    while (ip < end) {
        uint8_t token = *ip++;
        size_t literal_count = token >> 4;
        if (literal_count == 15) {
            uint8_t b;
            do {
                if (ip >= end) return (size_t)-1;
                b = *ip++;
                literal_count += b;
            } while (b == 255);
        }
        if (literal_count > (size_t)(end - ip) || literal_count > (size_t)(op_end - op)) return (size_t)-1;
        memcpy(op, ip, literal_count);
        ip += literal_count;
        op += literal_count;
        if (ip == end) break;
        if (end - ip < 2) return (size_t)-1;
        size_t offset = ip[0] | (size_t)ip[1] << 8;
        ip += 2;
        size_t length = (token & 15) + MIN_MATCH;
        if ((token & 15) == 15) {
            uint8_t b;
            do {
                if (ip >= end) return (size_t)-1;
                b = *ip++;
                length += b;
            } while (b == 255);
        }
        if (offset == 0 || offset > (size_t)(op - out) || length > (size_t)(op_end - op)) return (size_t)-1;
        const uint8_t *from = op - offset;
        if (offset >= length) {
            memcpy(op, from, length);
            op += length;
        } else {
            while (length--) *op++ = *from++;  // overlapping copy: a run
        }
    }
    return (size_t)(op - out);
}

int main(int argc, char **argv) {
    int megabytes = argc > 1 ? atoi(argv[1]) : 64;
    size_t size = (size_t)megabytes << 20;
    uint8_t *input = malloc(size), *packed = malloc(size + size / 255 + 16), *output = malloc(size);
    int32_t *head = malloc(sizeof(int32_t) << HASH_BITS), *chain = malloc(sizeof(int32_t) * WINDOW);
    if (!input || !packed || !output || !head || !chain) return 1;
    generate(input, size);
    size_t packed_size = compress(input, size, packed, head, chain);
    size_t unpacked_size = 0;
    for (int round = 0; round < 3; round++) {  // decompression is much faster: do it three times
        memset(output, 0, size);
        unpacked_size = decompress(packed, packed_size, output, size);
    }
    if (unpacked_size != size || memcmp(input, output, size) != 0) {
        fprintf(stderr, "lz77: round trip failed (%zu of %zu bytes)\n", unpacked_size, size);
        return 1;
    }
    uint32_t fnv = 2166136261u;
    for (size_t i = 0; i < packed_size; i++) fnv = (fnv ^ packed[i]) * 16777619u;
    printf("lz77 %d MiB\n%zu -> %zu bytes (%.3f), round trip ok, fnv1a %08" PRIx32 "\n", megabytes, size,
           packed_size, (double)packed_size / (double)size, fnv);
    return 0;
}
