/*
 * spec_driver.c: runs the command table of one spec script (spec_driver.h) against modules
 * compiled for this executable's target, with the rules of the native engine of the spec harness
 * (Sources/NativeSpecEngine): imports resolve to registered instances' exports, else to the
 * spectest module; an action's trap message passes when the script's text is a prefix of ours
 * (or ours plus a detail is the script's: a message mismatch, still passed); results compare
 * bitwise except the NaN patterns (canonical: payload only the quiet bit; arithmetic: quiet bit
 * set) and references (null, `ref.extern N` as the host pointer N + 1, any non-null).
 *
 * Unlike the in-process engine there is no recovery from a crash in generated code: the process
 * dies and the commands after it are counted as failed by the generator.
 */
#include "spec_driver.h"

#include "spec_host.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_SLOTS = 4096, MAX_REGISTERED = 256, MAX_VALUES = 64 };

typedef struct slot {
  const char *name;       /* $name, or NULL */
  w2n_instance *instance; /* NULL: unavailable */
  const char *reason;     /* why unavailable */
  int skipped;            /* 1: commands using it are skipped (with `reason`), not failed */
} slot;

static slot slots[MAX_SLOTS];
static uint32_t slot_count;
static int current = -1;

static struct {
  const char *name;
  w2n_instance *instance; /* NULL: registered from a skipped module (`reason`) */
  const char *reason;
} registered[MAX_REGISTERED];
/* Set by resolve() when an import names a namespace registered from a skipped module: the
 * instantiation is then skipped, not failed (as the native engine does). */
static const char *skipped_import;
static uint32_t registered_count;

static spec_host *host;

/* Module definitions (module_definition): instantiated by module_instance. */
static struct {
  const char *name;
  const w2n_module *module; /* NULL: not compiled (`reason`) */
  const char *reason;
  int skipped;
} definitions[MAX_SLOTS];
static uint32_t definition_count;

/* Reporting ------------------------------------------------------------------------------------ */

static void put_text(const char *text) {
  for (const char *p = text; p != NULL && *p != '\0'; p++)
    putchar(*p == '\n' || *p == '\t' ? ' ' : *p);
}

static void passed(const spec_command *command) { printf("P %" PRIu32 "\n", command->line); }

static void mismatch(const spec_command *command, const char *expected, const char *actual) {
  printf("M %" PRIu32 " ", command->line);
  put_text(expected);
  putchar('\t');
  put_text(actual);
  putchar('\n');
}

static void failed(const spec_command *command, const char *expected, const char *got) {
  printf("F %" PRIu32 " ", command->line);
  put_text(expected);
  putchar('\t');
  put_text(got);
  putchar('\n');
}

static void skipped(const spec_command *command, const char *reason) {
  printf("S %" PRIu32 " ", command->line);
  put_text(reason);
  putchar('\n');
}

/* Values --------------------------------------------------------------------------------------- */

static uint64_t lane_bits(w2n_v128 vector, unsigned index, unsigned width) {
  uint8_t bytes[16];
  for (unsigned i = 0; i < 16; i++)
    bytes[i] = (uint8_t)((i < 8 ? vector.low : vector.high) >> (8 * (i % 8)));
  uint64_t value = 0;
  for (unsigned b = 0; b < width; b++)
    value |= (uint64_t)bytes[index * width + b] << (8 * b);
  return value;
}

static int float_matches(uint64_t actual, uint64_t expected, int pattern, int bits) {
  uint64_t quiet = bits == 32 ? 0x7FC00000u : 0x7FF8000000000000ull;
  uint64_t magnitude = bits == 32 ? 0x7FFFFFFFu : 0x7FFFFFFFFFFFFFFFull;
  switch (pattern) {
  case SPEC_NAN_CANONICAL: return (actual & magnitude) == quiet;
  case SPEC_NAN_ARITHMETIC: return (actual & quiet) == quiet;
  default: return actual == expected;
  }
}

static int value_matches(const spec_value *expected, char kind, w2n_value actual) {
  switch (expected->type) {
  case SPEC_I32: return kind == 'i' && actual.i32 == expected->bits.i32;
  case SPEC_I64: return kind == 'I' && actual.i64 == expected->bits.i64;
  case SPEC_F32: return kind == 'f' && float_matches(actual.f32, expected->bits.f32, expected->nan[0], 32);
  case SPEC_F64: return kind == 'F' && float_matches(actual.f64, expected->bits.f64, expected->nan[0], 64);
  case SPEC_V128: {
    if (kind != 'v')
      return 0;
    unsigned width = expected->lane_width;
    for (unsigned lane = 0; lane < 16 / width; lane++) {
      uint64_t a = lane_bits(actual.v128, lane, width), e = lane_bits(expected->bits.v128, lane, width);
      if (expected->lane_float ? !float_matches(a, e, expected->nan[lane], (int)width * 8) : a != e)
        return 0;
    }
    return 1;
  }
  case SPEC_FUNCREF:
  case SPEC_EXTERNREF:
    if (kind != (expected->type == SPEC_FUNCREF ? 'r' : 'e'))
      return 0;
    switch (expected->ref) {
    case SPEC_REF_NULL: return actual.ref == NULL;
    case SPEC_REF_NON_NULL: return actual.ref != NULL;
    default: return actual.ref == expected->bits.ref;
    }
  case SPEC_REFNULL: return (kind == 'r' || kind == 'e') && actual.ref == NULL;
  case SPEC_NULLFUNCREF: return kind == 'r' && actual.ref == NULL;
  case SPEC_NULLEXTERNREF: return kind == 'e' && actual.ref == NULL;
  case SPEC_EITHER:
    for (uint32_t i = 0; i < expected->num_alternatives; i++)
      if (value_matches(&expected->alternatives[i], kind, actual))
        return 1;
    return 0;
  default: return 0;
  }
}

static void describe(char kind, w2n_value value, char *buffer, size_t size) {
  switch (kind) {
  case 'i': snprintf(buffer, size, "i32 %" PRId32, (int32_t)value.i32); break;
  case 'I': snprintf(buffer, size, "i64 %" PRId64, (int64_t)value.i64); break;
  case 'f': snprintf(buffer, size, "f32 %" PRIu32 " (0x%08" PRIx32 ")", value.f32, value.f32); break;
  case 'F': snprintf(buffer, size, "f64 %" PRIu64 " (0x%016" PRIx64 ")", value.f64, value.f64); break;
  case 'v':
    snprintf(buffer, size, "v128 0x%016" PRIx64 "%016" PRIx64, value.v128.high, value.v128.low);
    break;
  case 'e':
    if (value.ref == NULL)
      snprintf(buffer, size, "externref null");
    else
      snprintf(buffer, size, "externref %" PRIuPTR, (uintptr_t)value.ref - 1);
    break;
  default: snprintf(buffer, size, "funcref %s", value.ref == NULL ? "null" : "(non-null)"); break;
  }
}

static void describe_expected(const spec_command *command, char *buffer, size_t size) {
  size_t used = 0;
  buffer[0] = '\0';
  if (command->num_results == 0)
    snprintf(buffer, size, "no results");
  for (uint32_t i = 0; i < command->num_results && used < size; i++)
    used += (size_t)snprintf(buffer + used, size - used, "%s%s", i ? ", " : "", command->results[i].text);
}

/* Linking -------------------------------------------------------------------------------------- */

static int resolve(void *context, const w2n_import *import, w2n_extern *out) {
  (void)context;
  for (uint32_t i = registered_count; i-- > 0;) {
    if (strcmp(registered[i].name, import->module) != 0)
      continue;
    if (registered[i].instance == NULL) {
      skipped_import = registered[i].reason;
      return 0;
    }
    uint32_t index;
    if (w2n_find_export(registered[i].instance, import->name, import->kind, &index))
      return w2n_get_extern(registered[i].instance, import->kind, index, out) ? 1 : 0;
    for (uint32_t other = 0; other < 4; other++)
      if (other != import->kind && w2n_find_export(registered[i].instance, import->name, other, &index))
        return 1; /* found as another kind: `out` stays empty, an incompatible import */
    return 0;
  }
  if (strcmp(import->module, "spectest") == 0 && spec_host_resolve(host, import, out) != 0)
    return 1;
  return 0;
}

static w2n_instantiate_status instantiate(const w2n_module *module, w2n_instance **instance, w2n_trap_code *trap) {
  *instance = NULL;
  *trap = W2N_TRAP_NONE;
  skipped_import = NULL;
  return w2n_instantiate(module, resolve, NULL, instance, trap);
}

static slot *find_slot(const char *name) {
  if (name == NULL)
    return current >= 0 ? &slots[current] : NULL;
  for (uint32_t i = slot_count; i-- > 0;)
    if (slots[i].name != NULL && strcmp(slots[i].name, name) == 0)
      return &slots[i];
  return NULL;
}

static slot *new_slot(const char *name) {
  if (slot_count == MAX_SLOTS) {
    fprintf(stderr, "spec_driver: more than %d modules\n", MAX_SLOTS);
    exit(2);
  }
  slot *s = &slots[slot_count];
  s->name = name;
  current = (int)slot_count++;
  return s;
}

/* Commands ------------------------------------------------------------------------------------- */

static void run_definition(const spec_command *command) {
  if (definition_count == MAX_SLOTS) {
    failed(command, "a module definition", "too many definitions");
    return;
  }
  definitions[definition_count].name = command->name;
  definitions[definition_count].module = command->module;
  definitions[definition_count].reason = command->reason;
  definitions[definition_count].skipped = command->skip_module;
  definition_count++;
  if (command->module != NULL)
    passed(command);
  else if (command->skip_module)
    skipped(command, command->reason);
  else
    failed(command, "a compiled module", command->reason);
}

/* Instantiates `module` (NULL: not compiled, because `text`) into a new slot named `name`. */
static void instantiate_into_slot(const spec_command *command, const char *name, const w2n_module *module,
                                  const char *text, int skip) {
  slot *s = new_slot(name);
  if (module == NULL) {
    s->reason = text;
    s->skipped = skip;
    if (s->skipped)
      skipped(command, text);
    else
      failed(command, "a compiled module", text);
    return;
  }
  w2n_instance *instance;
  w2n_trap_code trap;
  w2n_instantiate_status status = instantiate(module, &instance, &trap);
  static char reasons[MAX_SLOTS][160];
  char *reason = reasons[s - slots];
  if (status == W2N_INSTANTIATE_OK) {
    s->instance = instance;
    passed(command);
  } else if (status == W2N_INSTANTIATE_TRAP) {
    snprintf(reason, 160, "instantiation trapped: %s", w2n_trap_message(trap));
    s->reason = reason;
    failed(command, "an instance", reason);
  } else if (status == W2N_INSTANTIATE_UNKNOWN_IMPORT && skipped_import != NULL) {
    snprintf(reason, 160, "%s", skipped_import); /* the skipped registration's reason, as the native engine reports it */
    s->reason = reason;
    s->skipped = 1;
    skipped(command, reason);
  } else {
    snprintf(reason, 160, "instantiation failed: %s", w2n_instantiate_error());
    s->reason = reason;
    failed(command, "an instance", reason);
  }
}

static void run_module(const spec_command *command) {
  instantiate_into_slot(command, command->name, command->module, command->reason, command->skip_module);
}

static void run_instance(const spec_command *command) {
  for (uint32_t i = definition_count; i-- > 0;) {
    if (command->name != NULL && definitions[i].name != NULL && strcmp(definitions[i].name, command->name) == 0) {
      instantiate_into_slot(command, command->as, definitions[i].module, definitions[i].reason, definitions[i].skipped);
      return;
    }
  }
  new_slot(command->as)->reason = "no such module definition";
  failed(command, "a module definition", "no such module definition");
}

static void run_register(const spec_command *command) {
  slot *s = find_slot(command->name);
  if (s == NULL) {
    failed(command, "an instance to register", "no such module");
  } else if (registered_count == MAX_REGISTERED) {
    failed(command, "an instance to register", "too many registrations");
  } else if (s->instance == NULL) {
    if (s->skipped) {
      /* Remember the namespace: modules importing from it are skipped too. */
      registered[registered_count].name = command->as;
      registered[registered_count].instance = NULL;
      registered[registered_count].reason = s->reason;
      registered_count++;
      skipped(command, s->reason);
    } else {
      failed(command, "an instance to register", s->reason);
    }
  } else {
    registered[registered_count].name = command->as;
    registered[registered_count].instance = s->instance;
    registered[registered_count].reason = NULL;
    registered_count++;
    passed(command);
  }
}

static void run_failing_instantiation(const spec_command *command) {
  int unlinkable = command->type == SPEC_CMD_ASSERT_UNLINKABLE;
  char expected[256];
  snprintf(expected, sizeof expected, "%s: %s", unlinkable ? "unlinkable" : "trap", command->text);
  if (command->module == NULL) {
    if (command->skip_module)
      skipped(command, command->reason);
    else
      failed(command, expected, command->reason);
    return;
  }
  w2n_instance *instance;
  w2n_trap_code trap;
  w2n_instantiate_status status = instantiate(command->module, &instance, &trap);
  char got[256];
  if (status == W2N_INSTANTIATE_UNKNOWN_IMPORT && skipped_import != NULL) {
    snprintf(got, sizeof got, "%s", skipped_import);
    skipped(command, got);
    return;
  }
  switch (status) {
  case W2N_INSTANTIATE_OK: failed(command, expected, "instantiated"); break;
  case W2N_INSTANTIATE_UNKNOWN_IMPORT:
  case W2N_INSTANTIATE_INCOMPATIBLE_IMPORT:
    if (!unlinkable) {
      snprintf(got, sizeof got, "unlinkable: %s", w2n_instantiate_error());
      failed(command, expected, got);
    } else if (strstr(w2n_instantiate_error(), command->text) == NULL) {
      mismatch(command, command->text, w2n_instantiate_error());
    } else {
      passed(command);
    }
    break;
  case W2N_INSTANTIATE_TRAP: {
    const char *message = w2n_trap_message(trap);
    size_t length = strlen(message);
    if (unlinkable) {
      snprintf(got, sizeof got, "trap: %s", message);
      failed(command, expected, got);
    } else if (strncmp(message, command->text, strlen(command->text)) == 0) {
      passed(command);
    } else if (strncmp(command->text, message, length) == 0 && command->text[length] == ' ') {
      mismatch(command, command->text, message);
    } else {
      snprintf(got, sizeof got, "trap: %s", message);
      failed(command, expected, got);
    }
    break;
  }
  default: failed(command, expected, w2n_instantiate_error()); break;
  }
}

/* The kind character of a value argument, for checking it against the signature. */
static int argument_fits(const spec_value *value, char kind) {
  switch (value->type) {
  case SPEC_I32: return kind == 'i';
  case SPEC_I64: return kind == 'I';
  case SPEC_F32: return kind == 'f';
  case SPEC_F64: return kind == 'F';
  case SPEC_V128: return kind == 'v';
  case SPEC_FUNCREF: return kind == 'r';
  case SPEC_EXTERNREF: return kind == 'e';
  case SPEC_REFNULL: return kind == 'r' || kind == 'e';
  default: return 0;
  }
}

static void run_action(const spec_command *command) {
  char expected[512];
  if (command->type == SPEC_CMD_ASSERT_RETURN)
    describe_expected(command, expected, sizeof expected);
  else if (command->type == SPEC_CMD_ACTION)
    snprintf(expected, sizeof expected, "no trap");
  else
    snprintf(expected, sizeof expected, "trap: %s", command->text);

  slot *s = find_slot(command->name);
  if (s == NULL) {
    failed(command, expected, "no such module");
    return;
  }
  if (s->instance == NULL) {
    if (s->skipped)
      skipped(command, s->reason);
    else
      failed(command, expected, s->reason);
    return;
  }
  if (command->unsupported) {
    skipped(command, command->reason);
    return;
  }
  w2n_instance *instance = s->instance;
  w2n_value results[MAX_VALUES];
  char kinds[MAX_VALUES];
  uint32_t count = 0;
  uint32_t index;
  char got[512];

  if (command->get) {
    w2n_extern found;
    memset(&found, 0, sizeof found);
    if (!w2n_find_export_bytes(instance, command->field, command->field_length, W2N_EXTERN_GLOBAL, &index) ||
        !w2n_get_extern(instance, W2N_EXTERN_GLOBAL, index, &found) || found.global == NULL) {
      failed(command, expected, "no such exported global");
      return;
    }
    results[0] = *found.global;
    switch (found.global_type.kind) {
    case W2N_KIND_I32: kinds[0] = 'i'; break;
    case W2N_KIND_I64: kinds[0] = 'I'; break;
    case W2N_KIND_F32: kinds[0] = 'f'; break;
    case W2N_KIND_F64: kinds[0] = 'F'; break;
    case W2N_KIND_V128: kinds[0] = 'v'; break;
    case W2N_KIND_EXTERNREF: kinds[0] = 'e'; break;
    default: kinds[0] = 'r'; break;
    }
    count = 1;
  } else {
    if (!w2n_find_export_bytes(instance, command->field, command->field_length, W2N_EXTERN_FUNC, &index)) {
      failed(command, expected, "no such exported function");
      return;
    }
    const w2n_module *module = instance->module;
    const char *signature = module->types[module->functions[index].type_index].signature;
    const char *colon = strchr(signature, ':');
    uint32_t num_params = (uint32_t)(colon - signature);
    if (num_params != command->num_args || strlen(colon + 1) > MAX_VALUES) {
      snprintf(got, sizeof got, "signature %s for %" PRIu32 " arguments", signature, command->num_args);
      failed(command, expected, got);
      return;
    }
    w2n_value args[MAX_VALUES + 1];
    for (uint32_t i = 0; i < num_params; i++) {
      if (!argument_fits(&command->args[i], signature[i])) {
        snprintf(got, sizeof got, "argument %" PRIu32 " (%s) does not fit signature %s", i, command->args[i].text,
                 signature);
        failed(command, expected, got);
        return;
      }
      args[i] = command->args[i].bits;
    }
    count = (uint32_t)strlen(colon + 1);
    memcpy(kinds, colon + 1, count);
    memset(results, 0, sizeof results);
    w2n_trap_code trap = w2n_invoke(instance, index, args, results);
    if (trap != W2N_TRAP_NONE) {
      const char *message = w2n_trap_message(trap);
      if (command->type == SPEC_CMD_ASSERT_TRAP || command->type == SPEC_CMD_ASSERT_EXHAUSTION) {
        size_t length = strlen(message);
        if (strncmp(message, command->text, strlen(command->text)) == 0)
          passed(command);
        else if (strncmp(command->text, message, length) == 0 && command->text[length] == ' ')
          mismatch(command, command->text, message);
        else {
          snprintf(got, sizeof got, "trap: %s", message);
          failed(command, expected, got);
        }
      } else {
        snprintf(got, sizeof got, "trap: %s", message);
        failed(command, expected, got);
      }
      return;
    }
  }

  switch (command->type) {
  case SPEC_CMD_ASSERT_RETURN: {
    int ok = count == command->num_results;
    for (uint32_t i = 0; ok && i < count; i++)
      ok = value_matches(&command->results[i], kinds[i], results[i]);
    if (ok) {
      passed(command);
      return;
    }
    size_t used = 0;
    got[0] = '\0';
    if (count == 0)
      snprintf(got, sizeof got, "no results");
    for (uint32_t i = 0; i < count && used < sizeof got - 1; i++) {
      char one[96];
      describe(kinds[i], results[i], one, sizeof one);
      used += (size_t)snprintf(got + used, sizeof got - used, "%s%s", i ? ", " : "", one);
    }
    failed(command, expected, got);
    return;
  }
  case SPEC_CMD_ASSERT_TRAP:
  case SPEC_CMD_ASSERT_EXHAUSTION: failed(command, expected, "returned"); return;
  default: passed(command); return;
  }
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  host = spec_host_new(0);
  if (host == NULL) {
    fprintf(stderr, "spec_driver: cannot create the spectest module\n");
    return 2;
  }
  for (uint32_t i = 0; i < spec_command_count; i++) {
    const spec_command *command = &spec_commands[i];
    switch (command->type) {
    case SPEC_CMD_MODULE: run_module(command); break;
    case SPEC_CMD_REGISTER: run_register(command); break;
    case SPEC_CMD_ASSERT_UNLINKABLE:
    case SPEC_CMD_ASSERT_UNINSTANTIABLE: run_failing_instantiation(command); break;
    case SPEC_CMD_SKIP: skipped(command, command->text); break;
    case SPEC_CMD_MODULE_DEFINITION: run_definition(command); break;
    case SPEC_CMD_MODULE_INSTANCE: run_instance(command); break;
    default: run_action(command); break;
    }
  }
  printf("E %" PRIu32 "\n", spec_command_count);
  return 0;
}
