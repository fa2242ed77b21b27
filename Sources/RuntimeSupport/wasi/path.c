/*
 * wasi/path.c: path resolution below a granted directory, and the path_* functions.
 *
 * Resolution never asks the kernel to interpret more than one component. Starting at the guest's
 * directory descriptor, it walks the path one component at a time: "." stays, ".." goes back to
 * the directory it came from (and fails with PERM at the starting one, as wasmtime), a name that
 * is a symbolic link is replaced by the link's contents (absolute contents: PERM; more than 40
 * links: LOOP), any other name is opened with O_DIRECTORY | O_NOFOLLOW. Absolute paths fail with
 * PERM. The final operation then applies to one name in one directory with the *at call that does
 * not follow links (a link swapped in meanwhile makes it fail, never escape). Directories entered
 * are held open, so `..` goes back to the descriptor it came from: a directory renamed away
 * meanwhile cannot lead outside either.
 *
 * Below a read-only grant (and through descriptors opened there) every change fails with PERM:
 * creating, truncating or opening for writing, directories, links, renames, unlinks, times.
 */
#include "wasi_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#ifdef O_PATH
#define W2N_O_SEARCH O_PATH
#else
#define W2N_O_SEARCH O_RDONLY
#endif

#define W2N_MAX_SYMLINKS 40
#define W2N_MAX_DEPTH 128

/* Resolution ------------------------------------------------------------------------------ */

typedef struct w2n_walk {
  int root;                   /* the guest's directory (not owned) */
  int dirs[W2N_MAX_DEPTH];    /* directories entered below root, innermost last (owned) */
  int depth;
} w2n_walk;

static int walk_current(const w2n_walk *walk) { return walk->depth > 0 ? walk->dirs[walk->depth - 1] : walk->root; }

static void walk_close(w2n_walk *walk, int keep) {
  for (int i = 0; i < walk->depth; i++)
    if (walk->dirs[i] != keep)
      close(walk->dirs[i]);
  walk->depth = 0;
}

/* Replaces the part of *path before offset `after` (the components walked so far and the link's
 * name) with the link's contents `target`, keeping the rest. */
static int splice_link(char **path, size_t after, const char *target, size_t target_length, int trailing) {
  size_t rest = strlen(*path + after);
  char *joined = malloc(target_length + rest + 3);
  if (joined == NULL)
    return -1;
  memcpy(joined, target, target_length);
  size_t length = target_length;
  if (rest > 0 || trailing)
    joined[length++] = '/';
  memcpy(joined + length, *path + after, rest + 1);
  free(*path);
  *path = joined;
  return 0;
}

static uint32_t resolve(w2n_walk *walk, char **path, int follow, w2n_wasi_path *out) {
  size_t position = 0;
  int links = 0;
  if ((*path)[0] == '\0')
    return W2N_WASI_NOENT;
  if ((*path)[0] == '/')
    return W2N_WASI_PERM;
  for (;;) {
    const char *text = *path;
    while (text[position] == '/')
      position++;
    if (text[position] == '\0') { /* the path ends with the directory we are in */
      strcpy(out->name, ".");
      return W2N_WASI_SUCCESS;
    }
    size_t end = position;
    while (text[end] != '\0' && text[end] != '/')
      end++;
    size_t after = end;
    while (text[after] == '/')
      after++;
    int is_last = text[after] == '\0', trailing = is_last && after > end;
    size_t length = end - position;
    if (length >= sizeof out->name)
      return W2N_WASI_NAMETOOLONG;
    char name[sizeof out->name];
    memcpy(name, text + position, length);
    name[length] = '\0';
    position = after;

    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
      if (name[1] == '.') {
        if (walk->depth == 0)
          return W2N_WASI_PERM;
        close(walk->dirs[--walk->depth]);
      }
      if (is_last) {
        strcpy(out->name, ".");
        out->must_be_dir = 1;
        return W2N_WASI_SUCCESS;
      }
      continue;
    }
    if (!is_last || follow || trailing) {
      char target[PATH_MAX];
      ssize_t target_length = readlinkat(walk_current(walk), name, target, sizeof target);
      if (target_length >= 0) {
        if (++links > W2N_MAX_SYMLINKS)
          return W2N_WASI_LOOP;
        if (target_length == 0)
          return W2N_WASI_NOENT;
        if ((size_t)target_length == sizeof target)
          return W2N_WASI_NAMETOOLONG;
        if (target[0] == '/')
          return W2N_WASI_PERM;
        if (splice_link(path, after, target, (size_t)target_length, trailing) != 0)
          return W2N_WASI_NOMEM;
        position = 0;
        continue;
      }
      if (errno != EINVAL && !(errno == ENOENT && is_last))
        return w2n_wasi_errno(errno);
    }
    if (is_last) {
      strcpy(out->name, name);
      out->must_be_dir = trailing;
      return W2N_WASI_SUCCESS;
    }
    if (walk->depth == W2N_MAX_DEPTH)
      return W2N_WASI_NAMETOOLONG;
    int next = openat(walk_current(walk), name, W2N_O_SEARCH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (next < 0)
      return w2n_wasi_errno(errno);
    walk->dirs[walk->depth++] = next;
  }
}

uint32_t w2n_wasi_path_resolve(w2n_instance *instance, uint32_t fd, uint32_t path, uint32_t path_len, int follow,
                               w2n_wasi_path *out) {
  memset(out, 0, sizeof *out);
  out->dir = -1;
  w2n_wasi_fd *entry = w2n_wasi_fd_get(w2n_wasi_of(instance), fd);
  if (entry == NULL)
    return W2N_WASI_BADF;
  if (entry->filetype != W2N_WASI_FILETYPE_DIRECTORY)
    return W2N_WASI_BADF; /* not a directory descriptor: BADF, as wasmtime */
  out->readonly = entry->readonly;
  const uint8_t *bytes = w2n_guest(instance, path, path_len);
  if (bytes == NULL)
    return W2N_WASI_FAULT;
  if (memchr(bytes, '\0', path_len) != NULL)
    return W2N_WASI_INVAL;
  char *text = malloc((size_t)path_len + 1);
  if (text == NULL)
    return W2N_WASI_NOMEM;
  memcpy(text, bytes, path_len);
  text[path_len] = '\0';
  w2n_walk walk;
  walk.root = entry->host;
  walk.depth = 0;
  uint32_t error = resolve(&walk, &text, follow, out);
  free(text);
  if (error != W2N_WASI_SUCCESS) {
    walk_close(&walk, -1);
    return error;
  }
  out->dir = walk_current(&walk);
  out->dir_owned = walk.depth > 0;
  walk_close(&walk, out->dir);
  return W2N_WASI_SUCCESS;
}

void w2n_wasi_path_done(w2n_wasi_path *resolved) {
  if (resolved->dir_owned && resolved->dir >= 0)
    close(resolved->dir);
  resolved->dir = -1;
  resolved->dir_owned = 0;
}

/* Runs `operation` result through errno conversion and releases the resolution. */
static uint32_t finish(w2n_wasi_path *resolved, int result) {
  uint32_t error = result == 0 ? W2N_WASI_SUCCESS : w2n_wasi_errno(errno);
  w2n_wasi_path_done(resolved);
  return error;
}

/* A change below a read-only grant: PERM, as wasmtime. */
static uint32_t refuse(w2n_wasi_path *resolved) {
  w2n_wasi_path_done(resolved);
  return W2N_WASI_PERM;
}

/* path_open ------------------------------------------------------------------------------- */

uint32_t w2n_import_wasi_snapshot_preview1_path_open(w2n_instance *instance, uint32_t fd, uint32_t dirflags,
                                                     uint32_t path, uint32_t path_len, uint32_t oflags,
                                                     uint64_t rights_base, uint64_t rights_inheriting,
                                                     uint32_t fdflags, uint32_t fd_out) {
  w2n_wasi *wasi = w2n_wasi_of(instance);
  if (w2n_guest(instance, fd_out, 4) == NULL)
    return W2N_WASI_FAULT;
  if (oflags & ~15u)
    return W2N_WASI_INVAL;
  w2n_wasi_fd *base = w2n_wasi_fd_get(wasi, fd);
  if (base != NULL && base->owned && base->filetype != W2N_WASI_FILETYPE_DIRECTORY &&
      base->filetype != W2N_WASI_FILETYPE_SOCKET_STREAM && base->filetype != W2N_WASI_FILETYPE_SOCKET_DGRAM)
    return W2N_WASI_NOTDIR; /* below a file: NOTDIR (other path functions and stdio: BADF), as wasmtime */
  w2n_wasi_path resolved;
  uint32_t error = w2n_wasi_path_resolve(instance, fd, path, path_len, dirflags & 1, &resolved);
  if (error != W2N_WASI_SUCCESS)
    return error;

  const uint64_t read_rights = W2N_RIGHTS_FD_READ | W2N_RIGHTS_FD_READDIR;
  const uint64_t write_rights = W2N_RIGHTS_FD_WRITE | W2N_RIGHT(0) | W2N_RIGHT(8) | W2N_RIGHT(22);
  if (resolved.readonly && ((oflags & (1 | 8)) || (rights_base & write_rights))) {
    w2n_wasi_path_done(&resolved);
    return W2N_WASI_PERM; /* create, truncate or write below a read-only grant */
  }
  int readonly = resolved.readonly;
  int flags = O_CLOEXEC | O_NOFOLLOW | O_NOCTTY;
  if (oflags & 1)
    flags |= O_CREAT;
  if ((oflags & 2) || resolved.must_be_dir)
    flags |= O_DIRECTORY;
  if (oflags & 4)
    flags |= O_EXCL;
  if (oflags & 8)
    flags |= O_TRUNC;
  if (rights_base & write_rights) /* a directory opened for writing is ISDIR, as in wasmtime */
    flags |= (rights_base & read_rights) ? O_RDWR : O_WRONLY;
  if (fdflags & 1)
    flags |= O_APPEND;
  if (fdflags & 2)
    flags |= O_DSYNC;
  if (fdflags & 4)
    flags |= O_NONBLOCK;
  if (fdflags & 8)
    flags |= O_RSYNC;
  if (fdflags & 16)
    flags |= O_SYNC;
  int host;
  do
    host = openat(resolved.dir, resolved.name, flags, 0666);
  while (host < 0 && errno == EINTR);
  if (host < 0)
    return finish(&resolved, -1);
  w2n_wasi_path_done(&resolved);
  uint32_t number;
  error = w2n_wasi_fd_add(wasi, host, 0, 0, &number);
  if (error != W2N_WASI_SUCCESS)
    return error;
  w2n_wasi_fd *entry = &wasi->fds[number];
  entry->readonly = (uint8_t)readonly;
  if (entry->filetype == W2N_WASI_FILETYPE_DIRECTORY) { /* what wasmtime reports */
    entry->rights_base = W2N_RIGHTS_DIRECTORY;
    entry->rights_inheriting = W2N_RIGHTS_DIRECTORY_INHERITING;
  } else {
    int access = flags & O_ACCMODE;
    entry->rights_base = W2N_RIGHTS_FILE_ALL & ~(access == O_RDONLY ? W2N_RIGHTS_FD_WRITE : 0);
    entry->rights_inheriting = entry->rights_base;
  }
  (void)rights_inheriting;
  return w2n_wasi_put32(instance, fd_out, number);
}

/* Other path operations ------------------------------------------------------------------- */

uint32_t w2n_import_wasi_snapshot_preview1_path_filestat_get(w2n_instance *instance, uint32_t fd, uint32_t flags,
                                                             uint32_t path, uint32_t path_len, uint32_t stat_out) {
  uint8_t *out = w2n_guest(instance, stat_out, 64);
  if (out == NULL)
    return W2N_WASI_FAULT;
  w2n_wasi_path resolved;
  uint32_t error = w2n_wasi_path_resolve(instance, fd, path, path_len, flags & 1, &resolved);
  if (error != W2N_WASI_SUCCESS)
    return error;
  struct stat st;
  if (fstatat(resolved.dir, resolved.name, &st, AT_SYMLINK_NOFOLLOW) != 0)
    return finish(&resolved, -1);
  w2n_wasi_path_done(&resolved);
  if (resolved.must_be_dir && !S_ISDIR(st.st_mode))
    return W2N_WASI_NOTDIR;
  w2n_wasi_write_filestat(out, &st, w2n_wasi_filetype(-1, st.st_mode));
  return W2N_WASI_SUCCESS;
}

uint32_t w2n_import_wasi_snapshot_preview1_path_filestat_set_times(w2n_instance *instance, uint32_t fd,
                                                                   uint32_t flags, uint32_t path,
                                                                   uint32_t path_len, uint64_t atim, uint64_t mtim,
                                                                   uint32_t fst_flags) {
  struct timespec times[2];
  if (w2n_wasi_times(atim, mtim, fst_flags, times) != 0)
    return W2N_WASI_INVAL;
  w2n_wasi_path resolved;
  uint32_t error = w2n_wasi_path_resolve(instance, fd, path, path_len, flags & 1, &resolved);
  if (error != W2N_WASI_SUCCESS)
    return error;
  if (resolved.readonly)
    return refuse(&resolved);
  return finish(&resolved, utimensat(resolved.dir, resolved.name, times, AT_SYMLINK_NOFOLLOW));
}

uint32_t w2n_import_wasi_snapshot_preview1_path_create_directory(w2n_instance *instance, uint32_t fd,
                                                                 uint32_t path, uint32_t path_len) {
  w2n_wasi_path resolved;
  uint32_t error = w2n_wasi_path_resolve(instance, fd, path, path_len, 0, &resolved);
  if (error != W2N_WASI_SUCCESS)
    return error;
  if (resolved.readonly)
    return refuse(&resolved);
  return finish(&resolved, mkdirat(resolved.dir, resolved.name, 0777));
}

uint32_t w2n_import_wasi_snapshot_preview1_path_remove_directory(w2n_instance *instance, uint32_t fd,
                                                                 uint32_t path, uint32_t path_len) {
  w2n_wasi_path resolved;
  uint32_t error = w2n_wasi_path_resolve(instance, fd, path, path_len, 0, &resolved);
  if (error != W2N_WASI_SUCCESS)
    return error;
  if (resolved.readonly)
    return refuse(&resolved);
  if (resolved.must_be_dir || strcmp(resolved.name, ".") == 0) { /* "dir/", "dir/.": INVAL, as wasmtime */
    w2n_wasi_path_done(&resolved);
    return W2N_WASI_INVAL;
  }
  return finish(&resolved, unlinkat(resolved.dir, resolved.name, AT_REMOVEDIR));
}

uint32_t w2n_import_wasi_snapshot_preview1_path_unlink_file(w2n_instance *instance, uint32_t fd, uint32_t path,
                                                            uint32_t path_len) {
  w2n_wasi_path resolved;
  uint32_t error = w2n_wasi_path_resolve(instance, fd, path, path_len, 0, &resolved);
  if (error != W2N_WASI_SUCCESS)
    return error;
  if (resolved.readonly)
    return refuse(&resolved);
  if (resolved.must_be_dir) { /* "name/" names a directory, which unlink_file does not remove */
    struct stat st;
    int is_dir = fstatat(resolved.dir, resolved.name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
    w2n_wasi_path_done(&resolved);
    return is_dir ? W2N_WASI_ISDIR : W2N_WASI_NOTDIR;
  }
  return finish(&resolved, unlinkat(resolved.dir, resolved.name, 0));
}

uint32_t w2n_import_wasi_snapshot_preview1_path_rename(w2n_instance *instance, uint32_t fd, uint32_t old_path,
                                                       uint32_t old_path_len, uint32_t new_fd, uint32_t new_path,
                                                       uint32_t new_path_len) {
  w2n_wasi_path from, to;
  uint32_t error = w2n_wasi_path_resolve(instance, fd, old_path, old_path_len, 0, &from);
  if (error != W2N_WASI_SUCCESS)
    return error;
  error = w2n_wasi_path_resolve(instance, new_fd, new_path, new_path_len, 0, &to);
  if (error != W2N_WASI_SUCCESS) {
    w2n_wasi_path_done(&from);
    return error;
  }
  if (from.readonly || to.readonly) {
    w2n_wasi_path_done(&from);
    return refuse(&to);
  }
  int result = renameat(from.dir, from.name, to.dir, to.name);
  w2n_wasi_path_done(&from);
  return finish(&to, result);
}

uint32_t w2n_import_wasi_snapshot_preview1_path_link(w2n_instance *instance, uint32_t old_fd, uint32_t old_flags,
                                                     uint32_t old_path, uint32_t old_path_len, uint32_t new_fd,
                                                     uint32_t new_path, uint32_t new_path_len) {
  if (old_flags & 1)
    return W2N_WASI_INVAL; /* following a link to link its target: refused, as wasmtime */
  w2n_wasi_path from, to;
  uint32_t error = w2n_wasi_path_resolve(instance, old_fd, old_path, old_path_len, 0, &from);
  if (error != W2N_WASI_SUCCESS)
    return error;
  error = w2n_wasi_path_resolve(instance, new_fd, new_path, new_path_len, 0, &to);
  if (error != W2N_WASI_SUCCESS) {
    w2n_wasi_path_done(&from);
    return error;
  }
  if (from.readonly || to.readonly) { /* a link to a read-only file would make it writable */
    w2n_wasi_path_done(&from);
    return refuse(&to);
  }
  int result = linkat(from.dir, from.name, to.dir, to.name, 0);
  w2n_wasi_path_done(&from);
  return finish(&to, result);
}

uint32_t w2n_import_wasi_snapshot_preview1_path_readlink(w2n_instance *instance, uint32_t fd, uint32_t path,
                                                         uint32_t path_len, uint32_t buf, uint32_t buf_len,
                                                         uint32_t bufused_out) {
  uint8_t *out = w2n_guest(instance, buf, buf_len);
  if (out == NULL || w2n_guest(instance, bufused_out, 4) == NULL)
    return W2N_WASI_FAULT;
  w2n_wasi_path resolved;
  uint32_t error = w2n_wasi_path_resolve(instance, fd, path, path_len, 0, &resolved);
  if (error != W2N_WASI_SUCCESS)
    return error;
  char target[PATH_MAX];
  ssize_t length = readlinkat(resolved.dir, resolved.name, target, sizeof target);
  if (length < 0)
    return finish(&resolved, -1);
  w2n_wasi_path_done(&resolved);
  uint32_t used = (size_t)length < buf_len ? (uint32_t)length : buf_len;
  memcpy(out, target, used);
  return w2n_wasi_put32(instance, bufused_out, used);
}

uint32_t w2n_import_wasi_snapshot_preview1_path_symlink(w2n_instance *instance, uint32_t old_path,
                                                        uint32_t old_path_len, uint32_t fd, uint32_t new_path,
                                                        uint32_t new_path_len) {
  const uint8_t *bytes = w2n_guest(instance, old_path, old_path_len);
  if (bytes == NULL)
    return W2N_WASI_FAULT;
  if (memchr(bytes, '\0', old_path_len) != NULL)
    return W2N_WASI_INVAL;
  if (old_path_len > 0 && bytes[0] == '/')
    return W2N_WASI_PERM; /* a link out of the sandbox: never followed, not created either (as wasmtime) */
  char *contents = malloc((size_t)old_path_len + 1);
  if (contents == NULL)
    return W2N_WASI_NOMEM;
  memcpy(contents, bytes, old_path_len);
  contents[old_path_len] = '\0';
  w2n_wasi_path resolved;
  uint32_t error = w2n_wasi_path_resolve(instance, fd, new_path, new_path_len, 0, &resolved);
  if (error == W2N_WASI_SUCCESS)
    error = resolved.readonly ? refuse(&resolved) : finish(&resolved, symlinkat(contents, resolved.dir, resolved.name));
  free(contents);
  return error;
}
