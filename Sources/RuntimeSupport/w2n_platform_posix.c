/*
 * w2n_platform_posix.c: the platform calls RuntimeSupport makes outside WASI, behind w2n_os_*
 * helpers: address-space reservation for linear memories, the calling thread's stack bounds, and
 * an async-signal-safe write to stderr. Linux (glibc and musl).
 */
#include "w2n_internal.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

void *w2n_os_reserve(uint64_t size) {
  if (size == 0 || size > SIZE_MAX)
    return NULL;
  void *address = mmap(NULL, (size_t)size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  return address == MAP_FAILED ? NULL : address;
}

int w2n_os_commit(void *address, uint64_t size) {
  if (size == 0)
    return 0;
  return mprotect(address, (size_t)size, PROT_READ | PROT_WRITE);
}

void w2n_os_release(void *address, uint64_t size) {
  if (address != NULL && size != 0)
    munmap(address, (size_t)size);
}

int w2n_os_thread_stack(uintptr_t *low, uintptr_t *high) {
  pthread_attr_t attributes;
  void *address = NULL;
  size_t size = 0;
  if (pthread_getattr_np(pthread_self(), &attributes) != 0)
    return -1;
  int failed = pthread_attr_getstack(&attributes, &address, &size);
  pthread_attr_destroy(&attributes);
  if (failed || size == 0)
    return -1;
  uintptr_t top = (uintptr_t)address + size;
  uintptr_t bottom = (uintptr_t)address;
  if (getpid() == (pid_t)syscall(SYS_gettid)) {
    /* The main thread's stack grows on demand up to RLIMIT_STACK; musl reports only the part
     * mapped now, glibc the limit minus what is above the stack pointer. Use the limit. */
    struct rlimit limit;
    uint64_t extent = 8u << 20;
    if (getrlimit(RLIMIT_STACK, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
      extent = (uint64_t)limit.rlim_cur;
    if (extent > top / 2)
      extent = top / 2;
    bottom = top - (uintptr_t)extent;
  }
  *low = bottom;
  *high = top;
  return 0;
}

void w2n_os_write_stderr(const char *text) {
  size_t length = strlen(text);
  while (length > 0) {
    ssize_t written = write(2, text, length);
    if (written < 0 && errno == EINTR)
      continue;
    if (written <= 0)
      return;
    text += written;
    length -= (size_t)written;
  }
}
