// Exercises every fixed-width SIMD instruction (wasm_simd128.h) on edge-case inputs and prints
// one line per operation: its name and a hash of all its results. Run natively (wasm2native) and
// under wasmtime, the outputs must be identical. `simd_semantics.wasm -v` prints every result.
//
// Build: zig cc --target=wasm32-wasi -O2 -msimd128 Tests/SIMD/simd_semantics.c -o simd_semantics.wasm
//
// The inputs live in writable memory that main() touches depending on argc, so the C compiler
// cannot fold the operations away: the wasm module really contains the instructions.
// NaN results of arithmetic are free in their sign and (for non-canonical inputs) payload, so
// float lanes of arithmetic results are printed as "nan" when they are quiet NaNs and "SNAN!"
// (never valid) when not; bitwise float operations (abs, neg, pmin, pmax) print exact bits.

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wasm_simd128.h>

#define COUNT 24

static uint8_t inputs[COUNT][16];
static uint8_t memory[64];
static int verbose;
static uint64_t hash;
static const char *current;

// MARK: - Inputs

static void set_u32(int v, uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
    uint32_t lanes[4] = {a, b, c, d};
    memcpy(inputs[v], lanes, 16);
}

static void set_u64(int v, uint64_t a, uint64_t b) {
    uint64_t lanes[2] = {a, b};
    memcpy(inputs[v], lanes, 16);
}

static void set_u16(int v, const uint16_t lanes[8]) { memcpy(inputs[v], lanes, 16); }

static void make_inputs(int salt) {
    uint32_t seed = 0x12345678u + (uint32_t)salt;
    for (int i = 0; i < 16; i++) {
        inputs[0][i] = 0;
        inputs[1][i] = 0xFF;
        inputs[2][i] = (uint8_t)i;
        inputs[3][i] = 0x80;
        inputs[4][i] = 0x7F;
        seed = seed * 1103515245u + 12345u;
        inputs[5][i] = (uint8_t)(seed >> 16);
        seed = seed * 1103515245u + 12345u;
        inputs[6][i] = (uint8_t)(seed >> 16);
        inputs[7][i] = (uint8_t)(i * 17 + 3);
    }
    static const uint16_t i16_edges[8] = {0x8000, 0x7FFF, 0, 1, 0xFFFF, 0x4000, 0xC000, 0x00FF};
    static const uint16_t i16_more[8] = {0x8000, 0x8000, 0x7FFF, 0x8001, 0x0100, 0xFF00, 0x1234, 0xFF80};
    set_u16(8, i16_edges);
    set_u16(9, i16_more);
    set_u32(10, 0x80000000u, 0x7FFFFFFFu, 1, 0xFFFFFFFFu);
    set_u64(11, 0x8000000000000000ull, 0x7FFFFFFFFFFFFFFFull);
    set_u64(12, 1, 0xFFFFFFFFFFFFFFFFull);
    // f32: canonical NaN, -0, +inf, 1.5 / signalling NaN, +0, -inf, -2.5
    set_u32(13, 0x7FC00000u, 0x80000000u, 0x7F800000u, 0x3FC00000u);
    set_u32(14, 0x7FA00000u, 0x00000000u, 0xFF800000u, 0xC0200000u);
    // f32: 2^31, -2^31 - 256, 2^32, 0.49999997
    set_u32(15, 0x4F000000u, 0xCF000001u, 0x4F800000u, 0x3EFFFFFFu);
    // f32: -0.5, 2.5, 3.5, 8388609; denormals, FLT_MAX, 1 + ulp
    set_u32(16, 0xBF000000u, 0x40200000u, 0x40600000u, 0x4B000001u);
    set_u32(17, 0x00000001u, 0x80000001u, 0x7F7FFFFFu, 0x3F800001u);
    // f32: negative NaN with payload, 1.0, -1.0, 3e9
    set_u32(18, 0xFFC12345u, 0x3F800000u, 0xBF800000u, 0x4F32D05Eu);
    // f64: signalling NaN, -0 / 1e300, -2.5 / 2147483647.5, -2147483648.9
    set_u64(19, 0x7FF4000000000001ull, 0x8000000000000000ull);
    set_u64(20, 0x7E37E43C8800759Cull, 0xC004000000000000ull);
    set_u64(21, 0x41DFFFFFFFE00000ull, 0xC1E000000039999Aull);
    // f64: 4294967295.9, -1.0 / 0.5, canonical NaN / +inf, -inf
    set_u64(22, 0x41EFFFFFFFFFCCCDull, 0xBFF0000000000000ull);
    set_u64(23, 0x3FE0000000000000ull, 0x7FF8000000000000ull);
    for (int i = 0; i < 64; i++) memory[i] = (uint8_t)(i * 37 + 11);
}

// Calls through volatile function pointers: the C compiler cannot see through them, so it can
// neither fold an operation nor merge it with a neighbouring load or lane access.
static v128_t identity_v128(v128_t v) { return v; }
static int64_t identity_i64(int64_t v) { return v; }
static int32_t identity_i32(int32_t v) { return v; }
static float identity_f32(float v) { return v; }
static double identity_f64(double v) { return v; }
static v128_t (*volatile opaque)(v128_t) = identity_v128;
static int64_t (*volatile opaque_i64)(int64_t) = identity_i64;
static int32_t (*volatile opaque_i32)(int32_t) = identity_i32;
static float (*volatile opaque_f32)(float) = identity_f32;
static double (*volatile opaque_f64)(double) = identity_f64;

static v128_t input(int i) { return opaque(wasm_v128_load(inputs[i])); }

// MARK: - Output

static void fnv(const char *text) {
    for (; *text; text++) hash = (hash ^ (uint8_t)*text) * 0x100000001B3ull;
}

static void begin(const char *name) {
    current = name;
    hash = 0xCBF29CE484222325ull;
}

static void end(void) { printf("%-36s %016llx\n", current, (unsigned long long)hash); }

static void emit_text(const char *text) {
    fnv(text);
    fnv("\n");
    if (verbose) printf("  %s: %s\n", current, text);
}

enum kind { RAW, F32, F64 };

static void emit(v128_t value, enum kind kind) {
    uint8_t bytes[16];
    char text[160];
    int n = 0;
    wasm_v128_store(bytes, value);
    if (kind == RAW) {
        for (int i = 0; i < 16; i++) n += sprintf(text + n, "%02x", bytes[i]);
    } else if (kind == F32) {
        for (int i = 0; i < 4; i++) {
            uint32_t lane;
            memcpy(&lane, bytes + 4 * i, 4);
            if ((lane & 0x7F800000u) == 0x7F800000u && (lane & 0x007FFFFFu))
                n += sprintf(text + n, (lane & 0x00400000u) ? "nan " : "SNAN! ");
            else
                n += sprintf(text + n, "%08x ", lane);
        }
    } else {
        for (int i = 0; i < 2; i++) {
            uint64_t lane;
            memcpy(&lane, bytes + 8 * i, 8);
            if ((lane & 0x7FF0000000000000ull) == 0x7FF0000000000000ull && (lane & 0x000FFFFFFFFFFFFFull))
                n += sprintf(text + n, (lane & 0x0008000000000000ull) ? "nan " : "SNAN! ");
            else
                n += sprintf(text + n, "%016llx ", (unsigned long long)lane);
        }
    }
    emit_text(text);
}

static void emit_scalar(uint64_t value) {
    char text[32];
    sprintf(text, "%llx", (unsigned long long)value);
    emit_text(text);
}

// MARK: - Operation families

#define UNARY(name, kind, expr)                                        \
    do {                                                               \
        begin(name);                                                   \
        for (int i = 0; i < COUNT; i++) {                              \
            v128_t a = input(i);                                       \
            emit((expr), kind);                                        \
        }                                                              \
        end();                                                         \
    } while (0)

#define BINARY(name, kind, expr)                                       \
    do {                                                               \
        begin(name);                                                   \
        for (int i = 0; i < COUNT; i++)                                \
            for (int j = 0; j < COUNT; j++) {                          \
                v128_t a = input(i), b = input(j);                     \
                emit((expr), kind);                                    \
            }                                                          \
        end();                                                         \
    } while (0)

#define TEST(name, expr)                                               \
    do {                                                               \
        begin(name);                                                   \
        for (int i = 0; i < COUNT; i++) {                              \
            v128_t a = input(i);                                       \
            emit_scalar((uint64_t)(uint32_t)(expr));                   \
        }                                                              \
        end();                                                         \
    } while (0)

static const int shift_counts[] = {0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, -1, -8};
#define SHIFT(name, expr)                                              \
    do {                                                               \
        begin(name);                                                   \
        for (int i = 0; i < COUNT; i++)                                \
            for (unsigned k = 0; k < sizeof shift_counts / sizeof shift_counts[0]; k++) { \
                v128_t a = input(i);                                   \
                int c = shift_counts[k];                               \
                emit((expr), RAW);                                     \
            }                                                          \
        end();                                                         \
    } while (0)

static void integer_arithmetic(void) {
    BINARY("i8x16.add", RAW, wasm_i8x16_add(a, b));
    BINARY("i8x16.sub", RAW, wasm_i8x16_sub(a, b));
    BINARY("i16x8.add", RAW, wasm_i16x8_add(a, b));
    BINARY("i16x8.sub", RAW, wasm_i16x8_sub(a, b));
    BINARY("i16x8.mul", RAW, wasm_i16x8_mul(a, b));
    BINARY("i32x4.add", RAW, wasm_i32x4_add(a, b));
    BINARY("i32x4.sub", RAW, wasm_i32x4_sub(a, b));
    BINARY("i32x4.mul", RAW, wasm_i32x4_mul(a, b));
    BINARY("i64x2.add", RAW, wasm_i64x2_add(a, b));
    BINARY("i64x2.sub", RAW, wasm_i64x2_sub(a, b));
    BINARY("i64x2.mul", RAW, wasm_i64x2_mul(a, b));
    BINARY("i8x16.add_sat_s", RAW, wasm_i8x16_add_sat(a, b));
    BINARY("i8x16.add_sat_u", RAW, wasm_u8x16_add_sat(a, b));
    BINARY("i8x16.sub_sat_s", RAW, wasm_i8x16_sub_sat(a, b));
    BINARY("i8x16.sub_sat_u", RAW, wasm_u8x16_sub_sat(a, b));
    BINARY("i16x8.add_sat_s", RAW, wasm_i16x8_add_sat(a, b));
    BINARY("i16x8.add_sat_u", RAW, wasm_u16x8_add_sat(a, b));
    BINARY("i16x8.sub_sat_s", RAW, wasm_i16x8_sub_sat(a, b));
    BINARY("i16x8.sub_sat_u", RAW, wasm_u16x8_sub_sat(a, b));
    BINARY("i8x16.min_s", RAW, wasm_i8x16_min(a, b));
    BINARY("i8x16.min_u", RAW, wasm_u8x16_min(a, b));
    BINARY("i8x16.max_s", RAW, wasm_i8x16_max(a, b));
    BINARY("i8x16.max_u", RAW, wasm_u8x16_max(a, b));
    BINARY("i16x8.min_s", RAW, wasm_i16x8_min(a, b));
    BINARY("i16x8.min_u", RAW, wasm_u16x8_min(a, b));
    BINARY("i16x8.max_s", RAW, wasm_i16x8_max(a, b));
    BINARY("i16x8.max_u", RAW, wasm_u16x8_max(a, b));
    BINARY("i32x4.min_s", RAW, wasm_i32x4_min(a, b));
    BINARY("i32x4.min_u", RAW, wasm_u32x4_min(a, b));
    BINARY("i32x4.max_s", RAW, wasm_i32x4_max(a, b));
    BINARY("i32x4.max_u", RAW, wasm_u32x4_max(a, b));
    BINARY("i8x16.avgr_u", RAW, wasm_u8x16_avgr(a, b));
    BINARY("i16x8.avgr_u", RAW, wasm_u16x8_avgr(a, b));
    BINARY("i16x8.q15mulr_sat_s", RAW, wasm_i16x8_q15mulr_sat(a, b));
    BINARY("i32x4.dot_i16x8_s", RAW, wasm_i32x4_dot_i16x8(a, b));
    BINARY("i16x8.extmul_low_i8x16_s", RAW, wasm_i16x8_extmul_low_i8x16(a, b));
    BINARY("i16x8.extmul_high_i8x16_s", RAW, wasm_i16x8_extmul_high_i8x16(a, b));
    BINARY("i16x8.extmul_low_i8x16_u", RAW, wasm_u16x8_extmul_low_u8x16(a, b));
    BINARY("i16x8.extmul_high_i8x16_u", RAW, wasm_u16x8_extmul_high_u8x16(a, b));
    BINARY("i32x4.extmul_low_i16x8_s", RAW, wasm_i32x4_extmul_low_i16x8(a, b));
    BINARY("i32x4.extmul_high_i16x8_s", RAW, wasm_i32x4_extmul_high_i16x8(a, b));
    BINARY("i32x4.extmul_low_i16x8_u", RAW, wasm_u32x4_extmul_low_u16x8(a, b));
    BINARY("i32x4.extmul_high_i16x8_u", RAW, wasm_u32x4_extmul_high_u16x8(a, b));
    BINARY("i64x2.extmul_low_i32x4_s", RAW, wasm_i64x2_extmul_low_i32x4(a, b));
    BINARY("i64x2.extmul_high_i32x4_s", RAW, wasm_i64x2_extmul_high_i32x4(a, b));
    BINARY("i64x2.extmul_low_i32x4_u", RAW, wasm_u64x2_extmul_low_u32x4(a, b));
    BINARY("i64x2.extmul_high_i32x4_u", RAW, wasm_u64x2_extmul_high_u32x4(a, b));
    BINARY("i8x16.narrow_i16x8_s", RAW, wasm_i8x16_narrow_i16x8(a, b));
    BINARY("i8x16.narrow_i16x8_u", RAW, wasm_u8x16_narrow_i16x8(a, b));
    BINARY("i16x8.narrow_i32x4_s", RAW, wasm_i16x8_narrow_i32x4(a, b));
    BINARY("i16x8.narrow_i32x4_u", RAW, wasm_u16x8_narrow_i32x4(a, b));
    BINARY("i8x16.swizzle", RAW, wasm_i8x16_swizzle(a, b));

    UNARY("i8x16.abs", RAW, wasm_i8x16_abs(a));
    UNARY("i16x8.abs", RAW, wasm_i16x8_abs(a));
    UNARY("i32x4.abs", RAW, wasm_i32x4_abs(a));
    UNARY("i64x2.abs", RAW, wasm_i64x2_abs(a));
    UNARY("i8x16.neg", RAW, wasm_i8x16_neg(a));
    UNARY("i16x8.neg", RAW, wasm_i16x8_neg(a));
    UNARY("i32x4.neg", RAW, wasm_i32x4_neg(a));
    UNARY("i64x2.neg", RAW, wasm_i64x2_neg(a));
    UNARY("i8x16.popcnt", RAW, wasm_i8x16_popcnt(a));
    UNARY("i16x8.extadd_pairwise_i8x16_s", RAW, wasm_i16x8_extadd_pairwise_i8x16(a));
    UNARY("i16x8.extadd_pairwise_i8x16_u", RAW, wasm_u16x8_extadd_pairwise_u8x16(a));
    UNARY("i32x4.extadd_pairwise_i16x8_s", RAW, wasm_i32x4_extadd_pairwise_i16x8(a));
    UNARY("i32x4.extadd_pairwise_i16x8_u", RAW, wasm_u32x4_extadd_pairwise_u16x8(a));
    UNARY("i16x8.extend_low_i8x16_s", RAW, wasm_i16x8_extend_low_i8x16(a));
    UNARY("i16x8.extend_high_i8x16_s", RAW, wasm_i16x8_extend_high_i8x16(a));
    UNARY("i16x8.extend_low_i8x16_u", RAW, wasm_u16x8_extend_low_u8x16(a));
    UNARY("i16x8.extend_high_i8x16_u", RAW, wasm_u16x8_extend_high_u8x16(a));
    UNARY("i32x4.extend_low_i16x8_s", RAW, wasm_i32x4_extend_low_i16x8(a));
    UNARY("i32x4.extend_high_i16x8_s", RAW, wasm_i32x4_extend_high_i16x8(a));
    UNARY("i32x4.extend_low_i16x8_u", RAW, wasm_u32x4_extend_low_u16x8(a));
    UNARY("i32x4.extend_high_i16x8_u", RAW, wasm_u32x4_extend_high_u16x8(a));
    UNARY("i64x2.extend_low_i32x4_s", RAW, wasm_i64x2_extend_low_i32x4(a));
    UNARY("i64x2.extend_high_i32x4_s", RAW, wasm_i64x2_extend_high_i32x4(a));
    UNARY("i64x2.extend_low_i32x4_u", RAW, wasm_u64x2_extend_low_u32x4(a));
    UNARY("i64x2.extend_high_i32x4_u", RAW, wasm_u64x2_extend_high_u32x4(a));
}

static void comparisons_and_bitwise(void) {
    BINARY("i8x16.eq", RAW, wasm_i8x16_eq(a, b));
    BINARY("i8x16.ne", RAW, wasm_i8x16_ne(a, b));
    BINARY("i8x16.lt_s", RAW, wasm_i8x16_lt(a, b));
    BINARY("i8x16.lt_u", RAW, wasm_u8x16_lt(a, b));
    BINARY("i8x16.gt_s", RAW, wasm_i8x16_gt(a, b));
    BINARY("i8x16.gt_u", RAW, wasm_u8x16_gt(a, b));
    BINARY("i8x16.le_s", RAW, wasm_i8x16_le(a, b));
    BINARY("i8x16.le_u", RAW, wasm_u8x16_le(a, b));
    BINARY("i8x16.ge_s", RAW, wasm_i8x16_ge(a, b));
    BINARY("i8x16.ge_u", RAW, wasm_u8x16_ge(a, b));
    BINARY("i16x8.eq", RAW, wasm_i16x8_eq(a, b));
    BINARY("i16x8.ne", RAW, wasm_i16x8_ne(a, b));
    BINARY("i16x8.lt_s", RAW, wasm_i16x8_lt(a, b));
    BINARY("i16x8.lt_u", RAW, wasm_u16x8_lt(a, b));
    BINARY("i16x8.gt_s", RAW, wasm_i16x8_gt(a, b));
    BINARY("i16x8.gt_u", RAW, wasm_u16x8_gt(a, b));
    BINARY("i16x8.le_s", RAW, wasm_i16x8_le(a, b));
    BINARY("i16x8.le_u", RAW, wasm_u16x8_le(a, b));
    BINARY("i16x8.ge_s", RAW, wasm_i16x8_ge(a, b));
    BINARY("i16x8.ge_u", RAW, wasm_u16x8_ge(a, b));
    BINARY("i32x4.eq", RAW, wasm_i32x4_eq(a, b));
    BINARY("i32x4.ne", RAW, wasm_i32x4_ne(a, b));
    BINARY("i32x4.lt_s", RAW, wasm_i32x4_lt(a, b));
    BINARY("i32x4.lt_u", RAW, wasm_u32x4_lt(a, b));
    BINARY("i32x4.gt_s", RAW, wasm_i32x4_gt(a, b));
    BINARY("i32x4.gt_u", RAW, wasm_u32x4_gt(a, b));
    BINARY("i32x4.le_s", RAW, wasm_i32x4_le(a, b));
    BINARY("i32x4.le_u", RAW, wasm_u32x4_le(a, b));
    BINARY("i32x4.ge_s", RAW, wasm_i32x4_ge(a, b));
    BINARY("i32x4.ge_u", RAW, wasm_u32x4_ge(a, b));
    BINARY("i64x2.eq", RAW, wasm_i64x2_eq(a, b));
    BINARY("i64x2.ne", RAW, wasm_i64x2_ne(a, b));
    BINARY("i64x2.lt_s", RAW, wasm_i64x2_lt(a, b));
    BINARY("i64x2.gt_s", RAW, wasm_i64x2_gt(a, b));
    BINARY("i64x2.le_s", RAW, wasm_i64x2_le(a, b));
    BINARY("i64x2.ge_s", RAW, wasm_i64x2_ge(a, b));
    BINARY("f32x4.eq", RAW, wasm_f32x4_eq(a, b));
    BINARY("f32x4.ne", RAW, wasm_f32x4_ne(a, b));
    BINARY("f32x4.lt", RAW, wasm_f32x4_lt(a, b));
    BINARY("f32x4.gt", RAW, wasm_f32x4_gt(a, b));
    BINARY("f32x4.le", RAW, wasm_f32x4_le(a, b));
    BINARY("f32x4.ge", RAW, wasm_f32x4_ge(a, b));
    BINARY("f64x2.eq", RAW, wasm_f64x2_eq(a, b));
    BINARY("f64x2.ne", RAW, wasm_f64x2_ne(a, b));
    BINARY("f64x2.lt", RAW, wasm_f64x2_lt(a, b));
    BINARY("f64x2.gt", RAW, wasm_f64x2_gt(a, b));
    BINARY("f64x2.le", RAW, wasm_f64x2_le(a, b));
    BINARY("f64x2.ge", RAW, wasm_f64x2_ge(a, b));

    BINARY("v128.and", RAW, wasm_v128_and(a, b));
    BINARY("v128.andnot", RAW, wasm_v128_andnot(a, b));
    BINARY("v128.or", RAW, wasm_v128_or(a, b));
    BINARY("v128.xor", RAW, wasm_v128_xor(a, b));
    UNARY("v128.not", RAW, wasm_v128_not(a));
    BINARY("v128.bitselect", RAW, wasm_v128_bitselect(a, b, input((i + j) % COUNT)));

    TEST("v128.any_true", wasm_v128_any_true(a));
    TEST("i8x16.all_true", wasm_i8x16_all_true(a));
    TEST("i16x8.all_true", wasm_i16x8_all_true(a));
    TEST("i32x4.all_true", wasm_i32x4_all_true(a));
    TEST("i64x2.all_true", wasm_i64x2_all_true(a));
    TEST("i8x16.bitmask", wasm_i8x16_bitmask(a));
    TEST("i16x8.bitmask", wasm_i16x8_bitmask(a));
    TEST("i32x4.bitmask", wasm_i32x4_bitmask(a));
    TEST("i64x2.bitmask", wasm_i64x2_bitmask(a));

    SHIFT("i8x16.shl", wasm_i8x16_shl(a, c));
    SHIFT("i8x16.shr_s", wasm_i8x16_shr(a, c));
    SHIFT("i8x16.shr_u", wasm_u8x16_shr(a, c));
    SHIFT("i16x8.shl", wasm_i16x8_shl(a, c));
    SHIFT("i16x8.shr_s", wasm_i16x8_shr(a, c));
    SHIFT("i16x8.shr_u", wasm_u16x8_shr(a, c));
    SHIFT("i32x4.shl", wasm_i32x4_shl(a, c));
    SHIFT("i32x4.shr_s", wasm_i32x4_shr(a, c));
    SHIFT("i32x4.shr_u", wasm_u32x4_shr(a, c));
    SHIFT("i64x2.shl", wasm_i64x2_shl(a, c));
    SHIFT("i64x2.shr_s", wasm_i64x2_shr(a, c));
    SHIFT("i64x2.shr_u", wasm_u64x2_shr(a, c));
}

static void floating_point(void) {
    BINARY("f32x4.add", F32, wasm_f32x4_add(a, b));
    BINARY("f32x4.sub", F32, wasm_f32x4_sub(a, b));
    BINARY("f32x4.mul", F32, wasm_f32x4_mul(a, b));
    BINARY("f32x4.div", F32, wasm_f32x4_div(a, b));
    BINARY("f32x4.min", F32, wasm_f32x4_min(a, b));
    BINARY("f32x4.max", F32, wasm_f32x4_max(a, b));
    BINARY("f32x4.pmin", RAW, wasm_f32x4_pmin(a, b));
    BINARY("f32x4.pmax", RAW, wasm_f32x4_pmax(a, b));
    BINARY("f64x2.add", F64, wasm_f64x2_add(a, b));
    BINARY("f64x2.sub", F64, wasm_f64x2_sub(a, b));
    BINARY("f64x2.mul", F64, wasm_f64x2_mul(a, b));
    BINARY("f64x2.div", F64, wasm_f64x2_div(a, b));
    BINARY("f64x2.min", F64, wasm_f64x2_min(a, b));
    BINARY("f64x2.max", F64, wasm_f64x2_max(a, b));
    BINARY("f64x2.pmin", RAW, wasm_f64x2_pmin(a, b));
    BINARY("f64x2.pmax", RAW, wasm_f64x2_pmax(a, b));

    UNARY("f32x4.abs", RAW, wasm_f32x4_abs(a));
    UNARY("f32x4.neg", RAW, wasm_f32x4_neg(a));
    UNARY("f32x4.sqrt", F32, wasm_f32x4_sqrt(a));
    UNARY("f32x4.ceil", F32, wasm_f32x4_ceil(a));
    UNARY("f32x4.floor", F32, wasm_f32x4_floor(a));
    UNARY("f32x4.trunc", F32, wasm_f32x4_trunc(a));
    UNARY("f32x4.nearest", F32, wasm_f32x4_nearest(a));
    UNARY("f64x2.abs", RAW, wasm_f64x2_abs(a));
    UNARY("f64x2.neg", RAW, wasm_f64x2_neg(a));
    UNARY("f64x2.sqrt", F64, wasm_f64x2_sqrt(a));
    UNARY("f64x2.ceil", F64, wasm_f64x2_ceil(a));
    UNARY("f64x2.floor", F64, wasm_f64x2_floor(a));
    UNARY("f64x2.trunc", F64, wasm_f64x2_trunc(a));
    UNARY("f64x2.nearest", F64, wasm_f64x2_nearest(a));

    UNARY("i32x4.trunc_sat_f32x4_s", RAW, wasm_i32x4_trunc_sat_f32x4(a));
    UNARY("i32x4.trunc_sat_f32x4_u", RAW, wasm_u32x4_trunc_sat_f32x4(a));
    UNARY("i32x4.trunc_sat_f64x2_s_zero", RAW, wasm_i32x4_trunc_sat_f64x2_zero(a));
    UNARY("i32x4.trunc_sat_f64x2_u_zero", RAW, wasm_u32x4_trunc_sat_f64x2_zero(a));
    UNARY("f32x4.convert_i32x4_s", F32, wasm_f32x4_convert_i32x4(a));
    UNARY("f32x4.convert_i32x4_u", F32, wasm_f32x4_convert_u32x4(a));
    UNARY("f64x2.convert_low_i32x4_s", F64, wasm_f64x2_convert_low_i32x4(a));
    UNARY("f64x2.convert_low_i32x4_u", F64, wasm_f64x2_convert_low_u32x4(a));
    UNARY("f32x4.demote_f64x2_zero", F32, wasm_f32x4_demote_f64x2_zero(a));
    UNARY("f64x2.promote_low_f32x4", F64, wasm_f64x2_promote_low_f32x4(a));
}

// MARK: - Lanes, shuffles, splats

#define EXTRACT(name, expr, lanes)                                     \
    do {                                                               \
        begin(name);                                                   \
        for (int i = 0; i < COUNT; i++) {                              \
            v128_t a = input(i);                                       \
            uint64_t r[lanes];                                         \
            EXTRACT_LANES_##lanes(r, expr);                            \
            for (int l = 0; l < lanes; l++) emit_scalar(r[l]);         \
        }                                                              \
        end();                                                         \
    } while (0)
#define L(r, expr, n) r[n] = (uint64_t)(expr(a, n))
#define EXTRACT_LANES_2(r, e) L(r, e, 0); L(r, e, 1)
#define EXTRACT_LANES_4(r, e) EXTRACT_LANES_2(r, e); L(r, e, 2); L(r, e, 3)
#define EXTRACT_LANES_8(r, e) EXTRACT_LANES_4(r, e); L(r, e, 4); L(r, e, 5); L(r, e, 6); L(r, e, 7)
#define EXTRACT_LANES_16(r, e) EXTRACT_LANES_8(r, e); L(r, e, 8); L(r, e, 9); L(r, e, 10); L(r, e, 11); \
    L(r, e, 12); L(r, e, 13); L(r, e, 14); L(r, e, 15)

static uint64_t f32_bits(float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

static uint64_t f64_bits(double f) {
    uint64_t u;
    memcpy(&u, &f, 8);
    return u;
}

#define I8S(a, n) ((uint32_t)opaque_i32(wasm_i8x16_extract_lane(a, n)))
#define I8U(a, n) ((uint32_t)wasm_u8x16_extract_lane(a, n))
#define I16S(a, n) ((uint32_t)opaque_i32(wasm_i16x8_extract_lane(a, n)))
#define I16U(a, n) ((uint32_t)wasm_u16x8_extract_lane(a, n))
#define I32(a, n) ((uint32_t)wasm_i32x4_extract_lane(a, n))
#define I64(a, n) ((uint64_t)wasm_i64x2_extract_lane(a, n))
#define F32L(a, n) f32_bits(opaque_f32(wasm_f32x4_extract_lane(a, n)))
#define F64L(a, n) f64_bits(wasm_f64x2_extract_lane(a, n))

static void lanes(void) {
    EXTRACT("i8x16.extract_lane_s", I8S, 16);
    EXTRACT("i8x16.extract_lane_u", I8U, 16);
    EXTRACT("i16x8.extract_lane_s", I16S, 8);
    EXTRACT("i16x8.extract_lane_u", I16U, 8);
    EXTRACT("i32x4.extract_lane", I32, 4);
    EXTRACT("i64x2.extract_lane", I64, 2);
    EXTRACT("f32x4.extract_lane", F32L, 4);
    EXTRACT("f64x2.extract_lane", F64L, 2);

    // Replacement values come from other inputs (so NaN bit patterns travel through).
    BINARY("i8x16.replace_lane", RAW,
           wasm_i8x16_replace_lane(wasm_i8x16_replace_lane(a, 0, (int8_t)opaque_i64(wasm_i8x16_extract_lane(b, 5))), 15,
                                   (int8_t)opaque_i64(wasm_i32x4_extract_lane(b, 1))));
    BINARY("i16x8.replace_lane", RAW,
           wasm_i16x8_replace_lane(wasm_i16x8_replace_lane(a, 3, (int16_t)opaque_i64(wasm_i16x8_extract_lane(b, 0))), 7,
                                   (int16_t)opaque_i64(wasm_i32x4_extract_lane(b, 2))));
    BINARY("i32x4.replace_lane", RAW, wasm_i32x4_replace_lane(a, 2, (int32_t)opaque_i64(wasm_i32x4_extract_lane(b, 3))));
    BINARY("i64x2.replace_lane", RAW, wasm_i64x2_replace_lane(a, 1, opaque_i64(wasm_i64x2_extract_lane(b, 0))));
    BINARY("f32x4.replace_lane", RAW, wasm_f32x4_replace_lane(a, 0, opaque_f32(wasm_f32x4_extract_lane(b, 0))));
    BINARY("f64x2.replace_lane", RAW, wasm_f64x2_replace_lane(a, 1, opaque_f64(wasm_f64x2_extract_lane(b, 0))));

    UNARY("i8x16.splat", RAW, wasm_i8x16_splat((int8_t)opaque_i64(wasm_i32x4_extract_lane(a, 1))));
    UNARY("i16x8.splat", RAW, wasm_i16x8_splat((int16_t)opaque_i64(wasm_i32x4_extract_lane(a, 0))));
    UNARY("i32x4.splat", RAW, wasm_i32x4_splat((int32_t)opaque_i64(wasm_i32x4_extract_lane(a, 3))));
    UNARY("i64x2.splat", RAW, wasm_i64x2_splat(opaque_i64(wasm_i64x2_extract_lane(a, 1))));
    UNARY("f32x4.splat", RAW, wasm_f32x4_splat(opaque_f32(wasm_f32x4_extract_lane(a, 0))));
    UNARY("f64x2.splat", RAW, wasm_f64x2_splat(opaque_f64(wasm_f64x2_extract_lane(a, 0))));

    BINARY("i8x16.shuffle interleave", RAW,
           wasm_i8x16_shuffle(a, b, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23));
    BINARY("i8x16.shuffle reverse", RAW,
           wasm_i8x16_shuffle(a, b, 31, 14, 29, 12, 27, 10, 25, 8, 23, 6, 21, 4, 19, 2, 17, 0));
    BINARY("i8x16.shuffle mixed", RAW,
           wasm_i8x16_shuffle(a, b, 3, 3, 19, 0, 31, 16, 8, 9, 10, 27, 1, 1, 1, 30, 5, 17));
    BINARY("i8x16.shuffle second", RAW,
           wasm_i8x16_shuffle(a, b, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31));
    BINARY("i32x4.shuffle", RAW, wasm_i32x4_shuffle(a, b, 3, 4, 1, 6));
    BINARY("i64x2.shuffle", RAW, wasm_i64x2_shuffle(a, b, 1, 2));
}

// MARK: - Memory

static void memory_accesses(void) {
    begin("v128 loads");
    for (int offset = 0; offset < 24; offset++) {
        const uint8_t *p = memory + offset;
        emit(wasm_v128_load(p), RAW);
        emit(wasm_i16x8_load8x8(p), RAW);
        emit(wasm_u16x8_load8x8(p), RAW);
        emit(wasm_i32x4_load16x4(p), RAW);
        emit(wasm_u32x4_load16x4(p), RAW);
        emit(wasm_i64x2_load32x2(p), RAW);
        emit(wasm_u64x2_load32x2(p), RAW);
        emit(wasm_v128_load8_splat(p), RAW);
        emit(wasm_v128_load16_splat(p), RAW);
        emit(wasm_v128_load32_splat(p), RAW);
        emit(wasm_v128_load64_splat(p), RAW);
        emit(wasm_v128_load32_zero(p), RAW);
        emit(wasm_v128_load64_zero(p), RAW);
    }
    end();

    begin("v128.loadN_lane");
    for (int offset = 0; offset < 24; offset++) {
        const uint8_t *p = memory + offset;
        v128_t a = input(offset % COUNT);
        emit(wasm_v128_load8_lane(p, a, 0), RAW);
        emit(wasm_v128_load8_lane(p, a, 9), RAW);
        emit(wasm_v128_load8_lane(p, a, 15), RAW);
        emit(wasm_v128_load16_lane(p, a, 0), RAW);
        emit(wasm_v128_load16_lane(p, a, 5), RAW);
        emit(wasm_v128_load32_lane(p, a, 1), RAW);
        emit(wasm_v128_load32_lane(p, a, 3), RAW);
        emit(wasm_v128_load64_lane(p, a, 0), RAW);
        emit(wasm_v128_load64_lane(p, a, 1), RAW);
    }
    end();

    begin("v128.store, v128.storeN_lane");
    for (int i = 0; i < COUNT; i++) {
        uint8_t out[48];
        v128_t a = input(i);
        memset(out, 0xAA, sizeof out);
        wasm_v128_store(out + (i % 7), a);
        wasm_v128_store8_lane(out + 17 + (i % 5), a, 13);
        wasm_v128_store16_lane(out + 23 + (i % 3), a, 6);
        wasm_v128_store32_lane(out + 29, a, 2);
        wasm_v128_store64_lane(out + 35 + (i % 4), a, 1);
        for (int k = 0; k < 3; k++) emit(wasm_v128_load(out + 16 * k), RAW);
    }
    end();
}

// MARK: - Canonical NaNs

// Arithmetic on canonical NaNs only must give canonical NaNs (payload zero).
static void canonical_nans(void) {
    v128_t nan32 = wasm_v128_or(wasm_i32x4_splat(0x7FC00000), wasm_i32x4_splat(memory[0] & 0));
    v128_t nan64 = wasm_v128_or(wasm_i64x2_splat(0x7FF8000000000000ll), wasm_i64x2_splat(memory[1] & 0));
    v128_t one32 = wasm_f32x4_splat(1.0f), one64 = wasm_f64x2_splat(1.0);
    v128_t results32[] = {wasm_f32x4_add(nan32, one32), wasm_f32x4_sub(one32, nan32), wasm_f32x4_mul(nan32, nan32),
                          wasm_f32x4_div(nan32, one32), wasm_f32x4_min(nan32, one32), wasm_f32x4_max(one32, nan32),
                          wasm_f32x4_sqrt(nan32), wasm_f32x4_ceil(nan32), wasm_f32x4_floor(nan32),
                          wasm_f32x4_trunc(nan32), wasm_f32x4_nearest(nan32),
                          /* lanes 2 and 3 of demote are zeros: check lanes 0 and 1 */
                          wasm_i32x4_shuffle(wasm_f32x4_demote_f64x2_zero(nan64), nan32, 0, 1, 0, 1)};
    v128_t results64[] = {wasm_f64x2_add(nan64, one64), wasm_f64x2_sub(one64, nan64), wasm_f64x2_mul(nan64, nan64),
                          wasm_f64x2_div(nan64, one64), wasm_f64x2_min(nan64, one64), wasm_f64x2_max(one64, nan64),
                          wasm_f64x2_sqrt(nan64), wasm_f64x2_ceil(nan64), wasm_f64x2_floor(nan64),
                          wasm_f64x2_trunc(nan64), wasm_f64x2_nearest(nan64), wasm_f64x2_promote_low_f32x4(nan32)};
    begin("canonical NaN results");
    for (unsigned i = 0; i < sizeof results32 / sizeof results32[0]; i++) {
        v128_t magnitude = wasm_v128_and(results32[i], wasm_i32x4_splat(0x7FFFFFFF));
        emit_text(wasm_i32x4_all_true(wasm_i32x4_eq(magnitude, wasm_i32x4_splat(0x7FC00000))) ? "canonical" : "NOT CANONICAL");
    }
    for (unsigned i = 0; i < sizeof results64 / sizeof results64[0]; i++) {
        v128_t magnitude = wasm_v128_and(results64[i], wasm_i64x2_splat(0x7FFFFFFFFFFFFFFFll));
        emit_text(wasm_i64x2_all_true(wasm_i64x2_eq(magnitude, wasm_i64x2_splat(0x7FF8000000000000ll))) ? "canonical" : "NOT CANONICAL");
    }
    end();
}

int main(int argc, char **argv) {
    verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
    make_inputs(argc > 5 ? argc : 0);
    integer_arithmetic();
    comparisons_and_bitwise();
    floating_point();
    lanes();
    memory_accesses();
    canonical_nans();
    return 0;
}
