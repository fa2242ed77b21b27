// Floating-point and conversion operations whose native code differs by architecture (x86_64
// baseline: libm calls or SSE sequences; aarch64: frintn, fcvtzs, fmin...), printed so that the
// x86_64 and aarch64 builds can be compared (Tests/Cross/run.sh). NaN results print as "nan" with
// their sign omitted: wasm leaves a NaN's sign and payload open, so they may differ by design.
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static volatile double inputs[] = {0.0, -0.0, 0.5, 1.5, 2.5, -2.5, 3.4999, -7.5, 1e300, -1e-300,
                                   4503599627370497.0, 2147483647.5, -2147483648.9, INFINITY, -INFINITY, NAN};
enum { COUNT = sizeof inputs / sizeof inputs[0] };

static void show(const char *name, double value) {
    if (isnan(value)) {
        printf("%s nan\n", name);
        return;
    }
    uint64_t bits;
    memcpy(&bits, &value, sizeof bits);
    printf("%s %.17g 0x%016llx\n", name, value, (unsigned long long)bits);
}

static void showf(const char *name, float value) {
    if (isnan(value)) {
        printf("%s nan\n", name);
        return;
    }
    uint32_t bits;
    memcpy(&bits, &value, sizeof bits);
    printf("%s %.9g 0x%08x\n", name, (double)value, bits);
}

int main(void) {
    for (int i = 0; i < COUNT; i++) {
        double x = inputs[i];
        float f = (float)x;
        printf("-- input %d\n", i);
        show("nearest", rint(x));          // f64.nearest
        show("trunc", trunc(x));
        show("ceil", ceil(x));
        show("floor", floor(x));
        show("sqrt", sqrt(x));
        show("min", fmin(x, 1.0));         // f64.min (NaN rules are the caller's in C)
        show("copysign", copysign(3.0, x));
        showf("nearestf", rintf(f));       // f32.nearest
        showf("truncf", truncf(f));
        showf("sqrtf", sqrtf(f));
        showf("demote", (float)x);
        show("promote", (double)f);
        // Saturating conversions (wasm's trunc_sat, as clang emits for these casts in wasm32).
        if (!isnan(x) && x > -2147483649.0 && x < 2147483648.0) printf("i32 %d\n", (int32_t)x);
        if (!isnan(x) && x > -1.0 && x < 4294967296.0) printf("u32 %u\n", (uint32_t)x);
        if (!isnan(x) && x > -9223372036854775808.0 && x < 9223372036854775808.0) printf("i64 %lld\n", (long long)x);
    }
    // Integer-to-float conversions around the rounding boundaries.
    volatile uint64_t big[] = {0, 1, 9007199254740993ull, 18446744073709551615ull, 0x8000000000000401ull};
    for (int i = 0; i < 5; i++) {
        show("u64->f64", (double)big[i]);
        showf("u64->f32", (float)big[i]);
        show("i64->f64", (double)(int64_t)big[i]);
    }
    return 0;
}
