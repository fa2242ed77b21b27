/*
 * wasi/sock.c: sockets. preview1's sock_accept, sock_recv, sock_send, sock_shutdown, and
 * WasmEdge's socket extension (../shared/docs/wasmedge-sockets.md): sock_open, sock_bind,
 * sock_connect, sock_listen, sock_accept (V1: two parameters), sock_recv_from, sock_send_to,
 * sock_getlocaladdr, sock_getpeeraddr (V1 and V2), sock_getsockopt, sock_setsockopt,
 * sock_getaddrinfo, and the `_v2` names.
 *
 * Sockets live in the WASI descriptor table with the files (filetype SOCKET_STREAM / DGRAM), so
 * fd_read, fd_write, fd_close, fd_fdstat_get / set_flags (NONBLOCK) and poll_oneoff work on them.
 * Creating a socket or resolving a name needs the network grant (w2n_main_config.allow_network):
 * without it sock_open and sock_getaddrinfo fail with ACCES. AF_UNIX would reach host paths
 * outside the directory grants, so it is refused with NOSYS (WasmEdge without --allow-af-unix).
 *
 * Conventions (WasmEdge's): an address argument points to {u32 buf, u32 buf_len}; the buffer holds
 * 4 (IPv4) or 16 (IPv6) raw address bytes, or, for the V2 functions, 128 bytes: a u16 family (1
 * INET4, 2 INET6) then the address bytes at offset 2. Ports are host-order u16 values in an i32.
 * Sends use MSG_NOSIGNAL: a closed peer is PIPE, never SIGPIPE.
 */
#include "wasi_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#define W2N_MAX_SOCK_IOVECS 1024 /* WasmEdge's limit: more is INVAL */

enum { ADDRESS_STORAGE_SIZE = 128, FAMILY_INET4 = 1, FAMILY_INET6 = 2, FAMILY_UNIX = 3 };

static w2n_wasi_fd *socket_fd(w2n_instance *instance, uint32_t fd, uint32_t *error) {
  return w2n_wasi_socket_get(w2n_wasi_of(instance), fd, error);
}

/* Guest (c)iovecs to a msghdr's host iovecs. */
static uint32_t message(w2n_instance *instance, uint32_t iovs, uint32_t iovs_len, struct iovec *host,
                        struct msghdr *header) {
  if (iovs_len > W2N_MAX_SOCK_IOVECS)
    return W2N_WASI_INVAL;
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

/* Addresses ------------------------------------------------------------------------------- */

typedef struct host_address {
  struct sockaddr_storage storage;
  socklen_t length;
} host_address;

static void make_address(host_address *out, int family, const uint8_t *bytes, uint16_t port) {
  memset(out, 0, sizeof *out);
  if (family == AF_INET) {
    struct sockaddr_in *in4 = (struct sockaddr_in *)&out->storage;
    in4->sin_family = AF_INET;
    in4->sin_port = htons(port);
    memcpy(&in4->sin_addr, bytes, 4);
    out->length = sizeof *in4;
  } else {
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&out->storage;
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(port);
    memcpy(&in6->sin6_addr, bytes, 16);
    out->length = sizeof *in6;
  }
}

/* Reads the address struct at `address` with `port`: 4 or 16 bytes; with `v2` also the 128-byte
 * storage form. */
static uint32_t read_address(w2n_instance *instance, uint32_t address, uint32_t port, int v2, host_address *out) {
  const uint8_t *header = w2n_guest(instance, address, 8);
  if (header == NULL)
    return W2N_WASI_FAULT;
  uint32_t length = w2n_load32(header + 4);
  const uint8_t *bytes = w2n_guest(instance, w2n_load32(header), length);
  if (bytes == NULL)
    return W2N_WASI_FAULT;
  if (length == 4 || length == 16) {
    make_address(out, length == 4 ? AF_INET : AF_INET6, bytes, (uint16_t)port);
    return W2N_WASI_SUCCESS;
  }
  if (!v2 || length != ADDRESS_STORAGE_SIZE)
    return W2N_WASI_INVAL;
  switch (w2n_load16(bytes)) {
  case FAMILY_INET4: make_address(out, AF_INET, bytes + 2, (uint16_t)port); return W2N_WASI_SUCCESS;
  case FAMILY_INET6: make_address(out, AF_INET6, bytes + 2, (uint16_t)port); return W2N_WASI_SUCCESS;
  case FAMILY_UNIX: return W2N_WASI_NOSYS;
  default: return W2N_WASI_INVAL;
  }
}

/* The raw address bytes, their WASI family (1 / 2) and the host-order port of a host address. */
static const uint8_t *address_bytes(const struct sockaddr_storage *storage, uint32_t *length, uint16_t *family,
                                    uint16_t *port) {
  if (storage->ss_family == AF_INET) {
    const struct sockaddr_in *in4 = (const struct sockaddr_in *)storage;
    *length = 4, *family = FAMILY_INET4, *port = ntohs(in4->sin_port);
    return (const uint8_t *)&in4->sin_addr;
  }
  if (storage->ss_family == AF_INET6) {
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)storage;
    *length = 16, *family = FAMILY_INET6, *port = ntohs(in6->sin6_port);
    return (const uint8_t *)&in6->sin6_addr;
  }
  return NULL;
}

/* sock_getlocaladdr / sock_getpeeraddr. V1: a 4- or 16-byte buffer gets the raw address, then
 * addr_type (4 or 6, as WasmEdge writes it) and the port as u32. V2: a 128-byte buffer gets the
 * u16 family and the address at offset 2, then the port. */
static uint32_t get_address(w2n_instance *instance, uint32_t fd, int peer, uint32_t address, int v2,
                            uint32_t addr_type_out, uint32_t port_out) {
  uint32_t error;
  w2n_wasi_fd *entry = socket_fd(instance, fd, &error);
  if (entry == NULL)
    return error;
  const uint8_t *header = w2n_guest(instance, address, 8);
  if (header == NULL)
    return W2N_WASI_FAULT;
  uint32_t buffer_length = w2n_load32(header + 4);
  uint8_t *buffer = w2n_guest(instance, w2n_load32(header), buffer_length);
  if (buffer == NULL || w2n_guest(instance, port_out, 4) == NULL ||
      (!v2 && w2n_guest(instance, addr_type_out, 4) == NULL))
    return W2N_WASI_FAULT;
  if (v2 ? buffer_length != ADDRESS_STORAGE_SIZE : buffer_length != 4 && buffer_length != 16)
    return W2N_WASI_INVAL;
  struct sockaddr_storage storage;
  socklen_t length = sizeof storage;
  memset(&storage, 0, sizeof storage);
  if ((peer ? getpeername(entry->host, (struct sockaddr *)&storage, &length)
            : getsockname(entry->host, (struct sockaddr *)&storage, &length)) != 0)
    return w2n_wasi_errno(errno);
  uint32_t bytes_length;
  uint16_t family, port;
  const uint8_t *bytes = address_bytes(&storage, &bytes_length, &family, &port);
  if (bytes == NULL)
    return W2N_WASI_AFNOSUPPORT;
  if (v2) {
    memset(buffer, 0, ADDRESS_STORAGE_SIZE);
    w2n_store16(buffer, family);
    memcpy(buffer + 2, bytes, bytes_length);
  } else {
    if (bytes_length > buffer_length)
      return W2N_WASI_NOMEM; /* an IPv6 address in a 4-byte buffer */
    memcpy(buffer, bytes, bytes_length);
    w2n_store32(w2n_guest(instance, addr_type_out, 4), family == FAMILY_INET4 ? 4 : 6);
  }
  return w2n_wasi_put32(instance, port_out, port);
}

/* Creation, binding, connecting ----------------------------------------------------------- */

static uint32_t sock_open(w2n_instance *instance, uint32_t af, uint32_t socktype, uint32_t fd_out) {
  w2n_wasi *wasi = w2n_wasi_of(instance);
  int family, type;
  switch (af) {
  case FAMILY_INET4: family = AF_INET; break;
  case FAMILY_INET6: family = AF_INET6; break;
  case FAMILY_UNIX: return W2N_WASI_NOSYS;
  default: return W2N_WASI_INVAL;
  }
  switch (socktype) {
  case 1: type = SOCK_DGRAM; break;
  case 2: type = SOCK_STREAM; break;
  default: return W2N_WASI_INVAL;
  }
  if (w2n_guest(instance, fd_out, 4) == NULL)
    return W2N_WASI_FAULT;
  if (!wasi->allow_network)
    return W2N_WASI_ACCES;
  int host = socket(family, type | SOCK_CLOEXEC, 0);
  if (host < 0)
    return w2n_wasi_errno(errno);
  uint32_t number;
  uint32_t error = w2n_wasi_fd_add(wasi, host, W2N_RIGHTS_SOCKET, W2N_RIGHTS_SOCKET, &number);
  return error != W2N_WASI_SUCCESS ? error : w2n_wasi_put32(instance, fd_out, number);
}

uint32_t w2n_import_wasi_snapshot_preview1_sock_open(w2n_instance *instance, uint32_t af, uint32_t socktype,
                                                     uint32_t fd_out) {
  return sock_open(instance, af, socktype, fd_out);
}

uint32_t w2n_import_wasi_snapshot_preview1_sock_open_v2(w2n_instance *instance, uint32_t af, uint32_t socktype,
                                                        uint32_t fd_out) {
  return sock_open(instance, af, socktype, fd_out);
}

static uint32_t bind_or_connect(w2n_instance *instance, uint32_t fd, uint32_t address, uint32_t port, int v2,
                                int connecting) {
  uint32_t error;
  w2n_wasi_fd *entry = socket_fd(instance, fd, &error);
  if (entry == NULL)
    return error;
  host_address host;
  if ((error = read_address(instance, address, port, v2, &host)) != W2N_WASI_SUCCESS)
    return error;
  int result;
  if (connecting) {
    do
      result = connect(entry->host, (struct sockaddr *)&host.storage, host.length);
    while (result != 0 && errno == EINTR);
  } else {
    result = bind(entry->host, (struct sockaddr *)&host.storage, host.length);
  }
  return result == 0 ? W2N_WASI_SUCCESS : w2n_wasi_errno(errno);
}

uint32_t w2n_import_wasi_snapshot_preview1_sock_bind(w2n_instance *instance, uint32_t fd, uint32_t address,
                                                     uint32_t port) {
  return bind_or_connect(instance, fd, address, port, 0, 0);
}

uint32_t w2n_import_wasi_snapshot_preview1_sock_bind_v2(w2n_instance *instance, uint32_t fd, uint32_t address,
                                                        uint32_t port) {
  return bind_or_connect(instance, fd, address, port, 1, 0);
}

uint32_t w2n_import_wasi_snapshot_preview1_sock_connect(w2n_instance *instance, uint32_t fd, uint32_t address,
                                                        uint32_t port) {
  return bind_or_connect(instance, fd, address, port, 0, 1);
}

uint32_t w2n_import_wasi_snapshot_preview1_sock_connect_v2(w2n_instance *instance, uint32_t fd, uint32_t address,
                                                           uint32_t port) {
  return bind_or_connect(instance, fd, address, port, 1, 1);
}

uint32_t w2n_import_wasi_snapshot_preview1_sock_listen(w2n_instance *instance, uint32_t fd, uint32_t backlog) {
  uint32_t error;
  w2n_wasi_fd *entry = socket_fd(instance, fd, &error);
  if (entry == NULL)
    return error;
  return listen(entry->host, (int)backlog) == 0 ? W2N_WASI_SUCCESS : w2n_wasi_errno(errno);
}

uint32_t w2n_import_wasi_snapshot_preview1_sock_listen_v2(w2n_instance *instance, uint32_t fd, uint32_t backlog) {
  return w2n_import_wasi_snapshot_preview1_sock_listen(instance, fd, backlog);
}

/* Accepting ------------------------------------------------------------------------------- */

static uint32_t sock_accept(w2n_instance *instance, uint32_t fd, uint32_t flags, uint32_t fd_out) {
  uint32_t error;
  w2n_wasi_fd *entry = socket_fd(instance, fd, &error);
  if (entry == NULL)
    return error;
  if (flags & ~(uint32_t)(1 | 2 | 4 | 8 | 16))
    return W2N_WASI_INVAL; /* not an fdflags value; only NONBLOCK (4) has an effect */
  if (w2n_guest(instance, fd_out, 4) == NULL)
    return W2N_WASI_FAULT;
  int host;
  do
    host = accept4(entry->host, NULL, NULL, SOCK_CLOEXEC | (flags & 4 ? SOCK_NONBLOCK : 0));
  while (host < 0 && errno == EINTR);
  if (host < 0)
    return w2n_wasi_errno(errno);
  uint32_t number;
  error = w2n_wasi_fd_add(w2n_wasi_of(instance), host, W2N_RIGHTS_SOCKET, W2N_RIGHTS_SOCKET, &number);
  return error != W2N_WASI_SUCCESS ? error : w2n_wasi_put32(instance, fd_out, number);
}

uint32_t w2n_import_wasi_snapshot_preview1_sock_accept(w2n_instance *instance, uint32_t fd, uint32_t flags,
                                                       uint32_t fd_out) {
  return sock_accept(instance, fd, flags, fd_out);
}

uint32_t w2n_import_wasi_snapshot_preview1_sock_accept_v2(w2n_instance *instance, uint32_t fd, uint32_t flags,
                                                          uint32_t fd_out) {
  return sock_accept(instance, fd, flags, fd_out);
}

/* V1: the new socket is always blocking. */
uint32_t w2n_import_wasi_snapshot_preview1_sock_accept_v1(w2n_instance *instance, uint32_t fd, uint32_t fd_out) {
  return sock_accept(instance, fd, 0, fd_out);
}

/* Receiving and sending ------------------------------------------------------------------- */

/* recvmsg into the guest's iovecs; `from` (may be NULL) receives the peer's address. */
static uint32_t receive(w2n_instance *instance, uint32_t fd, uint32_t ri_data, uint32_t ri_data_len,
                        uint32_t ri_flags, uint32_t ro_datalen_out, uint32_t ro_flags_out,
                        struct sockaddr_storage *from) {
  uint32_t error;
  w2n_wasi_fd *entry = socket_fd(instance, fd, &error);
  if (entry == NULL)
    return error;
  if (ri_flags & ~(uint32_t)3)
    return W2N_WASI_INVAL; /* riflags: RECV_PEEK 1, RECV_WAITALL 2 */
  struct iovec host[W2N_MAX_SOCK_IOVECS];
  struct msghdr header;
  if ((error = message(instance, ri_data, ri_data_len, host, &header)) != W2N_WASI_SUCCESS)
    return error;
  if (w2n_guest(instance, ro_datalen_out, 4) == NULL || w2n_guest(instance, ro_flags_out, 2) == NULL)
    return W2N_WASI_FAULT;
  if (from != NULL) {
    memset(from, 0, sizeof *from);
    header.msg_name = from;
    header.msg_namelen = sizeof *from;
  }
  int flags = (ri_flags & 1 ? MSG_PEEK : 0) | (ri_flags & 2 ? MSG_WAITALL : 0);
  ssize_t count;
  if (from == NULL && ri_data_len == 1 && entry->filetype == W2N_WASI_FILETYPE_SOCKET_STREAM) {
    /* the common case, one buffer on a stream (never truncated): recv copies no msghdr */
    do
      count = recv(entry->host, host[0].iov_base, host[0].iov_len, flags);
    while (count < 0 && errno == EINTR);
    if (count < 0)
      return w2n_wasi_errno(errno);
    w2n_store16(w2n_guest(instance, ro_flags_out, 2), 0);
    return w2n_wasi_put32(instance, ro_datalen_out, (uint32_t)count);
  }
  do
    count = recvmsg(entry->host, &header, flags);
  while (count < 0 && errno == EINTR);
  if (count < 0)
    return w2n_wasi_errno(errno);
  w2n_store16(w2n_guest(instance, ro_flags_out, 2), header.msg_flags & MSG_TRUNC ? 1 : 0); /* RECV_DATA_TRUNCATED */
  return w2n_wasi_put32(instance, ro_datalen_out, (uint32_t)count);
}

static uint32_t transmit(w2n_instance *instance, uint32_t fd, uint32_t si_data, uint32_t si_data_len,
                         uint32_t si_flags, uint32_t so_datalen_out, const host_address *to) {
  uint32_t error;
  w2n_wasi_fd *entry = socket_fd(instance, fd, &error);
  if (entry == NULL)
    return error;
  if (si_flags != 0)
    return W2N_WASI_INVAL; /* siflags has no flags */
  struct iovec host[W2N_MAX_SOCK_IOVECS];
  struct msghdr header;
  if ((error = message(instance, si_data, si_data_len, host, &header)) != W2N_WASI_SUCCESS)
    return error;
  if (w2n_guest(instance, so_datalen_out, 4) == NULL)
    return W2N_WASI_FAULT;
  if (to != NULL) {
    header.msg_name = (void *)&to->storage;
    header.msg_namelen = to->length;
  }
  ssize_t count;
  do
    count = to == NULL && si_data_len == 1 ? send(entry->host, host[0].iov_base, host[0].iov_len, MSG_NOSIGNAL)
                                           : sendmsg(entry->host, &header, MSG_NOSIGNAL);
  while (count < 0 && errno == EINTR);
  if (count < 0)
    return w2n_wasi_errno(errno);
  return w2n_wasi_put32(instance, so_datalen_out, (uint32_t)count);
}

uint32_t w2n_import_wasi_snapshot_preview1_sock_recv(w2n_instance *instance, uint32_t fd, uint32_t ri_data,
                                                     uint32_t ri_data_len, uint32_t ri_flags, uint32_t ro_datalen_out,
                                                     uint32_t ro_flags_out) {
  return receive(instance, fd, ri_data, ri_data_len, ri_flags, ro_datalen_out, ro_flags_out, NULL);
}

uint32_t w2n_import_wasi_snapshot_preview1_sock_recv_v2(w2n_instance *instance, uint32_t fd, uint32_t ri_data,
                                                        uint32_t ri_data_len, uint32_t ri_flags,
                                                        uint32_t ro_datalen_out, uint32_t ro_flags_out) {
  return receive(instance, fd, ri_data, ri_data_len, ri_flags, ro_datalen_out, ro_flags_out, NULL);
}

uint32_t w2n_import_wasi_snapshot_preview1_sock_send(w2n_instance *instance, uint32_t fd, uint32_t si_data,
                                                     uint32_t si_data_len, uint32_t si_flags,
                                                     uint32_t so_datalen_out) {
  return transmit(instance, fd, si_data, si_data_len, si_flags, so_datalen_out, NULL);
}

uint32_t w2n_import_wasi_snapshot_preview1_sock_send_v2(w2n_instance *instance, uint32_t fd, uint32_t si_data,
                                                        uint32_t si_data_len, uint32_t si_flags,
                                                        uint32_t so_datalen_out) {
  return transmit(instance, fd, si_data, si_data_len, si_flags, so_datalen_out, NULL);
}

/* sock_recv_from: the peer's address goes to the address struct's buffer: raw bytes when it has 4
 * or 16 bytes (if the address fits), the 128-byte storage form (V2 only). V2 also writes the port
 * as a u16, as WasmEdge does: in network byte order (its sin_port, unconverted). */
static uint32_t recv_from(w2n_instance *instance, uint32_t fd, uint32_t ri_data, uint32_t ri_data_len,
                          uint32_t address, uint32_t ri_flags, int v2, uint32_t ro_port_out, uint32_t ro_datalen_out,
                          uint32_t ro_flags_out) {
  const uint8_t *header = w2n_guest(instance, address, 8);
  if (header == NULL)
    return W2N_WASI_FAULT;
  uint32_t buffer_length = w2n_load32(header + 4);
  uint8_t *buffer = w2n_guest(instance, w2n_load32(header), buffer_length);
  if (buffer == NULL || (v2 && w2n_guest(instance, ro_port_out, 2) == NULL))
    return W2N_WASI_FAULT;
  struct sockaddr_storage from;
  uint32_t error =
      receive(instance, fd, ri_data, ri_data_len, ri_flags, ro_datalen_out, ro_flags_out, &from);
  if (error != W2N_WASI_SUCCESS)
    return error;
  uint32_t bytes_length;
  uint16_t family, port;
  const uint8_t *bytes = address_bytes(&from, &bytes_length, &family, &port);
  if (bytes == NULL)
    return W2N_WASI_SUCCESS; /* a connected stream: no address */
  if (v2 && buffer_length == ADDRESS_STORAGE_SIZE) {
    memset(buffer, 0, ADDRESS_STORAGE_SIZE);
    w2n_store16(buffer, family);
    memcpy(buffer + 2, bytes, bytes_length);
  } else if (buffer_length >= bytes_length) {
    memcpy(buffer, bytes, bytes_length);
  }
  if (v2)
    w2n_store16(w2n_guest(instance, ro_port_out, 2), htons(port));
  return W2N_WASI_SUCCESS;
}

uint32_t w2n_import_wasi_snapshot_preview1_sock_recv_from(w2n_instance *instance, uint32_t fd, uint32_t ri_data,
                                                          uint32_t ri_data_len, uint32_t address, uint32_t ri_flags,
                                                          uint32_t ro_datalen_out, uint32_t ro_flags_out) {
  return recv_from(instance, fd, ri_data, ri_data_len, address, ri_flags, 0, 0, ro_datalen_out, ro_flags_out);
}

uint32_t w2n_import_wasi_snapshot_preview1_sock_recv_from_v2(w2n_instance *instance, uint32_t fd, uint32_t ri_data,
                                                             uint32_t ri_data_len, uint32_t address,
                                                             uint32_t ri_flags, uint32_t ro_port_out,
                                                             uint32_t ro_datalen_out, uint32_t ro_flags_out) {
  return recv_from(instance, fd, ri_data, ri_data_len, address, ri_flags, 1, ro_port_out, ro_datalen_out,
                   ro_flags_out);
}

static uint32_t send_to(w2n_instance *instance, uint32_t fd, uint32_t si_data, uint32_t si_data_len,
                        uint32_t address, uint32_t port, uint32_t si_flags, uint32_t so_datalen_out, int v2) {
  uint32_t error;
  if (socket_fd(instance, fd, &error) == NULL)
    return error;
  host_address to;
  if ((error = read_address(instance, address, port, v2, &to)) != W2N_WASI_SUCCESS)
    return error;
  return transmit(instance, fd, si_data, si_data_len, si_flags, so_datalen_out, &to);
}

uint32_t w2n_import_wasi_snapshot_preview1_sock_send_to(w2n_instance *instance, uint32_t fd, uint32_t si_data,
                                                        uint32_t si_data_len, uint32_t address, uint32_t port,
                                                        uint32_t si_flags, uint32_t so_datalen_out) {
  return send_to(instance, fd, si_data, si_data_len, address, port, si_flags, so_datalen_out, 0);
}

uint32_t w2n_import_wasi_snapshot_preview1_sock_send_to_v2(w2n_instance *instance, uint32_t fd, uint32_t si_data,
                                                           uint32_t si_data_len, uint32_t address, uint32_t port,
                                                           uint32_t si_flags, uint32_t so_datalen_out) {
  return send_to(instance, fd, si_data, si_data_len, address, port, si_flags, so_datalen_out, 1);
}

uint32_t w2n_import_wasi_snapshot_preview1_sock_shutdown(w2n_instance *instance, uint32_t fd, uint32_t how) {
  uint32_t error;
  w2n_wasi_fd *entry = socket_fd(instance, fd, &error);
  if (entry == NULL)
    return error;
  static const int host_how[] = {0, SHUT_RD, SHUT_WR, SHUT_RDWR}; /* sdflags: RD 1, WR 2 */
  if (how == 0 || how > 3)
    return W2N_WASI_INVAL; /* as wasmtime (WasmEdge lets 0 through as SHUT_RD) */
  return shutdown(entry->host, host_how[how]) == 0 ? W2N_WASI_SUCCESS : w2n_wasi_errno(errno);
}

/* Addresses of a socket ------------------------------------------------------------------- */

uint32_t w2n_import_wasi_snapshot_preview1_sock_getlocaladdr(w2n_instance *instance, uint32_t fd, uint32_t address,
                                                             uint32_t addr_type_out, uint32_t port_out) {
  return get_address(instance, fd, 0, address, 0, addr_type_out, port_out);
}

uint32_t w2n_import_wasi_snapshot_preview1_sock_getlocaladdr_v2(w2n_instance *instance, uint32_t fd,
                                                                uint32_t address, uint32_t port_out) {
  return get_address(instance, fd, 0, address, 1, 0, port_out);
}

uint32_t w2n_import_wasi_snapshot_preview1_sock_getpeeraddr(w2n_instance *instance, uint32_t fd, uint32_t address,
                                                            uint32_t addr_type_out, uint32_t port_out) {
  return get_address(instance, fd, 1, address, 0, addr_type_out, port_out);
}

uint32_t w2n_import_wasi_snapshot_preview1_sock_getpeeraddr_v2(w2n_instance *instance, uint32_t fd,
                                                               uint32_t address, uint32_t port_out) {
  return get_address(instance, fd, 1, address, 1, 0, port_out);
}

/* Options --------------------------------------------------------------------------------- */

/* WasmEdge's sock_opt_so enum (0 ... 14) to SO_*; -1 when unknown. */
static int host_option(uint32_t name) {
  static const int options[] = {SO_REUSEADDR, SO_TYPE,   SO_ERROR,    SO_DONTROUTE, SO_BROADCAST,
                                SO_SNDBUF,    SO_RCVBUF, SO_KEEPALIVE, SO_OOBINLINE, SO_LINGER,
                                SO_RCVLOWAT,  SO_RCVTIMEO, SO_SNDTIMEO, SO_ACCEPTCONN, SO_BINDTODEVICE};
  return name < sizeof options / sizeof options[0] ? options[name] : -1;
}

uint32_t w2n_import_wasi_snapshot_preview1_sock_getsockopt(w2n_instance *instance, uint32_t fd, uint32_t level,
                                                           uint32_t name, uint32_t value, uint32_t value_len_inout) {
  uint32_t error;
  w2n_wasi_fd *entry = socket_fd(instance, fd, &error);
  if (entry == NULL)
    return error;
  int option = host_option(name);
  if (level != 0 || option < 0)
    return W2N_WASI_INVAL; /* only SOL_SOCKET (0) */
  uint8_t *length_pointer = w2n_guest(instance, value_len_inout, 4);
  if (length_pointer == NULL)
    return W2N_WASI_FAULT;
  uint32_t size = w2n_load32(length_pointer);
  uint8_t *buffer = w2n_guest(instance, value, size);
  if (buffer == NULL)
    return W2N_WASI_FAULT;
  socklen_t length = size;
  if (getsockopt(entry->host, SOL_SOCKET, option, buffer, &length) != 0)
    return w2n_wasi_errno(errno);
  if ((option == SO_ERROR || option == SO_TYPE) && length >= 4) {
    int32_t host_value;
    memcpy(&host_value, buffer, 4);
    int32_t translated = option == SO_ERROR ? (int32_t)w2n_wasi_errno(host_value)
                         : host_value == SOCK_DGRAM  ? 1
                         : host_value == SOCK_STREAM ? 2
                                                     : 0;
    memcpy(buffer, &translated, 4);
  }
  w2n_store32(length_pointer, (uint32_t)length);
  return W2N_WASI_SUCCESS;
}

uint32_t w2n_import_wasi_snapshot_preview1_sock_setsockopt(w2n_instance *instance, uint32_t fd, uint32_t level,
                                                           uint32_t name, uint32_t value, uint32_t value_len) {
  uint32_t error;
  w2n_wasi_fd *entry = socket_fd(instance, fd, &error);
  if (entry == NULL)
    return error;
  int option = host_option(name);
  if (level != 0 || option < 0)
    return W2N_WASI_INVAL;
  const uint8_t *buffer = w2n_guest(instance, value, value_len);
  if (buffer == NULL)
    return W2N_WASI_FAULT;
  /* Values pass through: ints are 4 bytes, timeval {i64, i64} and linger {i32, i32} have the
   * same layout in wasm32 and on 64-bit Linux. */
  return setsockopt(entry->host, SOL_SOCKET, option, buffer, value_len) == 0 ? W2N_WASI_SUCCESS
                                                                             : w2n_wasi_errno(errno);
}

/* sock_getaddrinfo ------------------------------------------------------------------------ */

enum { ADDRINFO_SIZE = 28, SOCKADDR_SIZE = 12 };

static uint32_t ai_error(int code) {
  switch (code) {
#ifdef EAI_ADDRFAMILY
  case EAI_ADDRFAMILY: return W2N_WASI_AIADDRFAMILY;
#endif
  case EAI_AGAIN: return W2N_WASI_AIAGAIN;
  case EAI_BADFLAGS: return W2N_WASI_AIBADFLAG;
  case EAI_FAIL: return W2N_WASI_AIFAIL;
  case EAI_FAMILY: return W2N_WASI_AIFAMILY;
  case EAI_MEMORY: return W2N_WASI_AIMEMORY;
#ifdef EAI_NODATA
  case EAI_NODATA: return W2N_WASI_AINODATA;
#endif
  case EAI_NONAME: return W2N_WASI_AINONAME;
  case EAI_SERVICE: return W2N_WASI_AISERVICE;
  case EAI_SOCKTYPE: return W2N_WASI_AISOCKTYPE;
  case EAI_SYSTEM: return W2N_WASI_AISYSTEM;
  default: return W2N_WASI_AIFAIL;
  }
}

/* A guest string of `length` bytes, up to its first NUL ("" for length 0); NULL when out of memory. */
static char *guest_string(const uint8_t *bytes, uint32_t length) {
  const uint8_t *nul = memchr(bytes, '\0', length);
  return strndup((const char *)bytes, nul != NULL ? (size_t)(nul - bytes) : length);
}

uint32_t w2n_import_wasi_snapshot_preview1_sock_getaddrinfo(w2n_instance *instance, uint32_t node,
                                                            uint32_t node_len, uint32_t service,
                                                            uint32_t service_len, uint32_t hints, uint32_t res,
                                                            uint32_t max_res_len, uint32_t res_len_out) {
  w2n_wasi *wasi = w2n_wasi_of(instance);
  const uint8_t *node_bytes = w2n_guest(instance, node, node_len);
  const uint8_t *service_bytes = w2n_guest(instance, service, service_len);
  const uint8_t *hint = w2n_guest(instance, hints, ADDRINFO_SIZE);
  uint8_t *res_pointer = w2n_guest(instance, res, 4);
  if (node_bytes == NULL || service_bytes == NULL || hint == NULL || res_pointer == NULL ||
      w2n_guest(instance, res_len_out, 4) == NULL)
    return W2N_WASI_FAULT;
  if (max_res_len < 1)
    return W2N_WASI_AIMEMORY;
  if (!wasi->allow_network)
    return W2N_WASI_ACCES;

  struct addrinfo host_hints;
  memset(&host_hints, 0, sizeof host_hints);
  uint16_t flags = w2n_load16(hint);
  host_hints.ai_flags = (flags & 1 ? AI_PASSIVE : 0) | (flags & 2 ? AI_CANONNAME : 0) |
                        (flags & 4 ? AI_NUMERICHOST : 0) | (flags & 8 ? AI_NUMERICSERV : 0) |
                        (flags & 16 ? AI_V4MAPPED : 0) | (flags & 32 ? AI_ALL : 0) | (flags & 64 ? AI_ADDRCONFIG : 0);
  switch (hint[2]) {
  case 0: host_hints.ai_family = AF_UNSPEC; break;
  case FAMILY_INET4: host_hints.ai_family = AF_INET; break;
  case FAMILY_INET6: host_hints.ai_family = AF_INET6; break;
  default: return W2N_WASI_AIFAMILY;
  }
  switch (hint[3]) {
  case 0: host_hints.ai_socktype = 0; break;
  case 1: host_hints.ai_socktype = SOCK_DGRAM; break;
  case 2: host_hints.ai_socktype = SOCK_STREAM; break;
  default: return W2N_WASI_NOSYS;
  }
  switch (hint[4]) {
  case 0: host_hints.ai_protocol = 0; break;
  case 1: host_hints.ai_protocol = IPPROTO_TCP; break;
  case 2: host_hints.ai_protocol = IPPROTO_UDP; break;
  default: return W2N_WASI_NOSYS;
  }
  char *node_text = guest_string(node_bytes, node_len), *service_text = guest_string(service_bytes, service_len);
  if (node_text == NULL || service_text == NULL) {
    free(node_text);
    free(service_text);
    return W2N_WASI_NOMEM;
  }
  if (node_text[0] == '\0' && service_text[0] == '\0') {
    free(node_text);
    free(service_text);
    return W2N_WASI_AINONAME;
  }
  struct addrinfo *results = NULL;
  int code = getaddrinfo(node_text[0] ? node_text : NULL, service_text[0] ? service_text : NULL, &host_hints, &results);
  free(node_text);
  free(service_text);
  if (code != 0)
    return ai_error(code);

  /* Fill the guest's preallocated, pre-linked nodes. */
  uint32_t count = 0, error = W2N_WASI_SUCCESS, guest_node = w2n_load32(res_pointer);
  for (struct addrinfo *result = results; result != NULL && count < max_res_len; result = result->ai_next) {
    if (result->ai_family != AF_INET && result->ai_family != AF_INET6)
      continue;
    uint8_t *info = w2n_guest(instance, guest_node, ADDRINFO_SIZE);
    if (info == NULL) {
      error = W2N_WASI_FAULT;
      break;
    }
    uint16_t out_flags = (uint16_t)((result->ai_flags & AI_PASSIVE ? 1 : 0) | (result->ai_flags & AI_CANONNAME ? 2 : 0) |
                                    (result->ai_flags & AI_NUMERICHOST ? 4 : 0) |
                                    (result->ai_flags & AI_NUMERICSERV ? 8 : 0) |
                                    (result->ai_flags & AI_V4MAPPED ? 16 : 0) | (result->ai_flags & AI_ALL ? 32 : 0) |
                                    (result->ai_flags & AI_ADDRCONFIG ? 64 : 0));
    w2n_store16(info, out_flags);
    info[2] = result->ai_family == AF_INET ? FAMILY_INET4 : FAMILY_INET6;
    info[3] = result->ai_socktype == SOCK_DGRAM ? 1 : result->ai_socktype == SOCK_STREAM ? 2 : 0;
    info[4] = result->ai_protocol == IPPROTO_TCP ? 1 : result->ai_protocol == IPPROTO_UDP ? 2 : 0;
    w2n_store32(info + 8, (uint32_t)result->ai_addrlen);
    /* The sockaddr: family, then the host sockaddr's bytes after its family field (port in
     * network order, address, ...): 14 bytes for IPv4, 26 for IPv6. */
    uint8_t *sockaddr = w2n_guest(instance, w2n_load32(info + 12), SOCKADDR_SIZE);
    uint32_t data_length = result->ai_family == AF_INET ? 14 : 26;
    uint8_t *data = sockaddr != NULL ? w2n_guest(instance, w2n_load32(sockaddr + 8), data_length) : NULL;
    if (data == NULL || result->ai_addrlen < 2 + data_length) {
      error = W2N_WASI_FAULT;
      break;
    }
    sockaddr[0] = info[2];
    w2n_store32(sockaddr + 4, data_length);
    memcpy(data, (const uint8_t *)result->ai_addr + 2, data_length);
    uint32_t canonname = w2n_load32(info + 16);
    if (result->ai_canonname != NULL && canonname != 0) {
      size_t length = strlen(result->ai_canonname);
      uint8_t *name = w2n_guest(instance, canonname, length + 1);
      if (name == NULL) {
        error = W2N_WASI_FAULT;
        break;
      }
      memcpy(name, result->ai_canonname, length + 1);
      w2n_store32(info + 20, (uint32_t)length);
    }
    count++;
    guest_node = w2n_load32(info + 24); /* ai_next */
  }
  freeaddrinfo(results);
  if (error != W2N_WASI_SUCCESS)
    return error;
  return w2n_wasi_put32(instance, res_len_out, count);
}
