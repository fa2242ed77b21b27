/*
 * wasi/random.c: random_get, from the kernel's CSPRNG (getrandom, /dev/urandom where the kernel
 * lacks it).
 */
#include "wasi_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/random.h>
#include <unistd.h>

static int fill_from_urandom(uint8_t *buffer, size_t length) {
  int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  while (length > 0) {
    ssize_t count = read(fd, buffer, length);
    if (count < 0 && errno == EINTR)
      continue;
    if (count <= 0) {
      close(fd);
      return -1;
    }
    buffer += count;
    length -= (size_t)count;
  }
  close(fd);
  return 0;
}

uint32_t w2n_import_wasi_snapshot_preview1_random_get(w2n_instance *instance, uint32_t buf, uint32_t buf_len) {
  uint8_t *buffer = w2n_guest(instance, buf, buf_len);
  if (buffer == NULL)
    return W2N_WASI_FAULT;
  size_t done = 0;
  while (done < buf_len) {
    ssize_t count = getrandom(buffer + done, buf_len - done, 0);
    if (count < 0 && errno == EINTR)
      continue;
    if (count < 0)
      return fill_from_urandom(buffer + done, buf_len - done) == 0 ? W2N_WASI_SUCCESS : W2N_WASI_IO;
    done += (size_t)count;
  }
  return W2N_WASI_SUCCESS;
}
