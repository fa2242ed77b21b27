/*
 * spec_driver.h: the command table of a spec script, compiled into a standalone executable for
 * any target (`w2n-dev cross-spectest`, Sources/w2n-dev/CrossSpecTestCommand.swift, generates one
 * table per .wast file; spec_driver.c runs it). The modules are objects wasm2native compiled for
 * the target, each with its descriptor `w2n_spec_module_<n>`; the spectest module is
 * Sources/SpecTestHost/spec_host.c; RuntimeSupport is built for the target without its `main`.
 *
 * The driver prints one line per command, as it goes:
 *   P <line>                          passed
 *   M <line> <expected>\t<actual>     passed, the trap or link message differs in detail
 *   F <line> <expected>\t<got>        failed
 *   S <line> <reason>                 skipped
 * and a last line `E <count>` after the last command. A crash leaves the rest unreported, which
 * the generator counts as failed.
 */
#ifndef SPEC_DRIVER_H
#define SPEC_DRIVER_H

#include <stdint.h>

#include "w2n_runtime.h"

enum spec_command_type {
  SPEC_CMD_MODULE,
  SPEC_CMD_REGISTER,
  SPEC_CMD_ACTION,
  SPEC_CMD_ASSERT_RETURN,
  SPEC_CMD_ASSERT_TRAP,
  SPEC_CMD_ASSERT_EXHAUSTION,
  SPEC_CMD_ASSERT_UNLINKABLE,
  SPEC_CMD_ASSERT_UNINSTANTIABLE,
  SPEC_CMD_SKIP, /* reported as skipped with `text` as the reason */
  SPEC_CMD_MODULE_DEFINITION, /* `module` named `name`, not instantiated */
  SPEC_CMD_MODULE_INSTANCE,   /* instantiates definition `name` as instance `as` */
};

enum spec_value_type {
  SPEC_I32,
  SPEC_I64,
  SPEC_F32,
  SPEC_F64,
  SPEC_V128,
  SPEC_FUNCREF,
  SPEC_EXTERNREF,
  SPEC_REFNULL,       /* a null reference of either kind */
  SPEC_NULLFUNCREF,
  SPEC_NULLEXTERNREF,
  SPEC_EITHER,        /* any one of `alternatives` */
};

enum spec_nan { SPEC_EXACT = 0, SPEC_NAN_CANONICAL = 1, SPEC_NAN_ARITHMETIC = 2 };
enum spec_ref { SPEC_REF_EXACT = 0, SPEC_REF_NULL = 1, SPEC_REF_NON_NULL = 2 };

typedef struct spec_value {
  uint8_t type;       /* spec_value_type */
  uint8_t lane_width; /* v128: bytes per lane (1, 2, 4, 8) */
  uint8_t lane_float; /* v128: 1 for f32 / f64 lanes */
  uint8_t ref;        /* references: spec_ref */
  uint8_t nan[16];    /* floats: spec_nan (scalars use nan[0], v128 one per lane) */
  w2n_value bits;     /* the value (references: the pointer, `ref.extern N` as N + 1) */
  uint32_t num_alternatives;
  const struct spec_value *alternatives;
  const char *text;   /* the value as the script writes it, for messages */
} spec_value;

typedef struct spec_command {
  uint8_t type;                 /* spec_command_type */
  uint8_t get;                  /* actions: 1 for `get`, 0 for `invoke` */
  uint8_t skip_module;          /* no module: 1 skips the command and what uses it, 0 fails them */
  uint8_t unsupported;          /* actions: a value the table cannot encode (`reason`): skipped */
  uint32_t line;
  const w2n_module *module;     /* module commands: NULL when not compiled (`reason`: why) */
  const char *name;             /* module: its $name; register and actions: the module used (NULL: the last) */
  const char *as;               /* register: the namespace; module_instance: the instance's name */
  const char *field;            /* actions: the export (may contain NUL bytes) */
  uint32_t field_length;        /* its length in bytes */
  uint32_t num_args;
  const spec_value *args;
  uint32_t num_results;
  const spec_value *results;
  const char *text;             /* expected trap or link message; SPEC_CMD_SKIP: the reason */
  const char *reason;           /* why `module` is NULL, or why the values are unsupported */
} spec_command;

extern const spec_command spec_commands[];
extern const uint32_t spec_command_count;

#endif /* SPEC_DRIVER_H */
