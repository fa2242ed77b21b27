// args-env: prints its arguments and a few environment variables.
//
//   args-env [ARG...]
//
// Prints argc, every argv entry (argv[0] too, exactly as the runtime passes it), then, for each
// name in a fixed list, the variable's value or "(unset)", and finally how many variables the
// guest can see in total. WASI grants no environment by default: a variable appears only when the
// runtime is told to pass it (`wasmtime run --env NAME=VALUE`, `wasm2native --env NAME=VALUE`).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

static const char *const names[] = {"GREETING", "W2N_EXAMPLE", "EMPTY", "HOME", "PATH"};

int main(int argc, char **argv) {
    printf("argc = %d\n", argc);
    for (int i = 0; i < argc; i++) {
        printf("argv[%d] = \"%s\" (%zu bytes)\n", i, argv[i], strlen(argv[i]));
    }
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *value = getenv(names[i]);
        if (value) {
            printf("%s = \"%s\"\n", names[i], value);
        } else {
            printf("%s (unset)\n", names[i]);
        }
    }
    int count = 0;
    for (char **e = environ; e && *e; e++) {
        count++;
    }
    printf("environment: %d variable%s\n", count, count == 1 ? "" : "s");
    return 0;
}
