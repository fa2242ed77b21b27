/*
 * wasi/clock.c: clock_res_get and clock_time_get (poll_oneoff, which sleeps, is in poll.c).
 */
#include "wasi_internal.h"

#include <errno.h>
#include <time.h>

static int host_clock(uint32_t id, clockid_t *clock) {
  switch (id) {
  case 0: *clock = CLOCK_REALTIME; return 1;
  case 1: *clock = CLOCK_MONOTONIC; return 1;
  case 2: *clock = CLOCK_PROCESS_CPUTIME_ID; return 1;
  case 3: *clock = CLOCK_THREAD_CPUTIME_ID; return 1;
  default: return 0;
  }
}

static uint64_t to_nanoseconds(struct timespec time) {
  return (uint64_t)time.tv_sec * 1000000000u + (uint64_t)time.tv_nsec;
}

uint32_t w2n_import_wasi_snapshot_preview1_clock_res_get(w2n_instance *instance, uint32_t clock_id,
                                                         uint32_t resolution_out) {
  clockid_t clock;
  struct timespec resolution;
  if (!host_clock(clock_id, &clock))
    return W2N_WASI_INVAL;
  if (clock_getres(clock, &resolution) != 0)
    return w2n_wasi_errno(errno);
  return w2n_wasi_put64(instance, resolution_out, to_nanoseconds(resolution));
}

uint32_t w2n_import_wasi_snapshot_preview1_clock_time_get(w2n_instance *instance, uint32_t clock_id,
                                                          uint64_t precision, uint32_t time_out) {
  (void)precision;
  clockid_t clock;
  struct timespec time;
  if (!host_clock(clock_id, &clock))
    return W2N_WASI_INVAL;
  if (clock_gettime(clock, &time) != 0)
    return w2n_wasi_errno(errno);
  return w2n_wasi_put64(instance, time_out, to_nanoseconds(time));
}
