/* readdir.c: fd_readdir with buffers of every size, cookies to resume, entry types; names are
 * sorted before printing (host order may differ between directories). */
#include "testlib.h"
#include "wasi_raw.h"

#include <stdlib.h>

typedef struct entry {
  char name[64];
  unsigned type;
  u64 next;
} entry;

static int by_name(const void *a, const void *b) { return strcmp(((const entry *)a)->name, ((const entry *)b)->name); }

/* Reads the whole directory with buffers of `size` bytes; returns the number of entries. */
static int read_all(u32 fd, u32 size, entry *entries, int max) {
  static char buffer[65536];
  u64 cookie = 0;
  int count = 0;
  for (int rounds = 0; rounds < 10000; rounds++) {
    u32 used = 0;
    if (w_fd_readdir(fd, buffer, size, cookie, &used) != 0)
      return -1;
    u32 position = 0;
    int progressed = 0;
    while (position + 24 <= used) {
      u64 next;
      u32 length;
      memcpy(&next, buffer + position, 8);
      memcpy(&length, buffer + position + 16, 4);
      if (position + 24 + length > used)
        break; /* truncated: read again from this entry's cookie */
      if (count < max) {
        memcpy(entries[count].name, buffer + position + 24, length < 63 ? length : 63);
        entries[count].name[length < 63 ? length : 63] = '\0';
        entries[count].type = (unsigned char)buffer[position + 20];
        entries[count].next = next;
        count++;
      }
      cookie = next;
      position += 24 + length;
      progressed = 1;
    }
    if (used < size && position == used)
      return count; /* the end */
    if (!progressed && size < 24 + 64)
      return -2; /* the buffer cannot hold one entry: the guest's problem */
  }
  return -3;
}

int main(void) {
  u32 fd = 0;
  SHOW("mkdir dir", w_path_create_directory(3, W_STR("dir")));
  for (int i = 0; i < 30; i++) {
    char name[32];
    snprintf(name, sizeof name, "dir/file-%02d-%s", i, i % 3 == 0 ? "with-a-longer-name" : "x");
    u32 file;
    w_path_open(3, 0, name, (u32)strlen(name), 1, 64, 64, 0, &file);
    w_fd_close(file);
  }
  w_path_create_directory(3, W_STR("dir/subdir"));
  w_path_symlink(W_STR("file-01-x"), 3, W_STR("dir/link"));
  SHOW("open dir for writing", w_path_open(3, 0, W_STR("dir"), 2, 0x1FFFFFFF, 0x1FFFFFFF, 0, &fd));
  SHOW("open dir", w_path_open(3, 0, W_STR("dir"), 2, 2 | 16384, 0x1FFFFFFF, 0, &fd));
  static entry entries[64];
  u32 sizes[] = {65536, 4096, 256, 100, 90};
  for (unsigned s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
    int count = read_all(fd, sizes[s], entries, 64);
    printf("buffer %u: %d entries\n", sizes[s], count);
    if (count <= 0)
      continue;
    qsort(entries, (size_t)count, sizeof entries[0], by_name);
    if (s == 0)
      for (int i = 0; i < count; i++)
        printf("  %s type %u\n", entries[i].name, entries[i].type);
  }
  /* A cookie past the end, a tiny buffer, not a directory, unknown fd. */
  static char small[16];
  u32 used = 99;
  SHOW("fd_readdir cookie past the end", w_fd_readdir(fd, small, sizeof small, 1000, &used));
  SHOW("used past the end", used);
  SHOW("fd_readdir 16-byte buffer", w_fd_readdir(fd, small, sizeof small, 0, &used));
  SHOW("used in 16 bytes", used);
  u32 file = 0;
  w_path_open(3, 0, W_STR("dir/file-01-x"), 0, 2, 2, 0, &file);
  SHOW("fd_readdir on a file", w_fd_readdir(file, small, sizeof small, 0, &used));
  SHOW("fd_readdir unknown fd", w_fd_readdir(99, small, sizeof small, 0, &used));
  /* Entries removed and added between calls. */
  w_path_unlink_file(3, W_STR("dir/file-00-with-a-longer-name"));
  int count = read_all(fd, 4096, entries, 64);
  printf("after unlink: %d entries\n", count);
  return 0;
}
