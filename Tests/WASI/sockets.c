/*
 * sockets.c: the WasmEdge socket extension and preview1's socket functions, on loopback, as a
 * guest sees them. Every check prints "ok NAME" or "FAIL NAME: ..."; the last line is
 * "sockets: N passed, M failed" and the exit status is 1 when a check failed.
 *
 *   sockets            everything (needs the network grant)
 *   sockets denied     the network refused (no grant): sock_open and sock_getaddrinfo give ACCES
 */
#include "wasi_raw.h"
#include "wasmedge_socket.h"

#include <stdio.h>
#include <string.h>

enum { E_SUCCESS = 0, E_ACCES = 2, E_AGAIN = 6, E_BADF = 8, E_CONNREFUSED = 14, E_CONNRESET = 15,
       E_INPROGRESS = 26, E_INVAL = 28, E_NOSYS = 52, E_NOTSOCK = 57, E_PIPE = 64 };

static int passed, failed;

static void check(const char *name, int ok, const char *format, long long a, long long b) {
  if (ok) {
    passed++;
    printf("ok %s\n", name);
  } else {
    failed++;
    printf("FAIL %s: ", name);
    printf(format, a, b);
    printf("\n");
  }
}

#define EXPECT_EQ(name, actual, expected)                                                                          \
  do {                                                                                                             \
    long long a_ = (long long)(actual), e_ = (long long)(expected);                                                \
    check(name, a_ == e_, "got %lld, expected %lld", a_, e_);                                                      \
  } while (0)
#define EXPECT(name, condition) check(name, (condition) != 0, "%lld%lld", 0, 0)

static uint64_t monotonic_ms(void) {
  u64 now = 0;
  w_clock_time_get(1, 1, &now);
  return now / 1000000u;
}

static uint8_t loopback4[4] = {127, 0, 0, 1};
static uint8_t any4[4] = {0, 0, 0, 0};

/* A listening TCP socket on 127.0.0.1:0; its port in *port. */
static uint32_t listener(uint32_t *port) {
  uint32_t fd = 0, type = 0;
  we_address address = {loopback4, 4};
  int32_t one = 1;
  uint8_t local[16];
  we_address local_address = {local, 16};
  if (we_sock_open(1, 2, &fd) || we_sock_setsockopt(fd, 0, 0, &one, 4) || we_sock_bind(fd, &address, 0) ||
      we_sock_listen(fd, 128) || we_sock_getlocaladdr(fd, &local_address, &type, port))
    return UINT32_MAX;
  return fd;
}

static uint32_t connect_to(uint32_t port) {
  uint32_t fd = 0;
  we_address address = {loopback4, 4};
  if (we_sock_open(1, 2, &fd) || we_sock_connect(fd, &address, port))
    return UINT32_MAX;
  return fd;
}

static uint32_t send_text(uint32_t fd, const char *text) {
  we_iovec iov = {(void *)text, (uint32_t)strlen(text)};
  uint32_t sent = 0;
  uint32_t error = we_sock_send(fd, &iov, 1, 0, &sent);
  return error ? error : sent == strlen(text) ? 0 : 999;
}

/* poll_oneoff with `n` subscriptions; the events in `events`; returns the count or -errno. */
static int poll(w_subscription *subscriptions, uint32_t n, w_event *events) {
  uint32_t count = 0;
  uint32_t error = w_poll_oneoff(subscriptions, events, n, &count);
  return error ? -(int)error : (int)count;
}

static w_subscription fd_subscription(uint64_t userdata, uint8_t tag, uint32_t fd) {
  w_subscription s;
  memset(&s, 0, sizeof s);
  s.userdata = userdata;
  s.tag = tag;
  s.u.fd.fd = fd;
  return s;
}

static w_subscription clock_subscription(uint64_t userdata, uint32_t id, uint64_t timeout, uint16_t flags) {
  w_subscription s;
  memset(&s, 0, sizeof s);
  s.userdata = userdata;
  s.tag = 0;
  s.u.clock.id = id;
  s.u.clock.timeout = timeout;
  s.u.clock.flags = flags;
  return s;
}

static void test_denied(void) {
  uint32_t fd = 0, res = 0, count = 0;
  EXPECT_EQ("denied: sock_open", we_sock_open(1, 2, &fd), E_ACCES);
  EXPECT_EQ("denied: sock_open_v2", we_sock_open_v2(2, 1, &fd), E_ACCES);
  uint8_t hints[28] = {0};
  EXPECT_EQ("denied: sock_getaddrinfo", we_sock_getaddrinfo("localhost", 10, "80", 3, hints, &res, 1, &count),
            E_ACCES);
}

static void test_open_and_options(void) {
  uint32_t fd = 0;
  EXPECT_EQ("sock_open: family 0", we_sock_open(0, 2, &fd), E_INVAL);
  EXPECT_EQ("sock_open: family 9", we_sock_open(9, 2, &fd), E_INVAL);
  EXPECT_EQ("sock_open: AF_UNIX refused", we_sock_open(3, 2, &fd), E_NOSYS);
  EXPECT_EQ("sock_open: type 0", we_sock_open(1, 0, &fd), E_INVAL);
  EXPECT_EQ("sock_open: type 3", we_sock_open(1, 3, &fd), E_INVAL);
  EXPECT_EQ("sock_open: IPv6 stream", we_sock_open(2, 2, &fd), E_SUCCESS);
  w_fdstat stat;
  EXPECT_EQ("fd_fdstat_get: socket", w_fd_fdstat_get(fd, &stat), 0);
  EXPECT_EQ("fd_fdstat_get: SOCKET_STREAM", stat.filetype, 6);
  EXPECT("fd_fdstat_get: FD_READ | FD_WRITE rights", (stat.rights_base & 66) == 66);
  int32_t value = 0;
  uint32_t length = 4;
  EXPECT_EQ("sock_getsockopt: SO_TYPE", we_sock_getsockopt(fd, 0, 1, &value, &length), 0);
  EXPECT_EQ("sock_getsockopt: SO_TYPE is STREAM (2)", value, 2);
  EXPECT_EQ("sock_getsockopt: length", length, 4);
  EXPECT_EQ("sock_getsockopt: level 1", we_sock_getsockopt(fd, 1, 1, &value, &length), E_INVAL);
  EXPECT_EQ("sock_getsockopt: option 15", we_sock_getsockopt(fd, 0, 15, &value, &length), E_INVAL);
  int32_t buffer = 65536;
  EXPECT_EQ("sock_setsockopt: SO_RCVBUF", we_sock_setsockopt(fd, 0, 6, &buffer, 4), 0);
  length = 4;
  EXPECT_EQ("sock_getsockopt: SO_RCVBUF", we_sock_getsockopt(fd, 0, 6, &value, &length), 0);
  EXPECT("sock_getsockopt: SO_RCVBUF grew", value >= 65536);
  int64_t timeout[2] = {2, 500000}; /* wasm32 libc::timeval {i64, i64} */
  EXPECT_EQ("sock_setsockopt: SO_RCVTIMEO", we_sock_setsockopt(fd, 0, 11, timeout, 16), 0);
  int64_t got[2] = {0, 0};
  length = 16;
  EXPECT_EQ("sock_getsockopt: SO_RCVTIMEO", we_sock_getsockopt(fd, 0, 11, (int32_t *)got, &length), 0);
  EXPECT_EQ("sock_getsockopt: SO_RCVTIMEO seconds", got[0], 2);
  w_fd_close(fd);
  EXPECT_EQ("sock_open_v2: IPv4 datagram", we_sock_open_v2(1, 1, &fd), 0);
  length = 4;
  EXPECT_EQ("sock_getsockopt: SO_TYPE dgram", we_sock_getsockopt(fd, 0, 1, &value, &length), 0);
  EXPECT_EQ("sock_getsockopt: SO_TYPE is DGRAM (1)", value, 1);
  EXPECT_EQ("fd_fdstat_get: SOCKET_DGRAM", (w_fd_fdstat_get(fd, &stat), stat.filetype), 5);
  w_fd_close(fd);
  /* Socket functions on a non-socket and an unknown descriptor. */
  EXPECT_EQ("sock_recv: not a socket", we_sock_recv(1, NULL, 0, 0, &length, &length), E_NOTSOCK);
  EXPECT_EQ("sock_listen: unknown fd", we_sock_listen(999, 1), E_BADF);
  EXPECT_EQ("sock_shutdown: not a socket", w_sock_shutdown(1, 3), E_NOTSOCK);
}

static void test_tcp(void) {
  uint32_t port = 0;
  uint32_t server = listener(&port);
  EXPECT("listener: open, setsockopt, bind, listen, getlocaladdr", server != UINT32_MAX && port != 0);
  uint8_t v1[16];
  memset(v1, 0xEE, sizeof v1);
  we_address v1_address = {v1, 16};
  uint32_t type = 0, local_port = 0;
  EXPECT_EQ("sock_getlocaladdr V1", we_sock_getlocaladdr(server, &v1_address, &type, &local_port), 0);
  EXPECT_EQ("sock_getlocaladdr V1: addr_type 4", type, 4);
  EXPECT("sock_getlocaladdr V1: 127.0.0.1", memcmp(v1, loopback4, 4) == 0);
  uint8_t storage[128];
  we_address v2_address = {storage, 128};
  EXPECT_EQ("sock_getlocaladdr_v2", we_sock_getlocaladdr_v2(server, &v2_address, &local_port), 0);
  EXPECT_EQ("sock_getlocaladdr_v2: family INET4", storage[0] | storage[1] << 8, 1);
  EXPECT("sock_getlocaladdr_v2: address at 2", memcmp(storage + 2, loopback4, 4) == 0);
  EXPECT_EQ("sock_getlocaladdr_v2: port", local_port, port);
  we_address wrong = {v1, 8};
  EXPECT_EQ("sock_getlocaladdr V1: 8-byte buffer", we_sock_getlocaladdr(server, &wrong, &type, &local_port), E_INVAL);
  EXPECT_EQ("sock_getlocaladdr_v2: 16-byte buffer", we_sock_getlocaladdr_v2(server, &v1_address, &local_port),
            E_INVAL);
  we_address bad_bind = {loopback4, 5};
  uint32_t spare = 0;
  we_sock_open(1, 2, &spare);
  EXPECT_EQ("sock_bind: 5-byte address", we_sock_bind(spare, &bad_bind, 0), E_INVAL);
  EXPECT_EQ("sock_bind V1: 128-byte form refused", we_sock_bind(spare, &v2_address, 0), E_INVAL);
  EXPECT_EQ("sock_bind_v2: 128-byte form", we_sock_bind_v2(spare, &v2_address, 0), 0);
  w_fd_close(spare);

  /* Non-blocking accept: AGAIN, through both flavours and preview1's. */
  EXPECT_EQ("fd_fdstat_set_flags: NONBLOCK", w_fd_fdstat_set_flags(server, 4), 0);
  w_fdstat stat;
  w_fd_fdstat_get(server, &stat);
  EXPECT_EQ("fd_fdstat_get: NONBLOCK reported", stat.flags & 4, 4);
  uint32_t accepted = 0;
  EXPECT_EQ("sock_accept V1: AGAIN", we_sock_accept(server, &accepted), E_AGAIN);
  EXPECT_EQ("sock_accept (preview1): AGAIN", w_sock_accept(server, 0, &accepted), E_AGAIN);
  EXPECT_EQ("sock_accept_v2: AGAIN", we_sock_accept_v2(server, 0, &accepted), E_AGAIN);
  EXPECT_EQ("sock_accept: bad flags", w_sock_accept(server, 64, &accepted), E_INVAL);

  /* Poll the listener with a timeout: only the clock fires. */
  w_subscription subscriptions[4];
  w_event events[4];
  subscriptions[0] = fd_subscription(11, 1, server);
  subscriptions[1] = clock_subscription(22, 1, 50000000, 0);
  uint64_t before = monotonic_ms();
  int count = poll(subscriptions, 2, events);
  uint64_t elapsed = monotonic_ms() - before;
  EXPECT_EQ("poll_oneoff: relative timeout, one event", count, 1);
  EXPECT_EQ("poll_oneoff: the clock's userdata", events[0].userdata, 22);
  EXPECT_EQ("poll_oneoff: the clock's type", events[0].type, 0);
  EXPECT("poll_oneoff: waited 50 ms", elapsed >= 49 && elapsed < 1000);

  /* Connect; the listener becomes readable; accept V1 gives a blocking socket. */
  uint32_t client = connect_to(port);
  EXPECT("sock_connect", client != UINT32_MAX);
  count = poll(subscriptions, 2, events);
  EXPECT_EQ("poll_oneoff: listener readable", count, 1);
  EXPECT_EQ("poll_oneoff: listener userdata", events[0].userdata, 11);
  EXPECT_EQ("poll_oneoff: FD_READ type", events[0].type, 1);
  EXPECT_EQ("poll_oneoff: no error", events[0].error, 0);
  EXPECT_EQ("sock_accept V1", we_sock_accept(server, &accepted), 0);
  w_fd_fdstat_get(accepted, &stat);
  EXPECT_EQ("sock_accept V1: blocking socket", stat.flags & 4, 0);
  EXPECT_EQ("sock_accept V1: SOCKET_STREAM", stat.filetype, 6);
  uint32_t peer_port = 0, client_port = 0;
  EXPECT_EQ("sock_getpeeraddr V1", we_sock_getpeeraddr(accepted, &v1_address, &type, &peer_port), 0);
  EXPECT_EQ("sock_getpeeraddr V1: addr_type 4", type, 4);
  EXPECT("sock_getpeeraddr V1: 127.0.0.1", memcmp(v1, loopback4, 4) == 0);
  we_sock_getlocaladdr(client, &v1_address, &type, &client_port);
  EXPECT_EQ("sock_getpeeraddr V1: the client's port", peer_port, client_port);
  memset(storage, 0, sizeof storage);
  EXPECT_EQ("sock_getpeeraddr (plain name, V2 type)", we_sock_getpeeraddr_v2_plain(accepted, &v2_address, &peer_port),
            0);
  EXPECT_EQ("sock_getpeeraddr V2: family", storage[0], 1);
  EXPECT_EQ("sock_getpeeraddr V2: port", peer_port, client_port);
  uint8_t small[4];
  we_address small_address = {small, 4};
  EXPECT_EQ("sock_getpeeraddr V1: 4-byte buffer", we_sock_getpeeraddr(accepted, &small_address, &type, &peer_port), 0);

  /* Data both ways: sock_send / sock_recv, fd_write / fd_read. */
  EXPECT_EQ("sock_send", send_text(client, "hello"), 0);
  subscriptions[0] = fd_subscription(33, 1, accepted);
  count = poll(subscriptions, 2, events);
  EXPECT_EQ("poll_oneoff: data readable", count, 1);
  EXPECT_EQ("poll_oneoff: nbytes (1: at least one, as wasmtime)", events[0].nbytes, 1);
  char buffer[64];
  we_iovec iov = {buffer, sizeof buffer};
  uint32_t received = 0, oflags = 0xFFFFFFFFu;
  EXPECT_EQ("sock_recv", we_sock_recv(accepted, &iov, 1, 0, &received, &oflags), 0);
  EXPECT("sock_recv: the data", received == 5 && memcmp(buffer, "hello", 5) == 0);
  EXPECT_EQ("sock_recv: roflags (2 bytes written)", oflags, 0xFFFF0000u);
  EXPECT_EQ("sock_recv: bad riflags", we_sock_recv(accepted, &iov, 1, 4, &received, &oflags), E_INVAL);
  EXPECT_EQ("sock_send: siflags must be 0", we_sock_send(accepted, &iov, 1, 1, &received), E_INVAL);
  EXPECT_EQ("sock_recv: 1025 iovecs", we_sock_recv(accepted, &iov, 1025, 0, &received, &oflags), E_INVAL);
  w_iovec wiov = {(u32)"pong", 4};
  u32 written = 0;
  EXPECT_EQ("fd_write on a socket", w_fd_write(accepted, &wiov, 1, &written), 0);
  w_iovec riov = {(u32)buffer, sizeof buffer};
  u32 nread = 0;
  EXPECT_EQ("fd_read on a socket", w_fd_read(client, &riov, 1, &nread), 0);
  EXPECT("fd_read: the data", nread == 4 && memcmp(buffer, "pong", 4) == 0);
  EXPECT_EQ("sock_send_v2", (send_text(client, "abc"), 0), 0);
  we_iovec two[2] = {{buffer, 1}, {buffer + 10, 10}};
  EXPECT_EQ("sock_recv_v2: two iovecs", we_sock_recv_v2(accepted, two, 2, 0, &received, &oflags), 0);
  EXPECT("sock_recv_v2: scattered", received == 3 && buffer[0] == 'a' && buffer[10] == 'b' && buffer[11] == 'c');
  EXPECT_EQ("sock_send: preview1 import", (send_text(client, "xy"), 0), 0);
  uint32_t peek = 0;
  EXPECT_EQ("sock_recv: PEEK", w_sock_recv(accepted, &iov, 1, 1, &peek, &oflags), 0);
  EXPECT_EQ("sock_recv: PEEK size", peek, 2);
  EXPECT_EQ("sock_recv: after PEEK", we_sock_recv(accepted, &iov, 1, 0, &received, &oflags), 0);
  EXPECT_EQ("sock_recv: after PEEK size", received, 2);

  /* Non-blocking recv: AGAIN. */
  EXPECT_EQ("fd_fdstat_set_flags: NONBLOCK on a connection", w_fd_fdstat_set_flags(accepted, 4), 0);
  EXPECT_EQ("sock_recv: AGAIN", we_sock_recv(accepted, &iov, 1, 0, &received, &oflags), E_AGAIN);
  EXPECT_EQ("fd_read: AGAIN", w_fd_read(accepted, &riov, 1, &nread), E_AGAIN);

  /* Writable at once; read and write on one descriptor in one call merge. */
  subscriptions[0] = fd_subscription(1, 2, accepted);
  subscriptions[1] = fd_subscription(2, 1, accepted);
  subscriptions[2] = fd_subscription(3, 1, accepted); /* a second read subscription */
  subscriptions[3] = clock_subscription(4, 0, 1000000000, 0);
  count = poll(subscriptions, 4, events);
  EXPECT_EQ("poll_oneoff: writable only", count, 1);
  EXPECT_EQ("poll_oneoff: FD_WRITE userdata", events[0].userdata, 1);
  EXPECT_EQ("poll_oneoff: FD_WRITE type", events[0].type, 2);
  send_text(client, "z");
  count = poll(subscriptions, 4, events);
  EXPECT_EQ("poll_oneoff: readable and writable, both read subscriptions", count, 3);

  /* Absolute clocks: MONOTONIC and REALTIME. */
  u64 now = 0;
  w_clock_time_get(1, 1, &now);
  subscriptions[0] = clock_subscription(5, 1, now + 30000000, 1);
  before = monotonic_ms();
  count = poll(subscriptions, 1, events);
  elapsed = monotonic_ms() - before;
  EXPECT("poll_oneoff: absolute MONOTONIC deadline", count == 1 && events[0].userdata == 5 && elapsed >= 29);
  w_clock_time_get(0, 1, &now);
  subscriptions[0] = clock_subscription(6, 0, now + 30000000, 1);
  subscriptions[1] = clock_subscription(7, 1, 5000000000ull, 0);
  before = monotonic_ms();
  count = poll(subscriptions, 2, events);
  elapsed = monotonic_ms() - before;
  EXPECT("poll_oneoff: absolute REALTIME deadline first", count == 1 && events[0].userdata == 6 && elapsed >= 29 &&
                                                               elapsed < 2000);
  subscriptions[0] = clock_subscription(8, 1, 0, 1); /* in the past */
  EXPECT_EQ("poll_oneoff: past deadline", poll(subscriptions, 1, events), 1);
  subscriptions[0] = clock_subscription(9, 2, 1000, 0);
  EXPECT_EQ("poll_oneoff: CPU-time clock refused (as wasmtime)", poll(subscriptions, 1, events), -E_INVAL);
  subscriptions[0] = fd_subscription(10, 1, 4242);
  count = poll(subscriptions, 1, events);
  EXPECT("poll_oneoff: unknown fd gives a BADF event", count == 1 && events[0].error == E_BADF && events[0].userdata == 10);
  EXPECT_EQ("poll_oneoff: no subscriptions", poll(subscriptions, 0, events), -E_INVAL);
  subscriptions[0].tag = 3;
  EXPECT_EQ("poll_oneoff: bad tag", poll(subscriptions, 1, events), -E_INVAL);
  we_sock_recv(accepted, &iov, 1, 0, &received, &oflags);

  /* Peer close: readable, recv gives 0; with our write side shut too, HANGUP. */
  EXPECT_EQ("sock_shutdown: WR", we_sock_shutdown(client, 2), 0);
  subscriptions[0] = fd_subscription(12, 1, accepted);
  subscriptions[1] = clock_subscription(13, 1, 2000000000, 0);
  count = poll(subscriptions, 2, events);
  EXPECT("poll_oneoff: peer's FIN is readable", count == 1 && events[0].userdata == 12);
  EXPECT_EQ("sock_recv: 0 at end of stream", (we_sock_recv(accepted, &iov, 1, 0, &received, &oflags), received), 0);
  we_sock_shutdown(accepted, 2);
  count = poll(subscriptions, 2, events);
  EXPECT("poll_oneoff: HANGUP once both directions are shut", count == 1 && (events[0].flags & 1));
  EXPECT_EQ("sock_shutdown: bad how", we_sock_shutdown(client, 4), E_INVAL);
  EXPECT_EQ("sock_shutdown: 0 (as wasmtime)", we_sock_shutdown(client, 0), E_INVAL);
  EXPECT_EQ("fd_close: client", w_fd_close(client), 0);
  EXPECT_EQ("fd_close: accepted", w_fd_close(accepted), 0);

  /* Reset by the peer (SO_LINGER 0): HANGUP and CONNRESET; writing to it: PIPE, no SIGPIPE. */
  client = connect_to(port);
  EXPECT_EQ("sock_accept_v2: NONBLOCK", we_sock_accept_v2(server, 4, &accepted), 0);
  w_fd_fdstat_get(accepted, &stat);
  EXPECT_EQ("sock_accept_v2: the new socket is non-blocking", stat.flags & 4, 4);
  int32_t linger[2] = {1, 0};
  EXPECT_EQ("sock_setsockopt: SO_LINGER", we_sock_setsockopt(client, 0, 9, linger, 8), 0);
  w_fd_close(client);
  subscriptions[0] = fd_subscription(14, 1, accepted);
  count = poll(subscriptions, 2, events);
  EXPECT("poll_oneoff: reset peer: HANGUP", count == 1 && events[0].userdata == 14 && (events[0].flags & 1));
  EXPECT_EQ("sock_recv: CONNRESET", we_sock_recv(accepted, &iov, 1, 0, &received, &oflags), E_CONNRESET);
  uint32_t sent = 0;
  uint32_t error = 0;
  for (int i = 0; i < 3 && error == 0; i++)
    error = we_sock_send(accepted, &iov, 1, 0, &sent);
  EXPECT_EQ("sock_send: PIPE after a reset", error, E_PIPE);
  w_fd_close(accepted);

  /* Non-blocking connect to a closed port: INPROGRESS, then writable, SO_ERROR = CONNREFUSED. */
  uint32_t closed_port = 0, probe = listener(&closed_port);
  w_fd_close(probe);
  uint32_t connecting = 0;
  we_sock_open(1, 2, &connecting);
  w_fd_fdstat_set_flags(connecting, 4);
  we_address target = {loopback4, 4};
  error = we_sock_connect(connecting, &target, closed_port);
  EXPECT("sock_connect: non-blocking: INPROGRESS or refused", error == E_INPROGRESS || error == E_CONNREFUSED);
  if (error == E_INPROGRESS) {
    subscriptions[0] = fd_subscription(15, 2, connecting);
    count = poll(subscriptions, 2, events);
    EXPECT("poll_oneoff: failed connect is writable", count == 1 && events[0].userdata == 15);
    int32_t so_error = 0;
    uint32_t length = 4;
    EXPECT_EQ("sock_getsockopt: SO_ERROR", we_sock_getsockopt(connecting, 0, 2, &so_error, &length), 0);
    EXPECT_EQ("sock_getsockopt: SO_ERROR is CONNREFUSED (WASI 14)", so_error, E_CONNREFUSED);
  }
  w_fd_close(connecting);
  connecting = 0;
  we_sock_open(1, 2, &connecting);
  EXPECT_EQ("sock_connect: refused", we_sock_connect(connecting, &target, closed_port), E_CONNREFUSED);
  w_fd_close(connecting);

  /* Many descriptors: 100 connections, data on 3 of them; poll reports exactly those. */
  enum { MANY = 100 };
  static uint32_t clients[MANY], servers[MANY];
  static w_subscription many[MANY + 1];
  static w_event many_events[MANY + 1];
  w_fd_fdstat_set_flags(server, 0);
  int connected = 1;
  for (int i = 0; i < MANY && connected; i++) {
    clients[i] = connect_to(port);
    connected = clients[i] != UINT32_MAX && we_sock_accept(server, &servers[i]) == 0;
  }
  EXPECT("100 connections", connected);
  if (connected) {
    send_text(clients[7], "a");
    send_text(clients[42], "b");
    send_text(clients[99], "c");
    for (int i = 0; i < MANY; i++)
      many[i] = fd_subscription(1000 + i, 1, servers[i]);
    many[MANY] = clock_subscription(1, 1, 1000000000, 0);
    count = poll(many, MANY + 1, many_events);
    EXPECT("poll_oneoff: 3 of 100 ready", count == 3 && many_events[0].userdata == 1007 &&
                                              many_events[1].userdata == 1042 && many_events[2].userdata == 1099);
    count = poll(many, MANY + 1, many_events); /* level-triggered: still ready */
    EXPECT_EQ("poll_oneoff: level-triggered", count, 3);
    we_sock_recv(servers[42], &iov, 1, 0, &received, &oflags);
    count = poll(many, MANY + 1, many_events);
    EXPECT_EQ("poll_oneoff: 2 left after a read", count, 2);
    /* A call with fewer descriptors: the others no longer wake it up. */
    many[0] = fd_subscription(2000, 1, servers[0]);
    many[1] = clock_subscription(2001, 1, 20000000, 0);
    count = poll(many, 2, many_events);
    EXPECT("poll_oneoff: others left the set", count == 1 && many_events[0].userdata == 2001);
    /* epoll_oneoff: edge-triggered: one event per arrival. */
    many[0] = fd_subscription(3000, 1, servers[5]);
    many[1] = clock_subscription(3001, 1, 20000000, 0);
    uint32_t n = 0;
    send_text(clients[5], "1");
    EXPECT_EQ("epoll_oneoff: an arrival", we_epoll_oneoff(many, many_events, 2, &n), 0);
    EXPECT("epoll_oneoff: the edge", n == 1 && many_events[0].userdata == 3000);
    we_epoll_oneoff(many, many_events, 2, &n);
    EXPECT("epoll_oneoff: no new edge: timeout", n == 1 && many_events[0].userdata == 3001);
    send_text(clients[5], "2");
    we_epoll_oneoff(many, many_events, 2, &n);
    EXPECT("epoll_oneoff: the next edge", n == 1 && many_events[0].userdata == 3000);
    count = poll(many, 2, many_events); /* back to level-triggered: still readable */
    EXPECT("poll_oneoff after epoll_oneoff: level", count == 1 && many_events[0].userdata == 3000);
    /* Closing a polled descriptor leaves the set too. */
    w_fd_close(servers[5]);
    many[0] = fd_subscription(4000, 1, servers[6]);
    many[1] = clock_subscription(4001, 1, 10000000, 0);
    count = poll(many, 2, many_events);
    EXPECT("poll_oneoff: after fd_close", count == 1 && many_events[0].userdata == 4001);
    for (int i = 0; i < MANY; i++) {
      we_sock_shutdown(clients[i], 3);
      w_fd_close(clients[i]);
      if (i != 5)
        w_fd_close(servers[i]);
    }
  }
  w_fd_close(server);
}

static void test_udp(void) {
  uint32_t a = 0, b = 0, type = 0, port_a = 0, port_b = 0;
  uint8_t buffer16[16];
  we_address local = {buffer16, 16};
  we_address loopback = {loopback4, 4};
  EXPECT("udp: two sockets", we_sock_open(1, 1, &a) == 0 && we_sock_open(1, 1, &b) == 0);
  EXPECT("udp: bind", we_sock_bind(a, &loopback, 0) == 0 && we_sock_bind(b, &loopback, 0) == 0);
  we_sock_getlocaladdr(a, &local, &type, &port_a);
  we_sock_getlocaladdr(b, &local, &type, &port_b);
  we_iovec out = {(void *)"datagram", 8};
  uint32_t sent = 0;
  EXPECT_EQ("sock_send_to V1", we_sock_send_to(a, &out, 1, &loopback, port_b, 0, &sent), 0);
  EXPECT_EQ("sock_send_to V1: size", sent, 8);
  char data[32];
  we_iovec in = {data, sizeof data};
  uint8_t storage[128];
  memset(storage, 0, sizeof storage);
  we_address from = {storage, 128};
  uint32_t from_port = 0, received = 0, oflags = 0;
  EXPECT_EQ("sock_recv_from (8 parameters: V2)", we_sock_recv_from(b, &in, 1, &from, 0, &from_port, &received, &oflags),
            0);
  EXPECT("sock_recv_from V2: the data", received == 8 && memcmp(data, "datagram", 8) == 0);
  EXPECT("sock_recv_from V2: storage form", storage[0] == 1 && memcmp(storage + 2, loopback4, 4) == 0);
  /* WasmEdge writes the port as a u16 in network byte order. */
  EXPECT_EQ("sock_recv_from V2: port (network order, as WasmEdge)", from_port, ((port_a & 0xFF) << 8) | (port_a >> 8));
  uint8_t storage_out[128];
  memset(storage_out, 0, sizeof storage_out);
  storage_out[0] = 1;
  memcpy(storage_out + 2, loopback4, 4);
  we_address to_v2 = {storage_out, 128};
  EXPECT_EQ("sock_send_to V1: 128-byte form refused", we_sock_send_to(a, &out, 1, &to_v2, port_b, 0, &sent), E_INVAL);
  EXPECT_EQ("sock_send_to_v2: 128-byte form", we_sock_send_to_v2(a, &out, 1, &to_v2, port_b, 0, &sent), 0);
  uint8_t raw[16];
  memset(raw, 0, sizeof raw);
  we_address from_raw = {raw, 16};
  EXPECT_EQ("sock_recv_from (7 parameters: V1)", we_sock_recv_from_v1(b, &in, 1, &from_raw, 0, &received, &oflags), 0);
  EXPECT("sock_recv_from V1: raw address", memcmp(raw, loopback4, 4) == 0 && received == 8);
  /* A datagram larger than the buffer: RECV_DATA_TRUNCATED. */
  we_iovec big = {(void *)"0123456789", 10};
  we_sock_send_to(a, &big, 1, &loopback, port_b, 0, &sent);
  we_iovec tiny = {data, 4};
  oflags = 0;
  we_sock_recv_from(b, &tiny, 1, &from, 0, &from_port, &received, &oflags);
  EXPECT("sock_recv_from: truncated datagram", received == 4 && oflags == 1);
  w_fd_close(a);
  w_fd_close(b);
  (void)any4;
}

static void test_getaddrinfo(void) {
  enum { MAX = 4 };
  static we_addrinfo infos[MAX];
  static we_sockaddr addrs[MAX];
  static uint8_t data[MAX][26];
  static char names[MAX][64];
  for (int i = 0; i < MAX; i++) {
    memset(&infos[i], 0, sizeof infos[i]);
    infos[i].ai_addr = &addrs[i];
    addrs[i].sa_data = data[i];
    addrs[i].sa_data_len = 14; /* as the crate sets it (it allocates 26) */
    infos[i].ai_canonname = names[i];
    infos[i].ai_next = i + 1 < MAX ? &infos[i + 1] : NULL;
  }
  we_addrinfo hints;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = 1;   /* INET4 */
  hints.ai_socktype = 2; /* STREAM */
  hints.ai_protocol = 1; /* TCP */
  uint32_t res = (uint32_t)&infos[0], count = 0;
  uint32_t error = we_sock_getaddrinfo("localhost", 10, "80", 3, &hints, &res, MAX, &count);
  EXPECT_EQ("sock_getaddrinfo: localhost", error, 0);
  EXPECT("sock_getaddrinfo: at least one result", count >= 1 && count <= MAX);
  EXPECT_EQ("sock_getaddrinfo: family INET4", infos[0].ai_family, 1);
  EXPECT_EQ("sock_getaddrinfo: stream", infos[0].ai_socktype, 2);
  EXPECT_EQ("sock_getaddrinfo: TCP", infos[0].ai_protocol, 1);
  EXPECT_EQ("sock_getaddrinfo: ai_addrlen 16", infos[0].ai_addrlen, 16);
  EXPECT_EQ("sock_getaddrinfo: sa_family", addrs[0].sa_family, 1);
  EXPECT_EQ("sock_getaddrinfo: sa_data_len 14", addrs[0].sa_data_len, 14);
  EXPECT("sock_getaddrinfo: port 80 big-endian", data[0][0] == 0 && data[0][1] == 80);
  EXPECT("sock_getaddrinfo: 127.0.0.1", memcmp(&data[0][2], loopback4, 4) == 0);
  hints.ai_family = 0;
  error = we_sock_getaddrinfo("127.0.0.1", 9, "", 0, &hints, &res, MAX, &count);
  EXPECT("sock_getaddrinfo: numeric host", error == 0 && count >= 1 && memcmp(&data[0][2], loopback4, 4) == 0);
  EXPECT_EQ("sock_getaddrinfo: both empty", we_sock_getaddrinfo("", 0, "", 0, &hints, &res, MAX, &count), 84);
  EXPECT_EQ("sock_getaddrinfo: max 0", we_sock_getaddrinfo("localhost", 9, "", 0, &hints, &res, 0, &count), 82);
  hints.ai_family = 7;
  EXPECT_EQ("sock_getaddrinfo: bad family", we_sock_getaddrinfo("localhost", 9, "", 0, &hints, &res, MAX, &count), 81);
  hints.ai_family = 0;
  hints.ai_flags = 4; /* NUMERICHOST */
  error = we_sock_getaddrinfo("not-a-number.invalid", 20, "", 0, &hints, &res, MAX, &count);
  EXPECT("sock_getaddrinfo: NUMERICHOST with a name: an AI* error", error >= 77 && error <= 87);
  hints.ai_flags = 0;
  hints.ai_socktype = 9;
  EXPECT_EQ("sock_getaddrinfo: bad socktype", we_sock_getaddrinfo("localhost", 9, "", 0, &hints, &res, MAX, &count),
            E_NOSYS);
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "denied") == 0) {
    test_denied();
  } else {
    test_open_and_options();
    test_tcp();
    test_udp();
    test_getaddrinfo();
  }
  printf("sockets: %d passed, %d failed\n", passed, failed);
  return failed != 0;
}
