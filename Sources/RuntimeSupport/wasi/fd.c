/*
 * wasi/fd.c: descriptor functions: fd_read / fd_write / fd_pread / fd_pwrite (straight to
 * readv/writev, no stdio buffering), fd_seek, fd_tell, fd_close, fd_renumber, fd_fdstat_*,
 * fd_filestat_*, fd_prestat_*, fd_readdir, fd_sync, fd_datasync, fd_advise and fd_allocate.
 *
 * fd_readdir's cookies are entry indices: 0 is ".", 1 is "..", then the host's entries in its
 * order (without its own "." and ".."), as wasmtime does.
 */
#include "wasi_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#define W2N_MAX_IOVECS 64

/* Converts guest iovecs to host ones (at most W2N_MAX_IOVECS: a shorter transfer is allowed). */
static uint32_t host_iovecs(w2n_instance *instance, uint32_t iovs, uint32_t iovs_len, struct iovec *host,
                            int *count) {
  if (iovs_len > W2N_MAX_IOVECS)
    iovs_len = W2N_MAX_IOVECS;
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
  *count = (int)iovs_len;
  return W2N_WASI_SUCCESS;
}

enum { TRANSFER_READ, TRANSFER_WRITE, TRANSFER_PREAD, TRANSFER_PWRITE };

static uint32_t transfer(w2n_instance *instance, int kind, uint32_t fd, uint32_t iovs, uint32_t iovs_len,
                         uint64_t offset, uint32_t count_out) {
  w2n_wasi_fd *entry = w2n_wasi_fd_get(w2n_wasi_of(instance), fd);
  if (entry == NULL)
    return W2N_WASI_BADF;
  if (entry->filetype == W2N_WASI_FILETYPE_DIRECTORY)
    return W2N_WASI_BADF; /* as wasmtime */
  struct iovec host[W2N_MAX_IOVECS];
  int count = 0;
  uint32_t error = host_iovecs(instance, iovs, iovs_len, host, &count);
  if (error == W2N_WASI_SUCCESS && w2n_guest(instance, count_out, 4) == NULL)
    error = W2N_WASI_FAULT;
  if (error != W2N_WASI_SUCCESS)
    return error;
  if ((kind == TRANSFER_PREAD || kind == TRANSFER_PWRITE) && offset > INT64_MAX)
    return W2N_WASI_INVAL;
  ssize_t done;
  do {
    switch (kind) {
    case TRANSFER_READ: done = readv(entry->host, host, count); break;
    case TRANSFER_WRITE:
      if (entry->filetype == W2N_WASI_FILETYPE_SOCKET_STREAM || entry->filetype == W2N_WASI_FILETYPE_SOCKET_DGRAM) {
        struct msghdr header; /* a closed peer is EPIPE, never SIGPIPE, whatever the host's signals */
        memset(&header, 0, sizeof header);
        header.msg_iov = host;
        header.msg_iovlen = (size_t)count;
        done = sendmsg(entry->host, &header, MSG_NOSIGNAL);
      } else {
        done = writev(entry->host, host, count);
      }
      break;
    case TRANSFER_PREAD: done = preadv(entry->host, host, count, (off_t)offset); break;
    default: done = pwritev(entry->host, host, count, (off_t)offset); break;
    }
  } while (done < 0 && errno == EINTR);
  if (done < 0)
    return w2n_wasi_errno(errno);
  return w2n_wasi_put32(instance, count_out, (uint32_t)done);
}

uint32_t w2n_import_wasi_snapshot_preview1_fd_read(w2n_instance *instance, uint32_t fd, uint32_t iovs,
                                                   uint32_t iovs_len, uint32_t nread_out) {
  return transfer(instance, TRANSFER_READ, fd, iovs, iovs_len, 0, nread_out);
}

uint32_t w2n_import_wasi_snapshot_preview1_fd_write(w2n_instance *instance, uint32_t fd, uint32_t iovs,
                                                    uint32_t iovs_len, uint32_t nwritten_out) {
  return transfer(instance, TRANSFER_WRITE, fd, iovs, iovs_len, 0, nwritten_out);
}

uint32_t w2n_import_wasi_snapshot_preview1_fd_pread(w2n_instance *instance, uint32_t fd, uint32_t iovs,
                                                    uint32_t iovs_len, uint64_t offset, uint32_t nread_out) {
  return transfer(instance, TRANSFER_PREAD, fd, iovs, iovs_len, offset, nread_out);
}

uint32_t w2n_import_wasi_snapshot_preview1_fd_pwrite(w2n_instance *instance, uint32_t fd, uint32_t iovs,
                                                     uint32_t iovs_len, uint64_t offset, uint32_t nwritten_out) {
  return transfer(instance, TRANSFER_PWRITE, fd, iovs, iovs_len, offset, nwritten_out);
}

/* Positions ------------------------------------------------------------------------------- */

uint32_t w2n_import_wasi_snapshot_preview1_fd_seek(w2n_instance *instance, uint32_t fd, uint64_t offset,
                                                   uint32_t whence, uint32_t newoffset_out) {
  w2n_wasi_fd *entry = w2n_wasi_fd_get(w2n_wasi_of(instance), fd);
  if (entry == NULL)
    return W2N_WASI_BADF;
  static const int host_whence[] = {SEEK_SET, SEEK_CUR, SEEK_END};
  if (whence > 2)
    return W2N_WASI_INVAL;
  if (entry->filetype == W2N_WASI_FILETYPE_DIRECTORY)
    return W2N_WASI_BADF; /* as wasmtime */
  if (w2n_guest(instance, newoffset_out, 8) == NULL)
    return W2N_WASI_FAULT;
  off_t position = lseek(entry->host, (off_t)(int64_t)offset, host_whence[whence]);
  if (position < 0)
    return w2n_wasi_errno(errno);
  return w2n_wasi_put64(instance, newoffset_out, (uint64_t)position);
}

uint32_t w2n_import_wasi_snapshot_preview1_fd_tell(w2n_instance *instance, uint32_t fd, uint32_t offset_out) {
  return w2n_import_wasi_snapshot_preview1_fd_seek(instance, fd, 0, 1, offset_out);
}

/* The table ------------------------------------------------------------------------------- */

uint32_t w2n_import_wasi_snapshot_preview1_fd_close(w2n_instance *instance, uint32_t fd) {
  w2n_wasi *wasi = w2n_wasi_of(instance);
  w2n_wasi_fd *entry = w2n_wasi_fd_get(wasi, fd);
  if (entry == NULL)
    return W2N_WASI_BADF;
  w2n_wasi_poll_forget(wasi, entry);
  w2n_wasi_fd_release(entry);
  return W2N_WASI_SUCCESS;
}

uint32_t w2n_import_wasi_snapshot_preview1_fd_renumber(w2n_instance *instance, uint32_t fd, uint32_t to) {
  w2n_wasi *wasi = w2n_wasi_of(instance);
  w2n_wasi_fd *from = w2n_wasi_fd_get(wasi, fd), *target = w2n_wasi_fd_get(wasi, to);
  if (from == NULL || target == NULL)
    return W2N_WASI_BADF;
  if (from == target)
    return W2N_WASI_SUCCESS;
  w2n_wasi_poll_forget(wasi, from);
  w2n_wasi_poll_forget(wasi, target);
  w2n_wasi_fd_release(target);
  *target = *from;
  memset(from, 0, sizeof *from);
  from->host = -1;
  return W2N_WASI_SUCCESS;
}

/* Status ---------------------------------------------------------------------------------- */

uint32_t w2n_import_wasi_snapshot_preview1_fd_fdstat_get(w2n_instance *instance, uint32_t fd, uint32_t stat_out) {
  w2n_wasi_fd *entry = w2n_wasi_fd_get(w2n_wasi_of(instance), fd);
  if (entry == NULL)
    return W2N_WASI_BADF;
  uint8_t *out = w2n_guest(instance, stat_out, 24);
  if (out == NULL)
    return W2N_WASI_FAULT;
  int flags = fcntl(entry->host, F_GETFL);
  if (flags < 0)
    return w2n_wasi_errno(errno);
  uint16_t fdflags = 0;
  if (flags & O_APPEND)
    fdflags |= 1;
  if ((flags & O_SYNC) == O_SYNC)
    fdflags |= 16;
  else if (flags & O_DSYNC)
    fdflags |= 2;
  if (flags & O_NONBLOCK)
    fdflags |= 4;
  memset(out, 0, 24);
  out[0] = entry->filetype;
  w2n_store16(out + 2, fdflags);
  w2n_store64(out + 8, entry->rights_base);
  w2n_store64(out + 16, entry->rights_inheriting);
  return W2N_WASI_SUCCESS;
}

uint32_t w2n_import_wasi_snapshot_preview1_fd_fdstat_set_flags(w2n_instance *instance, uint32_t fd,
                                                               uint32_t flags) {
  w2n_wasi_fd *entry = w2n_wasi_fd_get(w2n_wasi_of(instance), fd);
  if (entry == NULL)
    return W2N_WASI_BADF;
  if (flags & ~(uint32_t)(1 | 4))
    return W2N_WASI_INVAL; /* dsync, rsync and sync cannot be changed on an open file on Linux */
  int host_flags = fcntl(entry->host, F_GETFL);
  if (host_flags < 0)
    return w2n_wasi_errno(errno);
  host_flags &= ~(O_APPEND | O_NONBLOCK);
  host_flags |= (flags & 1 ? O_APPEND : 0) | (flags & 4 ? O_NONBLOCK : 0);
  if (fcntl(entry->host, F_SETFL, host_flags) != 0)
    return w2n_wasi_errno(errno);
  return W2N_WASI_SUCCESS;
}

uint32_t w2n_import_wasi_snapshot_preview1_fd_fdstat_set_rights(w2n_instance *instance, uint32_t fd,
                                                                uint64_t rights_base, uint64_t rights_inheriting) {
  w2n_wasi_fd *entry = w2n_wasi_fd_get(w2n_wasi_of(instance), fd);
  if (entry == NULL)
    return W2N_WASI_BADF;
  if ((rights_base & ~entry->rights_base) || (rights_inheriting & ~entry->rights_inheriting))
    return W2N_WASI_NOTCAPABLE; /* rights can only be dropped */
  entry->rights_base = rights_base;
  entry->rights_inheriting = rights_inheriting;
  return W2N_WASI_SUCCESS;
}

uint32_t w2n_import_wasi_snapshot_preview1_fd_filestat_get(w2n_instance *instance, uint32_t fd,
                                                           uint32_t stat_out) {
  w2n_wasi_fd *entry = w2n_wasi_fd_get(w2n_wasi_of(instance), fd);
  if (entry == NULL)
    return W2N_WASI_BADF;
  uint8_t *out = w2n_guest(instance, stat_out, 64);
  if (out == NULL)
    return W2N_WASI_FAULT;
  struct stat st;
  if (fstat(entry->host, &st) != 0)
    return w2n_wasi_errno(errno);
  w2n_wasi_write_filestat(out, &st, w2n_wasi_filetype(entry->host, st.st_mode));
  return W2N_WASI_SUCCESS;
}

uint32_t w2n_import_wasi_snapshot_preview1_fd_filestat_set_size(w2n_instance *instance, uint32_t fd,
                                                                uint64_t size) {
  w2n_wasi_fd *entry = w2n_wasi_fd_get(w2n_wasi_of(instance), fd);
  if (entry == NULL)
    return W2N_WASI_BADF;
  if (size > INT64_MAX)
    return W2N_WASI_INVAL;
  if (entry->readonly)
    return W2N_WASI_PERM;
  return ftruncate(entry->host, (off_t)size) == 0 ? W2N_WASI_SUCCESS : w2n_wasi_errno(errno);
}

int w2n_wasi_times(uint64_t atim, uint64_t mtim, uint32_t fst_flags, struct timespec times[2]) {
  if ((fst_flags & 3) == 3 || (fst_flags & 12) == 12 || (fst_flags & ~15u))
    return -1;
  uint64_t values[2] = {atim, mtim};
  for (int i = 0; i < 2; i++) {
    uint32_t bits = fst_flags >> (2 * i);
    times[i].tv_sec = 0;
    if (bits & 1) {
      times[i].tv_sec = (time_t)(values[i] / 1000000000u);
      times[i].tv_nsec = (long)(values[i] % 1000000000u);
    } else {
      times[i].tv_nsec = bits & 2 ? UTIME_NOW : UTIME_OMIT;
    }
  }
  return 0;
}

uint32_t w2n_import_wasi_snapshot_preview1_fd_filestat_set_times(w2n_instance *instance, uint32_t fd,
                                                                 uint64_t atim, uint64_t mtim, uint32_t fst_flags) {
  w2n_wasi_fd *entry = w2n_wasi_fd_get(w2n_wasi_of(instance), fd);
  if (entry == NULL)
    return W2N_WASI_BADF;
  struct timespec times[2];
  if (w2n_wasi_times(atim, mtim, fst_flags, times) != 0)
    return W2N_WASI_INVAL;
  if (entry->readonly)
    return W2N_WASI_PERM;
  return futimens(entry->host, times) == 0 ? W2N_WASI_SUCCESS : w2n_wasi_errno(errno);
}

uint32_t w2n_import_wasi_snapshot_preview1_fd_prestat_get(w2n_instance *instance, uint32_t fd,
                                                          uint32_t prestat_out) {
  w2n_wasi_fd *entry = w2n_wasi_fd_get(w2n_wasi_of(instance), fd);
  if (entry == NULL || entry->preopen == NULL)
    return W2N_WASI_BADF;
  uint8_t *out = w2n_guest(instance, prestat_out, 8);
  if (out == NULL)
    return W2N_WASI_FAULT;
  memset(out, 0, 8); /* tag 0: a directory */
  w2n_store32(out + 4, (uint32_t)strlen(entry->preopen));
  return W2N_WASI_SUCCESS;
}

uint32_t w2n_import_wasi_snapshot_preview1_fd_prestat_dir_name(w2n_instance *instance, uint32_t fd,
                                                               uint32_t path, uint32_t path_len) {
  w2n_wasi_fd *entry = w2n_wasi_fd_get(w2n_wasi_of(instance), fd);
  if (entry == NULL || entry->preopen == NULL)
    return W2N_WASI_BADF;
  size_t length = strlen(entry->preopen);
  if (path_len < length)
    return W2N_WASI_NAMETOOLONG;
  uint8_t *out = w2n_guest(instance, path, length);
  if (out == NULL)
    return W2N_WASI_FAULT;
  memcpy(out, entry->preopen, length);
  return W2N_WASI_SUCCESS;
}

/* Data integrity and advice --------------------------------------------------------------- */

uint32_t w2n_import_wasi_snapshot_preview1_fd_sync(w2n_instance *instance, uint32_t fd) {
  w2n_wasi_fd *entry = w2n_wasi_fd_get(w2n_wasi_of(instance), fd);
  if (entry == NULL)
    return W2N_WASI_BADF;
  return fsync(entry->host) == 0 ? W2N_WASI_SUCCESS : w2n_wasi_errno(errno);
}

uint32_t w2n_import_wasi_snapshot_preview1_fd_datasync(w2n_instance *instance, uint32_t fd) {
  w2n_wasi_fd *entry = w2n_wasi_fd_get(w2n_wasi_of(instance), fd);
  if (entry == NULL)
    return W2N_WASI_BADF;
  return fdatasync(entry->host) == 0 ? W2N_WASI_SUCCESS : w2n_wasi_errno(errno);
}

uint32_t w2n_import_wasi_snapshot_preview1_fd_advise(w2n_instance *instance, uint32_t fd, uint64_t offset,
                                                     uint64_t len, uint32_t advice) {
  static const int host_advice[] = {POSIX_FADV_NORMAL,   POSIX_FADV_SEQUENTIAL, POSIX_FADV_RANDOM,
                                    POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED,   POSIX_FADV_NOREUSE};
  w2n_wasi_fd *entry = w2n_wasi_fd_get(w2n_wasi_of(instance), fd);
  if (entry == NULL)
    return W2N_WASI_BADF;
  if (advice > 5 || offset > INT64_MAX || len > INT64_MAX)
    return W2N_WASI_INVAL;
  int error = posix_fadvise(entry->host, (off_t)offset, (off_t)len, host_advice[advice]);
  return w2n_wasi_errno(error);
}

uint32_t w2n_import_wasi_snapshot_preview1_fd_allocate(w2n_instance *instance, uint32_t fd, uint64_t offset,
                                                       uint64_t len) {
  (void)offset;
  (void)len;
  if (w2n_wasi_fd_get(w2n_wasi_of(instance), fd) == NULL)
    return W2N_WASI_BADF;
  return W2N_WASI_NOTSUP; /* as wasmtime */
}

/* fd_readdir ------------------------------------------------------------------------------ */

static uint8_t dirent_filetype(int dir, const struct dirent *entry) {
  switch (entry->d_type) {
  case DT_DIR: return W2N_WASI_FILETYPE_DIRECTORY;
  case DT_REG: return W2N_WASI_FILETYPE_REGULAR_FILE;
  case DT_LNK: return W2N_WASI_FILETYPE_SYMBOLIC_LINK;
  case DT_CHR: return W2N_WASI_FILETYPE_CHARACTER_DEVICE;
  case DT_BLK: return W2N_WASI_FILETYPE_BLOCK_DEVICE;
  case DT_SOCK: return W2N_WASI_FILETYPE_SOCKET_STREAM;
  case DT_FIFO: return W2N_WASI_FILETYPE_UNKNOWN;
  default: {
    struct stat st;
    if (fstatat(dir, entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
      return W2N_WASI_FILETYPE_UNKNOWN;
    return w2n_wasi_filetype(-1, st.st_mode);
  }
  }
}

/* The next host entry other than "." and "..", or NULL at the end. */
static struct dirent *next_host_entry(DIR *dir) {
  struct dirent *entry;
  while ((entry = readdir(dir)) != NULL)
    if (strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0)
      break;
  return entry;
}

/* Appends one dirent (24 bytes, then the name) to [*used, size), truncated at the end. */
static void put_dirent(uint8_t *buffer, uint32_t size, uint32_t *used, uint64_t next, uint64_t inode,
                       const char *name, uint8_t filetype) {
  uint8_t header[24];
  size_t length = strlen(name);
  memset(header, 0, sizeof header);
  w2n_store64(header, next);
  w2n_store64(header + 8, inode);
  w2n_store32(header + 16, (uint32_t)length);
  header[20] = filetype;
  uint32_t room = size - *used, count = room < 24 ? room : 24;
  memcpy(buffer + *used, header, count);
  *used += count;
  room = size - *used;
  count = room < length ? room : (uint32_t)length;
  memcpy(buffer + *used, name, count);
  *used += count;
}

uint32_t w2n_import_wasi_snapshot_preview1_fd_readdir(w2n_instance *instance, uint32_t fd, uint32_t buf,
                                                      uint32_t buf_len, uint64_t cookie, uint32_t bufused_out) {
  w2n_wasi_fd *entry = w2n_wasi_fd_get(w2n_wasi_of(instance), fd);
  if (entry == NULL)
    return W2N_WASI_BADF;
  if (entry->filetype != W2N_WASI_FILETYPE_DIRECTORY)
    return W2N_WASI_BADF; /* as wasmtime */
  uint8_t *buffer = w2n_guest(instance, buf, buf_len);
  if (buffer == NULL || w2n_guest(instance, bufused_out, 4) == NULL)
    return W2N_WASI_FAULT;
  if (entry->dir == NULL) {
    int copy = openat(entry->host, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (copy < 0)
      return w2n_wasi_errno(errno);
    if ((entry->dir = fdopendir(copy)) == NULL) {
      close(copy);
      return w2n_wasi_errno(errno);
    }
    entry->dir_next = 2;
  }
  /* Position the host stream at entry `cookie` (host entries start at index 2). */
  if (cookie < 2 || entry->dir_next > cookie) {
    rewinddir(entry->dir);
    entry->dir_next = 2;
  }
  while (entry->dir_next < cookie && next_host_entry(entry->dir) != NULL)
    entry->dir_next++;
  uint32_t used = 0;
  struct stat st;
  for (uint64_t index = cookie; index < 2 && used < buf_len; index++) {
    const char *name = index == 0 ? "." : "..";
    uint64_t inode = fstatat(entry->host, name, &st, 0) == 0 ? (uint64_t)st.st_ino : 0;
    put_dirent(buffer, buf_len, &used, index + 1, inode, name, W2N_WASI_FILETYPE_DIRECTORY);
  }
  while (used < buf_len) {
    errno = 0;
    struct dirent *host_entry = next_host_entry(entry->dir);
    if (host_entry == NULL) {
      if (errno != 0)
        return w2n_wasi_errno(errno);
      break;
    }
    entry->dir_next++;
    put_dirent(buffer, buf_len, &used, entry->dir_next, (uint64_t)host_entry->d_ino, host_entry->d_name,
               dirent_filetype(entry->host, host_entry));
  }
  return w2n_wasi_put32(instance, bufused_out, used);
}
