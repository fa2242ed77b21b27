/*
 * w2n_trap.c: traps and guarded calls.
 *
 * Each thread keeps a chain of active guards (w2n_run_guarded frames, innermost first). w2n_trap
 * siglongjmps to the innermost one with the trap code; sigsetjmp(..., 1) saves the signal mask
 * so that leaving a signal handler this way unblocks the signal again. Without an active guard,
 * w2n_trap prints the trap and exits with W2N_EXIT_TRAP (134): _exit rather than abort(), whose
 * SIGABRT a container's PID 1 would ignore.
 *
 * Memory faults: a SIGSEGV/SIGBUS handler, installed once per process, runs on a per-thread
 * alternate stack (set up by the thread's first guarded call). On a thread inside a guarded call,
 * a fault address inside a live memory reservation becomes "out of bounds memory access", one in
 * or just below the thread's stack becomes "call stack exhausted"; every other fault goes to the
 * handler that was installed before ours, or to the default action (the fault repeats and kills).
 * The handler only reads thread-locals and the lock-free reservation registry, then siglongjmps.
 *
 * Stack exhaustion: the first guarded call of a thread also computes w2n_stack_limit (stack bottom
 * plus W2N_STACK_HEADROOM, at most a quarter of the stack) for generated code that checks its
 * stack pointer; the guard page stays the backstop.
 */
#include "w2n_internal.h"

#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

/* Faults this far below the lowest stack address still count as stack exhaustion (a frame larger
 * than the guard page jumps over it). */
#define W2N_STACK_FAULT_SLACK ((uintptr_t)1 << 20)

typedef struct w2n_guard {
  sigjmp_buf env;
  struct w2n_guard *outer;
} w2n_guard;

typedef struct w2n_thread_state {
  w2n_guard *guard; /* innermost active guarded call, NULL outside */
  int initialized;
  uintptr_t stack_low, stack_high;
  uintptr_t trap_pc; /* code address of the last trap, 0 when unknown */
} w2n_thread_state;

static _Thread_local w2n_thread_state thread_state;
_Thread_local uintptr_t w2n_stack_limit;

static pthread_once_t handlers_once = PTHREAD_ONCE_INIT;
static pthread_key_t altstack_key;
static struct sigaction previous_segv, previous_bus;

/* Traps --------------------------------------------------------------------------------------- */

void w2n_trap_at(w2n_trap_code code, uintptr_t pc) {
  if (code == W2N_TRAP_NONE || code >= W2N_TRAP_COUNT)
    code = W2N_TRAP_HOST;
  thread_state.trap_pc = pc;
  w2n_guard *guard = thread_state.guard;
  if (guard == NULL) {
    w2n_os_write_stderr("wasm2native: trap: ");
    w2n_os_write_stderr(w2n_trap_message(code));
    w2n_os_write_stderr(" (outside any guarded call)\n");
    _exit(W2N_EXIT_TRAP);
  }
  siglongjmp(guard->env, (int)code);
}

void w2n_trap(w2n_trap_code code) {
  /* The return address may be the first byte after the caller; step back into the call. */
  w2n_trap_at(code, W2N_CALLER_PC() - 1);
}

/* The fault handler ----------------------------------------------------------------------- */

static uintptr_t context_pc(void *context) {
  ucontext_t *ucontext = context;
#if defined(__x86_64__)
  return (uintptr_t)ucontext->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
  return (uintptr_t)ucontext->uc_mcontext.pc;
#else
  (void)ucontext;
  return 0;
#endif
}

/* Passes a fault that is not a trap to the handler installed before ours, or to the default
 * action: reset it and return, so that the faulting instruction runs again and kills. */
static void chain_fault(int signal_number, siginfo_t *info, void *context) {
  const struct sigaction *previous = signal_number == SIGSEGV ? &previous_segv : &previous_bus;
  if ((previous->sa_flags & SA_SIGINFO) && previous->sa_sigaction != NULL) {
    previous->sa_sigaction(signal_number, info, context);
    return;
  }
  if (!(previous->sa_flags & SA_SIGINFO) && previous->sa_handler != SIG_DFL) {
    if (previous->sa_handler == SIG_IGN) {
      if (info->si_code <= 0)
        return; /* sent by kill(): ignoring it is what the process asked for */
    } else {
      previous->sa_handler(signal_number);
      return;
    }
  }
  struct sigaction default_action;
  memset(&default_action, 0, sizeof default_action);
  default_action.sa_handler = SIG_DFL;
  sigemptyset(&default_action.sa_mask);
  sigaction(signal_number, &default_action, NULL);
  if (info->si_code <= 0)
    raise(signal_number); /* pending until the handler returns */
}

static void fault_handler(int signal_number, siginfo_t *info, void *context) {
  w2n_guard *guard = thread_state.guard;
  if (guard != NULL && info->si_code > 0) {
    uintptr_t address = (uintptr_t)info->si_addr;
    w2n_trap_code code = W2N_TRAP_NONE;
    if (w2n_reservation_contains(address))
      code = W2N_TRAP_OUT_OF_BOUNDS_MEMORY;
    else if (thread_state.stack_high != 0 && address < thread_state.stack_high &&
             address + W2N_STACK_FAULT_SLACK >= thread_state.stack_low)
      code = W2N_TRAP_CALL_STACK_EXHAUSTED;
    if (code != W2N_TRAP_NONE) {
      thread_state.trap_pc = context_pc(context);
      siglongjmp(guard->env, (int)code);
    }
  }
  chain_fault(signal_number, info, context);
}

/* Per-thread setup ------------------------------------------------------------------------ */

static size_t altstack_size(void) {
  size_t size = 64u << 10;
  size_t minimum = (size_t)SIGSTKSZ * 4; /* SIGSTKSZ may be sysconf(_SC_SIGSTKSZ) on glibc */
  return minimum > size ? minimum : size;
}

static size_t page_size(void) {
  long size = sysconf(_SC_PAGESIZE);
  return size > 0 ? (size_t)size : 4096;
}

/* Thread exit: disable and free the alternate stack (mapped with a guard page below it). */
static void free_altstack(void *stack) {
  stack_t disable;
  memset(&disable, 0, sizeof disable);
  disable.ss_flags = SS_DISABLE;
  sigaltstack(&disable, NULL);
  munmap((char *)stack - page_size(), altstack_size() + page_size());
}

static void install_handlers(void) {
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_sigaction = fault_handler;
  action.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&action.sa_mask);
  sigaction(SIGSEGV, &action, &previous_segv);
  sigaction(SIGBUS, &action, &previous_bus);
  pthread_key_create(&altstack_key, free_altstack);
}

/* Gives the thread an alternate signal stack unless it already has a large enough one. */
static void install_altstack(void) {
  stack_t current;
  size_t size = altstack_size();
  if (sigaltstack(NULL, &current) == 0 && !(current.ss_flags & SS_DISABLE) && current.ss_size >= size)
    return;
  size_t guard = page_size();
  char *mapping = mmap(NULL, size + guard, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapping == MAP_FAILED)
    return;
  mprotect(mapping, guard, PROT_NONE);
  stack_t stack;
  memset(&stack, 0, sizeof stack);
  stack.ss_sp = mapping + guard;
  stack.ss_size = size;
  if (sigaltstack(&stack, NULL) != 0) {
    munmap(mapping, size + guard);
    return;
  }
  pthread_setspecific(altstack_key, mapping + guard);
}

void w2n_thread_init(void) {
  w2n_thread_state *state = &thread_state;
  if (state->initialized)
    return;
  pthread_once(&handlers_once, install_handlers);
  install_altstack();
  uintptr_t low, high;
  if (w2n_os_thread_stack(&low, &high) == 0 && high > low) {
    uintptr_t headroom = (high - low) / 4;
    if (headroom > W2N_STACK_HEADROOM)
      headroom = W2N_STACK_HEADROOM;
    state->stack_low = low;
    state->stack_high = high;
    w2n_stack_limit = low + headroom;
  }
  state->initialized = 1;
}

uintptr_t w2n_thread_stack_limit(void) {
  w2n_thread_init();
  return w2n_stack_limit;
}

/* Guarded calls --------------------------------------------------------------------------- */

w2n_trap_code w2n_run_guarded(w2n_instance *instance, void (*body)(w2n_instance *, void *), void *data) {
  if (!thread_state.initialized)
    w2n_thread_init();
  w2n_guard guard;
  guard.outer = thread_state.guard;
  int code = sigsetjmp(guard.env, 1);
  if (code == 0) {
    thread_state.guard = &guard;
    body(instance, data);
    thread_state.guard = guard.outer;
    return W2N_TRAP_NONE;
  }
  thread_state.guard = guard.outer;
  return (w2n_trap_code)code;
}

int w2n_last_trap_function(const w2n_instance *instance, uint32_t *function_index) {
  uintptr_t pc = thread_state.trap_pc;
  if (instance == NULL || instance->module == NULL || pc == 0)
    return 0;
  /* The function whose start is the closest below `pc`, provided another function starts above
   * it. `initialize` and `invoke` (generated next to the functions) count as starts too, so that
   * a trap in them is attributed to none. */
  const w2n_module *module = instance->module;
  uintptr_t best_start = 0, next_start = UINTPTR_MAX;
  int64_t best = -1;
  for (int64_t i = -2; i < (int64_t)module->num_functions; i++) {
    uintptr_t start = i == -2   ? (uintptr_t)module->initialize
                      : i == -1 ? (uintptr_t)module->invoke
                                : (uintptr_t)module->functions[i].code;
    if (start == 0)
      continue;
    if (start <= pc && start >= best_start) {
      best_start = start;
      best = i;
    } else if (start > pc && start < next_start) {
      next_start = start;
    }
  }
  if (best < 0 || next_start == UINTPTR_MAX)
    return 0;
  *function_index = (uint32_t)best;
  return 1;
}
