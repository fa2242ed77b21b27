/* Trap messages: the spec's own strings, as assert_trap expects them. */
#include "w2n_runtime.h"

const char *w2n_trap_message(w2n_trap_code code) {
  switch (code) {
    case W2N_TRAP_NONE: return "no trap";
    case W2N_TRAP_UNREACHABLE: return "unreachable";
    case W2N_TRAP_OUT_OF_BOUNDS_MEMORY: return "out of bounds memory access";
    case W2N_TRAP_INTEGER_DIVIDE_BY_ZERO: return "integer divide by zero";
    case W2N_TRAP_INTEGER_OVERFLOW: return "integer overflow";
    case W2N_TRAP_INVALID_CONVERSION: return "invalid conversion to integer";
    case W2N_TRAP_INDIRECT_CALL_TYPE_MISMATCH: return "indirect call type mismatch";
    case W2N_TRAP_UNDEFINED_ELEMENT: return "undefined element";
    case W2N_TRAP_UNINITIALIZED_ELEMENT: return "uninitialized element";
    case W2N_TRAP_OUT_OF_BOUNDS_TABLE: return "out of bounds table access";
    case W2N_TRAP_CALL_STACK_EXHAUSTED: return "call stack exhausted";
    case W2N_TRAP_NULL_REFERENCE: return "null reference";
    case W2N_TRAP_HOST: return "host function failed";
    case W2N_TRAP_EXIT: return "exit";
    case W2N_TRAP_UNRESOLVED_IMPORT: return "unresolved import called";
    case W2N_TRAP_COUNT: break;
  }
  return "unknown trap";
}
