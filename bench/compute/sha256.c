// sha256: SHA-256 (FIPS 180-4), implemented here from the standard, over a generated buffer.
// The buffer (MB mebibytes of xorshift output) is hashed 4 times, each round over the buffer
// with the previous digest written into its first 32 bytes, so every round depends on the last.
// Written for wasm2native's benchmarks; checks itself against the standard's "abc" test vector.
//
//   sha256 [MB]     default 96
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint32_t state[8];
    uint64_t length;
    uint8_t block[64];
    uint32_t used;
} sha256_context;

static const uint32_t k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

static void compress(uint32_t state[8], const uint8_t *block) {
    uint32_t w[64];
    for (int t = 0; t < 16; t++) {
        w[t] = (uint32_t)block[4 * t] << 24 | (uint32_t)block[4 * t + 1] << 16 |
               (uint32_t)block[4 * t + 2] << 8 | block[4 * t + 3];
    }
    for (int t = 16; t < 64; t++) {
        uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
        uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
        w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
    uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
    for (int t = 0; t < 64; t++) {
        uint32_t t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + k[t] + w[t];
        uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    state[0] += a;
    state[1] += b;
    state[2] += c;
    state[3] += d;
    state[4] += e;
    state[5] += f;
    state[6] += g;
    state[7] += h;
}

static void sha256_init(sha256_context *c) {
    static const uint32_t initial[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                        0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(c->state, initial, sizeof initial);
    c->length = 0;
    c->used = 0;
}

static void sha256_update(sha256_context *c, const uint8_t *data, size_t size) {
    c->length += size;
    if (c->used) {
        while (size && c->used < 64) {
            c->block[c->used++] = *data++;
            size--;
        }
        if (c->used < 64) return;
        compress(c->state, c->block);
        c->used = 0;
    }
    while (size >= 64) {
        compress(c->state, data);
        data += 64;
        size -= 64;
    }
    memcpy(c->block, data, size);
    c->used = (uint32_t)size;
}

static void sha256_final(sha256_context *c, uint8_t digest[32]) {
    uint64_t bits = c->length * 8;
    c->block[c->used++] = 0x80;
    if (c->used > 56) {
        memset(c->block + c->used, 0, 64 - c->used);
        compress(c->state, c->block);
        c->used = 0;
    }
    memset(c->block + c->used, 0, 56 - c->used);
    for (int i = 0; i < 8; i++) c->block[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
    compress(c->state, c->block);
    for (int i = 0; i < 8; i++) {
        digest[4 * i] = (uint8_t)(c->state[i] >> 24);
        digest[4 * i + 1] = (uint8_t)(c->state[i] >> 16);
        digest[4 * i + 2] = (uint8_t)(c->state[i] >> 8);
        digest[4 * i + 3] = (uint8_t)c->state[i];
    }
}

static void hex(const uint8_t digest[32], char out[65]) {
    for (int i = 0; i < 32; i++) snprintf(out + 2 * i, 3, "%02x", digest[i]);
}

int main(int argc, char **argv) {
    int megabytes = argc > 1 ? atoi(argv[1]) : 96;
    size_t size = (size_t)megabytes << 20;
    char text[65];
    uint8_t digest[32];

    sha256_context c;
    sha256_init(&c);
    sha256_update(&c, (const uint8_t *)"abc", 3);
    sha256_final(&c, digest);
    hex(digest, text);
    if (strcmp(text, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") != 0) {
        fprintf(stderr, "sha256: wrong digest of \"abc\": %s\n", text);
        return 1;
    }

    uint8_t *buffer = malloc(size + 32);
    if (!buffer) return 1;
    uint64_t x = 0x9e3779b97f4a7c15u;
    for (size_t i = 0; i < size; i += 8) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        memcpy(buffer + i, &x, 8);
    }
    memset(digest, 0, sizeof digest);
    for (int round = 0; round < 4; round++) {
        memcpy(buffer, digest, 32);
        sha256_init(&c);
        // Odd-sized updates exercise the partial-block path too.
        size_t offset = 0, step = 1000003;
        while (offset < size) {
            size_t n = size - offset < step ? size - offset : step;
            sha256_update(&c, buffer + offset, n);
            offset += n;
        }
        sha256_final(&c, digest);
    }
    hex(digest, text);
    printf("sha256 %d MiB x 4\n%s\n", megabytes, text);
    free(buffer);
    return 0;
}
