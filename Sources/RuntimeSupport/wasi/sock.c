/*
 * wasi/sock.c: preview1's socket functions on descriptors that are sockets (none unless the host
 * passes one; the WasmEdge socket extension that creates them is separate): sock_accept,
 * sock_recv, sock_send, sock_shutdown.
 */
#include "wasi_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/uio.h>

#define W2N_MAX_SOCK_IOVECS 64

static w2n_wasi_fd *socket_fd(w2n_instance *instance, uint32_t fd, uint32_t *error) {
  w2n_wasi_fd *entry = w2n_wasi_fd_get(w2n_wasi_of(instance), fd);
  *error = W2N_WASI_SUCCESS;
  if (entry == NULL)
    *error = W2N_WASI_BADF;
  else if (entry->filetype != W2N_WASI_FILETYPE_SOCKET_STREAM && entry->filetype != W2N_WASI_FILETYPE_SOCKET_DGRAM)
    *error = W2N_WASI_NOTSOCK;
  return *error == W2N_WASI_SUCCESS ? entry : NULL;
}

/* Guest iovecs to a msghdr's host iovecs (at most W2N_MAX_SOCK_IOVECS). */
static uint32_t message(w2n_instance *instance, uint32_t iovs, uint32_t iovs_len, struct iovec *host,
                        struct msghdr *header) {
  if (iovs_len > W2N_MAX_SOCK_IOVECS)
    iovs_len = W2N_MAX_SOCK_IOVECS;
  const uint8_t *guest = w2n_guest(instance, iovs, (uint64_t)iovs_len * 8);
  if (guest == NULL)
    return W2N_WASI_FAULT;
  for (uint32_t i = 0; i < iovs_len; i++) {
    uint32_t length = w2n_load32(guest + 8 * i + 4);
    uint8_t *buffer = w2n_guest(instance, w2n_load32(guest + 8 * i), length);
    if (buffer == NULL)
      return W2N_WASI_FAULT;
    host[i].iov_base = buffer;
    host[i].iov_len = length;
  }
  memset(header, 0, sizeof *header);
  header->msg_iov = host;
  header->msg_iovlen = iovs_len;
  return W2N_WASI_SUCCESS;
}

uint32_t w2n_import_wasi_snapshot_preview1_sock_accept(w2n_instance *instance, uint32_t fd, uint32_t flags,
                                                       uint32_t fd_out) {
  uint32_t error;
  w2n_wasi_fd *entry = socket_fd(instance, fd, &error);
  if (entry == NULL)
    return error;
  if (flags & ~4u)
    return W2N_WASI_INVAL; /* only fdflags.nonblock */
  if (w2n_guest(instance, fd_out, 4) == NULL)
    return W2N_WASI_FAULT;
  int host = accept4(entry->host, NULL, NULL, SOCK_CLOEXEC | (flags & 4 ? SOCK_NONBLOCK : 0));
  if (host < 0)
    return w2n_wasi_errno(errno);
  uint32_t number;
  w2n_wasi *wasi = w2n_wasi_of(instance);
  error = w2n_wasi_fd_add(wasi, host, entry->rights_inheriting, entry->rights_inheriting, &number);
  return error != W2N_WASI_SUCCESS ? error : w2n_wasi_put32(instance, fd_out, number);
}

uint32_t w2n_import_wasi_snapshot_preview1_sock_recv(w2n_instance *instance, uint32_t fd, uint32_t ri_data,
                                                     uint32_t ri_data_len, uint32_t ri_flags, uint32_t ro_datalen_out,
                                                     uint32_t ro_flags_out) {
  uint32_t error;
  w2n_wasi_fd *entry = socket_fd(instance, fd, &error);
  if (entry == NULL)
    return error;
  struct iovec host[W2N_MAX_SOCK_IOVECS];
  struct msghdr header;
  if ((error = message(instance, ri_data, ri_data_len, host, &header)) != W2N_WASI_SUCCESS)
    return error;
  if (w2n_guest(instance, ro_datalen_out, 4) == NULL || w2n_guest(instance, ro_flags_out, 2) == NULL)
    return W2N_WASI_FAULT;
  int flags = (ri_flags & 1 ? MSG_PEEK : 0) | (ri_flags & 2 ? MSG_WAITALL : 0);
  ssize_t count;
  do
    count = recvmsg(entry->host, &header, flags);
  while (count < 0 && errno == EINTR);
  if (count < 0)
    return w2n_wasi_errno(errno);
  w2n_store16(w2n_guest(instance, ro_flags_out, 2), header.msg_flags & MSG_TRUNC ? 1 : 0);
  return w2n_wasi_put32(instance, ro_datalen_out, (uint32_t)count);
}

uint32_t w2n_import_wasi_snapshot_preview1_sock_send(w2n_instance *instance, uint32_t fd, uint32_t si_data,
                                                     uint32_t si_data_len, uint32_t si_flags,
                                                     uint32_t so_datalen_out) {
  (void)si_flags;
  uint32_t error;
  w2n_wasi_fd *entry = socket_fd(instance, fd, &error);
  if (entry == NULL)
    return error;
  struct iovec host[W2N_MAX_SOCK_IOVECS];
  struct msghdr header;
  if ((error = message(instance, si_data, si_data_len, host, &header)) != W2N_WASI_SUCCESS)
    return error;
  if (w2n_guest(instance, so_datalen_out, 4) == NULL)
    return W2N_WASI_FAULT;
  ssize_t count;
  do
    count = sendmsg(entry->host, &header, MSG_NOSIGNAL);
  while (count < 0 && errno == EINTR);
  if (count < 0)
    return w2n_wasi_errno(errno);
  return w2n_wasi_put32(instance, so_datalen_out, (uint32_t)count);
}

uint32_t w2n_import_wasi_snapshot_preview1_sock_shutdown(w2n_instance *instance, uint32_t fd, uint32_t how) {
  uint32_t error;
  w2n_wasi_fd *entry = socket_fd(instance, fd, &error);
  if (entry == NULL)
    return error;
  static const int host_how[] = {0, SHUT_RD, SHUT_WR, SHUT_RDWR}; /* sdflags: RD 1, WR 2 */
  if (how == 0 || how > 3)
    return W2N_WASI_INVAL;
  return shutdown(entry->host, host_how[how]) == 0 ? W2N_WASI_SUCCESS : w2n_wasi_errno(errno);
}
