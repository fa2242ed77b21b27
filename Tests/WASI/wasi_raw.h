/*
 * wasi_raw.h: every wasi_snapshot_preview1 import declared with its exact wasm signature (pointer
 * + length for strings), and the WasmEdge socket extension declared as wasmedge_wasi_socket 0.5.5
 * declares it, so that test guests call the host directly, without wasi-libc in between.
 */
#ifndef WASI_RAW_H
#define WASI_RAW_H

#include <stdint.h>

#define W_IMPORT(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))

typedef uint32_t u32;
typedef uint64_t u64;

W_IMPORT(args_get) u32 w_args_get(u32 argv, u32 argv_buf);
W_IMPORT(args_sizes_get) u32 w_args_sizes_get(u32 *argc, u32 *size);
W_IMPORT(environ_get) u32 w_environ_get(u32 env, u32 env_buf);
W_IMPORT(environ_sizes_get) u32 w_environ_sizes_get(u32 *count, u32 *size);
W_IMPORT(clock_res_get) u32 w_clock_res_get(u32 id, u64 *res);
W_IMPORT(clock_time_get) u32 w_clock_time_get(u32 id, u64 precision, u64 *time);
W_IMPORT(fd_advise) u32 w_fd_advise(u32 fd, u64 offset, u64 len, u32 advice);
W_IMPORT(fd_allocate) u32 w_fd_allocate(u32 fd, u64 offset, u64 len);
W_IMPORT(fd_close) u32 w_fd_close(u32 fd);
W_IMPORT(fd_datasync) u32 w_fd_datasync(u32 fd);
W_IMPORT(fd_fdstat_get) u32 w_fd_fdstat_get(u32 fd, void *stat);
W_IMPORT(fd_fdstat_set_flags) u32 w_fd_fdstat_set_flags(u32 fd, u32 flags);
W_IMPORT(fd_fdstat_set_rights) u32 w_fd_fdstat_set_rights(u32 fd, u64 base, u64 inheriting);
W_IMPORT(fd_filestat_get) u32 w_fd_filestat_get(u32 fd, void *stat);
W_IMPORT(fd_filestat_set_size) u32 w_fd_filestat_set_size(u32 fd, u64 size);
W_IMPORT(fd_filestat_set_times) u32 w_fd_filestat_set_times(u32 fd, u64 atim, u64 mtim, u32 flags);
W_IMPORT(fd_pread) u32 w_fd_pread(u32 fd, const void *iovs, u32 n, u64 offset, u32 *nread);
W_IMPORT(fd_prestat_get) u32 w_fd_prestat_get(u32 fd, void *prestat);
W_IMPORT(fd_prestat_dir_name) u32 w_fd_prestat_dir_name(u32 fd, char *path, u32 len);
W_IMPORT(fd_pwrite) u32 w_fd_pwrite(u32 fd, const void *iovs, u32 n, u64 offset, u32 *nwritten);
W_IMPORT(fd_read) u32 w_fd_read(u32 fd, const void *iovs, u32 n, u32 *nread);
W_IMPORT(fd_readdir) u32 w_fd_readdir(u32 fd, void *buf, u32 len, u64 cookie, u32 *used);
W_IMPORT(fd_renumber) u32 w_fd_renumber(u32 fd, u32 to);
W_IMPORT(fd_seek) u32 w_fd_seek(u32 fd, int64_t offset, u32 whence, u64 *newoffset);
W_IMPORT(fd_sync) u32 w_fd_sync(u32 fd);
W_IMPORT(fd_tell) u32 w_fd_tell(u32 fd, u64 *offset);
W_IMPORT(fd_write) u32 w_fd_write(u32 fd, const void *iovs, u32 n, u32 *nwritten);
W_IMPORT(path_create_directory) u32 w_path_create_directory(u32 fd, const char *path, u32 len);
W_IMPORT(path_filestat_get) u32 w_path_filestat_get(u32 fd, u32 flags, const char *path, u32 len, void *stat);
W_IMPORT(path_filestat_set_times)
u32 w_path_filestat_set_times(u32 fd, u32 flags, const char *path, u32 len, u64 atim, u64 mtim, u32 fst);
W_IMPORT(path_link)
u32 w_path_link(u32 old_fd, u32 old_flags, const char *old, u32 old_len, u32 new_fd, const char *new_path, u32 new_len);
W_IMPORT(path_open)
u32 w_path_open(u32 fd, u32 dirflags, const char *path, u32 len, u32 oflags, u64 base, u64 inheriting, u32 fdflags,
                u32 *opened);
W_IMPORT(path_readlink) u32 w_path_readlink(u32 fd, const char *path, u32 len, char *buf, u32 buf_len, u32 *used);
W_IMPORT(path_remove_directory) u32 w_path_remove_directory(u32 fd, const char *path, u32 len);
W_IMPORT(path_rename)
u32 w_path_rename(u32 fd, const char *old, u32 old_len, u32 new_fd, const char *new_path, u32 new_len);
W_IMPORT(path_symlink) u32 w_path_symlink(const char *old, u32 old_len, u32 fd, const char *new_path, u32 new_len);
W_IMPORT(path_unlink_file) u32 w_path_unlink_file(u32 fd, const char *path, u32 len);
W_IMPORT(poll_oneoff) u32 w_poll_oneoff(const void *in, void *out, u32 n, u32 *nevents);
W_IMPORT(proc_exit) _Noreturn void w_proc_exit(u32 code);
W_IMPORT(proc_raise) u32 w_proc_raise(u32 sig);
W_IMPORT(random_get) u32 w_random_get(void *buf, u32 len);
W_IMPORT(sched_yield) u32 w_sched_yield(void);
W_IMPORT(sock_accept) u32 w_sock_accept(u32 fd, u32 flags, u32 *accepted);
W_IMPORT(sock_recv) u32 w_sock_recv(u32 fd, const void *iovs, u32 n, u32 flags, u32 *nread, u32 *oflags);
W_IMPORT(sock_send) u32 w_sock_send(u32 fd, const void *iovs, u32 n, u32 flags, u32 *nwritten);
W_IMPORT(sock_shutdown) u32 w_sock_shutdown(u32 fd, u32 how);

/* Layouts. */
typedef struct { u32 buf, len; } w_iovec;
typedef struct {
  uint8_t filetype;
  uint16_t flags;
  u64 rights_base, rights_inheriting;
} w_fdstat;
typedef struct {
  u64 dev, ino;
  uint8_t filetype;
  u64 nlink, size, atim, mtim, ctim;
} w_filestat;
typedef struct {
  u64 userdata;
  uint8_t tag;
  union {
    struct { u32 id; u64 timeout, precision; uint16_t flags; } clock;
    struct { u32 fd; } fd;
  } u;
} w_subscription;
typedef struct {
  u64 userdata;
  uint16_t error;
  uint8_t type;
  u64 nbytes;
  uint16_t flags;
} w_event;

_Static_assert(sizeof(w_subscription) == 48, "subscription");
_Static_assert(sizeof(w_event) == 32, "event");
_Static_assert(sizeof(w_filestat) == 64, "filestat");
_Static_assert(sizeof(w_fdstat) == 24, "fdstat");

#define W_STR(s) (s), (u32)__builtin_strlen(s)

#endif
