#!/usr/bin/env bash
# Minimizes a module on which the interpreter and native code disagree, keeping the disagreement:
#
#   scripts/difftest-shrink.sh MODULE.wasm "TEXT" [OUTPUT.wasm]
#
# TEXT is part of the disagreement line `w2n-dev difftest` printed (e.g. "native trap: unreachable");
# a smaller module is kept only while its disagreement still mentions it. The call arguments are
# those of the seed in MODULE's name (seed-N.wasm), so name the output seed-N-<what>.wasm when
# keeping it under Tests/Differential/FailCases. Uses `wasm-tools shrink` and .build/release/w2n-dev
# (or $W2N_DEV).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/tool-paths.sh
source "$root/scripts/tool-paths.sh"
module="$1"
text="$2"
output="${3:-${module%.wasm}-shrunk.wasm}"
dev="${W2N_DEV:-$root/.build/release/w2n-dev}"
seed="$(basename "$module" | sed -n 's/^seed-\([0-9]*\).*/\1/p')"
predicate="$(mktemp /tmp/w2n-shrink-XXXXXX.sh)"
trap 'rm -f "$predicate"' EXIT
cat >"$predicate" <<PREDICATE
#!/usr/bin/env bash
exec "$dev" difftest --module "\$1" --arguments-seed "${seed:-0}" --interesting "$text" >/dev/null 2>&1
PREDICATE
chmod +x "$predicate"
"$W2N_WASM_TOOLS" shrink "$predicate" "$module" -o "$output"
echo "kept: $output"
