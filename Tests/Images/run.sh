#!/usr/bin/env bash
# End-to-end test of `wasm2native image`: the archives it writes are reproducible, skopeo reads and
# copies them, and a real containerd (Debian's containerd + runc, started here with its own config,
# root, state and socket under a temporary folder, no systemd) imports and runs them: a one-shot
# image prints what it should; long-running images run as the non-root user 65532, a server
# answers HTTP on the host network, and each stops within a second of SIGTERM (the executable is
# the container's PID 1).
#
#   Tests/Images/run.sh [--keep] [--verbose] [--fresh-cache] [--arm64-binfmt]
#                       [--oneshot FILE.wasm [--expect TEXT]]
#                       [--server FILE.wasm [--path /get] [--expect-body REGEX] [--image-option OPT]...]
#
# Images (each for linux/amd64; the long-running ones also for linux/arm64, as one image index):
#   one-shot  --oneshot, default examples/hello, whose output must contain --expect (default
#             "Hello from WebAssembly!"); run on a read-only root filesystem
#   ticker    examples/ticker, a long-running command (prints "tick N" every second)
#   server    --server, default the httpbin example when examples/httpbin is there (its wasm is built
#             from httpbin.c + net_wasmedge.c): built with --net and --env PORT=<a free port>, so
#             the image's Env sets the port and the test GETs http://127.0.0.1:PORT/PATH (--path,
#             default /get) until it answers 200, and checks the body against --expect-body
#             (default for httpbin: "flavor":"aot"); --image-option adds options to its
#             `wasm2native image` (repeatable, e.g. --image-option=--env=LOG=1)
#
#   --fresh-cache  build each image's second copy from an empty RuntimeSupport cache (slower:
#               RuntimeSupport is rebuilt per target) to show the digest does not depend on it
#   --arm64-binfmt  register qemu-aarch64-static with binfmt_misc for the run (root; undone at
#               the end, with binfmt_misc unmounted again if this mounted it) so that the arm64
#               images also run in containerd
#   --keep      keep the work folder (.build-images/run/) and containerd's files
#
# Prints one line per check, the image sizes, and `images: N passed, N failed` (plus skipped
# checks with their reason); exits non-zero when a check fails. Needs root for containerd; the
# skopeo and reproducibility checks run without it.
#
# The arm64 half of the multi-platform images runs in containerd only when binfmt_misc has
# qemu-aarch64 registered (/proc/sys/fs/binfmt_misc/qemu-aarch64; --arm64-binfmt does it for the
# run), otherwise those checks are skipped (Tests/Cross/run.sh runs the aarch64 executables under
# qemu-user directly). podman, when installed, loads and runs the one-shot image too.
#
# Environment: W2N_WASM2NATIVE (default .build/release/wasm2native), W2N_IMAGES_TIMEOUT (seconds
# for a container to start or answer, 20).
#
# containerd 1.6 keeps its shims' sockets in /run/containerd/s/ whatever the config says (they are
# named by a hash that includes our socket's path, so they cannot collide with another containerd's,
# and they are removed when the containers are); everything else is under the temporary folder.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root" || exit 2

keep=0
verbose=0
fresh_cache=0
arm64_binfmt=0
oneshot_wasm=""
oneshot_expect="Hello from WebAssembly!"
server_wasm=""
server_path="/get"
server_expect=""
server_image_options=()
while (($#)); do
    case "$1" in
        -k | --keep) keep=1 ;;
        -v | --verbose) verbose=1 ;;
        --fresh-cache) fresh_cache=1 ;;
        --arm64-binfmt) arm64_binfmt=1 ;;
        --oneshot) oneshot_wasm="$2"; shift ;;
        --expect) oneshot_expect="$2"; shift ;;
        --server) server_wasm="$2"; shift ;;
        --path) server_path="$2"; shift ;;
        --expect-body) server_expect="$2"; shift ;;
        --image-option) server_image_options+=("$2"); shift ;;
        --image-option=*) server_image_options+=("${1#--image-option=}") ;;
        -h | --help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done

# shellcheck source=scripts/tool-paths.sh
source scripts/tool-paths.sh || exit 2
compiler="${W2N_WASM2NATIVE:-$root/.build/release/wasm2native}"
limit="${W2N_IMAGES_TIMEOUT:-20}"
if [[ ! -x "$compiler" ]]; then
    echo "run.sh: no $compiler; build it with: swift build -c release --product wasm2native" >&2
    exit 2
fi

out="$root/.build-images"
work="$out/run"
rm -rf "$work"
mkdir -p "$work"

passed=0
failed=0
skipped=0
failures=()

pass() { passed=$((passed + 1)); printf 'PASS  %s\n' "$1"; }
fail() { failed=$((failed + 1)); failures+=("$1"); printf 'FAIL  %s: %s\n' "$1" "$2"; }
skip() { skipped=$((skipped + 1)); printf 'SKIP  %s: %s\n' "$1" "$2"; }
show() { ((verbose)) && sed 's/^/      | /' "$1"; return 0; }
milliseconds() { echo $(($(date +%s%N) / 1000000)); }

# json FILE PYTHON-EXPRESSION: evaluates the expression with `d` bound to the file's JSON.
json() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); v=eval(sys.argv[2]); print(json.dumps(v) if isinstance(v,(dict,list)) else v)' "$1" "$2"; }

# MARK: - Modules

build_example() {
    local name="$1" wasm="$out/$1.wasm"
    if ! "$W2N_ZIG" cc --target=wasm32-wasi -O2 "examples/$name/$name.c" -o "$wasm.tmp" 2>"$work/build-$name.log" ||
        ! "$W2N_WASM_TOOLS" strip "$wasm.tmp" -o "$wasm" 2>>"$work/build-$name.log"; then
        echo "run.sh: cannot build examples/$name/$name.c:" >&2
        cat "$work/build-$name.log" >&2
        exit 2
    fi
    rm -f "$wasm.tmp"
    echo "$wasm"
}

# The httpbin example: httpbin.c with the WasmEdge socket layer (as examples/httpbin/build.sh does).
build_httpbin() {
    local wasm="$out/httpbin.wasm" here=examples/httpbin
    if ! "$W2N_ZIG" cc --target=wasm32-wasi -O2 -std=c11 -D_DEFAULT_SOURCE "$here/httpbin.c" "$here/net_wasmedge.c" \
        -o "$wasm.tmp" 2>"$work/build-httpbin.log" || ! "$W2N_WASM_TOOLS" strip "$wasm.tmp" -o "$wasm" 2>>"$work/build-httpbin.log"; then
        echo "run.sh: cannot build the httpbin example:" >&2
        cat "$work/build-httpbin.log" >&2
        exit 2
    fi
    rm -f "$wasm.tmp"
    echo "$wasm"
}

# A TCP port nobody listens on now (others may run servers on this host too).
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

[[ -n "$oneshot_wasm" ]] || oneshot_wasm="$(build_example hello)"
ticker_wasm="$(build_example ticker)"
if [[ -z "$server_wasm" && -f examples/httpbin/httpbin.c && -f examples/httpbin/net_wasmedge.c ]]; then
    server_wasm="$(build_httpbin)"
    [[ -n "$server_expect" ]] || server_expect='"flavor": *"aot"'
fi
for file in "$oneshot_wasm" "$ticker_wasm" "$server_wasm"; do
    [[ -z "$file" || -f "$file" ]] || { echo "run.sh: no such module: $file" >&2; exit 2; }
done
ref_of() { echo "localhost/w2n-test-$(basename "$1" .wasm | tr 'A-Z_' 'a-z-'):1.0"; }
oneshot_ref="$(ref_of "$oneshot_wasm")"
ticker_ref="$(ref_of "$ticker_wasm")"
server_ref=""
server_port=""
images=(oneshot ticker)
if [[ -n "$server_wasm" ]]; then
    server_ref="$(ref_of "$server_wasm")"
    server_port="$(free_port)"
    images+=(server)
fi

# MARK: - Images, twice each: reproducible

# image NAME WASM REF OPTIONS...: writes $work/NAME.oci.tar (and NAME.summary) and NAME-again.oci.tar.
image() {
    local name="$1" wasm="$2" ref="$3"
    shift 3
    if ! "$compiler" image "$wasm" -o "$work/$name.oci.tar" --tag "$ref" "$@" >"$work/$name.summary" 2>"$work/$name.log"; then
        fail "image $name" "wasm2native image failed: $(head -c 600 "$work/$name.log")"
        return 1
    fi
    pass "image $name ($(head -n1 "$work/$name.summary" | cut -d' ' -f3 | cut -c1-19)...)"
    # A second build, into another folder (with --fresh-cache from an empty RuntimeSupport cache,
    # which rebuilds RuntimeSupport for each target): same bytes.
    mkdir -p "$work/again"
    local cache=()
    ((fresh_cache)) && cache=(W2N_CACHE_DIR="$work/again/cache")
    if env "${cache[@]}" "$compiler" image "$wasm" -o "$work/again/$name.oci.tar" --tag "$ref" "$@" \
        >"$work/again/$name.summary" 2>"$work/again/$name.log" &&
        cmp -s "$work/$name.oci.tar" "$work/again/$name.oci.tar"; then
        pass "image $name is reproducible (identical archive and digest from a second build)"
    else
        fail "image $name is reproducible" "second build differs: $(head -n1 "$work/again/$name.summary" 2>/dev/null) $(head -c 300 "$work/again/$name.log")"
    fi
}

image oneshot "$oneshot_wasm" "$oneshot_ref" --target x86_64-linux
image ticker "$ticker_wasm" "$ticker_ref" --target x86_64-linux --target aarch64-linux
if [[ -n "$server_wasm" ]]; then
    # The port reaches the guest through the image's Env (--env PORT=N grants PORT and sets it).
    image server "$server_wasm" "$server_ref" --target x86_64-linux --target aarch64-linux --net \
        --port "$server_port" --env "PORT=$server_port" "${server_image_options[@]}"
fi

# MARK: - skopeo

if ! command -v skopeo >/dev/null; then
    skip "skopeo" "skopeo is not installed (scripts/setup.sh installs it)"
else
    for name in "${images[@]}"; do
        archive="$work/$name.oci.tar"
        [[ -f "$archive" ]] || continue
        digest="$(head -n1 "$work/$name.summary" | cut -d' ' -f3)"
        if skopeo inspect --override-os linux --override-arch amd64 "oci-archive:$archive" >"$work/$name.inspect.json" 2>"$work/$name.inspect.log"; then
            arch="$(json "$work/$name.inspect.json" 'd["Architecture"]')"
            inspected="$(json "$work/$name.inspect.json" 'd["Digest"]')"
            if [[ "$name" == oneshot && "$inspected" != "$digest" ]]; then
                fail "skopeo inspect $name" "digest $inspected, wasm2native printed $digest"
            elif [[ "$arch" != amd64 ]]; then
                fail "skopeo inspect $name" "architecture $arch"
            else
                pass "skopeo inspect oci-archive:$name.oci.tar (linux/$arch, $inspected)"
            fi
            show "$work/$name.inspect.json"
        else
            fail "skopeo inspect $name" "$(head -c 400 "$work/$name.inspect.log")"
        fi
        if skopeo inspect --config --override-os linux --override-arch amd64 "oci-archive:$archive" >"$work/$name.config.json" 2>>"$work/$name.inspect.log"; then
            user="$(json "$work/$name.config.json" 'd["config"]["User"]')"
            entrypoint="$(json "$work/$name.config.json" 'd["config"]["Entrypoint"]')"
            if [[ "$user" == 65532 && "$entrypoint" == '["/app"]' ]]; then
                pass "skopeo inspect --config $name (User $user, Entrypoint $entrypoint)"
            else
                fail "skopeo inspect --config $name" "User '$user', Entrypoint '$entrypoint'"
            fi
        else
            fail "skopeo inspect --config $name" "$(tail -c 400 "$work/$name.inspect.log")"
        fi
        rm -rf "$work/$name.oci"
        if skopeo copy --all "oci-archive:$archive" "oci:$work/$name.oci:copied" >"$work/$name.copy.log" 2>&1 &&
            skopeo inspect --override-os linux --override-arch amd64 "oci:$work/$name.oci:copied" >/dev/null 2>>"$work/$name.copy.log"; then
            pass "skopeo copy --all oci-archive:$name.oci.tar oci:DIR (and inspect the copy)"
        else
            fail "skopeo copy $name" "$(tail -c 400 "$work/$name.copy.log")"
        fi
    done
    if [[ -f "$work/ticker.oci.tar" ]]; then
        if skopeo inspect --override-os linux --override-arch arm64 "oci-archive:$work/ticker.oci.tar" >"$work/ticker.arm64.json" 2>&1 &&
            [[ "$(json "$work/ticker.arm64.json" 'd["Architecture"]')" == arm64 ]]; then
            pass "skopeo inspect of the multi-platform index selects linux/arm64"
        else
            fail "skopeo inspect linux/arm64" "$(head -c 400 "$work/ticker.arm64.json")"
        fi
    fi
fi

# MARK: - containerd

containerd_pid=""
ctd=""
cleanup() {
    if [[ -n "$containerd_pid" ]]; then
        # Containers first (their mounts live under ctd/root), then the daemon, by its pid.
        for id in $(timeout 10 ctr -a "$ctd/containerd.sock" -n w2n-test tasks ls -q 2>/dev/null); do
            timeout 10 ctr -a "$ctd/containerd.sock" -n w2n-test tasks kill -s SIGKILL "$id" >/dev/null 2>&1
            timeout 10 ctr -a "$ctd/containerd.sock" -n w2n-test tasks delete -f "$id" >/dev/null 2>&1
        done
        for id in $(timeout 10 ctr -a "$ctd/containerd.sock" -n w2n-test containers ls -q 2>/dev/null); do
            timeout 10 ctr -a "$ctd/containerd.sock" -n w2n-test containers delete "$id" >/dev/null 2>&1
        done
        kill "$containerd_pid" 2>/dev/null
        for _ in $(seq 50); do kill -0 "$containerd_pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$containerd_pid" 2>/dev/null
        containerd_pid=""
    fi
    if [[ -n "$ctd" && -d "$ctd" ]] && ((!keep)); then
        # Nothing of ours may stay mounted before the folder goes.
        grep -o " $ctd/[^ ]*" /proc/mounts | sort -r | while read -r mount; do umount "$mount" 2>/dev/null; done
        rm -rf "$ctd"
    fi
}
binfmt_registered=0
binfmt_mounted=0
binfmt_cleanup() {
    ((binfmt_registered)) && echo -1 >/proc/sys/fs/binfmt_misc/qemu-aarch64 2>/dev/null
    ((binfmt_mounted)) && umount /proc/sys/fs/binfmt_misc 2>/dev/null
    binfmt_registered=0
    binfmt_mounted=0
}
trap 'cleanup; binfmt_cleanup' EXIT

# --arm64-binfmt: qemu-aarch64-static as the interpreter of aarch64 ELF files, with the F flag (the
# kernel opens it now, so it works inside the container's mount namespace), as Debian's
# qemu-user-static declares it in /usr/share/binfmts/qemu-aarch64.
register_binfmt() {
    [[ -f /proc/sys/fs/binfmt_misc/qemu-aarch64 ]] && return 0
    local interpreter=/usr/libexec/qemu-binfmt/aarch64-binfmt-P
    [[ -x "$interpreter" ]] || interpreter="$(command -v qemu-aarch64-static)" || return 1
    if [[ ! -f /proc/sys/fs/binfmt_misc/register ]]; then
        mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null || return 1
        binfmt_mounted=1
    fi
    local flags=F
    [[ "$interpreter" == *-P ]] && flags=FP
    printf '%s' ':qemu-aarch64:M::\x7f\x45\x4c\x46\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00:\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:'"$interpreter:$flags" \
        >/proc/sys/fs/binfmt_misc/register 2>/dev/null || return 1
    binfmt_registered=1
}

start_containerd() {
    ctd="$(mktemp -d /tmp/w2n-containerd.XXXXXX)"
    cat >"$ctd/config.toml" <<EOF
version = 2
root = "$ctd/root"
state = "$ctd/state"
# The CRI plugin (for kubelets) needs CNI and more; ctr needs none of it.
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]
[grpc]
  address = "$ctd/containerd.sock"
[ttrpc]
  address = "$ctd/containerd.sock.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
EOF
    containerd --config "$ctd/config.toml" >"$ctd/containerd.log" 2>&1 &
    containerd_pid=$!
    local started
    started=$(milliseconds)
    while (($(milliseconds) - started < limit * 1000)); do
        if [[ -S "$ctd/containerd.sock" ]] && timeout 5 ctr -a "$ctd/containerd.sock" version >/dev/null 2>&1; then
            return 0
        fi
        kill -0 "$containerd_pid" 2>/dev/null || break
        sleep 0.1
    done
    return 1
}

c() { timeout "$limit" ctr -a "$ctd/containerd.sock" -n w2n-test "$@"; }
run_flags() { echo --net-host --fifo-dir "$ctd/fifo" --runc-root "$ctd/runc"; }

# The uid of a task's init process, from /proc (the task's pid is a host pid).
task_uid() {
    local pid
    pid="$(c tasks ls 2>/dev/null | awk -v id="$1" '$1 == id { print $2 }')"
    [[ -n "$pid" ]] && awk '/^Uid:/ { print $2 }' "/proc/$pid/status" 2>/dev/null
}

# run_long LABEL REF PORT [--platform P]: runs a long-running image in the background, checks it
# starts (prints "tick 1", or with a PORT answers HTTP), runs as 65532, then stops within 1 s of
# SIGTERM with status 143.
run_long() {
    local label="$1" ref="$2" port="$3" id
    shift 3
    id="w2n-long-$(tr -c 'a-z0-9\n' '-' <<<"$label" | tr -s '-')$$"
    local log="$work/$id.out"
    # No timeout here: it runs until the SIGTERM below (or SIGKILL on failure).
    # shellcheck disable=SC2046
    (ctr -a "$ctd/containerd.sock" -n w2n-test run $(run_flags) --rm "$@" "$ref" "$id" >"$log" 2>&1
        echo "exit status $?" >>"$log") &
    local runner=$!
    local started ready=0
    started=$(milliseconds)
    while (($(milliseconds) - started < limit * 1000)); do
        if [[ -n "$port" ]]; then
            if curl -fsS --max-time 2 "http://127.0.0.1:$port$server_path" -o "$work/$id.body" 2>/dev/null; then
                ready=1
                break
            fi
        elif grep -q '^tick 1$' "$log"; then
            ready=1
            break
        fi
        grep -q '^exit status' "$log" && break
        sleep 0.1
    done
    if ((!ready)); then
        fail "$label: container starts" "nothing after ${limit}s: $(head -c 400 "$log")"
        c tasks kill -s SIGKILL "$id" >/dev/null 2>&1
        wait "$runner"
        return
    fi
    if [[ -n "$port" ]]; then
        if [[ -z "$server_expect" ]] || grep -Eq -- "$server_expect" "$work/$id.body"; then
            pass "$label: GET http://127.0.0.1:$port$server_path answers 200 (host network): $(head -c 120 "$work/$id.body")"
        else
            fail "$label: GET $server_path" "body does not match /$server_expect/: $(head -c 300 "$work/$id.body")"
        fi
        show "$work/$id.body"
    else
        pass "$label: container runs (prints tick 1)"
    fi
    local uid
    uid="$(task_uid "$id")"
    if [[ "$uid" == 65532 ]]; then pass "$label: runs as uid 65532 (nonroot)"; else fail "$label: runs as 65532" "uid '$uid'"; fi

    local before after status
    before=$(milliseconds)
    c tasks kill -s SIGTERM "$id" >/dev/null 2>&1
    while kill -0 "$runner" 2>/dev/null && (($(milliseconds) - before < 5000)); do sleep 0.01; done
    after=$(milliseconds)
    if kill -0 "$runner" 2>/dev/null; then
        fail "$label: SIGTERM" "still running 5 s after SIGTERM"
        c tasks kill -s SIGKILL "$id" >/dev/null 2>&1
        wait "$runner"
        return
    fi
    wait "$runner"
    status="$(sed -n 's/^exit status //p' "$log")"
    if ((after - before < 1000)) && [[ "$status" == 143 ]]; then
        pass "$label: SIGTERM stops it in $((after - before)) ms (exit status 143, PID 1)"
    else
        fail "$label: SIGTERM" "stopped after $((after - before)) ms with status '$status' (want < 1000 ms, 143)"
    fi
    show "$log"
}

if [[ $(id -u) -ne 0 ]]; then
    skip "containerd" "needs root"
elif ! command -v containerd >/dev/null || ! command -v runc >/dev/null; then
    skip "containerd" "containerd or runc is not installed (scripts/setup.sh installs them)"
elif ! start_containerd; then
    fail "containerd starts" "$(tail -c 600 "$ctd/containerd.log")"
else
    pass "containerd starts (config, root, state and socket in $ctd)"
    for name in "${images[@]}"; do
        case "$name" in oneshot) ref="$oneshot_ref" ;; ticker) ref="$ticker_ref" ;; *) ref="$server_ref" ;; esac
        [[ -f "$work/$name.oci.tar" ]] || continue
        # (grep without -q reads all of ctr's output: under pipefail, a grep -q that stops at the
        # first match can kill ctr with SIGPIPE and fail the pipeline.)
        if c images import --all-platforms "$work/$name.oci.tar" >"$work/$name.import.log" 2>&1 &&
            c images ls -q | grep -x "$ref" >/dev/null; then
            pass "ctr images import $name.oci.tar ($ref)"
        else
            fail "ctr images import $name" "$(tail -c 400 "$work/$name.import.log")"
        fi
    done

    # The one-shot image, on a read-only root filesystem as in the Kubernetes manifests.
    # shellcheck disable=SC2046
    c run $(run_flags) --rm --read-only "$oneshot_ref" "w2n-oneshot-$$" >"$work/oneshot.run.out" 2>&1
    status=$?
    if ((status == 0)) && grep -qF -- "$oneshot_expect" "$work/oneshot.run.out"; then
        pass "ctr run --net-host --read-only $oneshot_ref prints \"$oneshot_expect\""
    else
        fail "ctr run $oneshot_ref" "status $status, output: $(head -c 400 "$work/oneshot.run.out")"
    fi
    show "$work/oneshot.run.out"

    run_long "ticker (linux/amd64)" "$ticker_ref" ""
    [[ -n "$server_ref" ]] && run_long "$(basename "$server_wasm" .wasm) (linux/amd64)" "$server_ref" "$server_port"
    if ((arm64_binfmt)) && ! register_binfmt; then
        fail "--arm64-binfmt" "cannot register qemu-aarch64 with binfmt_misc"
    fi
    if [[ -f /proc/sys/fs/binfmt_misc/qemu-aarch64 ]] && grep -q enabled /proc/sys/fs/binfmt_misc/qemu-aarch64; then
        run_long "ticker (linux/arm64 under qemu)" "$ticker_ref" "" --platform linux/arm64
        [[ -n "$server_ref" ]] &&
            run_long "$(basename "$server_wasm" .wasm) (linux/arm64 under qemu)" "$server_ref" "$server_port" --platform linux/arm64
    else
        skip "linux/arm64 images in containerd" "binfmt_misc has no qemu-aarch64 (--arm64-binfmt; Tests/Cross/run.sh covers aarch64)"
    fi
fi

# MARK: - podman (optional)
# podman (as root) gives containers RLIMIT_NOFILE and RLIMIT_NPROC at their maximum, which fails
# ("error setting rlimit ... operation not permitted") where the host lacks CAP_SYS_RESOURCE, as
# in some VMs and nested containers; lower limits always work and the executable needs few.

if ! command -v podman >/dev/null; then
    skip "podman" "not installed"
elif [[ -f "$work/oneshot.oci.tar" ]]; then
    if podman load -i "$work/oneshot.oci.tar" >"$work/podman.log" 2>&1 &&
        podman run --rm --network host --read-only --ulimit nofile=1024:1024 --ulimit nproc=4096:4096 \
            "$oneshot_ref" >"$work/podman.out" 2>>"$work/podman.log" &&
        grep -qF -- "$oneshot_expect" "$work/podman.out"; then
        pass "podman load + run $oneshot_ref"
    else
        fail "podman" "$(tail -c 400 "$work/podman.log")"
    fi
    podman rmi -f "$oneshot_ref" >/dev/null 2>&1
fi

# MARK: - Sizes

echo "sizes (bytes; layer = compressed layer, total = manifest + config + layer, as pulled):"
for name in "${images[@]}"; do
    [[ -f "$work/$name.summary" ]] || continue
    read -r _ ref digest _ archive_size <"$work/$name.summary"
    printf '  %-34s archive %8s  %s\n' "$ref" "$archive_size" "$digest"
    sed -n 's/^platform //p' "$work/$name.summary" | while read -r platform _ _ _ layer _ tar _ total; do
        printf '    %-14s layer %8s  total %8s  (uncompressed layer %s)\n' "$platform" "$layer" "$total" "$tar"
    done
done

echo "images: $passed passed, $failed failed$( ((skipped)) && echo ", $skipped skipped")"
if ((failed)); then
    echo "failed: $(IFS=';'; echo "${failures[*]}" | sed 's/;/; /g') (outputs in ${work#"$root"/}/)"
    exit 1
fi
((keep)) || rm -rf "$work"
exit 0
