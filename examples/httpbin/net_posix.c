/*
 * net_posix.c: net.h on Linux sockets and poll() — the native flavor of the same server.
 */
#define _GNU_SOURCE 1
#include "net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

const char *net_flavor(void) { return "native"; }

int net_listen(const char *host, int port, int *fd, int *bound_port, char *error, size_t error_size) {
  struct sockaddr_in address;
  memset(&address, 0, sizeof address);
  address.sin_family = AF_INET;
  address.sin_port = htons((uint16_t)port);
  if (inet_pton(AF_INET, host, &address.sin_addr) != 1) {
    snprintf(error, error_size, "not an IPv4 address: %s", host);
    return NET_ERROR;
  }
  int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;
  if (listener < 0 || setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
      bind(listener, (struct sockaddr *)&address, sizeof address) != 0 || listen(listener, 1024) != 0) {
    snprintf(error, error_size, "cannot listen on %s:%d: %s", host, port, strerror(errno));
    if (listener >= 0)
      close(listener);
    return NET_ERROR;
  }
  socklen_t length = sizeof address;
  getsockname(listener, (struct sockaddr *)&address, &length);
  *fd = listener;
  *bound_port = ntohs(address.sin_port);
  return 0;
}

int net_accept(int listener, int *fd, char *peer, size_t peer_size) {
  struct sockaddr_storage address;
  socklen_t length = sizeof address;
  int accepted;
  do
    accepted = accept4(listener, (struct sockaddr *)&address, &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
  while (accepted < 0 && errno == EINTR);
  if (accepted < 0)
    return errno == EAGAIN || errno == EWOULDBLOCK ? NET_AGAIN : NET_ERROR;
  if (address.ss_family == AF_INET)
    inet_ntop(AF_INET, &((struct sockaddr_in *)&address)->sin_addr, peer, (socklen_t)peer_size);
  else if (address.ss_family == AF_INET6)
    inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&address)->sin6_addr, peer, (socklen_t)peer_size);
  else
    snprintf(peer, peer_size, "unknown");
  *fd = accepted;
  return 0;
}

long net_recv(int fd, void *buffer, size_t size) {
  ssize_t count;
  do
    count = recv(fd, buffer, size, 0);
  while (count < 0 && errno == EINTR);
  if (count < 0)
    return errno == EAGAIN || errno == EWOULDBLOCK ? NET_AGAIN : NET_ERROR;
  return (long)count;
}

long net_send(int fd, const void *buffer, size_t size) {
  ssize_t count;
  do
    count = send(fd, buffer, size, MSG_NOSIGNAL);
  while (count < 0 && errno == EINTR);
  if (count < 0)
    return errno == EAGAIN || errno == EWOULDBLOCK ? NET_AGAIN : NET_ERROR;
  return (long)count;
}

void net_close(int fd) {
  shutdown(fd, SHUT_RDWR);
  close(fd);
}

int net_poll(net_pollfd *fds, int count, int timeout_ms) {
  static struct pollfd *polls;
  static int capacity;
  if (count > capacity) {
    struct pollfd *grown = realloc(polls, (size_t)(count + 64) * sizeof *polls);
    if (grown == NULL)
      return NET_ERROR;
    polls = grown;
    capacity = count + 64;
  }
  for (int i = 0; i < count; i++) {
    polls[i].fd = fds[i].fd;
    polls[i].events = (short)((fds[i].events & NET_IN ? POLLIN : 0) | (fds[i].events & NET_OUT ? POLLOUT : 0));
    polls[i].revents = 0;
  }
  int ready;
  do
    ready = poll(polls, (nfds_t)count, timeout_ms);
  while (ready < 0 && errno == EINTR);
  if (ready < 0)
    return NET_ERROR;
  for (int i = 0; i < count; i++) {
    short r = polls[i].revents;
    fds[i].revents = (r & POLLIN ? NET_IN : 0) | (r & POLLOUT ? NET_OUT : 0) | (r & POLLHUP ? NET_HUP : 0) |
                     (r & (POLLERR | POLLNVAL) ? NET_ERR : 0);
  }
  return ready;
}

uint64_t net_now_ms(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (uint64_t)now.tv_sec * 1000u + (uint64_t)now.tv_nsec / 1000000u;
}

int64_t net_unix_time(void) { return (int64_t)time(NULL); }

void net_random(void *buffer, size_t size) {
  size_t done = 0;
  while (done < size) {
    ssize_t count = getrandom((char *)buffer + done, size - done, 0);
    if (count <= 0)
      break;
    done += (size_t)count;
  }
}
