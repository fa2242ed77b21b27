/*
 * w2n_wasi.h: WASI preview1 (`wasi_snapshot_preview1`) in RuntimeSupport.
 *
 * Each import `wasi_snapshot_preview1.<name>` is the C function
 * `w2n_import_wasi_snapshot_preview1_<name>`: its first parameter is the calling instance (for
 * memory 0 and the WASI context in instance->wasi), then the wasm parameters (i32 -> uint32_t,
 * i64 -> uint64_t); it returns the WASI errno as uint32_t (proc_exit returns nothing). Generated
 * code and the interpreter call the same functions. w2n_instantiate links them directly, checking
 * each import's type against `w2n_wasi_functions[i].signature`.
 *
 * Guest pointers are checked against memory 0 (instance->memories[0]); one out of range gives
 * EFAULT (21). A call with instance->wasi == NULL traps (W2N_TRAP_HOST). proc_exit records the
 * status in the context and ends the guarded call with W2N_TRAP_EXIT, so hosts must call WASI
 * functions inside w2n_run_guarded.
 *
 * Capabilities follow the WASI model, like wasmtime: the guest sees the arguments, the environment
 * entries and the directories it is granted, nothing else. Granted directories are preopened as
 * fds 3, 4, ... in order; paths are resolved component by component below them (symbolic links
 * included), and any path that would leave them, or an absolute one, fails with PERM (63), as in
 * wasmtime. A read-only grant refuses every change below it with PERM. The network (the WasmEdge
 * socket extension's sock_open and sock_getaddrinfo) is refused with ACCES (2) unless granted.
 *
 * The WasmEdge socket extension (sock_open, sock_bind, ..., sock_getaddrinfo, epoll_oneoff) lives
 * in the same module and the same descriptor table; see ../shared/docs/wasmedge-sockets.md. Its
 * V1 and V2 flavours share names: w2n_wasi_lookup picks the implementation by name and type.
 */
#ifndef W2N_WASI_H
#define W2N_WASI_H

#include <stddef.h>
#include <stdint.h>

#include "w2n_runtime.h"

#ifdef __cplusplus
extern "C" {
#endif

#define W2N_WASI_MODULE "wasi_snapshot_preview1"

typedef struct w2n_wasi w2n_wasi;

/* Creates a WASI context: `argv[0..argc)` are the guest's arguments, as given (argv[0] included);
 * `config` grants directories ("HOST" or "HOST::GUEST": the guest sees HOST's contents under the
 * name GUEST, by default HOST as written) and environment entries ("NAME=VALUE", or "NAME" for the
 * host's value when it has one; `inherit_env` passes the whole host environment first). NULL
 * config: arguments only. fds 0-2 are the process's stdin, stdout and stderr. On failure (a
 * directory that cannot be opened, no memory) returns NULL and writes a message into `error`. */
w2n_wasi *w2n_wasi_create(int argc, const char *const *argv, const w2n_main_config *config, char *error,
                          size_t error_size);
/* Adds environment entry "NAME=VALUE" unless NAME is already there (a runtime's default, such as
 * W2N_ENGINE=aot): 0, or -1 when out of memory or `entry` has no '='. */
int w2n_wasi_env_default(w2n_wasi *wasi, const char *entry);
/* Closes the context's descriptors (not the process's stdin, stdout and stderr) and frees it. */
void w2n_wasi_free(w2n_wasi *wasi);
/* The status given to proc_exit (0 before). */
uint32_t w2n_wasi_exit_status(const w2n_wasi *wasi);

/* The functions w2n_instantiate links, with the "<params>:<results>" signature of w2n_func_type. */
typedef struct w2n_wasi_function {
  const char *name;      /* e.g. "fd_write" */
  const char *signature; /* e.g. "iiii:i" */
  void *code;            /* w2n_import_wasi_snapshot_preview1_fd_write */
} w2n_wasi_function;

extern const w2n_wasi_function w2n_wasi_functions[];
extern const uint32_t w2n_wasi_function_count;

/* The function implementing import `wasi_snapshot_preview1.<name>` of function type `signature`
 * ("<params>:<results>"), or NULL: the entry of that name and type, else, for the 11 WasmEdge
 * names with a V2 flavour, the entry `<name>_v2` of that type (WasmEdge's rule). Instantiation
 * uses it; so should any other engine. */
const w2n_wasi_function *w2n_wasi_lookup(const char *name, const char *signature);

/* WASI errno values (preview1 witx). */
enum {
  W2N_WASI_SUCCESS = 0,
  W2N_WASI_2BIG = 1,
  W2N_WASI_ACCES = 2,
  W2N_WASI_ADDRINUSE = 3,
  W2N_WASI_ADDRNOTAVAIL = 4,
  W2N_WASI_AFNOSUPPORT = 5,
  W2N_WASI_AGAIN = 6,
  W2N_WASI_BADF = 8,
  W2N_WASI_CONNREFUSED = 14,
  W2N_WASI_CONNRESET = 15,
  W2N_WASI_EXIST = 20,
  W2N_WASI_FAULT = 21,
  W2N_WASI_INPROGRESS = 26,
  W2N_WASI_INVAL = 28,
  W2N_WASI_IO = 29,
  W2N_WASI_ISDIR = 31,
  W2N_WASI_LOOP = 32,
  W2N_WASI_NAMETOOLONG = 37,
  W2N_WASI_NOENT = 44,
  W2N_WASI_NOMEM = 48,
  W2N_WASI_NOSYS = 52,
  W2N_WASI_NOTCONN = 53,
  W2N_WASI_NOTDIR = 54,
  W2N_WASI_NOTEMPTY = 55,
  W2N_WASI_NOTSOCK = 57,
  W2N_WASI_NOTSUP = 58,
  W2N_WASI_OVERFLOW = 61,
  W2N_WASI_PERM = 63,
  W2N_WASI_PIPE = 64,
  W2N_WASI_SPIPE = 70,
  W2N_WASI_NOTCAPABLE = 76,
  /* WasmEdge's sock_getaddrinfo errors (EAI_*). */
  W2N_WASI_AIADDRFAMILY = 77,
  W2N_WASI_AIAGAIN = 78,
  W2N_WASI_AIBADFLAG = 79,
  W2N_WASI_AIFAIL = 80,
  W2N_WASI_AIFAMILY = 81,
  W2N_WASI_AIMEMORY = 82,
  W2N_WASI_AINODATA = 83,
  W2N_WASI_AINONAME = 84,
  W2N_WASI_AISERVICE = 85,
  W2N_WASI_AISOCKTYPE = 86,
  W2N_WASI_AISYSTEM = 87,
};

/* args_env.c */
uint32_t w2n_import_wasi_snapshot_preview1_args_get(w2n_instance *instance, uint32_t argv, uint32_t argv_buf);
uint32_t w2n_import_wasi_snapshot_preview1_args_sizes_get(w2n_instance *instance, uint32_t argc_out,
                                                          uint32_t argv_buf_size_out);
uint32_t w2n_import_wasi_snapshot_preview1_environ_get(w2n_instance *instance, uint32_t environ_pointers,
                                                       uint32_t environ_buf);
uint32_t w2n_import_wasi_snapshot_preview1_environ_sizes_get(w2n_instance *instance, uint32_t count_out,
                                                             uint32_t buf_size_out);

/* clock.c */
uint32_t w2n_import_wasi_snapshot_preview1_clock_res_get(w2n_instance *instance, uint32_t clock_id,
                                                         uint32_t resolution_out);
uint32_t w2n_import_wasi_snapshot_preview1_clock_time_get(w2n_instance *instance, uint32_t clock_id,
                                                          uint64_t precision, uint32_t time_out);

/* poll.c: poll_oneoff is level-triggered; WasmEdge's epoll_oneoff (same type) edge-triggered. */
uint32_t w2n_import_wasi_snapshot_preview1_poll_oneoff(w2n_instance *instance, uint32_t in, uint32_t out,
                                                       uint32_t nsubscriptions, uint32_t nevents_out);
uint32_t w2n_import_wasi_snapshot_preview1_epoll_oneoff(w2n_instance *instance, uint32_t in, uint32_t out,
                                                        uint32_t nsubscriptions, uint32_t nevents_out);

/* random.c */
uint32_t w2n_import_wasi_snapshot_preview1_random_get(w2n_instance *instance, uint32_t buf, uint32_t buf_len);

/* proc.c */
W2N_NORETURN void w2n_import_wasi_snapshot_preview1_proc_exit(w2n_instance *instance, uint32_t status);
uint32_t w2n_import_wasi_snapshot_preview1_proc_raise(w2n_instance *instance, uint32_t signal);
uint32_t w2n_import_wasi_snapshot_preview1_sched_yield(w2n_instance *instance);

/* fd.c */
uint32_t w2n_import_wasi_snapshot_preview1_fd_advise(w2n_instance *instance, uint32_t fd, uint64_t offset,
                                                     uint64_t len, uint32_t advice);
uint32_t w2n_import_wasi_snapshot_preview1_fd_allocate(w2n_instance *instance, uint32_t fd, uint64_t offset,
                                                       uint64_t len);
uint32_t w2n_import_wasi_snapshot_preview1_fd_close(w2n_instance *instance, uint32_t fd);
uint32_t w2n_import_wasi_snapshot_preview1_fd_datasync(w2n_instance *instance, uint32_t fd);
uint32_t w2n_import_wasi_snapshot_preview1_fd_fdstat_get(w2n_instance *instance, uint32_t fd, uint32_t stat_out);
uint32_t w2n_import_wasi_snapshot_preview1_fd_fdstat_set_flags(w2n_instance *instance, uint32_t fd,
                                                               uint32_t flags);
uint32_t w2n_import_wasi_snapshot_preview1_fd_fdstat_set_rights(w2n_instance *instance, uint32_t fd,
                                                                uint64_t rights_base, uint64_t rights_inheriting);
uint32_t w2n_import_wasi_snapshot_preview1_fd_filestat_get(w2n_instance *instance, uint32_t fd,
                                                           uint32_t stat_out);
uint32_t w2n_import_wasi_snapshot_preview1_fd_filestat_set_size(w2n_instance *instance, uint32_t fd,
                                                                uint64_t size);
uint32_t w2n_import_wasi_snapshot_preview1_fd_filestat_set_times(w2n_instance *instance, uint32_t fd,
                                                                 uint64_t atim, uint64_t mtim, uint32_t fst_flags);
uint32_t w2n_import_wasi_snapshot_preview1_fd_pread(w2n_instance *instance, uint32_t fd, uint32_t iovs,
                                                    uint32_t iovs_len, uint64_t offset, uint32_t nread_out);
uint32_t w2n_import_wasi_snapshot_preview1_fd_prestat_get(w2n_instance *instance, uint32_t fd,
                                                          uint32_t prestat_out);
uint32_t w2n_import_wasi_snapshot_preview1_fd_prestat_dir_name(w2n_instance *instance, uint32_t fd,
                                                               uint32_t path, uint32_t path_len);
uint32_t w2n_import_wasi_snapshot_preview1_fd_pwrite(w2n_instance *instance, uint32_t fd, uint32_t iovs,
                                                     uint32_t iovs_len, uint64_t offset, uint32_t nwritten_out);
uint32_t w2n_import_wasi_snapshot_preview1_fd_read(w2n_instance *instance, uint32_t fd, uint32_t iovs,
                                                   uint32_t iovs_len, uint32_t nread_out);
uint32_t w2n_import_wasi_snapshot_preview1_fd_readdir(w2n_instance *instance, uint32_t fd, uint32_t buf,
                                                      uint32_t buf_len, uint64_t cookie, uint32_t bufused_out);
uint32_t w2n_import_wasi_snapshot_preview1_fd_renumber(w2n_instance *instance, uint32_t fd, uint32_t to);
uint32_t w2n_import_wasi_snapshot_preview1_fd_seek(w2n_instance *instance, uint32_t fd, uint64_t offset,
                                                   uint32_t whence, uint32_t newoffset_out);
uint32_t w2n_import_wasi_snapshot_preview1_fd_sync(w2n_instance *instance, uint32_t fd);
uint32_t w2n_import_wasi_snapshot_preview1_fd_tell(w2n_instance *instance, uint32_t fd, uint32_t offset_out);
uint32_t w2n_import_wasi_snapshot_preview1_fd_write(w2n_instance *instance, uint32_t fd, uint32_t iovs,
                                                    uint32_t iovs_len, uint32_t nwritten_out);

/* path.c */
uint32_t w2n_import_wasi_snapshot_preview1_path_create_directory(w2n_instance *instance, uint32_t fd,
                                                                 uint32_t path, uint32_t path_len);
uint32_t w2n_import_wasi_snapshot_preview1_path_filestat_get(w2n_instance *instance, uint32_t fd, uint32_t flags,
                                                             uint32_t path, uint32_t path_len, uint32_t stat_out);
uint32_t w2n_import_wasi_snapshot_preview1_path_filestat_set_times(w2n_instance *instance, uint32_t fd,
                                                                   uint32_t flags, uint32_t path,
                                                                   uint32_t path_len, uint64_t atim, uint64_t mtim,
                                                                   uint32_t fst_flags);
uint32_t w2n_import_wasi_snapshot_preview1_path_link(w2n_instance *instance, uint32_t old_fd, uint32_t old_flags,
                                                     uint32_t old_path, uint32_t old_path_len, uint32_t new_fd,
                                                     uint32_t new_path, uint32_t new_path_len);
uint32_t w2n_import_wasi_snapshot_preview1_path_open(w2n_instance *instance, uint32_t fd, uint32_t dirflags,
                                                     uint32_t path, uint32_t path_len, uint32_t oflags,
                                                     uint64_t rights_base, uint64_t rights_inheriting,
                                                     uint32_t fdflags, uint32_t fd_out);
uint32_t w2n_import_wasi_snapshot_preview1_path_readlink(w2n_instance *instance, uint32_t fd, uint32_t path,
                                                         uint32_t path_len, uint32_t buf, uint32_t buf_len,
                                                         uint32_t bufused_out);
uint32_t w2n_import_wasi_snapshot_preview1_path_remove_directory(w2n_instance *instance, uint32_t fd,
                                                                 uint32_t path, uint32_t path_len);
uint32_t w2n_import_wasi_snapshot_preview1_path_rename(w2n_instance *instance, uint32_t fd, uint32_t old_path,
                                                       uint32_t old_path_len, uint32_t new_fd, uint32_t new_path,
                                                       uint32_t new_path_len);
uint32_t w2n_import_wasi_snapshot_preview1_path_symlink(w2n_instance *instance, uint32_t old_path,
                                                        uint32_t old_path_len, uint32_t fd, uint32_t new_path,
                                                        uint32_t new_path_len);
uint32_t w2n_import_wasi_snapshot_preview1_path_unlink_file(w2n_instance *instance, uint32_t fd, uint32_t path,
                                                            uint32_t path_len);

/* sock.c: preview1's socket functions (sock_accept is also WasmEdge's V2 flavour; sock_recv,
 * sock_send and sock_shutdown are the same in both flavours). */
uint32_t w2n_import_wasi_snapshot_preview1_sock_accept(w2n_instance *instance, uint32_t fd, uint32_t flags,
                                                       uint32_t fd_out);
uint32_t w2n_import_wasi_snapshot_preview1_sock_recv(w2n_instance *instance, uint32_t fd, uint32_t ri_data,
                                                     uint32_t ri_data_len, uint32_t ri_flags, uint32_t ro_datalen_out,
                                                     uint32_t ro_flags_out);
uint32_t w2n_import_wasi_snapshot_preview1_sock_send(w2n_instance *instance, uint32_t fd, uint32_t si_data,
                                                     uint32_t si_data_len, uint32_t si_flags,
                                                     uint32_t so_datalen_out);
uint32_t w2n_import_wasi_snapshot_preview1_sock_shutdown(w2n_instance *instance, uint32_t fd, uint32_t how);

/* sock.c: the WasmEdge socket extension. Plain names are the V1 flavour except where a `_v1`
 * symbol exists (sock_accept: the plain symbol is preview1's three-parameter function). */
uint32_t w2n_import_wasi_snapshot_preview1_sock_accept_v1(w2n_instance *instance, uint32_t fd, uint32_t fd_out);
uint32_t w2n_import_wasi_snapshot_preview1_sock_accept_v2(w2n_instance *instance, uint32_t fd, uint32_t flags,
                                                          uint32_t fd_out);
uint32_t w2n_import_wasi_snapshot_preview1_sock_open(w2n_instance *instance, uint32_t af, uint32_t socktype,
                                                     uint32_t fd_out);
uint32_t w2n_import_wasi_snapshot_preview1_sock_open_v2(w2n_instance *instance, uint32_t af, uint32_t socktype,
                                                        uint32_t fd_out);
uint32_t w2n_import_wasi_snapshot_preview1_sock_bind(w2n_instance *instance, uint32_t fd, uint32_t address,
                                                     uint32_t port);
uint32_t w2n_import_wasi_snapshot_preview1_sock_bind_v2(w2n_instance *instance, uint32_t fd, uint32_t address,
                                                        uint32_t port);
uint32_t w2n_import_wasi_snapshot_preview1_sock_connect(w2n_instance *instance, uint32_t fd, uint32_t address,
                                                        uint32_t port);
uint32_t w2n_import_wasi_snapshot_preview1_sock_connect_v2(w2n_instance *instance, uint32_t fd, uint32_t address,
                                                           uint32_t port);
uint32_t w2n_import_wasi_snapshot_preview1_sock_listen(w2n_instance *instance, uint32_t fd, uint32_t backlog);
uint32_t w2n_import_wasi_snapshot_preview1_sock_listen_v2(w2n_instance *instance, uint32_t fd, uint32_t backlog);
uint32_t w2n_import_wasi_snapshot_preview1_sock_recv_v2(w2n_instance *instance, uint32_t fd, uint32_t ri_data,
                                                        uint32_t ri_data_len, uint32_t ri_flags,
                                                        uint32_t ro_datalen_out, uint32_t ro_flags_out);
uint32_t w2n_import_wasi_snapshot_preview1_sock_send_v2(w2n_instance *instance, uint32_t fd, uint32_t si_data,
                                                        uint32_t si_data_len, uint32_t si_flags,
                                                        uint32_t so_datalen_out);
uint32_t w2n_import_wasi_snapshot_preview1_sock_recv_from(w2n_instance *instance, uint32_t fd, uint32_t ri_data,
                                                          uint32_t ri_data_len, uint32_t address, uint32_t ri_flags,
                                                          uint32_t ro_datalen_out, uint32_t ro_flags_out);
uint32_t w2n_import_wasi_snapshot_preview1_sock_recv_from_v2(w2n_instance *instance, uint32_t fd, uint32_t ri_data,
                                                             uint32_t ri_data_len, uint32_t address,
                                                             uint32_t ri_flags, uint32_t ro_port_out,
                                                             uint32_t ro_datalen_out, uint32_t ro_flags_out);
uint32_t w2n_import_wasi_snapshot_preview1_sock_send_to(w2n_instance *instance, uint32_t fd, uint32_t si_data,
                                                        uint32_t si_data_len, uint32_t address, uint32_t port,
                                                        uint32_t si_flags, uint32_t so_datalen_out);
uint32_t w2n_import_wasi_snapshot_preview1_sock_send_to_v2(w2n_instance *instance, uint32_t fd, uint32_t si_data,
                                                           uint32_t si_data_len, uint32_t address, uint32_t port,
                                                           uint32_t si_flags, uint32_t so_datalen_out);
uint32_t w2n_import_wasi_snapshot_preview1_sock_getlocaladdr(w2n_instance *instance, uint32_t fd, uint32_t address,
                                                             uint32_t addr_type_out, uint32_t port_out);
uint32_t w2n_import_wasi_snapshot_preview1_sock_getlocaladdr_v2(w2n_instance *instance, uint32_t fd,
                                                                uint32_t address, uint32_t port_out);
uint32_t w2n_import_wasi_snapshot_preview1_sock_getpeeraddr(w2n_instance *instance, uint32_t fd, uint32_t address,
                                                            uint32_t addr_type_out, uint32_t port_out);
uint32_t w2n_import_wasi_snapshot_preview1_sock_getpeeraddr_v2(w2n_instance *instance, uint32_t fd,
                                                               uint32_t address, uint32_t port_out);
uint32_t w2n_import_wasi_snapshot_preview1_sock_getsockopt(w2n_instance *instance, uint32_t fd, uint32_t level,
                                                           uint32_t name, uint32_t value, uint32_t value_len_inout);
uint32_t w2n_import_wasi_snapshot_preview1_sock_setsockopt(w2n_instance *instance, uint32_t fd, uint32_t level,
                                                           uint32_t name, uint32_t value, uint32_t value_len);
uint32_t w2n_import_wasi_snapshot_preview1_sock_getaddrinfo(w2n_instance *instance, uint32_t node,
                                                            uint32_t node_len, uint32_t service,
                                                            uint32_t service_len, uint32_t hints, uint32_t res,
                                                            uint32_t max_res_len, uint32_t res_len_out);

#ifdef __cplusplus
}
#endif

#endif /* W2N_WASI_H */
