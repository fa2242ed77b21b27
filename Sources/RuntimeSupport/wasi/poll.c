/*
 * wasi/poll.c: poll_oneoff (level-triggered) and WasmEdge's epoll_oneoff (the same type,
 * edge-triggered), on one epoll set per WASI context.
 *
 * A descriptor stays registered in the epoll set from one call to the next with the events it was
 * last polled for, so an event loop that polls the same descriptors again and again costs no
 * epoll_ctl, and the kernel reports only the ready ones (no scan of every descriptor). Each call:
 *   1. reads its subscriptions: clocks become deadlines on CLOCK_MONOTONIC (REALTIME and
 *      MONOTONIC, relative or ABSTIME); read and write subscriptions of one descriptor merge into
 *      one registration (EPOLLIN | EPOLLOUT; several subscriptions of one kind all get the event);
 *      an unknown descriptor gets an immediate event with error BADF (as WasmEdge and Linux poll);
 *   2. registers what changed (epoll_ctl ADD / MOD), and removes the descriptors that were
 *      registered but are not part of this call (level-triggered epoll would keep waking up for
 *      them); epoll refuses regular files and directories, which are always ready (as poll() says);
 *   3. waits with epoll_wait until a descriptor is ready or the earliest deadline (rounded up to
 *      the millisecond); with clocks only it sleeps with clock_nanosleep to the nanosecond;
 *   4. writes the events in subscription order: for a read, EPOLLIN / EPOLLHUP / EPOLLERR; for a
 *      write, EPOLLOUT / EPOLLHUP / EPOLLERR; the HANGUP flag on EPOLLHUP. Only fired events are
 *      written. nbytes is 1, as wasmtime reports it ("at least one"): an exact count would cost a
 *      FIONREAD per event, a third more system calls per request for a server, and neither
 *      wasi-libc's poll() nor mio reads it.
 * Like wasmtime, no subscription, an unknown tag or a clock other than REALTIME and MONOTONIC make
 * the whole call fail with INVAL.
 */
#include "wasi_internal.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

enum { SUBSCRIPTION_SIZE = 48, EVENT_SIZE = 32, TAG_CLOCK = 0, TAG_FD_READ = 1, TAG_FD_WRITE = 2 };
enum { MAX_EPOLL_EVENTS = 1024 };

/* One subscription's state during a call. */
typedef struct sub_state {
  uint64_t deadline; /* clocks: CLOCK_MONOTONIC nanoseconds */
  uint32_t next;     /* fd subscriptions: the next one of the same descriptor and kind, index + 1 */
  uint16_t error;
  uint8_t tag;
  uint8_t ready;
  uint8_t hangup;
} sub_state;

static uint64_t monotonic_now(void) {
  struct timespec time;
  clock_gettime(CLOCK_MONOTONIC, &time);
  return (uint64_t)time.tv_sec * 1000000000u + (uint64_t)time.tv_nsec;
}

static uint64_t clock_now(clockid_t clock) {
  struct timespec time;
  clock_gettime(clock, &time);
  return (uint64_t)time.tv_sec * 1000000000u + (uint64_t)time.tv_nsec;
}

void w2n_wasi_poll_forget(w2n_wasi *wasi, w2n_wasi_fd *entry) {
  if (entry->poll_registered != 0) {
    if (wasi->epoll >= 0 && entry->host >= 0)
      epoll_ctl(wasi->epoll, EPOLL_CTL_DEL, entry->host, NULL);
    entry->poll_registered = 0;
    wasi->poll_registered--;
  }
  entry->poll_always_ready = 0;
  entry->poll_generation = 0;
}

void w2n_wasi_poll_free(w2n_wasi *wasi) {
  if (wasi->epoll >= 0)
    close(wasi->epoll);
  wasi->epoll = -1;
  free(wasi->poll_scratch);
  wasi->poll_scratch = NULL;
  wasi->poll_scratch_size = 0;
}

/* Marks every subscription of a chain (index + 1 links) ready. */
static void mark_chain(sub_state *states, uint32_t head, uint16_t error, int hangup) {
  for (uint32_t link = head; link != 0; link = states[link - 1].next) {
    states[link - 1].ready = 1;
    if (error != 0 && states[link - 1].error == 0)
      states[link - 1].error = error;
    if (hangup)
      states[link - 1].hangup = 1;
  }
}

static void write_event(uint8_t *event, const uint8_t *subscription, const sub_state *state, uint64_t nbytes) {
  memset(event, 0, EVENT_SIZE);
  memcpy(event, subscription, 8); /* userdata */
  w2n_store16(event + 8, state->error);
  event[10] = state->tag;
  if (state->tag != TAG_CLOCK) {
    w2n_store64(event + 16, nbytes);
    w2n_store16(event + 24, state->hangup ? 1 : 0);
  }
}

static uint32_t poll_common(w2n_instance *instance, uint32_t in, uint32_t out, uint32_t nsubscriptions,
                            uint32_t nevents_out, int edge_triggered) {
  w2n_wasi *wasi = w2n_wasi_of(instance);
  if (nsubscriptions == 0)
    return W2N_WASI_INVAL;
  const uint8_t *subscriptions = w2n_guest(instance, in, (uint64_t)nsubscriptions * SUBSCRIPTION_SIZE);
  uint8_t *events = w2n_guest(instance, out, (uint64_t)nsubscriptions * EVENT_SIZE);
  if (subscriptions == NULL || events == NULL || w2n_guest(instance, nevents_out, 4) == NULL)
    return W2N_WASI_FAULT;

  /* Scratch: the states, the epoll events, the descriptors touched. */
  uint32_t max_events = nsubscriptions < MAX_EPOLL_EVENTS ? nsubscriptions : MAX_EPOLL_EVENTS;
  size_t need = (size_t)nsubscriptions * sizeof(sub_state) + (size_t)nsubscriptions * sizeof(uint32_t) +
                (size_t)max_events * sizeof(struct epoll_event);
  if (need > wasi->poll_scratch_size) {
    void *grown = realloc(wasi->poll_scratch, need);
    if (grown == NULL)
      return W2N_WASI_NOMEM;
    wasi->poll_scratch = grown;
    wasi->poll_scratch_size = need;
  }
  sub_state *states = wasi->poll_scratch; /* 8-byte aligned first, then epoll_event, then u32 */
  struct epoll_event *ready_events = (struct epoll_event *)(states + nsubscriptions);
  uint32_t *touched = (uint32_t *)(ready_events + max_events);
  uint32_t touched_count = 0;

  uint32_t generation = ++wasi->poll_generation;
  if (generation == 0) /* 0 marks "never polled" */
    generation = ++wasi->poll_generation;
  uint64_t start = monotonic_now(), earliest = UINT64_MAX;
  int immediate = 0;

  /* 1. Subscriptions. */
  for (uint32_t i = 0; i < nsubscriptions; i++) {
    const uint8_t *subscription = subscriptions + (size_t)i * SUBSCRIPTION_SIZE;
    sub_state *state = &states[i];
    memset(state, 0, sizeof *state);
    state->tag = subscription[8];
    if (state->tag == TAG_CLOCK) {
      uint32_t id = w2n_load32(subscription + 16);
      if (id > 1)
        return W2N_WASI_INVAL; /* wasmtime: only REALTIME and MONOTONIC */
      uint64_t timeout = w2n_load64(subscription + 24), remaining = timeout;
      if (w2n_load16(subscription + 40) & 1) { /* ABSTIME */
        uint64_t current = clock_now(id == 0 ? CLOCK_REALTIME : CLOCK_MONOTONIC);
        remaining = timeout > current ? timeout - current : 0;
      }
      state->deadline = start + remaining < start ? UINT64_MAX : start + remaining;
      if (state->deadline < earliest)
        earliest = state->deadline;
    } else if (state->tag == TAG_FD_READ || state->tag == TAG_FD_WRITE) {
      uint32_t fd = w2n_load32(subscription + 16);
      w2n_wasi_fd *entry = w2n_wasi_fd_get(wasi, fd);
      if (entry == NULL) {
        state->ready = 1;
        state->error = W2N_WASI_BADF;
        immediate = 1;
        continue;
      }
      if (entry->poll_generation != generation) {
        entry->poll_generation = generation;
        entry->poll_wanted = 0;
        entry->poll_read = entry->poll_write = 0;
        touched[touched_count++] = fd;
      }
      if (state->tag == TAG_FD_READ) {
        state->next = entry->poll_read;
        entry->poll_read = i + 1;
        entry->poll_wanted |= EPOLLIN;
      } else {
        state->next = entry->poll_write;
        entry->poll_write = i + 1;
        entry->poll_wanted |= EPOLLOUT;
      }
    } else {
      return W2N_WASI_INVAL;
    }
  }

  /* 2. Registrations. */
  uint32_t touched_registered = 0;
  for (uint32_t t = 0; t < touched_count; t++) {
    w2n_wasi_fd *entry = &wasi->fds[touched[t]];
    if (entry->poll_always_ready) {
      mark_chain(states, entry->poll_read, 0, 0);
      mark_chain(states, entry->poll_write, 0, 0);
      immediate = 1;
      continue;
    }
    uint32_t wanted = entry->poll_wanted | (edge_triggered ? (uint32_t)EPOLLET : 0u);
    if (entry->poll_registered != wanted) {
      if (wasi->epoll < 0 && (wasi->epoll = epoll_create1(EPOLL_CLOEXEC)) < 0)
        return w2n_wasi_errno(errno);
      struct epoll_event event;
      memset(&event, 0, sizeof event);
      event.events = wanted;
      event.data.u32 = touched[t];
      int operation = entry->poll_registered != 0 ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
      int result = epoll_ctl(wasi->epoll, operation, entry->host, &event);
      if (result != 0 && operation == EPOLL_CTL_MOD && errno == ENOENT)
        result = epoll_ctl(wasi->epoll, operation = EPOLL_CTL_ADD, entry->host, &event);
      else if (result != 0 && operation == EPOLL_CTL_ADD && errno == EEXIST)
        result = epoll_ctl(wasi->epoll, operation = EPOLL_CTL_MOD, entry->host, &event);
      if (result != 0) {
        uint16_t error = errno == EPERM ? 0 : (uint16_t)w2n_wasi_errno(errno);
        if (errno == EPERM) /* regular files, directories: always ready */
          entry->poll_always_ready = 1;
        mark_chain(states, entry->poll_read, error, 0);
        mark_chain(states, entry->poll_write, error, 0);
        immediate = 1;
        continue;
      }
      if (entry->poll_registered == 0)
        wasi->poll_registered++;
      entry->poll_registered = wanted;
    }
    touched_registered++;
  }
  /* Descriptors registered earlier but not polled now leave the set. */
  if (wasi->poll_registered > touched_registered) {
    for (uint32_t fd = 0; fd < wasi->fd_count && wasi->poll_registered > touched_registered; fd++) {
      w2n_wasi_fd *entry = &wasi->fds[fd];
      if (entry->poll_registered != 0 && entry->poll_generation != generation) {
        epoll_ctl(wasi->epoll, EPOLL_CTL_DEL, entry->host, NULL);
        entry->poll_registered = 0;
        wasi->poll_registered--;
      }
    }
  }

  /* 3. Wait. */
  int any = immediate;
  for (;;) {
    int timeout_ms = -1;
    uint64_t current = 0;
    if (any) {
      timeout_ms = 0;
    } else if (earliest != UINT64_MAX) {
      current = monotonic_now();
      uint64_t remaining = earliest > current ? earliest - current : 0;
      uint64_t milliseconds = (remaining + 999999u) / 1000000u;
      timeout_ms = milliseconds > INT_MAX ? INT_MAX : (int)milliseconds;
    }
    int count = 0;
    if (touched_registered > 0) {
      count = epoll_wait(wasi->epoll, ready_events, (int)max_events, timeout_ms);
      if (count < 0 && errno == EINTR)
        continue;
      if (count < 0)
        return w2n_wasi_errno(errno);
    } else if (timeout_ms != 0 && earliest != UINT64_MAX) {
      struct timespec until;
      until.tv_sec = (time_t)(earliest / 1000000000u);
      until.tv_nsec = (long)(earliest % 1000000000u);
      int result = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL);
      if (result == EINTR)
        continue;
    }
    for (int e = 0; e < count; e++) {
      uint32_t fd = ready_events[e].data.u32, bits = ready_events[e].events;
      if (fd >= wasi->fd_count || wasi->fds[fd].poll_generation != generation)
        continue;
      w2n_wasi_fd *entry = &wasi->fds[fd];
      int hangup = (bits & EPOLLHUP) != 0;
      if (bits & (EPOLLIN | EPOLLHUP | EPOLLERR))
        mark_chain(states, entry->poll_read, 0, hangup);
      if (bits & (EPOLLOUT | EPOLLHUP | EPOLLERR))
        mark_chain(states, entry->poll_write, 0, hangup);
      any = 1;
    }
    if (earliest != UINT64_MAX) {
      current = monotonic_now();
      if (earliest <= current) {
        for (uint32_t i = 0; i < nsubscriptions; i++)
          if (states[i].tag == TAG_CLOCK && states[i].deadline <= current)
            states[i].ready = 1;
        any = 1;
      }
    }
    if (any)
      break;
  }

  /* 4. Events, in subscription order. */
  uint32_t nevents = 0;
  for (uint32_t i = 0; i < nsubscriptions; i++) {
    if (!states[i].ready)
      continue;
    const uint8_t *subscription = subscriptions + (size_t)i * SUBSCRIPTION_SIZE;
    write_event(events + (size_t)nevents++ * EVENT_SIZE, subscription, &states[i], states[i].error == 0 ? 1 : 0);
  }
  return w2n_wasi_put32(instance, nevents_out, nevents);
}

uint32_t w2n_import_wasi_snapshot_preview1_poll_oneoff(w2n_instance *instance, uint32_t in, uint32_t out,
                                                       uint32_t nsubscriptions, uint32_t nevents_out) {
  return poll_common(instance, in, out, nsubscriptions, nevents_out, 0);
}

uint32_t w2n_import_wasi_snapshot_preview1_epoll_oneoff(w2n_instance *instance, uint32_t in, uint32_t out,
                                                        uint32_t nsubscriptions, uint32_t nevents_out) {
  return poll_common(instance, in, out, nsubscriptions, nevents_out, 1);
}
