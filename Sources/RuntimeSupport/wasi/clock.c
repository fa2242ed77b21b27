/*
 * wasi/clock.c: clock_res_get, clock_time_get and poll_oneoff (clock timeouts and fd readiness,
 * with ppoll; this is what wasi-libc's sleep and nanosleep use).
 */
#include "wasi_internal.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
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

static uint64_t now(clockid_t clock) {
  struct timespec time;
  clock_gettime(clock, &time);
  return to_nanoseconds(time);
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

/* poll_oneoff ----------------------------------------------------------------------------- */

enum { SUBSCRIPTION_SIZE = 48, EVENT_SIZE = 32, EVENT_CLOCK = 0, EVENT_FD_READ = 1, EVENT_FD_WRITE = 2 };

static void write_event(uint8_t *event, const uint8_t *subscription, uint32_t error, uint64_t nbytes,
                        int hangup) {
  memset(event, 0, EVENT_SIZE);
  memcpy(event, subscription, 8); /* userdata */
  w2n_store16(event + 8, (uint16_t)error);
  event[10] = subscription[8];
  w2n_store64(event + 16, nbytes);
  w2n_store16(event + 24, hangup ? 1 : 0);
}

uint32_t w2n_import_wasi_snapshot_preview1_poll_oneoff(w2n_instance *instance, uint32_t in, uint32_t out,
                                                       uint32_t nsubscriptions, uint32_t nevents_out) {
  w2n_wasi *wasi = w2n_wasi_of(instance);
  if (nsubscriptions == 0)
    return W2N_WASI_INVAL;
  uint8_t *subscriptions = w2n_guest(instance, in, (uint64_t)nsubscriptions * SUBSCRIPTION_SIZE);
  uint8_t *events = w2n_guest(instance, out, (uint64_t)nsubscriptions * EVENT_SIZE);
  if (subscriptions == NULL || events == NULL || w2n_guest(instance, nevents_out, 4) == NULL)
    return W2N_WASI_FAULT;
  struct pollfd *polls = calloc(nsubscriptions, sizeof *polls);
  uint64_t *deadlines = calloc(nsubscriptions, sizeof *deadlines); /* monotonic; 0: not a clock */
  if (polls == NULL || deadlines == NULL) {
    free(polls);
    free(deadlines);
    return W2N_WASI_NOMEM;
  }
  uint32_t nevents = 0;
  uint64_t start = now(CLOCK_MONOTONIC), earliest = UINT64_MAX;
  for (uint32_t i = 0; i < nsubscriptions; i++) {
    const uint8_t *subscription = subscriptions + (size_t)i * SUBSCRIPTION_SIZE;
    polls[i].fd = -1;
    if (subscription[8] == EVENT_CLOCK) {
      clockid_t clock;
      if (!host_clock(w2n_load32(subscription + 16), &clock)) {
        write_event(events + (size_t)nevents++ * EVENT_SIZE, subscription, W2N_WASI_INVAL, 0, 0);
        continue;
      }
      uint64_t timeout = w2n_load64(subscription + 24), remaining = timeout;
      if (w2n_load16(subscription + 40) & 1) { /* absolute */
        uint64_t current = now(clock);
        remaining = timeout > current ? timeout - current : 0;
      }
      deadlines[i] = start + remaining < start ? UINT64_MAX : start + remaining;
      if (deadlines[i] < earliest)
        earliest = deadlines[i];
    } else if (subscription[8] == EVENT_FD_READ || subscription[8] == EVENT_FD_WRITE) {
      w2n_wasi_fd *entry = w2n_wasi_fd_get(wasi, w2n_load32(subscription + 16));
      if (entry == NULL) {
        write_event(events + (size_t)nevents++ * EVENT_SIZE, subscription, W2N_WASI_BADF, 0, 0);
        continue;
      }
      polls[i].fd = entry->host;
      polls[i].events = subscription[8] == EVENT_FD_READ ? POLLIN : POLLOUT;
    } else {
      write_event(events + (size_t)nevents++ * EVENT_SIZE, subscription, W2N_WASI_INVAL, 0, 0);
    }
  }
  for (;;) {
    struct timespec timeout, *timeout_pointer = NULL;
    if (nevents > 0) {
      timeout.tv_sec = 0, timeout.tv_nsec = 0, timeout_pointer = &timeout;
    } else if (earliest != UINT64_MAX) {
      uint64_t current = now(CLOCK_MONOTONIC), remaining = earliest > current ? earliest - current : 0;
      timeout.tv_sec = (time_t)(remaining / 1000000000u);
      timeout.tv_nsec = (long)(remaining % 1000000000u);
      timeout_pointer = &timeout;
    }
    int ready = ppoll(polls, nsubscriptions, timeout_pointer, NULL);
    if (ready < 0 && errno == EINTR)
      continue;
    if (ready < 0) {
      free(polls);
      free(deadlines);
      return w2n_wasi_errno(errno);
    }
    uint64_t current = now(CLOCK_MONOTONIC);
    for (uint32_t i = 0; i < nsubscriptions; i++) {
      const uint8_t *subscription = subscriptions + (size_t)i * SUBSCRIPTION_SIZE;
      if (deadlines[i] != 0 && deadlines[i] <= current) {
        write_event(events + (size_t)nevents++ * EVENT_SIZE, subscription, 0, 0, 0);
      } else if (polls[i].fd >= 0 && polls[i].revents != 0) {
        int available = 0;
        if (polls[i].revents & POLLNVAL) {
          write_event(events + (size_t)nevents++ * EVENT_SIZE, subscription, W2N_WASI_BADF, 0, 0);
          continue;
        }
        if (polls[i].events == POLLIN && ioctl(polls[i].fd, FIONREAD, &available) != 0)
          available = 0;
        write_event(events + (size_t)nevents++ * EVENT_SIZE, subscription, 0, (uint64_t)(available > 0 ? available : 0),
                    (polls[i].revents & POLLHUP) != 0);
      }
    }
    if (nevents > 0)
      break;
  }
  free(polls);
  free(deadlines);
  return w2n_wasi_put32(instance, nevents_out, nevents);
}
