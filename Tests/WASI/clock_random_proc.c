/* clock_random_proc.c: clock_res_get, clock_time_get, random_get, sched_yield, proc_raise, and
 * proc_exit with the status given as argument. */
#include "testlib.h"
#include "wasi_raw.h"

#include <stdlib.h>

int main(int argc, char **argv) {
  /* wasmtime traps on an unknown id and has no CPU-time clocks (BADF); wasm2native has them:
   * those lines start with "# " and are not compared. */
  for (u32 id = 0; id < 4; id++) {
    u64 resolution = 0, t1 = 0, t2 = 0;
    const char *prefix = id >= 2 ? "# " : "";
    u32 error = w_clock_res_get(id, &resolution);
    printf("%sclock_res_get(%u): %u, positive %d\n", prefix, id, error, resolution > 0);
    error = w_clock_time_get(id, 1, &t1);
    u32 error2 = w_clock_time_get(id, 1, &t2);
    printf("%sclock_time_get(%u): %u %u, non-decreasing %d\n", prefix, id, error, error2, t2 >= t1);
  }
  u64 realtime = 0;
  w_clock_time_get(0, 0, &realtime);
  SHOW("realtime after 2020", realtime > 1577836800ull * 1000000000ull);
  /* Sleeping is poll_oneoff on a relative monotonic clock (nanosleep). */
  u64 before = 0, after = 0;
  w_clock_time_get(1, 0, &before);
  w_subscription s;
  w_event e;
  u32 n = 0;
  memset(&s, 0, sizeof s);
  s.userdata = 77;
  s.tag = 0;
  s.u.clock.id = 1;
  s.u.clock.timeout = 20000000;
  SHOW("poll_oneoff sleep", w_poll_oneoff(&s, &e, 1, &n));
  w_clock_time_get(1, 0, &after);
  SHOW("slept 20 ms", after - before >= 20000000);
  SHOW("sleep event count", n);
  SHOW("sleep event userdata", e.userdata);
  SHOW("sleep event error", e.error);
  SHOW("sleep event type", e.type);

  unsigned char buffer[4096];
  memset(buffer, 0, sizeof buffer);
  SHOW("random_get", w_random_get(buffer, sizeof buffer));
  int nonzero = 0;
  for (unsigned i = 0; i < sizeof buffer; i++)
    nonzero += buffer[i] != 0;
  SHOW("random bytes mostly non-zero", nonzero > 4000);
  SHOW("random_get: 0 bytes", w_random_get(buffer, 0));
  SHOW("sched_yield", w_sched_yield());
  SHOW("proc_raise", w_proc_raise(2));
  fflush(stdout);
  if (argc > 1)
    w_proc_exit((u32)atoi(argv[1]));
  return 0;
}
