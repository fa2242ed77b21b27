// trap: traps on purpose, in the way its argument names.
//
//   trap unreachable   __builtin_trap() (the wasm `unreachable` instruction)
//   trap div0          integer division by zero (i32.div_s)
//   trap overflow      INT_MIN / -1 (i32.div_s overflow)
//   trap oob           a load far beyond the end of linear memory
//   trap indirect      a call through a function pointer with the wrong signature
//   trap stack         unbounded recursion (wasm call-stack exhaustion)
//   trap none          no trap: prints the result and exits with 0
//
// It prints "trap: about to trap (MODE)" to stdout (flushed) first. A trap ends the guest at once,
// so no atexit handler or stdio flush runs afterwards; the runtime reports the trap on stderr and
// exits with a non-zero status (wasmtime: "wasm trap: integer divide by zero", ...; wasm2native:
// the spec's message, e.g. "integer divide by zero", and the wasm function it happened in).
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

// Volatile operands keep the compiler from folding the trapping operation away.
static volatile int zero = 0;
static volatile int minus_one = -1;
static volatile int int_min = INT_MIN;
static volatile uint32_t far_address = 0xfffffff0u;
static volatile unsigned depth;

__attribute__((noinline)) static int divide(int a, int b) { return a / b; }

typedef int (*binary_fn)(int, int);
typedef int (*unary_fn)(int);

__attribute__((noinline)) static int add(int a, int b) { return a + b; }
static volatile binary_fn wrong_target = add;

// No address-taken locals: every frame lives on the wasm (native) stack, not the shadow stack.
__attribute__((noinline)) static unsigned recurse(unsigned n) {
    depth = n;
    if (n == 0xffffffffu) return 0;
    return recurse(n + 1) * 3 + n;
}

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "";
    printf("trap: about to trap (%s)\n", mode);
    fflush(stdout);
    int result;
    if (strcmp(mode, "unreachable") == 0) {
        __builtin_trap();
    } else if (strcmp(mode, "div0") == 0) {
        result = divide(42, zero);
    } else if (strcmp(mode, "overflow") == 0) {
        result = divide(int_min, minus_one);
    } else if (strcmp(mode, "oob") == 0) {
        result = *(volatile int *)(uintptr_t)far_address;
    } else if (strcmp(mode, "indirect") == 0) {
        unary_fn f = (unary_fn)wrong_target;  // call_indirect with the type (i32) -> i32
        result = f(1);
    } else if (strcmp(mode, "stack") == 0) {
        result = (int)recurse(1);
    } else if (strcmp(mode, "none") == 0) {
        result = divide(42, minus_one);
    } else {
        fprintf(stderr, "usage: trap unreachable|div0|overflow|oob|indirect|stack|none\n");
        return 2;
    }
    printf("no trap: result %d\n", result);
    return 0;
}
