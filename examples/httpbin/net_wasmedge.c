/*
 * net_wasmedge.c: net.h on WasmEdge's socket extension, with the imports declared exactly as
 * wasmedge_wasi_socket 0.5.5 (src/socket.rs) declares them — what a tokio/axum server built for
 * WasmEdge imports: V1 sock_accept (two parameters), V1 sock_getpeeraddr / sock_getlocaladdr
 * (four) — and the same call sequence: sock_open, sock_setsockopt(SO_REUSEADDR), sock_bind,
 * sock_listen, non-blocking mode through fd_fdstat_get + fd_fdstat_set_flags, sock_accept then
 * sock_getpeeraddr, sock_recv / sock_send with one iovec, sock_shutdown(3) + fd_close. The event
 * loop waits in poll_oneoff: an FD_READ / FD_WRITE subscription per interest and a relative
 * REALTIME clock for the timeout, as wasi-libc's poll() builds them.
 */
#include "net.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IMPORT(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))

typedef struct wasi_address {
  uint8_t *buf;
  uint32_t buf_len;
} wasi_address;

typedef struct wasi_iovec {
  const void *buf;
  uint32_t buf_len;
} wasi_iovec;

/* wasmedge_wasi_socket 0.5.5's declarations (u8 / u16 parameters are i32 in wasm). */
IMPORT(sock_open) uint32_t sock_open(uint8_t addr_family, uint8_t sock_type, uint32_t *fd);
IMPORT(sock_bind) uint32_t sock_bind(uint32_t fd, const wasi_address *addr, uint32_t port);
IMPORT(sock_listen) uint32_t sock_listen(uint32_t fd, uint32_t backlog);
IMPORT(sock_accept) uint32_t sock_accept(uint32_t fd, uint32_t *new_fd);
IMPORT(sock_recv)
uint32_t sock_recv(uint32_t fd, const wasi_iovec *buf, uint32_t buf_len, uint16_t flags, uint32_t *recv_len,
                   uint32_t *oflags);
IMPORT(sock_send)
uint32_t sock_send(uint32_t fd, const wasi_iovec *buf, uint32_t buf_len, uint16_t flags, uint32_t *send_len);
IMPORT(sock_shutdown) uint32_t sock_shutdown(uint32_t fd, uint8_t flags);
IMPORT(sock_getpeeraddr)
uint32_t sock_getpeeraddr(uint32_t fd, wasi_address *addr, uint32_t *addr_type, uint32_t *port);
IMPORT(sock_getlocaladdr)
uint32_t sock_getlocaladdr(uint32_t fd, wasi_address *addr, uint32_t *addr_type, uint32_t *port);
IMPORT(sock_setsockopt)
uint32_t sock_setsockopt(uint32_t fd, uint32_t level, uint32_t name, const int32_t *flag, uint32_t flag_size);

/* Standard preview1 functions. */
IMPORT(fd_fdstat_get) uint32_t fd_fdstat_get(uint32_t fd, void *stat);
IMPORT(fd_fdstat_set_flags) uint32_t fd_fdstat_set_flags(uint32_t fd, uint32_t flags);
IMPORT(fd_close) uint32_t fd_close(uint32_t fd);
IMPORT(poll_oneoff) uint32_t poll_oneoff(const void *in, void *out, uint32_t n, uint32_t *nevents);
IMPORT(clock_time_get) uint32_t clock_time_get(uint32_t id, uint64_t precision, uint64_t *time);
IMPORT(random_get) uint32_t random_get(void *buf, uint32_t len);

enum { ERRNO_AGAIN = 6, FDFLAGS_NONBLOCK = 4 };

typedef struct fdstat {
  uint8_t filetype;
  uint16_t flags;
  uint64_t rights_base, rights_inheriting;
} fdstat;

typedef struct subscription {
  uint64_t userdata;
  uint8_t tag; /* 0 clock, 1 fd_read, 2 fd_write */
  union {
    struct {
      uint32_t id;
      uint64_t timeout, precision;
      uint16_t flags;
    } clock;
    struct {
      uint32_t fd;
    } fd;
  } u;
} subscription;

typedef struct event {
  uint64_t userdata;
  uint16_t error;
  uint8_t type;
  uint64_t nbytes;
  uint16_t flags; /* 1: HANGUP */
} event;

_Static_assert(sizeof(subscription) == 48, "subscription layout");
_Static_assert(sizeof(event) == 32, "event layout");

const char *net_flavor(void) {
  const char *engine = getenv("W2N_ENGINE");
  return engine != NULL && engine[0] != '\0' ? engine : "wasm";
}

/* What the crate's set_nonblocking does, through wasi-libc's fcntl: F_GETFL then F_SETFL. */
static int set_nonblocking(uint32_t fd) {
  fdstat stat;
  if (fd_fdstat_get(fd, &stat) != 0)
    return -1;
  return fd_fdstat_set_flags(fd, stat.flags | FDFLAGS_NONBLOCK) == 0 ? 0 : -1;
}

int net_listen(const char *host, int port, int *fd, int *bound_port, char *error, size_t error_size) {
  unsigned a, b, c, d;
  char extra;
  if (sscanf(host, "%u.%u.%u.%u%c", &a, &b, &c, &d, &extra) != 4 || a > 255 || b > 255 || c > 255 || d > 255) {
    snprintf(error, error_size, "not an IPv4 address: %s", host);
    return NET_ERROR;
  }
  uint8_t octets[4] = {(uint8_t)a, (uint8_t)b, (uint8_t)c, (uint8_t)d};
  wasi_address address = {octets, 4};
  uint32_t listener = 0, status;
  int32_t one = 1;
  if ((status = sock_open(1 /* INET4 */, 2 /* STREAM */, &listener)) != 0) {
    snprintf(error, error_size, "sock_open: errno %u", status);
    return NET_ERROR;
  }
  if ((status = sock_setsockopt(listener, 0 /* SOL_SOCKET */, 0 /* SO_REUSEADDR */, &one, 4)) != 0 ||
      (status = sock_bind(listener, &address, (uint32_t)port)) != 0 ||
      (status = sock_listen(listener, 1024)) != 0 || set_nonblocking(listener) != 0) {
    snprintf(error, error_size, "cannot listen on %s:%d: errno %u", host, port, status);
    fd_close(listener);
    return NET_ERROR;
  }
  uint8_t local[16];
  wasi_address local_address = {local, sizeof local};
  uint32_t type = 0, local_port = 0;
  if (sock_getlocaladdr(listener, &local_address, &type, &local_port) != 0)
    local_port = (uint32_t)port;
  *fd = (int)listener;
  *bound_port = (int)local_port;
  return 0;
}

int net_accept(int listener, int *fd, char *peer, size_t peer_size) {
  uint32_t accepted = 0;
  uint32_t status = sock_accept((uint32_t)listener, &accepted);
  if (status == ERRNO_AGAIN)
    return NET_AGAIN;
  if (status != 0)
    return NET_ERROR;
  uint8_t address[16];
  wasi_address peer_address = {address, sizeof address};
  uint32_t type = 0, port = 0;
  if (set_nonblocking(accepted) != 0 || sock_getpeeraddr(accepted, &peer_address, &type, &port) != 0) {
    net_close((int)accepted); /* the crate: a failed sock_getpeeraddr fails the accept */
    return NET_ERROR;
  }
  if (type == 4 || type == 1)
    snprintf(peer, peer_size, "%u.%u.%u.%u", address[0], address[1], address[2], address[3]);
  else
    snprintf(peer, peer_size, "%x:%x:%x:%x:%x:%x:%x:%x", address[0] << 8 | address[1], address[2] << 8 | address[3],
             address[4] << 8 | address[5], address[6] << 8 | address[7], address[8] << 8 | address[9],
             address[10] << 8 | address[11], address[12] << 8 | address[13], address[14] << 8 | address[15]);
  *fd = (int)accepted;
  return 0;
}

long net_recv(int fd, void *buffer, size_t size) {
  wasi_iovec iov = {buffer, (uint32_t)size};
  uint32_t received = 0, oflags = 0;
  uint32_t status = sock_recv((uint32_t)fd, &iov, 1, 0, &received, &oflags);
  if (status == ERRNO_AGAIN)
    return NET_AGAIN;
  return status == 0 ? (long)received : NET_ERROR;
}

long net_send(int fd, const void *buffer, size_t size) {
  wasi_iovec iov = {buffer, (uint32_t)size};
  uint32_t sent = 0;
  uint32_t status = sock_send((uint32_t)fd, &iov, 1, 0, &sent);
  if (status == ERRNO_AGAIN)
    return NET_AGAIN;
  return status == 0 ? (long)sent : NET_ERROR;
}

void net_close(int fd) {
  sock_shutdown((uint32_t)fd, 3); /* as the crate does on every drop; errors ignored */
  fd_close((uint32_t)fd);
}

int net_poll(net_pollfd *fds, int count, int timeout_ms) {
  static subscription *subscriptions;
  static event *events;
  static int capacity;
  if (2 * count + 1 > capacity) {
    int grown = 2 * count + 64;
    subscription *more_subscriptions = realloc(subscriptions, (size_t)grown * sizeof *subscriptions);
    event *more_events = realloc(events, (size_t)grown * sizeof *events);
    if (more_subscriptions != NULL)
      subscriptions = more_subscriptions;
    if (more_events != NULL)
      events = more_events;
    if (more_subscriptions == NULL || more_events == NULL)
      return NET_ERROR;
    capacity = grown;
  }
  uint32_t n = 0;
  for (int i = 0; i < count; i++) {
    fds[i].revents = 0;
    for (int kind = 1; kind <= 2; kind++) {
      if (!(fds[i].events & (kind == 1 ? NET_IN : NET_OUT)))
        continue;
      subscription *s = &subscriptions[n++];
      memset(s, 0, sizeof *s);
      s->userdata = (uint64_t)i;
      s->tag = (uint8_t)kind;
      s->u.fd.fd = (uint32_t)fds[i].fd;
    }
  }
  if (timeout_ms >= 0) {
    subscription *s = &subscriptions[n++];
    memset(s, 0, sizeof *s);
    s->userdata = UINT64_MAX;
    s->tag = 0;
    s->u.clock.id = 0; /* REALTIME, relative, as wasi-libc's poll() */
    s->u.clock.timeout = (uint64_t)timeout_ms * 1000000u;
  }
  uint32_t nevents = 0;
  if (n == 0 || poll_oneoff(subscriptions, events, n, &nevents) != 0)
    return NET_ERROR;
  int ready = 0;
  for (uint32_t e = 0; e < nevents; e++) {
    if (events[e].userdata == UINT64_MAX || events[e].type == 0)
      continue;
    net_pollfd *p = &fds[events[e].userdata];
    int before = p->revents;
    if (events[e].error != 0)
      p->revents |= NET_ERR;
    else
      p->revents |= events[e].type == 1 ? NET_IN : NET_OUT;
    if (events[e].flags & 1)
      p->revents |= NET_HUP;
    if (before == 0 && p->revents != 0)
      ready++;
  }
  return ready;
}

uint64_t net_now_ms(void) {
  uint64_t now = 0;
  clock_time_get(1 /* MONOTONIC */, 1000000, &now);
  return now / 1000000u;
}

int64_t net_unix_time(void) {
  uint64_t now = 0;
  clock_time_get(0 /* REALTIME */, 1000000000, &now);
  return (int64_t)(now / 1000000000u);
}

void net_random(void *buffer, size_t size) { random_get(buffer, (uint32_t)size); }
