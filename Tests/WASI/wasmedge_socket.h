/*
 * wasmedge_socket.h: WasmEdge's socket extension as wasmedge_wasi_socket 0.5.5 (src/socket.rs)
 * declares it — the imports a tokio/axum server built for WasmEdge has — plus the V2 flavours
 * under the plain names (chosen by type) and under the `_v2` names, for tests. All return a WASI
 * errno.
 */
#ifndef WASMEDGE_SOCKET_H
#define WASMEDGE_SOCKET_H

#include <stdint.h>

#define WE_IMPORT(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))

/* {buf, buf_len}: 4 or 16 raw address bytes, or (V2) 128 bytes: u16 family, address at 2. */
typedef struct we_address {
  uint8_t *buf;
  uint32_t buf_len;
} we_address;

typedef struct we_iovec {
  void *buf;
  uint32_t buf_len;
} we_iovec;

/* The crate's declarations (the versions WasmEdge links to them: V1, except sock_recv_from). */
WE_IMPORT(sock_open) uint32_t we_sock_open(uint32_t family, uint32_t sock_type, uint32_t *fd);
WE_IMPORT(sock_bind) uint32_t we_sock_bind(uint32_t fd, const we_address *address, uint32_t port);
WE_IMPORT(sock_listen) uint32_t we_sock_listen(uint32_t fd, uint32_t backlog);
WE_IMPORT(sock_accept) uint32_t we_sock_accept(uint32_t fd, uint32_t *new_fd); /* V1 */
WE_IMPORT(sock_connect) uint32_t we_sock_connect(uint32_t fd, const we_address *address, uint32_t port);
WE_IMPORT(sock_recv)
uint32_t we_sock_recv(uint32_t fd, const we_iovec *iovs, uint32_t iovs_len, uint32_t flags, uint32_t *nread,
                      uint32_t *oflags);
WE_IMPORT(sock_recv_from) /* 8 parameters: V2 */
uint32_t we_sock_recv_from(uint32_t fd, const we_iovec *iovs, uint32_t iovs_len, we_address *address, uint32_t flags,
                           uint32_t *port, uint32_t *nread, uint32_t *oflags);
WE_IMPORT(sock_send)
uint32_t we_sock_send(uint32_t fd, const we_iovec *iovs, uint32_t iovs_len, uint32_t flags, uint32_t *nwritten);
WE_IMPORT(sock_send_to)
uint32_t we_sock_send_to(uint32_t fd, const we_iovec *iovs, uint32_t iovs_len, const we_address *address,
                         uint32_t port, uint32_t flags, uint32_t *nwritten);
WE_IMPORT(sock_shutdown) uint32_t we_sock_shutdown(uint32_t fd, uint32_t how);
WE_IMPORT(sock_getpeeraddr) /* V1 */
uint32_t we_sock_getpeeraddr(uint32_t fd, we_address *address, uint32_t *addr_type, uint32_t *port);
WE_IMPORT(sock_getlocaladdr) /* V1 */
uint32_t we_sock_getlocaladdr(uint32_t fd, we_address *address, uint32_t *addr_type, uint32_t *port);
WE_IMPORT(sock_getsockopt)
uint32_t we_sock_getsockopt(uint32_t fd, uint32_t level, uint32_t name, int32_t *value, uint32_t *value_len);
WE_IMPORT(sock_setsockopt)
uint32_t we_sock_setsockopt(uint32_t fd, uint32_t level, uint32_t name, const void *value, uint32_t value_len);
WE_IMPORT(sock_getaddrinfo)
uint32_t we_sock_getaddrinfo(const char *node, uint32_t node_len, const char *service, uint32_t service_len,
                             const void *hints, uint32_t *res, uint32_t max_len, uint32_t *res_len);
WE_IMPORT(epoll_oneoff) uint32_t we_epoll_oneoff(const void *in, void *out, uint32_t n, uint32_t *nevents);

/* The other flavours. */
WE_IMPORT(sock_recv_from) /* 7 parameters: V1 */
uint32_t we_sock_recv_from_v1(uint32_t fd, const we_iovec *iovs, uint32_t iovs_len, we_address *address,
                              uint32_t flags, uint32_t *nread, uint32_t *oflags);
WE_IMPORT(sock_getpeeraddr) /* 3 parameters: V2 */
uint32_t we_sock_getpeeraddr_v2_plain(uint32_t fd, we_address *address, uint32_t *port);
WE_IMPORT(sock_getlocaladdr_v2) uint32_t we_sock_getlocaladdr_v2(uint32_t fd, we_address *address, uint32_t *port);
WE_IMPORT(sock_accept_v2) uint32_t we_sock_accept_v2(uint32_t fd, uint32_t flags, uint32_t *new_fd);
WE_IMPORT(sock_open_v2) uint32_t we_sock_open_v2(uint32_t family, uint32_t sock_type, uint32_t *fd);
WE_IMPORT(sock_bind_v2) uint32_t we_sock_bind_v2(uint32_t fd, const we_address *address, uint32_t port);
WE_IMPORT(sock_connect_v2) uint32_t we_sock_connect_v2(uint32_t fd, const we_address *address, uint32_t port);
WE_IMPORT(sock_listen_v2) uint32_t we_sock_listen_v2(uint32_t fd, uint32_t backlog);
WE_IMPORT(sock_send_to_v2)
uint32_t we_sock_send_to_v2(uint32_t fd, const we_iovec *iovs, uint32_t iovs_len, const we_address *address,
                            uint32_t port, uint32_t flags, uint32_t *nwritten);
WE_IMPORT(sock_recv_v2)
uint32_t we_sock_recv_v2(uint32_t fd, const we_iovec *iovs, uint32_t iovs_len, uint32_t flags, uint32_t *nread,
                         uint32_t *oflags);
WE_IMPORT(sock_send_v2)
uint32_t we_sock_send_v2(uint32_t fd, const we_iovec *iovs, uint32_t iovs_len, uint32_t flags, uint32_t *nwritten);

/* sock_getaddrinfo's structs (28 and 12 bytes). */
typedef struct we_sockaddr {
  uint8_t sa_family;
  uint32_t sa_data_len;
  uint8_t *sa_data;
} we_sockaddr;

typedef struct we_addrinfo {
  uint16_t ai_flags;
  uint8_t ai_family;
  uint8_t ai_socktype;
  uint8_t ai_protocol;
  uint32_t ai_addrlen;
  we_sockaddr *ai_addr;
  char *ai_canonname;
  uint32_t ai_canonname_len;
  struct we_addrinfo *ai_next;
} we_addrinfo;

_Static_assert(sizeof(we_addrinfo) == 28, "addrinfo");
_Static_assert(sizeof(we_sockaddr) == 12, "sockaddr");

#endif
