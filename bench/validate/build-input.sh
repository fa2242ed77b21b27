#!/usr/bin/env bash
# Builds the input modules of the decode+validate benchmark into bench/out/ (gitignored), from
# sources that packages installed on this machine carry; no third-party source is in the repository.
#
#   bench/validate/build-input.sh [--if-missing] [go] [zig]      (default: both)
#
#   go   bench/out/go-compile.wasm: the Go compiler itself (cmd/compile, from the Go toolchain's
#        own source tree in GOROOT), built with GOOS=js GOARCH=wasm. The largest realistic module
#        this machine can build: ~35 MB, ~24 MB of code in ~14,000 functions (Go 1.19).
#        Needs Debian's golang-go; installed with apt-get when missing and running as root.
#   zig  bench/out/zig-aro-tools.wasm: a wasm32-wasi command from the Zig programs that the PyPI
#        `ziglang` package ships in lib/compiler/: translate-c and resinator (both on the aro C
#        front end), plus a `zig fmt`/AstGen entry point, built by zig -OReleaseFast -fstrip.
#        LLVM-generated code, as most wasm is: ~4.5 MB, ~3.6 MB of code (ziglang 0.17.1).
#
# Both builds are deterministic for a given toolchain version. Each module is checked with
# `wasm-tools validate --features wasm2` (WebAssembly 2.0), and its size, code-section size and
# sha256 are printed. --if-missing skips a module that already exists.
set -euo pipefail

# shellcheck source=bench/validate/tools.sh
source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"
out="$W2N_BENCH_OUT"

if_missing=0
targets=()
for arg in "$@"; do
    case "$arg" in
        --if-missing) if_missing=1 ;;
        go | zig) targets+=("$arg") ;;
        -h | --help) sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "build-input: unknown argument: $arg" >&2; exit 2 ;;
    esac
done
((${#targets[@]})) || targets=(go zig)

say() { printf 'build-input: %s\n' "$*"; }
die() { printf 'build-input: error: %s\n' "$*" >&2; exit 1; }

w2n_bench_require wasm-tools "$W2N_WASM_TOOLS"
mkdir -p "$out/cache"

# describe FILE: checks WebAssembly 2.0 validity and prints size, code section and sha256.
describe() {
    local file="$1" code
    "$W2N_WASM_TOOLS" validate --features wasm2 "$file" || die "$file is not a valid WebAssembly 2.0 module"
    code="$("$W2N_WASM_TOOLS" objdump "$file" | awk -F'|' '$1 ~ /^ *code *$/ { gsub(/[^0-9]/, "", $3); n = $4; gsub(/[^0-9]/, "", n); print $3 " bytes in " n " functions" }')"
    say "$(basename "$file"): $(wc -c <"$file") bytes, code section $code, WebAssembly 2.0 valid"
    say "  sha256 $(sha256sum "$file" | cut -d' ' -f1)"
}

# MARK: - Go: cmd/compile for js/wasm

find_go() {
    local go
    go="$(command -v go 2>/dev/null || true)"
    if [[ -z "$go" ]]; then
        go="$(printf '%s\n' /usr/lib/go-*/bin/go | grep -v '\*' | sort -V | tail -n 1 || true)"
    fi
    echo "$go"
}

build_go() {
    local target="$out/go-compile.wasm" go
    if ((if_missing)) && [[ -s "$target" ]]; then
        say "go-compile.wasm present"
        return
    fi
    go="$(find_go)"
    if [[ -z "$go" ]]; then
        [[ $(id -u) -eq 0 ]] || die "no Go toolchain; install Debian's golang-go (apt-get install golang-go)"
        say "installing Debian's golang-go (the Go toolchain and its source tree)"
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -qq --no-install-recommends golang-go >/dev/null 2>&1 ||
            { apt-get update -qq && apt-get install -y -qq --no-install-recommends golang-go >/dev/null; }
        go="$(find_go)"
        [[ -n "$go" ]] || die "golang-go installed but no go binary found"
    fi
    say "building go-compile.wasm: $("$go" version) (GOOS=js GOARCH=wasm go build cmd/compile)"
    # Own caches under bench/out/; -trimpath keeps host paths out of the module; GOTOOLCHAIN=local
    # stops a newer go command from fetching another toolchain.
    env GOOS=js GOARCH=wasm CGO_ENABLED=0 GOFLAGS= GOTOOLCHAIN=local GO111MODULE= \
        GOCACHE="$out/cache/go-build" GOPATH="$out/cache/gopath" \
        "$go" build -trimpath -o "$target.tmp" cmd/compile
    mv -f "$target.tmp" "$target"
    describe "$target"
}

# MARK: - Zig: translate-c + resinator + AstGen for wasm32-wasi

build_zig() {
    local target="$out/zig-aro-tools.wasm" lib src
    if ((if_missing)) && [[ -s "$target" ]]; then
        say "zig-aro-tools.wasm present"
        return
    fi
    w2n_bench_require zig "$W2N_ZIG"
    lib="$("$W2N_ZIG" env | sed -n 's/^ *\.lib_dir = "\(.*\)",$/\1/p')"
    [[ -d "$lib" ]] || lib="$(dirname "$W2N_ZIG")/lib"
    lib="$(cd "$lib" && pwd)"
    [[ -f "$lib/compiler/translate-c/main.zig" && -f "$lib/compiler/resinator/main.zig" ]] ||
        die "$lib/compiler has no translate-c or resinator (zig $("$W2N_ZIG" version))"
    say "building zig-aro-tools.wasm: zig $("$W2N_ZIG" version), sources from $lib/compiler"

    # A working copy of lib/compiler (a module may only import files below its root's folder, and
    # translate-c imports ../util.zig), beside our own small root and option files.
    src="$out/cache/zig-aro-tools"
    rm -rf "$src"
    mkdir -p "$src"
    cp -R "$lib/compiler" "$src/compiler"
    # translate-c formats a child's exit status ({f} of process.Child.Term) when pkg-config fails;
    # on WASI a signal number is void, which std's formatter rejects. Drop the status from that
    # message so the program compiles for wasm32-wasi (a no-op when the line is not there).
    sed -i 's/fatal("{s} {f}", .{ pkg_config_exe, result.term });/fatal("{s} failed", .{pkg_config_exe});/' \
        "$src/compiler/translate-c/main.zig"

    cat >"$src/root.zig" <<'EOF'
// One wasm32-wasi command with three tools, chosen by the basename of argv[0]:
//   resinator*  Zig's Windows resource compiler (aro preprocessor);
//   astgen*     parses each argument as Zig source, runs AstGen and zig fmt's renderer;
//   otherwise   Zig's translate-c (aro C front end, C to Zig).
const std = @import("std");
const translate_c = @import("compiler/translate-c/main.zig");
const resinator = @import("compiler/resinator/main.zig");

pub fn main(init: std.process.Init) !void {
    const arena = init.arena.allocator();
    const args = try init.minimal.args.toSlice(arena);
    const tool = if (args.len > 0) std.fs.path.basename(args[0]) else "";
    if (std.mem.startsWith(u8, tool, "resinator")) return resinator.main(init.minimal);
    if (std.mem.startsWith(u8, tool, "astgen")) {
        var status: u8 = 0;
        for (args[1..]) |arg| {
            const source: [:0]const u8 = arg;
            var tree = try std.zig.Ast.parse(init.gpa, source, .{});
            defer tree.deinit(init.gpa);
            var zir = try std.zig.AstGen.generate(init.gpa, tree);
            defer zir.deinit(init.gpa);
            const formatted = try tree.renderAlloc(init.gpa);
            defer init.gpa.free(formatted);
            status +%= @truncate(zir.instructions.len +% formatted.len);
        }
        std.process.exit(status);
    }
    return translate_c.main(init);
}
EOF
    cat >"$src/build_options.zig" <<'EOF'
pub const version = "wasm2native-bench";
pub const enable_tracy = false;
pub const enable_tracy_allocation = false;
pub const enable_tracy_callstack = false;
pub const debug_allocations = false;
EOF
    cat >"$src/system_defaults.zig" <<'EOF'
pub const linker = "ld";
pub const sysroot = "";
pub const rtlib = "compiler-rt";
pub const unwindlib = "libunwind";
pub const gcc_install_prefix = "";
EOF
    # zig's generic CPU enables sign-ext, nontrapping-fptoint, multivalue, mutable-globals,
    # bulk-memory-opt, call-indirect-overlong (all in WebAssembly 2.0) and extended-const (not in
    # 2.0, so turned off here); describe checks the result against 2.0.
    (
        cd "$src"
        "$W2N_ZIG" build-exe -target wasm32-wasi -mcpu=generic-extended_const -OReleaseFast -fstrip \
            --cache-dir "$out/cache/zig-local" --global-cache-dir "$out/cache/zig-global" \
            --dep aro --dep build_options -Mroot=root.zig \
            --dep build_options --dep system_defaults -Maro=compiler/aro/aro.zig \
            -Mbuild_options=build_options.zig -Msystem_defaults=system_defaults.zig \
            --name zig-aro-tools -femit-bin="$target.tmp"
    )
    mv -f "$target.tmp" "$target"
    describe "$target"
}

for target in "${targets[@]}"; do
    "build_$target"
done
