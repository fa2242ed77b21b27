// A long-running WASI command: prints "tick N" every INTERVAL milliseconds, COUNT times (forever
// when COUNT is 0 or missing), then "done". Containers and signal tests use it as a stand-in for a
// server: it sleeps in poll_oneoff (through nanosleep) between lines, where SIGTERM finds it.
//   ticker [COUNT [INTERVAL_MS]]      defaults: 0 (forever), 1000
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv) {
    long count = argc > 1 ? strtol(argv[1], NULL, 10) : 0;
    long interval = argc > 2 ? strtol(argv[2], NULL, 10) : 1000;
    if (count < 0 || interval < 0) {
        fprintf(stderr, "usage: ticker [COUNT [INTERVAL_MS]]\n");
        return 2;
    }
    printf("ticker: %ld ticks every %ld ms\n", count, interval);
    fflush(stdout);
    for (long i = 1; count == 0 || i <= count; i++) {
        struct timespec pause = {interval / 1000, (interval % 1000) * 1000000L};
        nanosleep(&pause, NULL);
        printf("tick %ld\n", i);
        fflush(stdout);
    }
    printf("done\n");
    return 0;
}
