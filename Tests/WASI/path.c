/* path.c: every path_* function below the grant /sandbox (fd 3): path_open's flags,
 * directories, links, renames, unlinks, stats, times, trailing slashes. */
#include "testlib.h"
#include "wasi_raw.h"

enum { R_READ = 2, R_WRITE = 64, R_ALL = 0x1FFFFFFF };

static u32 open_at(u32 dir, const char *path, u32 lookup, u32 oflags, u64 rights, u32 fdflags, u32 *fd) {
  return w_path_open(dir, lookup, path, (u32)strlen(path), oflags, rights, rights, fdflags, fd);
}

static void try_open(const char *what, const char *path, u32 lookup, u32 oflags, u64 rights) {
  u32 fd = 0;
  u32 error = open_at(3, path, lookup, oflags, rights, 0, &fd);
  printf("%s: path_open %s -> %u\n", what, path, error);
  if (error == 0)
    w_fd_close(fd);
}

static void stat_path(const char *path, u32 follow) {
  w_filestat st;
  memset(&st, 0, sizeof st);
  u32 error = w_path_filestat_get(3, follow, path, (u32)strlen(path), &st);
  printf("path_filestat_get %s follow %u -> %u filetype %u size %llu nlink %llu\n", path, follow, error, st.filetype,
         (unsigned long long)st.size, (unsigned long long)st.nlink);
}

static void create(const char *path, const char *content) {
  u32 fd = 0, n;
  if (open_at(3, path, 0, 1 | 8, R_ALL, 0, &fd) == 0) {
    w_iovec iov = {(u32)content, (u32)strlen(content)};
    w_fd_write(fd, &iov, 1, &n);
    w_fd_close(fd);
  }
}

int main(void) {
  create("a.txt", "alpha");
  /* path_open flags. */
  try_open("existing", "a.txt", 0, 0, R_READ);
  try_open("missing", "nope.txt", 0, 0, R_READ);
  try_open("CREAT|EXCL on existing", "a.txt", 0, 1 | 4, R_ALL);
  try_open("CREAT|EXCL new", "b.txt", 0, 1 | 4, R_ALL);
  try_open("DIRECTORY on a file", "a.txt", 0, 2, R_READ);
  try_open("DIRECTORY on a directory", ".", 0, 2, R_READ);
  try_open("file with a trailing slash", "a.txt/", 0, 0, R_READ);
  try_open("through a file", "a.txt/x", 0, 0, R_READ);
  try_open("empty path", "", 0, 0, R_READ);
  try_open("dot", ".", 0, 0, R_READ);
  try_open("CREAT in a missing directory", "nodir/x", 0, 1, R_ALL);
  u32 fd = 0, n = 0;
  SHOW("TRUNC", open_at(3, "a.txt", 0, 8, R_ALL, 0, &fd));
  w_filestat st;
  w_fd_filestat_get(fd, &st);
  SHOW("size after TRUNC", st.size);
  w_fd_close(fd);
  create("a.txt", "alpha");
  SHOW("APPEND fdflag", open_at(3, "a.txt", 0, 0, R_ALL, 1, &fd));
  w_iovec more = {(u32)"beta", 4};
  w_fd_write(fd, &more, 1, &n);
  w_fd_filestat_get(fd, &st);
  SHOW("size after APPEND write", st.size);
  w_fd_close(fd);

  /* Directories. */
  SHOW("path_create_directory d", w_path_create_directory(3, W_STR("d")));
  SHOW("path_create_directory d again", w_path_create_directory(3, W_STR("d")));
  SHOW("path_create_directory d/e/f (missing parent)", w_path_create_directory(3, W_STR("d/e/f")));
  SHOW("path_create_directory d/e", w_path_create_directory(3, W_STR("d/e")));
  SHOW("path_create_directory over a file", w_path_create_directory(3, W_STR("a.txt")));
  create("d/e/inner.txt", "inner");
  SHOW("path_remove_directory non-empty", w_path_remove_directory(3, W_STR("d/e")));
  SHOW("path_remove_directory a file", w_path_remove_directory(3, W_STR("a.txt")));
  SHOW("path_remove_directory missing", w_path_remove_directory(3, W_STR("zz")));
  SHOW("path_unlink_file a directory", w_path_unlink_file(3, W_STR("d")));
  SHOW("path_unlink_file a directory with slash", w_path_unlink_file(3, W_STR("d/")));
  SHOW("path_unlink_file missing", w_path_unlink_file(3, W_STR("zz")));
  SHOW("path_unlink_file inner", w_path_unlink_file(3, W_STR("d/e/inner.txt")));
  SHOW("path_remove_directory d/e/", w_path_remove_directory(3, W_STR("d/e/")));
  /* Relative to an opened directory. */
  u32 dir = 0;
  SHOW("open d for writing", open_at(3, "d", 0, 2, R_ALL, 0, &dir));
  SHOW("open d", open_at(3, "d", 0, 2, R_ALL & ~(R_WRITE | 1 | 256 | 4194304), 0, &dir));
  SHOW("mkdir below d's fd", w_path_create_directory(dir, W_STR("sub")));
  stat_path("d/sub", 0);
  SHOW("path_open on a file fd", open_at(3 + 100, "x", 0, 0, R_READ, 0, &fd));

  /* Symbolic links. */
  SHOW("path_symlink", w_path_symlink(W_STR("a.txt"), 3, W_STR("link")));
  SHOW("path_symlink exists", w_path_symlink(W_STR("a.txt"), 3, W_STR("link")));
  SHOW("path_symlink dangling", w_path_symlink(W_STR("missing"), 3, W_STR("dangling")));
  SHOW("path_symlink to a directory", w_path_symlink(W_STR("d"), 3, W_STR("dlink")));
  char target[64];
  memset(target, 0, sizeof target);
  SHOW("path_readlink", w_path_readlink(3, W_STR("link"), target, sizeof target, &n));
  printf("readlink: %.*s (%u)\n", (int)n, target, n);
  SHOW("path_readlink short buffer", w_path_readlink(3, W_STR("link"), target, 2, &n));
  SHOW("short readlink length", n);
  SHOW("path_readlink on a file", w_path_readlink(3, W_STR("a.txt"), target, sizeof target, &n));
  stat_path("link", 0);
  stat_path("link", 1);
  stat_path("dangling", 0);
  stat_path("dangling", 1);
  stat_path("dlink/sub", 0);
  try_open("follow a link", "link", 1, 0, R_READ);
  try_open("not following a link", "link", 0, 0, R_READ);
  try_open("dangling followed", "dangling", 1, 0, R_READ);
  try_open("CREAT through a dangling link", "dangling", 1, 1, R_ALL);
  try_open("directory through a link", "dlink", 1, 2, R_READ);
  SHOW("path_unlink_file a link", w_path_unlink_file(3, W_STR("dlink")));
  stat_path("d", 0);

  /* Hard links. */
  SHOW("path_link", w_path_link(3, 0, W_STR("a.txt"), 3, W_STR("hard.txt")));
  stat_path("a.txt", 0);
  SHOW("path_link exists", w_path_link(3, 0, W_STR("a.txt"), 3, W_STR("hard.txt")));
  SHOW("path_link a directory", w_path_link(3, 0, W_STR("d"), 3, W_STR("dhard")));
  SHOW("path_link missing", w_path_link(3, 0, W_STR("zz"), 3, W_STR("zhard")));

  /* Renames. */
  create("r1.txt", "one");
  create("r2.txt", "two");
  SHOW("path_rename file", w_path_rename(3, W_STR("r1.txt"), 3, W_STR("r3.txt")));
  stat_path("r1.txt", 0);
  SHOW("path_rename over a file", w_path_rename(3, W_STR("r3.txt"), 3, W_STR("r2.txt")));
  stat_path("r2.txt", 0);
  SHOW("path_rename file over a directory", w_path_rename(3, W_STR("r2.txt"), 3, W_STR("d")));
  SHOW("path_create_directory e", w_path_create_directory(3, W_STR("e")));
  SHOW("path_rename directory over an empty directory", w_path_rename(3, W_STR("e"), 3, W_STR("d/sub")));
  SHOW("path_rename directory over a file", w_path_rename(3, W_STR("d"), 3, W_STR("r2.txt")));
  SHOW("path_rename missing", w_path_rename(3, W_STR("zz"), 3, W_STR("yy")));
  SHOW("path_rename into itself", w_path_rename(3, W_STR("d"), 3, W_STR("d/sub/x")));
  SHOW("path_rename between descriptors", w_path_rename(3, W_STR("r2.txt"), dir, W_STR("moved.txt")));
  stat_path("d/moved.txt", 0);

  /* Times. */
  SHOW("path_filestat_set_times", w_path_filestat_set_times(3, 0, W_STR("a.txt"), 5000000000ull, 6000000000ull, 1 | 4));
  w_path_filestat_get(3, 0, W_STR("a.txt"), &st);
  SHOW("atim", st.atim);
  SHOW("mtim", st.mtim);
  SHOW("path_filestat_set_times bad flags", w_path_filestat_set_times(3, 0, W_STR("a.txt"), 0, 0, 4 | 8));
  SHOW("path_filestat_set_times missing", w_path_filestat_set_times(3, 0, W_STR("zz"), 0, 0, 8));

  /* Faults and bad descriptors. */
  SHOW("path_open NUL in path", w_path_open(3, 0, "a\0b", 3, 0, 2, 2, 0, &fd));
  SHOW("path_create_directory unknown fd", w_path_create_directory(42, W_STR("x")));
  u32 file = 0;
  open_at(3, "a.txt", 0, 0, R_READ, 0, &file);
  SHOW("path_create_directory below a file fd", w_path_create_directory(file, W_STR("x")));
  return 0;
}
