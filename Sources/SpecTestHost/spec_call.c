/*
 * spec_call.c: calls into compiled modules that survive faults and hangs of generated code.
 *
 * RuntimeSupport turns the faults it understands into traps (an access inside a memory
 * reservation, native stack exhaustion) and chains every other fault to the handler installed
 * before its own. spec_calls_install puts this file's handler in that place, so the chain is:
 * RuntimeSupport's handler, then ours, then the one before (the harness's CrashGuard, which
 * reports and dies). Ours acts only while the calling thread is inside spec_call_invoke or
 * spec_call_instantiate: it records the signal, the fault address and the pc in the caller's
 * spec_fault and calls w2n_trap(W2N_TRAP_HOST), which unwinds to the innermost guarded call:
 * RuntimeSupport's own (inside w2n_invoke / during initialization) or the outer one this file
 * wraps around every call. SIGILL, SIGFPE and SIGTRAP, which RuntimeSupport does not handle, go
 * to our handler directly. A per-thread POSIX timer (SIGALRM, sent to this thread only) ends a
 * call that runs longer than the time limit the same way.
 *
 * The "inside a call" flag is set and cleared inside the outer guarded frame, so a late signal
 * can never unwind to a frame that has returned.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif

#include "spec_host.h"

#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

static _Thread_local volatile sig_atomic_t in_call;
static _Thread_local spec_fault *volatile current_fault;
static _Thread_local int timer_created;
static _Thread_local timer_t call_timer;

static double call_timeout;
static struct sigaction previous_actions[NSIG];
static const int fault_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP};

const char *spec_signal_name(int signal_number) {
  switch (signal_number) {
    case SIGSEGV: return "SIGSEGV";
    case SIGBUS: return "SIGBUS";
    case SIGILL: return "SIGILL";
    case SIGFPE: return "SIGFPE";
    case SIGTRAP: return "SIGTRAP";
    case SIGALRM: return "SIGALRM";
    default: return "signal";
  }
}

int spec_describe_address(uintptr_t address, char *buffer, size_t size) {
  Dl_info info;
  if (address == 0 || dladdr((void *)address, &info) == 0 || info.dli_fbase == NULL)
    return 0;
  const char *file = info.dli_fname != NULL ? info.dli_fname : "?";
  const char *slash = strrchr(file, '/');
  if (slash != NULL)
    file = slash + 1;
  int length = snprintf(buffer, size, "%s+0x%lx", file, (unsigned long)(address - (uintptr_t)info.dli_fbase));
  if (info.dli_sname != NULL && info.dli_saddr != NULL && length > 0 && (size_t)length < size)
    snprintf(buffer + length, size - (size_t)length, " (%s+0x%lx)", info.dli_sname,
             (unsigned long)(address - (uintptr_t)info.dli_saddr));
  return 1;
}

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

/* A signal outside spec calls: the handler installed before ours, or the default action. */
static void chain(int signal_number, siginfo_t *info, void *context) {
  const struct sigaction *previous = &previous_actions[signal_number];
  if ((previous->sa_flags & SA_SIGINFO) && previous->sa_sigaction != NULL) {
    previous->sa_sigaction(signal_number, info, context);
    return;
  }
  if (!(previous->sa_flags & SA_SIGINFO) && previous->sa_handler != SIG_DFL && previous->sa_handler != SIG_IGN) {
    previous->sa_handler(signal_number);
    return;
  }
  if (previous->sa_handler == SIG_IGN)
    return;
  struct sigaction default_action;
  memset(&default_action, 0, sizeof default_action);
  default_action.sa_handler = SIG_DFL;
  sigemptyset(&default_action.sa_mask);
  sigaction(signal_number, &default_action, NULL);
  raise(signal_number); /* pending until the handler returns, then the default action */
}

static void recovery_handler(int signal_number, siginfo_t *info, void *context) {
  spec_fault *fault = current_fault;
  if (in_call && fault != NULL) {
    in_call = 0;
    fault->kind = signal_number == SIGALRM ? SPEC_FAULT_TIMEOUT : SPEC_FAULT_SIGNAL;
    fault->signal_number = signal_number;
    fault->address = signal_number == SIGALRM ? 0 : (uintptr_t)info->si_addr;
    fault->pc = context_pc(context);
    w2n_trap(W2N_TRAP_HOST);
  }
  if (signal_number == SIGALRM)
    return; /* a timer that fired after its call ended */
  chain(signal_number, info, context);
}

void spec_calls_install(double timeout_seconds) {
  static int installed;
  call_timeout = timeout_seconds;
  if (installed)
    return;
  installed = 1;
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_sigaction = recovery_handler;
  action.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&action.sa_mask);
  for (size_t i = 0; i < sizeof fault_signals / sizeof fault_signals[0]; i++)
    sigaction(fault_signals[i], &action, &previous_actions[fault_signals[i]]);
  sigaction(SIGALRM, &action, &previous_actions[SIGALRM]);
  /* RuntimeSupport installs its SIGSEGV/SIGBUS handler now, with ours as the one it chains to. */
  (void)w2n_thread_stack_limit();
}

static void arm_timer(void) {
  if (call_timeout <= 0)
    return;
  if (!timer_created) {
    struct sigevent event;
    memset(&event, 0, sizeof event);
    event.sigev_notify = SIGEV_THREAD_ID;
    event.sigev_signo = SIGALRM;
    event._sigev_un._tid = gettid();
    if (timer_create(CLOCK_MONOTONIC, &event, &call_timer) != 0)
      return;
    timer_created = 1;
  }
  struct itimerspec spec;
  memset(&spec, 0, sizeof spec);
  spec.it_value.tv_sec = (time_t)call_timeout;
  spec.it_value.tv_nsec = (long)((call_timeout - (double)(time_t)call_timeout) * 1e9);
  timer_settime(call_timer, 0, &spec, NULL);
}

static void disarm_timer(void) {
  if (!timer_created)
    return;
  struct itimerspec spec;
  memset(&spec, 0, sizeof spec);
  timer_settime(call_timer, 0, &spec, NULL);
}

/* Invocation --------------------------------------------------------------------------------- */

typedef struct invoke_request {
  uint32_t function_index;
  const w2n_value *args;
  w2n_value *results;
  spec_fault *fault;
  w2n_trap_code code;
} invoke_request;

static void invoke_body(w2n_instance *instance, void *data) {
  invoke_request *request = data;
  current_fault = request->fault;
  in_call = 1;
  request->code = w2n_invoke(instance, request->function_index, request->args, request->results);
  in_call = 0;
}

w2n_trap_code spec_call_invoke(w2n_instance *instance, uint32_t function_index, const w2n_value *args,
                               w2n_value *results, spec_fault *fault) {
  memset(fault, 0, sizeof *fault);
  invoke_request request = {function_index, args, results, fault, W2N_TRAP_NONE};
  arm_timer();
  w2n_trap_code outer = w2n_run_guarded(instance, invoke_body, &request);
  in_call = 0;
  disarm_timer();
  current_fault = NULL;
  return outer != W2N_TRAP_NONE ? outer : request.code;
}

/* Instantiation ------------------------------------------------------------------------------ */

typedef struct instantiate_request {
  const w2n_module *module;
  w2n_import_resolver resolver;
  void *context;
  w2n_instance **out;
  w2n_trap_code *trap;
  spec_fault *fault;
  w2n_instantiate_status status;
} instantiate_request;

static void instantiate_body(w2n_instance *instance, void *data) {
  (void)instance;
  instantiate_request *request = data;
  current_fault = request->fault;
  in_call = 1;
  request->status = w2n_instantiate(request->module, request->resolver, request->context, request->out, request->trap);
  in_call = 0;
}

w2n_instantiate_status spec_call_instantiate(const w2n_module *module, w2n_import_resolver resolver, void *context,
                                             w2n_instance **out, w2n_trap_code *trap, spec_fault *fault) {
  memset(fault, 0, sizeof *fault);
  *out = NULL;
  *trap = W2N_TRAP_NONE;
  instantiate_request request = {module, resolver, context, out, trap, fault, W2N_INSTANTIATE_OK};
  arm_timer();
  w2n_trap_code outer = w2n_run_guarded(NULL, instantiate_body, &request);
  in_call = 0;
  disarm_timer();
  current_fault = NULL;
  if (outer != W2N_TRAP_NONE) {
    *out = NULL;
    *trap = outer;
    return W2N_INSTANTIATE_TRAP;
  }
  return request.status;
}
