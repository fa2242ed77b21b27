#!/usr/bin/env bash
# End-to-end tests of examples/httpbin in its flavors, on loopback, with dynamic ports:
#   native        the C source built for Linux
#   aot           httpbin.wasm compiled by wasm2native (--net)
#   interpreter   httpbin.wasm under `wasm2native run --engine interpreter --net`, when that exists
# Builds with examples/httpbin/build.sh into .build-examples/httpbin, runs httpbin_test.py per
# flavor (servers are always stopped; every step has a timeout) and prints
# "httpbin: N passed, M failed" last; exits non-zero on a failure.
#
#   Tests/HTTPBin/run.sh [FLAVOR...]          (default: every flavor available)
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/.build-examples/httpbin"
# shellcheck source=../../scripts/tool-paths.sh
source "$root/scripts/tool-paths.sh"

if ! "$root/examples/httpbin/build.sh" "$out" >"$out.build.log" 2>&1; then
    cat "$out.build.log"
    echo "httpbin: 0 passed, 1 failed"
    exit 1
fi
compiler="${WASM2NATIVE:-}"
for candidate in "$root/.build-wasi/release/wasm2native" "$root/.build/release/wasm2native"; do
    [[ -z "$compiler" && -x "$candidate" ]] && compiler="$candidate"
done

flavors=("$@")
if [[ ${#flavors[@]} -eq 0 ]]; then
    flavors=(native aot)
    if "$compiler" run --help 2>/dev/null | grep -- "--engine" >/dev/null; then
        flavors+=(interpreter)
    else
        echo "httpbin: no 'wasm2native run --engine interpreter' yet: interpreter flavor skipped"
    fi
fi

passed=0
failed=0
for flavor in "${flavors[@]}"; do
    case "$flavor" in
    native) command=("$out/httpbin-native") ;;
    aot) command=("$out/httpbin-aot") ;;
    interpreter) command=("$compiler" run --engine interpreter --net "$out/httpbin.wasm") ;;
    *) echo "unknown flavor $flavor"; failed=$((failed + 1)); continue ;;
    esac
    echo "==> httpbin: $flavor"
    log="$out/test-$flavor.log"
    timeout 600 python3 "$here/httpbin_test.py" "$flavor" "${command[@]}" >"$log" 2>&1
    grep -v '^ok ' "$log"
    line="$(grep -E "^httpbin-$flavor: [0-9]+ passed, [0-9]+ failed$" "$log" | tail -n 1)"
    if [[ -z "$line" ]]; then
        echo "httpbin: $flavor: no result line (timeout or crash)"
        failed=$((failed + 1))
        continue
    fi
    read -r p f < <(sed -E 's/^[^:]+: ([0-9]+) passed, ([0-9]+) failed$/\1 \2/' <<<"$line")
    passed=$((passed + p))
    failed=$((failed + f))
done
echo "httpbin: $passed passed, $failed failed"
((failed == 0))
