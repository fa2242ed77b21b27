// files: reads and writes files in a directory the runtime grants (a WASI preopen).
//
//   files demo DIR     create, write, append, read back, rename, list (readdir), delete in DIR
//   files cat PATH     print a file; a missing file gives an error message and exit status 1
//   files ls DIR       list a directory (sorted, "." and ".." left out)
//
// The guest sees only the directories it is granted, e.g. `wasmtime run --dir /tmp/x::/data` or
// `wasm2native files.wasm -o files --dir /tmp/x::/data`; `files demo /data` then works in /tmp/x.
// Output is deterministic (names are sorted, no timestamps), so two runtimes can be compared.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *prog = "files";

static void die(const char *what, const char *path) {
    fprintf(stderr, "%s: %s %s: %s\n", prog, what, path, strerror(errno));
    exit(1);
}

static int compare_names(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

// Lists DIR sorted by name: "<type> <size> <name>" per entry.
static int list(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "%s: cannot open directory %s: %s\n", prog, dir, strerror(errno));
        return 1;
    }
    char *names[256];
    int n = 0;
    struct dirent *entry;
    while ((entry = readdir(d)) != NULL) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0) continue;
        if (n == 256) break;
        names[n++] = strdup(entry->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof names[0], compare_names);
    printf("%s: %d entr%s\n", dir, n, n == 1 ? "y" : "ies");
    for (int i = 0; i < n; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        struct stat st;
        if (stat(path, &st) != 0) die("cannot stat", path);
        char type = S_ISDIR(st.st_mode) ? 'd' : S_ISREG(st.st_mode) ? 'f' : '?';
        if (S_ISDIR(st.st_mode)) {
            printf("  %c %8s %s/\n", type, "-", names[i]);
        } else {
            printf("  %c %8lld %s\n", type, (long long)st.st_size, names[i]);
        }
        free(names[i]);
    }
    return 0;
}

static int cat(const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "%s: cannot open %s: %s\n", prog, path, strerror(errno));
        return 1;
    }
    char buffer[4096];
    size_t got;
    while ((got = fread(buffer, 1, sizeof buffer, f)) > 0) {
        fwrite(buffer, 1, got, stdout);
    }
    int failed = ferror(f);
    fclose(f);
    if (failed) {
        fprintf(stderr, "%s: error reading %s\n", prog, path);
        return 1;
    }
    return 0;
}

static int demo(const char *dir) {
    char text[1024], binary[1024], sub[1024], moved[1024], missing[1024];
    snprintf(text, sizeof text, "%s/greeting.txt", dir);
    snprintf(binary, sizeof binary, "%s/pattern.bin", dir);
    snprintf(sub, sizeof sub, "%s/sub", dir);
    snprintf(moved, sizeof moved, "%s/sub/moved.txt", dir);
    snprintf(missing, sizeof missing, "%s/does-not-exist.txt", dir);

    // 1. Create and write a text file with stdio, then append with open(O_APPEND) + write.
    FILE *f = fopen(text, "w");
    if (!f) die("cannot create", text);
    for (int i = 1; i <= 3; i++) fprintf(f, "line %d: hello from the guest\n", i);
    if (fclose(f) != 0) die("cannot close", text);
    int fd = open(text, O_WRONLY | O_APPEND);
    if (fd < 0) die("cannot open for append", text);
    const char appended[] = "line 4: appended\n";
    if (write(fd, appended, sizeof appended - 1) != (ssize_t)(sizeof appended - 1)) die("cannot append to", text);
    close(fd);
    printf("wrote %s\n", text);

    // 2. Read it back.
    printf("--- %s ---\n", text);
    if (cat(text) != 0) return 1;
    printf("--- end ---\n");

    // 3. A 100000-byte binary file written in odd-sized chunks, then read back at offsets.
    fd = open(binary, O_CREAT | O_TRUNC | O_RDWR, 0644);
    if (fd < 0) die("cannot create", binary);
    unsigned char chunk[777];
    unsigned total = 0;
    while (total < 100000) {
        unsigned n = 100000 - total < sizeof chunk ? 100000 - total : (unsigned)sizeof chunk;
        for (unsigned i = 0; i < n; i++) chunk[i] = (unsigned char)((total + i) * 2654435761u >> 24);
        if (write(fd, chunk, n) != (ssize_t)n) die("cannot write", binary);
        total += n;
    }
    unsigned long sum = 0;
    if (lseek(fd, 0, SEEK_SET) != 0) die("cannot seek", binary);
    ssize_t got;
    unsigned count = 0;
    while ((got = read(fd, chunk, sizeof chunk)) > 0) {
        for (ssize_t i = 0; i < got; i++) sum = sum * 31 + chunk[i];
        count += (unsigned)got;
    }
    if (got < 0) die("cannot read", binary);
    if (lseek(fd, 50000, SEEK_SET) != 50000 || read(fd, chunk, 4) != 4) die("cannot seek in", binary);
    printf("%s: %u bytes, checksum %08lx, bytes at 50000: %02x %02x %02x %02x\n", binary, count,
           sum & 0xffffffffUL, chunk[0], chunk[1], chunk[2], chunk[3]);
    close(fd);

    // 4. A subdirectory, a rename into it, and listings.
    if (mkdir(sub, 0755) != 0) die("cannot create directory", sub);
    if (list(dir) != 0) return 1;
    if (rename(text, moved) != 0) die("cannot rename", text);
    printf("renamed %s -> %s\n", text, moved);
    if (unlink(binary) != 0) die("cannot remove", binary);
    printf("removed %s\n", binary);
    if (list(dir) != 0 || list(sub) != 0) return 1;

    // 5. Errors: a missing file, a second mkdir, removing a non-empty directory.
    if (fopen(missing, "r") == NULL) {
        printf("open %s: %s (errno %s)\n", missing, strerror(errno), errno == ENOENT ? "ENOENT" : "other");
    }
    if (mkdir(sub, 0755) != 0) {
        printf("mkdir %s: %s\n", sub, errno == EEXIST ? "EEXIST" : strerror(errno));
    }
    if (rmdir(sub) != 0) {
        printf("rmdir %s: %s\n", sub, errno == ENOTEMPTY ? "ENOTEMPTY" : strerror(errno));
    }
    if (unlink(moved) != 0) die("cannot remove", moved);
    if (rmdir(sub) != 0) die("cannot remove directory", sub);
    return list(dir);
}

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "demo") == 0) return demo(argv[2]);
    if (argc == 3 && strcmp(argv[1], "cat") == 0) return cat(argv[2]);
    if (argc == 3 && strcmp(argv[1], "ls") == 0) return list(argv[2]);
    fprintf(stderr, "usage: files demo DIR | files cat PATH | files ls DIR\n");
    return 2;
}
