// exit-codes: exits with the status given as its first argument, via exit().
//
//   exit-codes CODE
//
// Writes one line to stdout and one to stderr first (both buffered by libc and flushed by exit(),
// so the runtime must run the guest's atexit work before it reports the status). With no argument
// it prints a usage message and exits with 2. WASI statuses are 0..125: wasmtime treats 126 and
// above as an error rather than an exit status.
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: exit-codes CODE\n");
        return 2;
    }
    char *end;
    long code = strtol(argv[1], &end, 10);
    if (*argv[1] == '\0' || *end != '\0') {
        fprintf(stderr, "exit-codes: not a number: %s\n", argv[1]);
        return 2;
    }
    printf("exiting with %ld\n", code);
    fprintf(stderr, "exit-codes: status %ld\n", code);
    exit((int)code);
}
