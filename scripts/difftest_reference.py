"""The third engine of the differential tests: runs a module's calls under wasmtime (PyPI).

    difftest_reference.py MODULE.wasm CALLS.json

CALLS.json (written by `w2n-dev difftest`) is {"calls": [{"export": NAME, "arguments": [[TYPE,
BITS], ...], "results": [TYPE, ...]}, ...], "globals": [EXPORT, ...]} with BITS as hex strings and
the exported globals of number types to report. The module is instantiated without
imports and each export called in order with those arguments, as the two engines did. Prints one
JSON object: {"instantiation": OUTCOME, "calls": [OUTCOME, ...], "memories": [...], "globals":
{EXPORT: [TYPE, BITS], ...}} where OUTCOME is {"values": [[TYPE, BITS], ...]} or {"trap": MESSAGE} with
MESSAGE in the spec's words ("integer divide by zero", ...), and memories as "<pages> pages
<hash>" like w2n-dev's state digests, globals by export name (numbers only). Calls stop at the first that is not a value or a trap. v128
and reference arguments are not supported by the bindings: such a call is {"unsupported": ...}.
"""

from __future__ import annotations

import json
import struct
import sys

import wasmtime

# wasmtime's trap texts -> the spec's messages (RuntimeSupport's w2n_trap_message).
TRAPS = [
    ("integer divide by zero", "integer divide by zero"),
    ("integer overflow", "integer overflow"),
    ("invalid conversion to integer", "invalid conversion to integer"),
    ("out of bounds memory access", "out of bounds memory access"),
    ("indirect call type mismatch", "indirect call type mismatch"),
    ("uninitialized element", "uninitialized element"),
    # wasmtime says "undefined element: out of bounds table access" both for call_indirect's
    # "undefined element" and table.get/set's "out of bounds table access"; w2n-dev treats the
    # two as one when comparing with it.
    ("out of bounds table access", "out of bounds table access"),
    ("undefined element", "out of bounds table access"),
    ("call stack exhausted", "call stack exhausted"),
    ("unreachable", "unreachable"),
    ("null reference", "null reference"),
]


def trap_message(error: BaseException) -> str:
    text = str(error)
    for needle, message in TRAPS:
        if needle in text:
            return message
    return "host: " + text.splitlines()[0] if text else "host"


def hash64(data: bytes) -> str:
    """The Hash64 of w2n-dev's state digests (DifferentialTesting/Execution.swift)."""
    mask = (1 << 64) - 1
    state = 0x9E3779B97F4A7C15

    def add(word: int) -> None:
        nonlocal state
        state = ((state ^ word) * 0xBF58476D1CE4E5B9) & mask
        state ^= state >> 31

    words = len(data) // 8
    for (word,) in struct.iter_unpack("<Q", data[:8 * words]):
        add(word)
    for byte in data[8 * words:]:
        add(byte)
    add(len(data))
    return format(state, "016x")


def to_python(kind: str, bits: str):
    value = int(bits, 16)
    if kind == "i32":
        return struct.unpack("<i", struct.pack("<I", value & 0xFFFFFFFF))[0]
    if kind == "i64":
        return struct.unpack("<q", struct.pack("<Q", value))[0]
    if kind == "f32":
        return wasmtime.Val.f32(struct.unpack("<f", struct.pack("<I", value & 0xFFFFFFFF))[0])
    if kind == "f64":
        return wasmtime.Val.f64(struct.unpack("<d", struct.pack("<Q", value))[0])
    raise ValueError(kind)


def to_bits(kind: str, value) -> str:
    if isinstance(value, wasmtime.Val):
        value = value.value
    if kind == "i32":
        return format(value & 0xFFFFFFFF, "x")
    if kind == "i64":
        return format(value & 0xFFFFFFFFFFFFFFFF, "x")
    if kind == "f32":
        return format(struct.unpack("<I", struct.pack("<f", value))[0], "x")
    if kind == "f64":
        return format(struct.unpack("<Q", struct.pack("<d", value))[0], "x")
    return "0" if value is None else "1"


def main() -> int:
    module_path, calls_path = sys.argv[1], sys.argv[2]
    request = json.load(open(calls_path))
    calls, numeric_globals = request["calls"], set(request.get("globals", []))
    config = wasmtime.Config()
    config.wasm_simd = True
    config.wasm_bulk_memory = True
    config.wasm_reference_types = True
    config.wasm_multi_value = True
    engine = wasmtime.Engine(config)
    store = wasmtime.Store(engine)
    module = wasmtime.Module(engine, open(module_path, "rb").read())
    result = {"calls": [], "memories": [], "globals": []}
    try:
        instance = wasmtime.Instance(store, module, [])
        result["instantiation"] = {"values": []}
    except wasmtime.Trap as error:
        result["instantiation"] = {"trap": trap_message(error)}
        print(json.dumps(result))
        return 0
    except Exception as error:  # noqa: BLE001 - report anything else as not comparable
        result["instantiation"] = {"unsupported": str(error).splitlines()[0]}
        print(json.dumps(result))
        return 0
    exports = instance.exports(store)
    for call in calls:
        function = exports[call["export"]]
        kinds = [kind for kind, _ in call["arguments"]]
        if any(kind not in ("i32", "i64", "f32", "f64") for kind in kinds) or any(
                kind not in ("i32", "i64", "f32", "f64") for kind in call["results"]):
            result["calls"].append({"unsupported": "v128 or reference values"})
            break
        arguments = [to_python(kind, bits) for kind, bits in call["arguments"]]
        try:
            values = function(store, *arguments)
        except wasmtime.Trap as error:
            result["calls"].append({"trap": trap_message(error)})
            continue
        except Exception as error:  # noqa: BLE001
            result["calls"].append({"unsupported": str(error).splitlines()[0]})
            break
        if len(call["results"]) == 0:
            values = []
        elif len(call["results"]) == 1:
            values = [values]
        result["calls"].append({"values": [[kind, to_bits(kind, value)] for kind, value in zip(call["results"], values)]})
    result["globals"] = {}
    for export in module.exports:
        item = exports[export.name]
        if isinstance(item, wasmtime.Memory):
            data = item.read(store, 0, item.data_len(store))
            result["memories"].append(f"{item.size(store)} pages {hash64(bytes(data))}")
        elif export.name in numeric_globals:
            # Only globals of number types: the bindings abort on v128 ones.
            kind = str(item.type(store).content)
            result["globals"][export.name] = [kind, to_bits(kind, item.value(store))]
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
