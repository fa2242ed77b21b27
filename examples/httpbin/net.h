/*
 * net.h: the small portability layer under httpbin.c. Two implementations:
 *   net_wasmedge.c  wasm32-wasi: WasmEdge's socket extension, declared exactly as
 *                   wasmedge_wasi_socket 0.5.5 declares it, and poll_oneoff (flavor: the engine
 *                   that runs it, from W2N_ENGINE: "aot" or "interpreter"; "wasm" elsewhere)
 *   net_posix.c     Linux: BSD sockets and poll() (flavor "native")
 * Descriptors are ints; every socket the layer returns is non-blocking.
 */
#ifndef HTTPBIN_NET_H
#define HTTPBIN_NET_H

#include <stddef.h>
#include <stdint.h>

enum {
  NET_AGAIN = -1, /* would block */
  NET_ERROR = -2, /* any other failure */
};

/* Poll interest and results. */
enum { NET_IN = 1, NET_OUT = 2, NET_HUP = 4, NET_ERR = 8 };

typedef struct net_pollfd {
  int fd;
  int events;  /* NET_IN | NET_OUT */
  int revents; /* NET_IN | NET_OUT | NET_HUP | NET_ERR */
} net_pollfd;

/* The flavor reported in responses. */
const char *net_flavor(void);

/* A non-blocking listening TCP socket on host (an IPv4 literal) and port (0: any free port);
 * the port it got in *bound_port. 0, or NET_ERROR with a message in `error`. */
int net_listen(const char *host, int port, int *fd, int *bound_port, char *error, size_t error_size);

/* Accepts a connection (made non-blocking); its peer's address as text in `peer`. 0, NET_AGAIN
 * or NET_ERROR. */
int net_accept(int listener, int *fd, char *peer, size_t peer_size);

/* Bytes received (0: the peer closed), NET_AGAIN or NET_ERROR. */
long net_recv(int fd, void *buffer, size_t size);
/* Bytes sent, NET_AGAIN or NET_ERROR. */
long net_send(int fd, const void *buffer, size_t size);
/* Shuts the connection down both ways and closes it. */
void net_close(int fd);

/* Waits until one of `fds` is ready or `timeout_ms` passed (-1: no timeout); fills revents.
 * The number of ready descriptors, or NET_ERROR. Level-triggered. */
int net_poll(net_pollfd *fds, int count, int timeout_ms);

/* Monotonic milliseconds; seconds since the epoch. */
uint64_t net_now_ms(void);
int64_t net_unix_time(void);

/* Random bytes. */
void net_random(void *buffer, size_t size);

#endif
