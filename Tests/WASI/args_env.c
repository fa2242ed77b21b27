/* args_env.c: args_sizes_get / args_get, environ_sizes_get / environ_get, and their faults. */
#include "testlib.h"
#include "wasi_raw.h"

#include <stdlib.h>

int main(void) {
  u32 argc = 0, argv_size = 0;
  SHOW("args_sizes_get", w_args_sizes_get(&argc, &argv_size));
  SHOW("argc", argc);
  u32 argv0_size = 0;
  char **argv = malloc((argc + 1) * sizeof *argv);
  char *argv_buffer = malloc(argv_size + 1);
  SHOW("args_get", w_args_get((u32)argv, (u32)argv_buffer));
  argv0_size = (u32)strlen(argv[0]) + 1;
  SHOW("argv size without argv[0]", argv_size - argv0_size); /* argv[0] is the program's name */
  for (u32 i = 1; i < argc; i++)
    printf("argv[%u] = [%s]\n", i, argv[i]);

  u32 count = 0, size = 0;
  SHOW("environ_sizes_get", w_environ_sizes_get(&count, &size));
  char **env = malloc((count + 1) * sizeof *env);
  char *env_buffer = malloc(size + 1);
  SHOW("environ_get", w_environ_get((u32)env, (u32)env_buffer));
  u32 shown = 0, shown_size = 0;
  for (u32 i = 0; i < count; i++) {
    if (strncmp(env[i], "W2N_ENGINE=", 11) == 0) /* wasm2native's own; checked by run.sh */
      continue;
    printf("env[%u] = [%s]\n", shown++, env[i]);
    shown_size += (u32)strlen(env[i]) + 1;
  }
  SHOW("environ count without W2N_ENGINE", shown);
  SHOW("environ size without W2N_ENGINE", shown_size);
  const char *engine = getenv("W2N_ENGINE");
  printf("# W2N_ENGINE = %s\n", engine != NULL ? engine : "(none)"); /* "# ": not compared */
  const char *home = getenv("HOME"); /* not granted: invisible */
  printf("getenv(HOME) = %s\n", home != NULL ? home : "(none)");
  return 0;
}
