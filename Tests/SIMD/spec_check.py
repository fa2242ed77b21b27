#!/usr/bin/env python3
"""The SIMD spec tests, natively: every assert_return / assert_trap of the converted simd_*.wast files.

Each module of a simd_*.json file (the cache of `w2n-dev spectest`, .build-spec/wast/) is compiled
with `wasm2native --emit-obj`, linked statically (zig cc, musl: the libm of real executables) with
RuntimeSupport and a generated C driver that instantiates it (w2n_instantiate), calls the exports
(w2n_invoke) and compares the results bit for bit; NaN lanes expected as nan:canonical or
nan:arithmetic are checked as such. aarch64 runs under qemu-aarch64-static.

  Tests/SIMD/spec_check.py [--target x86_64-linux|aarch64-linux] [--flags="-O0 --cpu native"] [GLOB ...]

GLOB selects json files below .build-spec/wast (default simd_*/*.json). Prints one line per
failing module (with its first failures) and a summary; exits 1 when a test fails.
Environment: W2N_WASM2NATIVE (default .build/release/wasm2native), W2N_SPEC_CACHE (.build-spec/wast).
A stopgap beside the native spec harness: small, SIMD-only, bit-exact, cross-target.
"""
import argparse
import concurrent.futures
import glob
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RUNTIME = os.path.join(ROOT, 'Sources', 'RuntimeSupport')
LANES = {'i8': 8, 'i16': 16, 'i32': 32, 'i64': 64, 'f32': 32, 'f64': 64}

DRIVER_PRELUDE = r'''
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include "w2n_runtime.h"
static int passed, failed, line;
/* nan: 0 exact bits, 1 nan:canonical, 2 nan:arithmetic */
static int lane(uint64_t got, uint64_t want, int bits, int nan) {
  uint64_t exponent = bits == 32 ? 0x7f800000ull : 0x7ff0000000000000ull;
  uint64_t fraction = bits == 32 ? 0x007fffffull : 0x000fffffffffffffull;
  uint64_t quiet = bits == 32 ? 0x00400000ull : 0x0008000000000000ull;
  int good = nan == 1 ? (got & exponent) == exponent && (got & fraction) == quiet
           : nan == 2 ? (got & exponent) == exponent && (got & quiet) != 0
           : got == want;
  if (!good)
    fprintf(stderr, "  line %d: got 0x%llx, want %s0x%llx\n", line, (unsigned long long)got,
            nan == 1 ? "nan:canonical " : nan == 2 ? "nan:arithmetic " : "", (unsigned long long)want);
  return good;
}
static void report(int ok, const char *what) {
  if (ok) passed++; else { failed++; fprintf(stderr, "FAIL line %d: %s\n", line, what); }
}
'''


def c_string(text):
    return '"' + ''.join('\\%03o' % b for b in text.encode()) + '"'


def bits_of(value, bits):
    return int(value) & ((1 << bits) - 1)


def mask(bits):
    return '0x%xull' % ((1 << bits) - 1)


def argument(value):
    """A C initializer of w2n_value, or None when the harness cannot express the value."""
    kind = value['type']
    if kind in ('i32', 'f32'):
        return '{.i32 = %uu}' % bits_of(value['value'], 32)
    if kind in ('i64', 'f64'):
        return '{.i64 = %uull}' % bits_of(value['value'], 64)
    if kind == 'v128':
        bits = LANES[value['lane_type']]
        whole = 0
        for i, lane in enumerate(value['value']):
            whole |= bits_of(lane, bits) << (i * bits)
        return '{.v128 = {%uull, %uull}}' % (whole & (2**64 - 1), whole >> 64)
    return None


def lane_check(expression, expected, bits, is_float):
    if is_float and expected == 'nan:canonical':
        return 'ok &= lane(%s, 0, %d, 1);' % (expression, bits)
    if is_float and expected == 'nan:arithmetic':
        return 'ok &= lane(%s, 0, %d, 2);' % (expression, bits)
    return 'ok &= lane(%s, %uull, %d, 0);' % (expression, bits_of(expected, bits), bits)


def result_checks(expected, index):
    """C statements checking results[index], or None when unsupported."""
    kind = expected['type']
    result = 'results[%d]' % index
    if kind in ('i32', 'i64', 'f32', 'f64'):
        bits = 32 if kind in ('i32', 'f32') else 64
        return [lane_check('(%s.i64 & %s)' % (result, mask(bits)), expected['value'], bits, kind[0] == 'f')]
    if kind == 'v128':
        bits = LANES[expected['lane_type']]
        checks = []
        for i, value in enumerate(expected['value']):
            word = '%s.v128.%s' % (result, 'low' if i * bits < 64 else 'high')
            lane = '((%s >> %d) & %s)' % (word, (i * bits) % 64, mask(bits))
            checks.append(lane_check(lane, value, bits, expected['lane_type'][0] == 'f'))
        return checks
    return None


def driver(tests):
    """The C driver of one module, and how many tests it skips."""
    out = [DRIVER_PRELUDE, 'int main(void) {',
           '  w2n_instance *instance = 0; w2n_trap_code trap = 0;',
           '  if (w2n_instantiate(&w2n_main_module, 0, 0, &instance, &trap) != W2N_INSTANTIATE_OK) {',
           '    fprintf(stderr, "instantiation failed: %s\\n", w2n_instantiate_error()); return 2; }']
    skipped = 0
    for command in tests:
        action = command['action']
        arguments = [argument(a) for a in action['args']]
        checks = []
        if command['type'] == 'assert_return':
            for i, expected in enumerate(command['expected']):
                check = result_checks(expected, i)
                checks = None if check is None or checks is None else checks + check
        if None in arguments or checks is None:
            skipped += 1
            continue
        out.append('  { line = %d; uint32_t f; w2n_value args[%d] = {%s}; w2n_value results[16]; int ok = 1;'
                   % (command['line'], max(1, len(arguments)), ', '.join(arguments) or '{0}'))
        out.append('    if (!w2n_find_export(instance, %s, W2N_EXTERN_FUNC, &f)) report(0, "no such export"); else {'
                   % c_string(action['field']))
        out.append('    w2n_trap_code code = w2n_invoke(instance, f, args, results);')
        if command['type'] == 'assert_return':
            out.append('    if (code) { fprintf(stderr, "  trap: %s\\n", w2n_trap_message(code)); ok = 0; }')
            out.append('    else { ' + ' '.join(checks) + ' }')
            out.append('    report(ok, %s); }}' % c_string(action['field']))
        else:
            text = c_string(command['text'])
            out.append('    if (!code) ok = 0; else if (!strstr(w2n_trap_message(code), %s)) {' % text)
            out.append('      ok = 0; fprintf(stderr, "  trap: %s\\n", w2n_trap_message(code)); }')
            out.append('    report(ok, %s); }}' % c_string(action['field'] + ' (trap)'))
    out.append('  printf("%d %d\\n", passed, failed); return 0; }')
    return '\n'.join(out), skipped


def run(command, **options):
    return subprocess.run(command, capture_output=True, text=True, **options)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--target', default='x86_64-linux', choices=['x86_64-linux', 'aarch64-linux'])
    parser.add_argument('--flags', default='', help='extra wasm2native options, e.g. "-O0 --cpu native"')
    parser.add_argument('globs', nargs='*', default=['simd_*/*.json'])
    options = parser.parse_args()

    compiler = os.environ.get('W2N_WASM2NATIVE', os.path.join(ROOT, '.build/release/wasm2native'))
    cache = os.environ.get('W2N_SPEC_CACHE', os.path.join(ROOT, '.build-spec/wast'))
    zig = os.environ.get('W2N_ZIG', 'zig')
    arch = options.target.split('-')[0]
    work = os.path.join(ROOT, '.build-simd-test', 'spec-' + arch)
    os.makedirs(work, exist_ok=True)
    runner = ['qemu-aarch64-static'] if arch == 'aarch64' else []
    cc = [zig, 'cc', '--target=%s-linux-musl' % arch]

    # RuntimeSupport for the target (without its executable main).
    runtime_objects = []
    for source in sorted(glob.glob(os.path.join(RUNTIME, '*.c')) + glob.glob(os.path.join(RUNTIME, 'wasi', '*.c'))):
        if os.path.basename(source) == 'w2n_main.c':
            continue
        obj = os.path.join(work, 'rt_' + os.path.basename(source)[:-2] + '.o')
        built = run(cc + ['-O1', '-c', '-I' + os.path.join(RUNTIME, 'include'), '-I' + RUNTIME, source, '-o', obj])
        if built.returncode != 0:
            sys.exit('spec_check: cannot build %s:\n%s' % (source, built.stderr))
        runtime_objects.append(obj)

    jobs = []
    skipped = 0
    for pattern in options.globs:
        for path in sorted(glob.glob(os.path.join(cache, pattern))):
            modules = []
            for command in json.load(open(path))['commands']:
                if command['type'] == 'module':
                    modules.append((os.path.join(os.path.dirname(path), command['filename']), []))
                elif command['type'] in ('assert_return', 'assert_trap') and modules:
                    if command['action'].get('module') or command['action']['type'] != 'invoke':
                        skipped += 1
                    else:
                        modules[-1][1].append(command)
            jobs += [module for module in modules if module[1]]
    if not jobs:
        sys.exit('spec_check: no modules under %s (run `w2n-dev spectest --include simd` first)' % cache)

    def check(job):
        wasm, tests = job
        name = os.path.basename(wasm)[:-5]
        obj, exe, c_file = (os.path.join(work, name + suffix) for suffix in ('.o', '', '.c'))
        compiled = run([compiler, wasm, '--emit-obj', obj, '--target', options.target] + options.flags.split())
        if compiled.returncode != 0:
            return name, 0, len(tests), 0, 'wasm2native failed: ' + compiled.stderr.strip()[:400]
        source, skips = driver(tests)
        open(c_file, 'w').write(source)
        linked = run(cc + ['-static', '-O0', '-w', '-I' + os.path.join(RUNTIME, 'include'), c_file, obj]
                     + runtime_objects + ['-o', exe])
        if linked.returncode != 0:
            return name, 0, len(tests), skips, 'link failed: ' + linked.stderr.strip()[:400]
        try:
            ran = run(runner + [exe], timeout=120)
        except subprocess.TimeoutExpired:
            return name, 0, len(tests), skips, 'timed out'
        if ran.returncode != 0 or not ran.stdout.strip():
            return name, 0, len(tests), skips, 'driver failed (%d): %s' % (ran.returncode, ran.stderr.strip()[:400])
        passed, failed = map(int, ran.stdout.split())
        return name, passed, failed, skips, '\n'.join(ran.stderr.splitlines()[:8]) if failed else ''

    totals = [0, 0, skipped]
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for name, passed, failed, skips, details in pool.map(check, jobs):
            totals[0] += passed
            totals[1] += failed
            totals[2] += skips
            if failed or details:
                print('%s: %d failed\n%s' % (name, failed, details))
    print('simd spec (%s %s): %d modules, %d passed, %d failed, %d skipped'
          % (options.target, options.flags, len(jobs), *totals))
    sys.exit(1 if totals[1] else 0)


main()
