/*
 * sandbox.c: the sandbox-escape matrix. Grants: /sandbox (fd 3, read-write) and /ro (fd 4,
 * read-only); next to the sandbox on the host lies secret.txt ("SECRET"). Every attempt to reach
 * outside through `..`, absolute paths, symbolic links (the host's and the guest's own), with
 * every path function, and every change below the read-only grant must fail with the expected
 * errno (PERM, as wasmtime; LOOP / NOENT / NOTDIR / BADF where the kernel's answer comes first).
 * Prints "ok ATTEMPT" / "FAIL ATTEMPT: got X, expected Y" and "sandbox: N passed, M failed".
 *
 *   sandbox          the matrix
 *   sandbox race N   N opens of "a/b/../inner.txt" and "c/secret.txt" while run.sh renames
 *                    sandbox/a/b out of the sandbox and swaps sandbox/c with a symbolic link to
 *                    the directory holding secret.txt; no open may ever read "SECRET"
 */
#include "testlib.h"
#include "wasi_raw.h"

#include <stdlib.h>

enum { PERM = 63, NOENT = 44, LOOP = 32, NOTDIR = 54, BADF = 8, EXIST = 20, NOTCAPABLE = 76 };
enum { R_READ = 2, R_WRITE = 64, R_ALL = 0x1FFFFFFF, R_READONLY_DIR = 0x1FFFFFFF & ~(64 | 1 | 256 | 4194304) };

static u32 open_at(u32 dir, const char *path, u32 lookup, u32 oflags, u64 rights, u32 *fd) {
  return w_path_open(dir, lookup, path, (u32)strlen(path), oflags, rights, rights, 0, fd);
}

/* Reads a whole small file; "" on failure. */
static const char *content(u32 dir, const char *path, u32 lookup) {
  static char buffer[64];
  u32 fd = 0, n = 0;
  buffer[0] = '\0';
  if (open_at(dir, path, lookup, 0, R_READ, &fd) != 0)
    return buffer;
  w_iovec iov = {(u32)buffer, sizeof buffer - 1};
  if (w_fd_read(fd, &iov, 1, &n) == 0)
    buffer[n] = '\0';
  w_fd_close(fd);
  return buffer;
}

static void escape_paths(void) {
  static const char *const escapes[] = {
      "../secret.txt",           "/etc/passwd",         "sub/../../secret.txt", "./../secret.txt",
      "sub/../sub/../../secret.txt", "..",              "/",                    "sub/../..",
      "up/secret.txt",           "abs/passwd",          "subup/secret.txt",     "uplink",
      "sub/../up/secret.txt",    "//etc/passwd",        "sub/./../../secret.txt",
  };
  /* A link as the last component is only followed by path_open and path_filestat_get /
   * set_times with LOOKUP_SYMLINK_FOLLOW; the other functions act on the link itself. */
  char name[128];
  for (unsigned i = 0; i < sizeof escapes / sizeof escapes[0]; i++) {
    const char *path = escapes[i];
    u32 fd = 0, n = 0;
    w_filestat st;
    char buffer[32];
    int through_link = strncmp(path, "up", 2) == 0 || strncmp(path, "abs", 3) == 0 || strncmp(path, "subup", 5) == 0 ||
                       strstr(path, "/up/") != NULL;
    /* A link as the last component is only an escape when followed. */
    snprintf(name, sizeof name, "path_open(follow) %s", path);
    EXPECT_EQ(name, open_at(3, path, 1, 0, R_READ, &fd), PERM);
    snprintf(name, sizeof name, "path_open(CREAT) %s", path);
    EXPECT_EQ(name, open_at(3, path, 1, 1, R_ALL, &fd), PERM);
    snprintf(name, sizeof name, "path_filestat_get(follow) %s", path);
    EXPECT_EQ(name, w_path_filestat_get(3, 1, path, (u32)strlen(path), &st), PERM);
    snprintf(name, sizeof name, "path_filestat_set_times %s", path);
    EXPECT_EQ(name, w_path_filestat_set_times(3, 1, path, (u32)strlen(path), 0, 0, 8), PERM);
    if (strcmp(path, "uplink") == 0)
      continue;
    snprintf(name, sizeof name, "path_create_directory %s", path);
    EXPECT_EQ(name, w_path_create_directory(3, path, (u32)strlen(path)), PERM);
    snprintf(name, sizeof name, "path_remove_directory %s", path);
    EXPECT_EQ(name, w_path_remove_directory(3, path, (u32)strlen(path)), PERM);
    snprintf(name, sizeof name, "path_unlink_file %s", path);
    EXPECT_EQ(name, w_path_unlink_file(3, path, (u32)strlen(path)), PERM);
    snprintf(name, sizeof name, "path_readlink %s", path);
    EXPECT_EQ(name, w_path_readlink(3, path, (u32)strlen(path), buffer, sizeof buffer, &n), PERM);
    snprintf(name, sizeof name, "path_symlink at %s", path);
    EXPECT_EQ(name, w_path_symlink(W_STR("sub"), 3, path, (u32)strlen(path)), PERM);
    snprintf(name, sizeof name, "path_rename from %s", path);
    EXPECT_EQ(name, w_path_rename(3, path, (u32)strlen(path), 3, W_STR("stolen")), PERM);
    snprintf(name, sizeof name, "path_rename to %s", path);
    EXPECT_EQ(name, w_path_rename(3, W_STR("sub/f.txt"), 3, path, (u32)strlen(path)), PERM);
    snprintf(name, sizeof name, "path_link from %s", path);
    EXPECT_EQ(name, w_path_link(3, 0, path, (u32)strlen(path), 3, W_STR("stolen")), PERM);
    snprintf(name, sizeof name, "path_link to %s", path);
    EXPECT_EQ(name, w_path_link(3, 0, W_STR("sub/f.txt"), 3, path, (u32)strlen(path)), PERM);
    (void)through_link;
  }
}

static void links(void) {
  u32 fd = 0;
  char buffer[64];
  u32 n = 0;
  /* The host's links: usable inside, refused outside, never followed when not asked. */
  EXPECT_EQ("host link inside: ok -> sub/f.txt", open_at(3, "ok", 1, 0, R_READ, &fd), 0);
  w_fd_close(fd);
  EXPECT_EQ("host link up, not followed: LOOP", open_at(3, "up", 0, 0, R_READ, &fd), LOOP);
  EXPECT_EQ("host link up, readlink works", w_path_readlink(3, W_STR("up"), buffer, sizeof buffer, &n), 0);
  /* Links the guest makes. */
  EXPECT_EQ("guest symlink to an absolute path refused", w_path_symlink(W_STR("/etc"), 3, W_STR("g_abs")), PERM);
  EXPECT_EQ("guest symlink to .. may exist", w_path_symlink(W_STR(".."), 3, W_STR("g_up")), 0);
  EXPECT_EQ("guest symlink ..: followed to secret", open_at(3, "g_up/secret.txt", 0, 0, R_READ, &fd), PERM);
  EXPECT_EQ("guest symlink ..: as a directory", open_at(3, "g_up", 1, 2, R_READ, &fd), PERM);
  EXPECT_EQ("guest symlink deep", w_path_symlink(W_STR("sub/../../.."), 3, W_STR("g_deep")), 0);
  EXPECT_EQ("guest symlink deep: followed", open_at(3, "g_deep/x", 0, 0, R_READ, &fd), PERM);
  EXPECT_EQ("guest symlink chain 1", w_path_symlink(W_STR("g2"), 3, W_STR("g1")), 0);
  EXPECT_EQ("guest symlink chain 2", w_path_symlink(W_STR("../secret.txt"), 3, W_STR("g2")), 0);
  EXPECT_EQ("guest symlink chain: followed", open_at(3, "g1", 1, 0, R_READ, &fd), PERM);
  EXPECT_EQ("guest symlink in a subdirectory to ..", w_path_symlink(W_STR(".."), 3, W_STR("sub/g_parent")), 0);
  EXPECT_EQ("sub/g_parent stays inside", open_at(3, "sub/g_parent/sub/f.txt", 0, 0, R_READ, &fd), 0);
  w_fd_close(fd);
  EXPECT_EQ("sub/g_parent/.. escapes", open_at(3, "sub/g_parent/../secret.txt", 0, 0, R_READ, &fd), PERM);
  EXPECT_EQ("guest symlink loop", w_path_symlink(W_STR("g_loop"), 3, W_STR("g_loop")), 0);
  EXPECT_EQ("guest symlink loop: followed", open_at(3, "g_loop", 1, 0, R_READ, &fd), LOOP);
  EXPECT_EQ("guest symlink to a file that escapes via a directory link",
            w_path_symlink(W_STR("up/secret.txt"), 3, W_STR("g_via")), 0);
  EXPECT_EQ("g_via followed", open_at(3, "g_via", 1, 0, R_READ, &fd), PERM);
  EXPECT_EQ("hard link from outside", w_path_link(3, 0, W_STR("up/secret.txt"), 3, W_STR("g_hard")), PERM);
  EXPECT_EQ("hard link following a link: INVAL", w_path_link(3, 1, W_STR("uplink"), 3, W_STR("g_hard")), 28);
  EXPECT_EQ("hard link of a link that escapes (not followed) is the link", w_path_link(3, 0, W_STR("g2"), 3, W_STR("g_hard2")), 0);
  EXPECT_EQ("... and following it still escapes", open_at(3, "g_hard2", 1, 0, R_READ, &fd), PERM);
  /* A directory opened below the sandbox is a sandbox of its own. */
  u32 sub = 0;
  EXPECT_EQ("open sub for writing: ISDIR", open_at(3, "sub", 0, 2, R_ALL, &sub), 31);
  EXPECT_EQ("open sub", open_at(3, "sub", 0, 2, R_READONLY_DIR, &sub), 0);
  EXPECT_EQ("sub: ..", open_at(sub, "..", 0, 2, R_READ, &fd), PERM);
  EXPECT_EQ("sub: ../sub/f.txt", open_at(sub, "../sub/f.txt", 0, 0, R_READ, &fd), PERM);
  EXPECT_EQ("sub: g_parent (to sandbox) followed", open_at(sub, "g_parent", 1, 2, R_READ, &fd), PERM);
  /* Descriptors that are not directories. */
  EXPECT_EQ("path_open below stdin", open_at(0, "x", 0, 0, R_READ, &fd), BADF);
  EXPECT_EQ("path_open below an unknown fd", open_at(77, "x", 0, 0, R_READ, &fd), BADF);
  u32 file = 0;
  open_at(3, "sub/f.txt", 0, 0, R_READ, &file);
  EXPECT_EQ("path_open below a file", open_at(file, "x", 0, 0, R_READ, &fd), NOTDIR);
  EXPECT_EQ("path_create_directory below a file", w_path_create_directory(file, W_STR("x")), BADF);
  EXPECT_EQ("the content inside is readable", strcmp(content(3, "sub/f.txt", 0), "inside"), 0);
}

static void read_only(void) {
  u32 fd = 0, n = 0;
  w_filestat st;
  EXPECT_EQ("ro: read a file", strcmp(content(4, "r.txt", 0), "readonly"), 0);
  EXPECT_EQ("ro: open for writing", open_at(4, "r.txt", 0, 0, R_READ | R_WRITE, &fd), PERM);
  EXPECT_EQ("ro: CREAT", open_at(4, "new.txt", 0, 1, R_READ, &fd), PERM);
  EXPECT_EQ("ro: TRUNC", open_at(4, "r.txt", 0, 8, R_READ, &fd), PERM);
  EXPECT_EQ("ro: mkdir", w_path_create_directory(4, W_STR("d")), PERM);
  EXPECT_EQ("ro: rmdir", w_path_remove_directory(4, W_STR("rsub")), PERM);
  EXPECT_EQ("ro: unlink", w_path_unlink_file(4, W_STR("r.txt")), PERM);
  EXPECT_EQ("ro: rename inside", w_path_rename(4, W_STR("r.txt"), 4, W_STR("s.txt")), PERM);
  EXPECT_EQ("ro: rename out to the sandbox", w_path_rename(4, W_STR("r.txt"), 3, W_STR("taken.txt")), PERM);
  EXPECT_EQ("ro: rename in from the sandbox", w_path_rename(3, W_STR("sub/f.txt"), 4, W_STR("f.txt")), PERM);
  EXPECT_EQ("ro: symlink", w_path_symlink(W_STR("r.txt"), 4, W_STR("l")), PERM);
  EXPECT_EQ("ro: hard link inside", w_path_link(4, 0, W_STR("r.txt"), 4, W_STR("h")), PERM);
  EXPECT_EQ("ro: set times", w_path_filestat_set_times(4, 0, W_STR("r.txt"), 0, 0, 8), PERM);
  EXPECT_EQ("ro: stat works", w_path_filestat_get(4, 0, W_STR("r.txt"), &st), 0);
  EXPECT_EQ("ro: open read-only", open_at(4, "r.txt", 0, 0, R_READ, &fd), 0);
  w_iovec iov = {(u32)"x", 1};
  EXPECT_EQ("ro: fd_write on it", w_fd_write(fd, &iov, 1, &n), BADF);
  EXPECT_EQ("ro: fd_filestat_set_size on it", w_fd_filestat_set_size(fd, 0), PERM);
  EXPECT_EQ("ro: fd_filestat_set_times on it", w_fd_filestat_set_times(fd, 0, 0, 8), PERM);
  w_fd_close(fd);
  u32 dir = 0;
  EXPECT_EQ("ro: open a subdirectory with all rights", open_at(4, "rsub", 0, 2, R_ALL, &dir), PERM);
  EXPECT_EQ("ro: open a subdirectory read-only", open_at(4, "rsub", 0, 2, R_READONLY_DIR, &dir), 0);
  EXPECT_EQ("ro: mkdir below it", w_path_create_directory(dir, W_STR("x")), PERM);
  EXPECT_EQ("ro: CREAT below it", open_at(dir, "x", 0, 1, R_READ, &fd), PERM);
  EXPECT_EQ("ro: .. from it", open_at(dir, "..", 0, 2, R_READONLY_DIR, &fd), PERM);
  EXPECT_EQ("ro: the file is unchanged", strcmp(content(4, "r.txt", 0), "readonly"), 0);
}

static void race(int iterations) {
  int inside = 0, missing = 0, escaped = 0, other = 0;
  for (int i = 0; i < iterations; i++) {
    const char *paths[2] = {"a/b/../inner.txt", "c/secret.txt"};
    for (int k = 0; k < 2; k++) {
      const char *text = content(3, paths[k], 1);
      if (strcmp(text, "SECRET") == 0)
        escaped++;
      else if (strcmp(text, "inside") == 0)
        inside++;
      else if (text[0] == '\0')
        missing++;
      else
        other++;
    }
  }
  printf("race: %d reads inside, %d refused or missing, %d other, %d escaped\n", inside, missing, other, escaped);
  EXPECT_EQ("race: no read ever escaped", escaped, 0);
  EXPECT_EQ("race: the race was exercised (some reads inside)", inside > 0, 1);
}

int main(int argc, char **argv) {
  if (argc > 2 && strcmp(argv[1], "race") == 0) {
    race(atoi(argv[2]));
  } else {
    escape_paths();
    links();
    read_only();
  }
  return t_summary("sandbox");
}
