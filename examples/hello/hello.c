// A tiny WASI command: prints a greeting and its arguments, then exits with status 0.
// scripts/run.sh builds it with `zig cc --target=wasm32-wasi -O2` and validates the module.
#include <stdio.h>

int main(int argc, char **argv) {
    printf("Hello from WebAssembly!\n");
    for (int i = 1; i < argc; i++) {
        printf("argv[%d] = %s\n", i, argv[i]);
    }
    return 0;
}
