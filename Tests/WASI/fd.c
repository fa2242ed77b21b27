/* fd.c: every fd_* function on files, directories and stdio, below the grant /sandbox (fd 3). */
#include "testlib.h"
#include "wasi_raw.h"

enum { R_READ = 2, R_SEEK = 4, R_TELL = 32, R_WRITE = 64, R_ALL = 0x1FFFFFFF };

static u32 open_file(const char *path, u32 oflags, u64 rights, u32 fdflags, u32 *fd) {
  return w_path_open(3, 0, path, (u32)strlen(path), oflags, rights, rights, fdflags, fd);
}

static void show_stat(const char *what, u32 fd) {
  w_filestat st;
  memset(&st, 0, sizeof st);
  u32 error = w_fd_filestat_get(fd, &st);
  printf("%s: fd_filestat_get %u filetype %u size %llu nlink %llu\n", what, error, st.filetype,
         (unsigned long long)st.size, (unsigned long long)st.nlink);
}

static void show_fdstat(const char *what, u32 fd) {
  w_fdstat st;
  memset(&st, 0, sizeof st);
  u32 error = w_fd_fdstat_get(fd, &st);
  printf("%s: fd_fdstat_get %u filetype %u flags %u rights %llx %llx\n", what, error, st.filetype, st.flags,
         (unsigned long long)st.rights_base, (unsigned long long)st.rights_inheriting);
}

int main(void) {
  /* Preopens. */
  char prestat[8], name[64];
  SHOW("fd_prestat_get 3", w_fd_prestat_get(3, prestat));
  SHOW("prestat tag", prestat[0]);
  SHOW("prestat name length", *(u32 *)(prestat + 4));
  memset(name, 0, sizeof name);
  SHOW("fd_prestat_dir_name 3", w_fd_prestat_dir_name(3, name, 8));
  printf("preopen name: %s\n", name);
  SHOW("fd_prestat_dir_name: short buffer", w_fd_prestat_dir_name(3, name, 3));
  SHOW("fd_prestat_get: stdout", w_fd_prestat_get(1, prestat));
  SHOW("fd_prestat_get: unknown", w_fd_prestat_get(99, prestat));
  show_fdstat("preopen", 3);
  show_stat("preopen is a directory", 3);

  /* Create, write, read back. */
  u32 fd = 0;
  SHOW("path_open create", open_file("file.txt", 1 | 4, R_ALL, 0, &fd));
  show_fdstat("read-write file", fd);
  /* Several iovecs: a transfer may be short (wasmtime moves the first iovec only); loop. */
  const char *text = "hello, world\n";
  w_iovec iov[2] = {{(u32)text, 7}, {(u32)text + 7, 6}};
  u32 count = 0, total = 0;
  while (total < 13) {
    w_iovec rest[2] = {iov[0], iov[1]};
    u32 k = 0;
    if (total < 7) {
      rest[0].buf += total, rest[0].len -= total;
    } else {
      rest[0] = iov[1], rest[0].buf += total - 7, rest[0].len -= total - 7, k = 1;
    }
    if (w_fd_write(fd, rest, 2 - k, &count) != 0 || count == 0)
      break;
    total += count;
  }
  SHOW("written with two iovecs", total);
  u64 offset = 0;
  SHOW("fd_tell", w_fd_tell(fd, &offset));
  SHOW("offset", offset);
  SHOW("fd_seek SET 0", w_fd_seek(fd, 0, 0, &offset));
  char buffer[64];
  memset(buffer, 0, sizeof buffer);
  w_iovec riov[2] = {{(u32)buffer, 5}, {(u32)buffer + 5, 50}};
  SHOW("fd_read two iovecs", w_fd_read(fd, riov, 2, &count));
  total = count;
  while (total < 13) {
    w_iovec rest = {(u32)buffer + total, 50};
    if (w_fd_read(fd, &rest, 1, &count) != 0 || count == 0)
      break;
    total += count;
  }
  SHOW("read in all", total);
  printf("content: %s", buffer);
  SHOW("fd_read at end", w_fd_read(fd, riov, 2, &count));
  SHOW("read at end", count);
  SHOW("fd_seek CUR -6", w_fd_seek(fd, -6, 1, &offset));
  SHOW("offset after CUR -6", offset);
  SHOW("fd_seek END -1", w_fd_seek(fd, -1, 2, &offset));
  SHOW("offset after END -1", offset);
  SHOW("fd_seek before start", w_fd_seek(fd, -100, 0, &offset));
  SHOW("fd_seek beyond end", w_fd_seek(fd, 100, 0, &offset));
  SHOW("offset beyond end", offset);

  /* pread / pwrite do not move the offset. */
  w_iovec piov = {(u32)"HELLO", 5};
  SHOW("fd_pwrite at 0", w_fd_pwrite(fd, &piov, 1, 0, &count));
  SHOW("pwritten", count);
  memset(buffer, 0, sizeof buffer);
  w_iovec preadv = {(u32)buffer, 5};
  SHOW("fd_pread at 7", w_fd_pread(fd, &preadv, 1, 7, &count));
  printf("pread: %.*s\n", (int)count, buffer);
  w_fd_tell(fd, &offset);
  SHOW("offset unchanged by pread/pwrite", offset);
  SHOW("fd_pread beyond end", w_fd_pread(fd, &preadv, 1, 1000, &count));
  SHOW("pread beyond end count", count);

  /* Sizes, times, sync, advice, allocation. */
  show_stat("after writes", fd);
  SHOW("fd_filestat_set_size 4", w_fd_filestat_set_size(fd, 4));
  show_stat("after shrink", fd);
  SHOW("fd_filestat_set_size 100", w_fd_filestat_set_size(fd, 100));
  show_stat("after grow", fd);
  SHOW("fd_filestat_set_times", w_fd_filestat_set_times(fd, 1000000000ull, 2000000000ull, 1 | 4));
  w_filestat st;
  w_fd_filestat_get(fd, &st);
  SHOW("atim", st.atim);
  SHOW("mtim", st.mtim);
  SHOW("fd_filestat_set_times: ATIM and ATIM_NOW", w_fd_filestat_set_times(fd, 0, 0, 1 | 2));
  SHOW("fd_filestat_set_times: MTIM_NOW", w_fd_filestat_set_times(fd, 0, 0, 8));
  SHOW("fd_sync", w_fd_sync(fd));
  SHOW("fd_datasync", w_fd_datasync(fd));
  SHOW("fd_advise SEQUENTIAL", w_fd_advise(fd, 0, 100, 1));
  SHOW("fd_allocate", w_fd_allocate(fd, 0, 4096));

  /* Flags and rights. */
  SHOW("fd_fdstat_set_flags APPEND", w_fd_fdstat_set_flags(fd, 1));
  show_fdstat("append", fd);
  w_iovec tail = {(u32)"!", 1};
  w_fd_seek(fd, 0, 0, &offset);
  SHOW("fd_write with APPEND", w_fd_write(fd, &tail, 1, &count));
  show_stat("after append", fd);
  SHOW("fd_fdstat_set_flags 0", w_fd_fdstat_set_flags(fd, 0));
  /* wasmtime does not implement fd_fdstat_set_rights (NOTSUP); wasm2native drops rights. */
  printf("# fd_fdstat_set_rights drop: %u\n", w_fd_fdstat_set_rights(fd, R_READ | R_WRITE | R_SEEK | R_TELL, 0));
  SHOW("fd_close", w_fd_close(fd));
  SHOW("fd_close again", w_fd_close(fd));

  /* A read-only descriptor cannot write; a directory cannot be read as a file. */
  SHOW("path_open read-only", open_file("file.txt", 0, R_READ, 0, &fd));
  show_fdstat("read-only file", fd);
  SHOW("fd_write on read-only", w_fd_write(fd, &tail, 1, &count));
  SHOW("fd_filestat_set_size on read-only", w_fd_filestat_set_size(fd, 0));
  u32 fd2 = 0;
  SHOW("path_open second", open_file("file.txt", 0, R_READ, 0, &fd2));
  SHOW("second fd", fd2 - fd);
  SHOW("fd_renumber", w_fd_renumber(fd2, fd));
  SHOW("fd_read after renumber", w_fd_read(fd, riov, 1, &count));
  SHOW("old number closed", w_fd_close(fd2));
  SHOW("fd_renumber to unknown", w_fd_renumber(fd, 77));
  SHOW("fd_renumber from unknown", w_fd_renumber(77, fd));
  w_fd_close(fd);
  SHOW("fd_read on a directory", w_fd_read(3, riov, 1, &count));
  SHOW("fd_write on a directory", w_fd_write(3, &tail, 1, &count));
  SHOW("fd_seek on a directory", w_fd_seek(3, 0, 0, &offset));

  /* Unknown descriptors. */
  SHOW("fd_read unknown", w_fd_read(42, riov, 1, &count));
  SHOW("fd_write unknown", w_fd_write(42, &tail, 1, &count));
  SHOW("fd_filestat_get unknown", w_fd_filestat_get(42, &st));
  SHOW("fd_fdstat_get unknown", w_fd_fdstat_get(42, &st));
  SHOW("fd_sync unknown", w_fd_sync(42));
  SHOW("fd_close unknown", w_fd_close(42));
  SHOW("fd_advise unknown", w_fd_advise(42, 0, 0, 0));
  SHOW("fd_allocate unknown", w_fd_allocate(42, 0, 1));
  SHOW("fd_tell unknown", w_fd_tell(42, &offset));

  /* stdio: readable / writable as wasmtime gives them. */
  show_fdstat("stdin", 0);
  show_fdstat("stdout", 1);
  w_iovec hello = {(u32)"stdout works\n", 13};
  SHOW("fd_write stdout", w_fd_write(1, &hello, 1, &count));
  SHOW("fd_read stdin (empty)", w_fd_read(0, riov, 1, &count));
  SHOW("stdin count", count);

  /* preview1's socket functions on descriptors that are not sockets. */
  u32 accepted = 0, flags = 0;
  SHOW("sock_accept on stdin", w_sock_accept(0, 0, &accepted));
  SHOW("sock_recv on stdin", w_sock_recv(0, riov, 1, 0, &count, &flags));
  SHOW("sock_send on stdout", w_sock_send(1, &hello, 1, 0, &count));
  SHOW("sock_shutdown on stdout", w_sock_shutdown(1, 3));
  SHOW("sock_shutdown on the preopen", w_sock_shutdown(3, 3));
  SHOW("sock_accept on an unknown fd", w_sock_accept(42, 0, &accepted));
  return 0;
}
