/*
 * wasi/wasi.c: the WASI context (arguments, environment, granted directories, descriptor table,
 * exit status), errno and file type conversion, and the table of functions w2n_instantiate links
 * for `wasi_snapshot_preview1` imports.
 */
#include "wasi_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

extern char **environ;

/* The context ----------------------------------------------------------------------------- */

w2n_wasi *w2n_wasi_of(w2n_instance *instance) {
  if (instance->wasi == NULL)
    w2n_trap_at(W2N_TRAP_HOST, 0);
  return instance->wasi;
}

uint32_t w2n_wasi_exit_status(const w2n_wasi *wasi) { return wasi->exit_status; }

static int report(char *error, size_t error_size, const char *format, ...) {
  if (error != NULL && error_size > 0) {
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(error, error_size, format, arguments);
    va_end(arguments);
  }
  return -1;
}

/* Appends a copy of `text` to a NULL-terminated string list of *count entries whose bytes with
 * their NULs are *size. */
static int list_add(char ***list, uint32_t *count, uint32_t *size, const char *text) {
  char **grown = realloc(*list, (*count + 2) * sizeof(char *));
  if (grown == NULL)
    return -1;
  *list = grown;
  size_t length = strlen(text) + 1;
  if ((grown[*count] = strdup(text)) == NULL || *size + length > UINT32_MAX)
    return -1;
  grown[++*count] = NULL;
  *size += (uint32_t)length;
  return 0;
}

/* Sets NAME=VALUE in the environment list, replacing an entry of the same name. */
static int env_set(w2n_wasi *wasi, const char *entry) {
  size_t name_length = strcspn(entry, "=");
  for (uint32_t i = 0; i < wasi->envc; i++) {
    if (strncmp(wasi->env[i], entry, name_length) == 0 && wasi->env[i][name_length] == '=') {
      char *copy = strdup(entry);
      if (copy == NULL)
        return -1;
      wasi->env_size += (uint32_t)strlen(copy) - (uint32_t)strlen(wasi->env[i]);
      free(wasi->env[i]);
      wasi->env[i] = copy;
      return 0;
    }
  }
  return list_add(&wasi->env, &wasi->envc, &wasi->env_size, entry);
}

/* stdin, stdout, stderr, as wasmtime shows them: streams (CHARACTER_DEVICE on a terminal, else
 * UNKNOWN, whatever the host descriptor is); stdin may only be read, stdout and stderr only
 * written. */
static int add_stdio(w2n_wasi *wasi, int host) {
  w2n_wasi_fd *entry = &wasi->fds[host];
  memset(entry, 0, sizeof *entry);
  entry->host = host;
  entry->owned = 0;
  entry->filetype = isatty(host) ? W2N_WASI_FILETYPE_CHARACTER_DEVICE : W2N_WASI_FILETYPE_UNKNOWN;
  entry->rights_base = entry->rights_inheriting = host == 0 ? W2N_RIGHTS_FD_READ : W2N_RIGHTS_FD_WRITE;
  return 0;
}

/* A directory grant: "HOST", "HOST::GUEST", either followed by ":ro" for a read-only grant. */
static int add_preopen(w2n_wasi *wasi, const char *grant, char *error, size_t error_size) {
  size_t grant_length = strlen(grant);
  int readonly = grant_length > 3 && strcmp(grant + grant_length - 3, ":ro") == 0;
  char *text = strndup(grant, readonly ? grant_length - 3 : grant_length);
  if (text == NULL)
    return report(error, error_size, "out of memory");
  char *separator = strstr(text, "::");
  const char *guest = text;
  if (separator != NULL) {
    *separator = '\0';
    guest = separator + 2;
  }
  if (text[0] == '\0' || guest[0] == '\0') {
    report(error, error_size, "bad directory grant '%s': give HOST, HOST::GUEST, HOST:ro or HOST::GUEST:ro", grant);
    free(text);
    return -1;
  }
  int fd = open(text, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    report(error, error_size, "cannot open directory %s: %s", text, strerror(errno));
    free(text);
    return -1;
  }
  uint32_t number;
  if (w2n_wasi_fd_add(wasi, fd, W2N_RIGHTS_DIRECTORY, W2N_RIGHTS_DIRECTORY_INHERITING, &number) != W2N_WASI_SUCCESS ||
      (wasi->fds[number].preopen = strdup(guest)) == NULL) {
    free(text);
    return report(error, error_size, "out of memory");
  }
  wasi->fds[number].readonly = (uint8_t)readonly;
  free(text);
  return 0;
}

w2n_wasi *w2n_wasi_create(int argc, const char *const *argv, const w2n_main_config *config, char *error,
                          size_t error_size) {
  w2n_wasi *wasi = calloc(1, sizeof *wasi);
  if (wasi == NULL)
    goto out_of_memory;
  wasi->epoll = -1;
  if ((wasi->fds = calloc(8, sizeof(w2n_wasi_fd))) == NULL)
    goto out_of_memory;
  wasi->fd_count = 3;
  wasi->fd_capacity = 8;
  wasi->allow_network = config != NULL && config->allow_network;
  for (int i = 0; i < 3; i++)
    add_stdio(wasi, i);
  for (int i = 0; i < argc; i++)
    if (list_add(&wasi->argv, &wasi->argc, &wasi->args_size, argv[i]) != 0)
      goto out_of_memory;
  if (config != NULL && config->inherit_env)
    for (char **entry = environ; entry != NULL && *entry != NULL; entry++)
      if (env_set(wasi, *entry) != 0)
        goto out_of_memory;
  for (const char *const *entry = config != NULL ? config->env : NULL; entry != NULL && *entry != NULL; entry++) {
    if (strchr(*entry, '=') != NULL) {
      if (env_set(wasi, *entry) != 0)
        goto out_of_memory;
      continue;
    }
    const char *value = getenv(*entry); /* "NAME": the host's value, if it has one */
    if (value == NULL)
      continue;
    size_t length = strlen(*entry) + strlen(value) + 2;
    char *pair = malloc(length);
    if (pair == NULL)
      goto out_of_memory;
    snprintf(pair, length, "%s=%s", *entry, value);
    int failed = env_set(wasi, pair);
    free(pair);
    if (failed)
      goto out_of_memory;
  }
  for (const char *const *grant = config != NULL ? config->dirs : NULL; grant != NULL && *grant != NULL; grant++) {
    if (add_preopen(wasi, *grant, error, error_size) != 0) {
      w2n_wasi_free(wasi);
      return NULL;
    }
  }
  return wasi;

out_of_memory:
  report(error, error_size, "out of memory");
  w2n_wasi_free(wasi);
  return NULL;
}

int w2n_wasi_env_default(w2n_wasi *wasi, const char *entry) {
  size_t name_length = strcspn(entry, "=");
  if (entry[name_length] != '=')
    return -1;
  for (uint32_t i = 0; i < wasi->envc; i++)
    if (strncmp(wasi->env[i], entry, name_length) == 0 && wasi->env[i][name_length] == '=')
      return 0;
  return list_add(&wasi->env, &wasi->envc, &wasi->env_size, entry);
}

void w2n_wasi_free(w2n_wasi *wasi) {
  if (wasi == NULL)
    return;
  for (uint32_t i = 0; i < wasi->argc; i++)
    free(wasi->argv[i]);
  for (uint32_t i = 0; i < wasi->envc; i++)
    free(wasi->env[i]);
  if (wasi->fds != NULL)
    w2n_wasi_fds_free(wasi);
  w2n_wasi_poll_free(wasi);
  free(wasi->argv);
  free(wasi->env);
  free(wasi->fds);
  free(wasi);
}

/* Descriptors ----------------------------------------------------------------------------- */

w2n_wasi_fd *w2n_wasi_fd_get(w2n_wasi *wasi, uint32_t fd) {
  if (fd >= wasi->fd_count || wasi->fds[fd].host < 0)
    return NULL;
  return &wasi->fds[fd];
}

w2n_wasi_fd *w2n_wasi_socket_get(w2n_wasi *wasi, uint32_t fd, uint32_t *error) {
  w2n_wasi_fd *entry = w2n_wasi_fd_get(wasi, fd);
  *error = W2N_WASI_SUCCESS;
  if (entry == NULL)
    *error = W2N_WASI_BADF;
  else if (entry->filetype != W2N_WASI_FILETYPE_SOCKET_STREAM && entry->filetype != W2N_WASI_FILETYPE_SOCKET_DGRAM)
    *error = W2N_WASI_NOTSOCK;
  return *error == W2N_WASI_SUCCESS ? entry : NULL;
}

/* Guest descriptors are the lowest free numbers, as wasmtime gives them. */
uint32_t w2n_wasi_fd_add(w2n_wasi *wasi, int host, uint64_t rights_base, uint64_t rights_inheriting, uint32_t *fd) {
  uint32_t number = 0;
  while (number < wasi->fd_count && wasi->fds[number].host >= 0)
    number++;
  if (number == wasi->fd_count) {
    if (wasi->fd_count == wasi->fd_capacity) {
      uint32_t capacity = wasi->fd_capacity * 2;
      w2n_wasi_fd *grown = capacity > wasi->fd_capacity ? realloc(wasi->fds, capacity * sizeof *grown) : NULL;
      if (grown == NULL) {
        close(host);
        return W2N_WASI_NOMEM;
      }
      wasi->fds = grown;
      wasi->fd_capacity = capacity;
    }
    wasi->fds[wasi->fd_count].host = -1;
    wasi->fd_count++;
  }
  struct stat st;
  w2n_wasi_fd *entry = &wasi->fds[number];
  memset(entry, 0, sizeof *entry);
  entry->host = host;
  entry->owned = 1;
  entry->filetype = fstat(host, &st) == 0 ? w2n_wasi_filetype(host, st.st_mode) : W2N_WASI_FILETYPE_UNKNOWN;
  entry->rights_base = rights_base;
  entry->rights_inheriting = rights_inheriting;
  *fd = number;
  return W2N_WASI_SUCCESS;
}

void w2n_wasi_fds_free(w2n_wasi *wasi) {
  for (uint32_t i = 0; i < wasi->fd_count; i++) {
    w2n_wasi_poll_forget(wasi, &wasi->fds[i]);
    w2n_wasi_fd_release(&wasi->fds[i]);
  }
}

/* Callers forget the poll registration first (w2n_wasi_poll_forget). */
void w2n_wasi_fd_release(w2n_wasi_fd *entry) {
  if (entry->host < 0 && entry->dir == NULL && entry->preopen == NULL)
    return;
  if (entry->dir != NULL)
    closedir(entry->dir);
  if (entry->owned && entry->host >= 0)
    close(entry->host);
  free(entry->preopen);
  memset(entry, 0, sizeof *entry);
  entry->host = -1;
}

/* Conversions ----------------------------------------------------------------------------- */

uint32_t w2n_wasi_put32(w2n_instance *instance, uint32_t address, uint32_t value) {
  uint8_t *p = w2n_guest(instance, address, 4);
  if (p == NULL)
    return W2N_WASI_FAULT;
  w2n_store32(p, value);
  return W2N_WASI_SUCCESS;
}

uint32_t w2n_wasi_put64(w2n_instance *instance, uint32_t address, uint64_t value) {
  uint8_t *p = w2n_guest(instance, address, 8);
  if (p == NULL)
    return W2N_WASI_FAULT;
  w2n_store64(p, value);
  return W2N_WASI_SUCCESS;
}

uint8_t w2n_wasi_filetype(int host_fd, mode_t mode) {
  if (S_ISREG(mode))
    return W2N_WASI_FILETYPE_REGULAR_FILE;
  if (S_ISDIR(mode))
    return W2N_WASI_FILETYPE_DIRECTORY;
  if (S_ISCHR(mode))
    return W2N_WASI_FILETYPE_CHARACTER_DEVICE;
  if (S_ISBLK(mode))
    return W2N_WASI_FILETYPE_BLOCK_DEVICE;
  if (S_ISLNK(mode))
    return W2N_WASI_FILETYPE_SYMBOLIC_LINK;
  if (S_ISSOCK(mode)) {
    int type = 0;
    socklen_t length = sizeof type;
    if (host_fd >= 0 && getsockopt(host_fd, SOL_SOCKET, SO_TYPE, &type, &length) == 0 && type == SOCK_DGRAM)
      return W2N_WASI_FILETYPE_SOCKET_DGRAM;
    return W2N_WASI_FILETYPE_SOCKET_STREAM;
  }
  return W2N_WASI_FILETYPE_UNKNOWN;
}

static uint64_t nanoseconds(struct timespec time) {
  return (uint64_t)time.tv_sec * 1000000000u + (uint64_t)time.tv_nsec;
}

void w2n_wasi_write_filestat(uint8_t *out, const struct stat *st, uint8_t filetype) {
  memset(out, 0, 64);
  w2n_store64(out + 0, (uint64_t)st->st_dev);
  w2n_store64(out + 8, (uint64_t)st->st_ino);
  out[16] = filetype;
  w2n_store64(out + 24, (uint64_t)st->st_nlink);
  w2n_store64(out + 32, (uint64_t)st->st_size);
  w2n_store64(out + 40, nanoseconds(st->st_atim));
  w2n_store64(out + 48, nanoseconds(st->st_mtim));
  w2n_store64(out + 56, nanoseconds(st->st_ctim));
}

uint32_t w2n_wasi_errno(int host_errno) {
  switch (host_errno) {
  case 0: return W2N_WASI_SUCCESS;
  case E2BIG: return 1;
  case EACCES: return 2;
  case EADDRINUSE: return 3;
  case EADDRNOTAVAIL: return 4;
  case EAFNOSUPPORT: return 5;
#if EWOULDBLOCK != EAGAIN
  case EWOULDBLOCK:
#endif
  case EAGAIN: return 6;
  case EALREADY: return 7;
  case EBADF: return 8;
  case EBADMSG: return 9;
  case EBUSY: return 10;
  case ECANCELED: return 11;
  case ECHILD: return 12;
  case ECONNABORTED: return 13;
  case ECONNREFUSED: return 14;
  case ECONNRESET: return 15;
  case EDEADLK: return 16;
  case EDESTADDRREQ: return 17;
  case EDOM: return 18;
  case EDQUOT: return 19;
  case EEXIST: return 20;
  case EFAULT: return 21;
  case EFBIG: return 22;
  case EHOSTUNREACH: return 23;
  case EIDRM: return 24;
  case EILSEQ: return 25;
  case EINPROGRESS: return 26;
  case EINTR: return 27;
  case EINVAL: return 28;
  case EIO: return 29;
  case EISCONN: return 30;
  case EISDIR: return 31;
  case ELOOP: return 32;
  case EMFILE: return 33;
  case EMLINK: return 34;
  case EMSGSIZE: return 35;
  case EMULTIHOP: return 36;
  case ENAMETOOLONG: return 37;
  case ENETDOWN: return 38;
  case ENETRESET: return 39;
  case ENETUNREACH: return 40;
  case ENFILE: return 41;
  case ENOBUFS: return 42;
  case ENODEV: return 43;
  case ENOENT: return 44;
  case ENOEXEC: return 45;
  case ENOLCK: return 46;
  case ENOLINK: return 47;
  case ENOMEM: return 48;
  case ENOMSG: return 49;
  case ENOPROTOOPT: return 50;
  case ENOSPC: return 51;
  case ENOSYS: return 52;
  case ENOTCONN: return 53;
  case ENOTDIR: return 54;
  case ENOTEMPTY: return 55;
  case ENOTRECOVERABLE: return 56;
  case ENOTSOCK: return 57;
#if ENOTSUP != EOPNOTSUPP
  case EOPNOTSUPP:
#endif
  case ENOTSUP: return 58;
  case ENOTTY: return 59;
  case ENXIO: return 60;
  case EOVERFLOW: return 61;
  case EOWNERDEAD: return 62;
  case EPERM: return 63;
  case EPIPE: return 64;
  case EPROTO: return 65;
  case EPROTONOSUPPORT: return 66;
  case EPROTOTYPE: return 67;
  case ERANGE: return 68;
  case EROFS: return 69;
  case ESPIPE: return 70;
  case ESRCH: return 71;
  case ESTALE: return 72;
  case ETIMEDOUT: return 73;
  case ETXTBSY: return 74;
  case EXDEV: return 75;
  default: return W2N_WASI_IO;
  }
}

/* The import table ------------------------------------------------------------------------ */

#define W2N_WASI_ENTRY(name, signature) {#name, signature, (void *)w2n_import_wasi_snapshot_preview1_##name}
/* An import name whose implementation is a function of another name (V1 / V2 variants). */
#define W2N_WASI_VARIANT(name, signature, function)                                                                 \
  {#name, signature, (void *)w2n_import_wasi_snapshot_preview1_##function}

/* Sorted by name, then signature (w2n_wasi_lookup bisects it). One name may have several entries,
 * one per function type: WasmEdge's socket functions come in a V1 and a V2 flavour, and the plain
 * name is linked to whichever matches the import's type (WasmEdge's rule: the V1 type, else the
 * `<name>_v2` type); the `_v2` names are listed too. */
const w2n_wasi_function w2n_wasi_functions[] = {
    W2N_WASI_ENTRY(args_get, "ii:i"),
    W2N_WASI_ENTRY(args_sizes_get, "ii:i"),
    W2N_WASI_ENTRY(clock_res_get, "ii:i"),
    W2N_WASI_ENTRY(clock_time_get, "iIi:i"),
    W2N_WASI_ENTRY(environ_get, "ii:i"),
    W2N_WASI_ENTRY(environ_sizes_get, "ii:i"),
    W2N_WASI_ENTRY(epoll_oneoff, "iiii:i"),
    W2N_WASI_ENTRY(fd_advise, "iIIi:i"),
    W2N_WASI_ENTRY(fd_allocate, "iII:i"),
    W2N_WASI_ENTRY(fd_close, "i:i"),
    W2N_WASI_ENTRY(fd_datasync, "i:i"),
    W2N_WASI_ENTRY(fd_fdstat_get, "ii:i"),
    W2N_WASI_ENTRY(fd_fdstat_set_flags, "ii:i"),
    W2N_WASI_ENTRY(fd_fdstat_set_rights, "iII:i"),
    W2N_WASI_ENTRY(fd_filestat_get, "ii:i"),
    W2N_WASI_ENTRY(fd_filestat_set_size, "iI:i"),
    W2N_WASI_ENTRY(fd_filestat_set_times, "iIIi:i"),
    W2N_WASI_ENTRY(fd_pread, "iiiIi:i"),
    W2N_WASI_ENTRY(fd_prestat_dir_name, "iii:i"),
    W2N_WASI_ENTRY(fd_prestat_get, "ii:i"),
    W2N_WASI_ENTRY(fd_pwrite, "iiiIi:i"),
    W2N_WASI_ENTRY(fd_read, "iiii:i"),
    W2N_WASI_ENTRY(fd_readdir, "iiiIi:i"),
    W2N_WASI_ENTRY(fd_renumber, "ii:i"),
    W2N_WASI_ENTRY(fd_seek, "iIii:i"),
    W2N_WASI_ENTRY(fd_sync, "i:i"),
    W2N_WASI_ENTRY(fd_tell, "ii:i"),
    W2N_WASI_ENTRY(fd_write, "iiii:i"),
    W2N_WASI_ENTRY(path_create_directory, "iii:i"),
    W2N_WASI_ENTRY(path_filestat_get, "iiiii:i"),
    W2N_WASI_ENTRY(path_filestat_set_times, "iiiiIIi:i"),
    W2N_WASI_ENTRY(path_link, "iiiiiii:i"),
    W2N_WASI_ENTRY(path_open, "iiiiiIIii:i"),
    W2N_WASI_ENTRY(path_readlink, "iiiiii:i"),
    W2N_WASI_ENTRY(path_remove_directory, "iii:i"),
    W2N_WASI_ENTRY(path_rename, "iiiiii:i"),
    W2N_WASI_ENTRY(path_symlink, "iiiii:i"),
    W2N_WASI_ENTRY(path_unlink_file, "iii:i"),
    W2N_WASI_ENTRY(poll_oneoff, "iiii:i"),
    W2N_WASI_ENTRY(proc_exit, "i:"),
    W2N_WASI_ENTRY(proc_raise, "i:i"),
    W2N_WASI_ENTRY(random_get, "ii:i"),
    W2N_WASI_ENTRY(sched_yield, ":i"),
    W2N_WASI_VARIANT(sock_accept, "ii:i", sock_accept_v1),    /* WasmEdge V1 */
    W2N_WASI_ENTRY(sock_accept, "iii:i"),                     /* preview1, WasmEdge V2 */
    W2N_WASI_ENTRY(sock_accept_v2, "iii:i"),
    W2N_WASI_ENTRY(sock_bind, "iii:i"),
    W2N_WASI_ENTRY(sock_bind_v2, "iii:i"),
    W2N_WASI_ENTRY(sock_connect, "iii:i"),
    W2N_WASI_ENTRY(sock_connect_v2, "iii:i"),
    W2N_WASI_ENTRY(sock_getaddrinfo, "iiiiiiii:i"),
    W2N_WASI_VARIANT(sock_getlocaladdr, "iii:i", sock_getlocaladdr_v2),
    W2N_WASI_ENTRY(sock_getlocaladdr, "iiii:i"),
    W2N_WASI_ENTRY(sock_getlocaladdr_v2, "iii:i"),
    W2N_WASI_VARIANT(sock_getpeeraddr, "iii:i", sock_getpeeraddr_v2),
    W2N_WASI_ENTRY(sock_getpeeraddr, "iiii:i"),
    W2N_WASI_ENTRY(sock_getpeeraddr_v2, "iii:i"),
    W2N_WASI_ENTRY(sock_getsockopt, "iiiii:i"),
    W2N_WASI_ENTRY(sock_listen, "ii:i"),
    W2N_WASI_ENTRY(sock_listen_v2, "ii:i"),
    W2N_WASI_ENTRY(sock_open, "iii:i"),
    W2N_WASI_ENTRY(sock_open_v2, "iii:i"),
    W2N_WASI_ENTRY(sock_recv, "iiiiii:i"),
    W2N_WASI_ENTRY(sock_recv_from, "iiiiiii:i"),
    W2N_WASI_VARIANT(sock_recv_from, "iiiiiiii:i", sock_recv_from_v2),
    W2N_WASI_ENTRY(sock_recv_from_v2, "iiiiiiii:i"),
    W2N_WASI_ENTRY(sock_recv_v2, "iiiiii:i"),
    W2N_WASI_ENTRY(sock_send, "iiiii:i"),
    W2N_WASI_ENTRY(sock_send_to, "iiiiiii:i"),
    W2N_WASI_ENTRY(sock_send_to_v2, "iiiiiii:i"),
    W2N_WASI_ENTRY(sock_send_v2, "iiiii:i"),
    W2N_WASI_ENTRY(sock_setsockopt, "iiiii:i"),
    W2N_WASI_ENTRY(sock_shutdown, "ii:i"),
};

const uint32_t w2n_wasi_function_count = sizeof w2n_wasi_functions / sizeof w2n_wasi_functions[0];

const w2n_wasi_function *w2n_wasi_find(const char *name) {
  uint32_t low = 0, high = w2n_wasi_function_count;
  while (low < high) { /* the first entry whose name is not below `name` */
    uint32_t middle = low + (high - low) / 2;
    if (strcmp(w2n_wasi_functions[middle].name, name) < 0)
      low = middle + 1;
    else
      high = middle;
  }
  return low < w2n_wasi_function_count && strcmp(w2n_wasi_functions[low].name, name) == 0 ? &w2n_wasi_functions[low]
                                                                                         : NULL;
}

/* The 11 WasmEdge names that have a V2 flavour under `<name>_v2`. */
static int has_v2(const char *name) {
  static const char *const names[] = {"sock_accept",    "sock_bind",         "sock_connect",     "sock_getlocaladdr",
                                      "sock_getpeeraddr", "sock_listen",     "sock_open",        "sock_recv",
                                      "sock_recv_from", "sock_send",         "sock_send_to"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcmp(name, names[i]) == 0)
      return 1;
  return 0;
}

const w2n_wasi_function *w2n_wasi_lookup(const char *name, const char *signature) {
  for (const w2n_wasi_function *entry = w2n_wasi_find(name);
       entry != NULL && entry < w2n_wasi_functions + w2n_wasi_function_count && strcmp(entry->name, name) == 0; entry++)
    if (strcmp(entry->signature, signature) == 0)
      return entry;
  if (has_v2(name) && strlen(name) < 64) { /* WasmEdge: a plain name whose V1 type differs gets V2 */
    char v2[80];
    snprintf(v2, sizeof v2, "%s_v2", name);
    return w2n_wasi_lookup(v2, signature);
  }
  return NULL;
}
