/* poll.c: poll_oneoff on clocks and files, as wasmtime and wasm2native both support them. */
#include "testlib.h"
#include "wasi_raw.h"

static w_subscription clock_at(u64 userdata, u32 id, u64 timeout, uint16_t flags) {
  w_subscription s;
  memset(&s, 0, sizeof s);
  s.userdata = userdata;
  s.tag = 0;
  s.u.clock.id = id;
  s.u.clock.timeout = timeout;
  s.u.clock.flags = flags;
  return s;
}

static w_subscription on_fd(u64 userdata, uint8_t tag, u32 fd) {
  w_subscription s;
  memset(&s, 0, sizeof s);
  s.userdata = userdata;
  s.tag = tag;
  s.u.fd.fd = fd;
  return s;
}

static u64 now(u32 id) {
  u64 t = 0;
  w_clock_time_get(id, 0, &t);
  return t;
}

static void show_events(const char *what, u32 error, w_event *events, u32 n) {
  printf("%s: %u, %u events:", what, error, n);
  for (u32 i = 0; i < n; i++)
    printf(" [userdata %llu type %u error %u]", (unsigned long long)events[i].userdata, events[i].type,
           events[i].error);
  printf("\n");
}

int main(void) {
  w_subscription s[4];
  w_event e[4];
  u32 n = 0, error;
  u64 before = now(1);
  s[0] = clock_at(1, 1, 30000000, 0);
  s[1] = clock_at(2, 1, 10000000, 0);
  error = w_poll_oneoff(s, e, 2, &n);
  show_events("two relative clocks: the earlier", error, e, n);
  SHOW("waited 10 ms", now(1) - before >= 10000000);
  s[0] = clock_at(3, 1, now(1) + 15000000, 1);
  before = now(1);
  error = w_poll_oneoff(s, e, 1, &n);
  show_events("absolute monotonic", error, e, n);
  SHOW("waited 15 ms", now(1) - before >= 14000000);
  s[0] = clock_at(4, 0, now(0) + 15000000, 1);
  error = w_poll_oneoff(s, e, 1, &n);
  show_events("absolute realtime", error, e, n);
  s[0] = clock_at(5, 1, 0, 0);
  error = w_poll_oneoff(s, e, 1, &n);
  show_events("zero timeout", error, e, n);
  s[0] = clock_at(6, 0, 1, 1);
  error = w_poll_oneoff(s, e, 1, &n);
  show_events("deadline in the past", error, e, n);

  /* Files are always ready. */
  u32 file = 0;
  w_path_open(3, 0, W_STR("f.txt"), 1, 0x1FFFFFFF, 0x1FFFFFFF, 0, &file);
  w_iovec data = {(u32)"some bytes", 10};
  w_fd_pwrite(file, &data, 1, 0, &n); /* not empty: wasmtime finds an empty file not readable */
  /* One at a time: with both, wasmtime may report the write before it checked the read. */
  s[0] = on_fd(7, 1, file);
  s[1] = clock_at(9, 1, 1000000000, 0);
  error = w_poll_oneoff(s, e, 2, &n);
  show_events("file read", error, e, n);
  s[0] = on_fd(8, 2, file);
  error = w_poll_oneoff(s, e, 2, &n);
  show_events("file write", error, e, n);
  /* stdout (a file or a pipe here) is writable. */
  s[0] = on_fd(10, 2, 1);
  s[1] = clock_at(11, 1, 1000000000, 0);
  error = w_poll_oneoff(s, e, 2, &n);
  show_events("stdout writable", error, e, n);
  /* Errors of the whole call. */
  error = w_poll_oneoff(s, e, 0, &n);
  printf("no subscriptions: %u\n", error);
  s[0] = clock_at(12, 2, 1000, 0);
  error = w_poll_oneoff(s, e, 1, &n);
  printf("process CPU-time clock: %u\n", error);
  s[0] = on_fd(13, 9, file);
  error = w_poll_oneoff(s, e, 1, &n);
  printf("unknown tag: %u\n", error);
  return 0;
}
