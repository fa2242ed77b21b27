/*
 * testlib.h: output helpers of the WASI guests. A guest prints one line per observation
 * ("name: value"); run.sh compares the lines under wasmtime and under wasm2native. EXPECT lines
 * also check a value the guest knows ("ok NAME" / "FAIL NAME: got X, expected Y"), for the
 * sandbox matrix and the socket tests, which count them.
 */
#ifndef TESTLIB_H
#define TESTLIB_H

#include <stdio.h>
#include <string.h>

static int t_passed, t_failed;

#define SHOW(name, value) printf("%s: %lld\n", (name), (long long)(value))

static void t_expect(const char *name, long long actual, long long expected) {
  if (actual == expected) {
    t_passed++;
    printf("ok %s\n", name);
  } else {
    t_failed++;
    printf("FAIL %s: got %lld, expected %lld\n", name, actual, expected);
  }
}

#define EXPECT_EQ(name, actual, expected) t_expect((name), (long long)(actual), (long long)(expected))

static int t_summary(const char *suite) {
  printf("%s: %d passed, %d failed\n", suite, t_passed, t_failed);
  return t_failed != 0;
}

#endif
