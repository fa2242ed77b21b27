/*
 * wasi/wasi_internal.h: what the WASI files share: the context (struct w2n_wasi), its descriptor
 * table, guest memory access with bounds checks, errno and file type conversion, and path
 * resolution below a directory descriptor (path.c).
 */
#ifndef W2N_WASI_INTERNAL_H
#define W2N_WASI_INTERNAL_H

#include "../w2n_internal.h"
#include "w2n_wasi.h"

#include <dirent.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

/* File types (preview1 `filetype`). */
enum {
  W2N_WASI_FILETYPE_UNKNOWN = 0,
  W2N_WASI_FILETYPE_BLOCK_DEVICE = 1,
  W2N_WASI_FILETYPE_CHARACTER_DEVICE = 2,
  W2N_WASI_FILETYPE_DIRECTORY = 3,
  W2N_WASI_FILETYPE_REGULAR_FILE = 4,
  W2N_WASI_FILETYPE_SOCKET_DGRAM = 5,
  W2N_WASI_FILETYPE_SOCKET_STREAM = 6,
  W2N_WASI_FILETYPE_SYMBOLIC_LINK = 7,
};

/* Rights (preview1 `rights`): reported by fd_fdstat_get with wasmtime's values; like wasmtime,
 * only the read and write intent of path_open is enforced (by the host's open mode), plus the
 * read-only form of a directory grant (`readonly` below). */
#define W2N_RIGHT(bit) ((uint64_t)1 << (bit))
#define W2N_RIGHTS_FD_DATASYNC W2N_RIGHT(0)
#define W2N_RIGHTS_FD_READ W2N_RIGHT(1)
#define W2N_RIGHTS_FD_SEEK W2N_RIGHT(2)
#define W2N_RIGHTS_FD_FDSTAT_SET_FLAGS W2N_RIGHT(3)
#define W2N_RIGHTS_FD_TELL W2N_RIGHT(5)
#define W2N_RIGHTS_FD_WRITE W2N_RIGHT(6)
#define W2N_RIGHTS_FD_READDIR W2N_RIGHT(14)
#define W2N_RIGHTS_PATH_FILESTAT_SET_SIZE W2N_RIGHT(19)
#define W2N_RIGHTS_POLL_FD_READWRITE W2N_RIGHT(27)
#define W2N_RIGHTS_SOCK_SHUTDOWN W2N_RIGHT(28)
#define W2N_RIGHTS_ALL (W2N_RIGHT(30) - 1)
/* What wasmtime reports for a directory (base and inheriting) and for a file. */
#define W2N_RIGHTS_DIRECTORY                                                                                        \
  (W2N_RIGHT(9) | W2N_RIGHT(10) | W2N_RIGHT(11) | W2N_RIGHT(12) | W2N_RIGHT(13) | W2N_RIGHT(14) | W2N_RIGHT(15) |    \
   W2N_RIGHT(16) | W2N_RIGHT(17) | W2N_RIGHT(18) | W2N_RIGHT(20) | W2N_RIGHT(21) | W2N_RIGHT(23) | W2N_RIGHT(24) |   \
   W2N_RIGHT(25) | W2N_RIGHT(26))
#define W2N_RIGHTS_DIRECTORY_INHERITING (W2N_RIGHTS_FILE_ALL & ~W2N_RIGHTS_PATH_FILESTAT_SET_SIZE & ~W2N_RIGHT(28) & ~W2N_RIGHT(29))
#define W2N_RIGHTS_FILE_ALL W2N_RIGHTS_ALL
#define W2N_RIGHTS_FILE W2N_RIGHTS_ALL
/* Sockets: what WasmEdge gives them (FD_READ, FD_WRITE, FD_FDSTAT_SET_FLAGS, POLL_FD_READWRITE
 * and its socket bits 28 ... 35). */
#define W2N_RIGHTS_SOCKET                                                                                           \
  (W2N_RIGHTS_FD_READ | W2N_RIGHTS_FD_WRITE | W2N_RIGHTS_FD_FDSTAT_SET_FLAGS | W2N_RIGHTS_POLL_FD_READWRITE |       \
   (W2N_RIGHT(36) - W2N_RIGHT(28)))

/* One guest descriptor. */
typedef struct w2n_wasi_fd {
  int host;          /* -1: a free slot */
  int owned;         /* 1: close `host` on fd_close (0 for the process's stdio) */
  uint8_t filetype;
  uint8_t readonly;  /* 1: opened below a read-only directory grant: no change through it */
  char *preopen;     /* the guest name of a granted directory, else NULL */
  DIR *dir;          /* fd_readdir's stream, opened on first use */
  uint64_t dir_next; /* the cookie `dir` is positioned at */
  uint64_t rights_base, rights_inheriting;
  /* poll_oneoff (poll.c): the events registered for this descriptor in the context's epoll set
   * (0: not registered), and this call's subscriptions to it. */
  uint32_t poll_registered;
  uint32_t poll_generation; /* the call that filled the fields below */
  uint32_t poll_wanted;     /* events this call wants */
  uint32_t poll_read, poll_write; /* first subscription index + 1 of each kind (0: none) */
  uint8_t poll_always_ready; /* epoll refuses it (regular files): always ready, as poll() says */
} w2n_wasi_fd;

struct w2n_wasi {
  uint32_t argc;
  char **argv;
  uint32_t args_size; /* bytes of all arguments with their NULs */
  uint32_t envc;
  char **env;
  uint32_t env_size;
  w2n_wasi_fd *fds;
  uint32_t fd_count;    /* slots in use or free */
  uint32_t fd_capacity; /* slots allocated */
  uint32_t exit_status;
  uint32_t allow_network; /* sock_open and sock_getaddrinfo are allowed */
  /* poll.c */
  int epoll;                /* -1 until the first poll_oneoff on a descriptor */
  uint32_t poll_generation; /* counts poll_oneoff calls */
  uint32_t poll_registered; /* descriptors registered in `epoll` */
  void *poll_scratch;       /* per-call working storage, grown as needed */
  size_t poll_scratch_size;
};

/* The calling instance's WASI context; traps (W2N_TRAP_HOST) when it has none. */
w2n_wasi *w2n_wasi_of(w2n_instance *instance);

/* The host address of guest bytes [address, address + length) of memory 0, or NULL when they are
 * not all inside it (then the call returns W2N_WASI_FAULT). */
static inline uint8_t *w2n_guest(w2n_instance *instance, uint32_t address, uint64_t length) {
  w2n_memory *memory = instance->memories != NULL ? instance->memories[0] : NULL;
  if (memory == NULL || (uint64_t)address + length > memory->size_bytes)
    return NULL;
  return memory->data + address;
}

static inline void w2n_store16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static inline void w2n_store32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static inline void w2n_store64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }
static inline uint16_t w2n_load16(const uint8_t *p) {
  uint16_t v;
  memcpy(&v, p, 2);
  return v;
}
static inline uint32_t w2n_load32(const uint8_t *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}
static inline uint64_t w2n_load64(const uint8_t *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}

/* Stores a u32 / u64 result at a guest address: SUCCESS or FAULT. */
uint32_t w2n_wasi_put32(w2n_instance *instance, uint32_t address, uint32_t value);
uint32_t w2n_wasi_put64(w2n_instance *instance, uint32_t address, uint64_t value);

/* The WASI errno for a host errno value. */
uint32_t w2n_wasi_errno(int host_errno);
/* The WASI file type of a host st_mode (for sockets, also of the socket type). */
uint8_t w2n_wasi_filetype(int host_fd, mode_t mode);
/* Writes a 64-byte `filestat` for `st` at `out`. */
void w2n_wasi_write_filestat(uint8_t *out, const struct stat *st, uint8_t filetype);

/* Converts WASI fstflags (ATIM 1, ATIM_NOW 2, MTIM 4, MTIM_NOW 8) to futimens/utimensat times;
 * -1 when they contradict each other. */
int w2n_wasi_times(uint64_t atim, uint64_t mtim, uint32_t fst_flags, struct timespec times[2]);

/* Descriptors. */
w2n_wasi_fd *w2n_wasi_fd_get(w2n_wasi *wasi, uint32_t fd);
/* The socket behind guest `fd`: NULL with BADF (unknown) or NOTSOCK in *error. */
w2n_wasi_fd *w2n_wasi_socket_get(w2n_wasi *wasi, uint32_t fd, uint32_t *error);
/* Adds an owned host descriptor: SUCCESS and its guest number in *fd, or an errno (closes host). */
uint32_t w2n_wasi_fd_add(w2n_wasi *wasi, int host, uint64_t rights_base, uint64_t rights_inheriting, uint32_t *fd);
void w2n_wasi_fd_release(w2n_wasi_fd *entry);
/* Releases every slot of the context (w2n_wasi_free). */
void w2n_wasi_fds_free(w2n_wasi *wasi);
/* Forgets `entry`'s epoll registration (before its host descriptor is closed or moved). */
void w2n_wasi_poll_forget(w2n_wasi *wasi, w2n_wasi_fd *entry);
/* Closes the context's epoll set and frees poll's storage. */
void w2n_wasi_poll_free(w2n_wasi *wasi);

/* Path resolution (path.c): where an operation on `path` below directory `fd` applies. */
typedef struct w2n_wasi_path {
  int dir;        /* host directory the final component is in (close with w2n_wasi_path_done) */
  int readonly;   /* the guest directory is below a read-only grant */
  int dir_owned;  /* 1 when `dir` was opened by the resolution */
  char name[256]; /* the final component ("." for the directory itself) */
  int must_be_dir; /* the path ended with "/" */
} w2n_wasi_path;

/* Resolves guest `path` (path_len bytes at a guest address) below guest directory `fd`, following
 * symbolic links in every component, and in the last one too when `follow` is 1. Never leaves the
 * directory: an absolute path or one whose `..` or links escape gives PERM (as wasmtime). */
uint32_t w2n_wasi_path_resolve(w2n_instance *instance, uint32_t fd, uint32_t path, uint32_t path_len, int follow,
                               w2n_wasi_path *out);
void w2n_wasi_path_done(w2n_wasi_path *resolved);

#endif /* W2N_WASI_INTERNAL_H */
