#!/usr/bin/env python3
"""End-to-end tests of examples/httpbin on loopback, one flavor per run.

    httpbin_test.py FLAVOR COMMAND...

starts COMMAND with the port argument 0 appended, reads "Listening on PORT" from its stdout,
runs the checks against 127.0.0.1:PORT (curl for the documented example, raw sockets for
keep-alive, pipelining and malformed requests), stops the server (SIGTERM, then SIGKILL) and
prints "httpbin-FLAVOR: N passed, M failed". Every step has a timeout.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

TIMEOUT = 10.0


class Checks:
    def __init__(self, name: str) -> None:
        self.name = name
        self.passed = 0
        self.failed = 0

    def check(self, what: str, condition: bool, detail: object = "") -> bool:
        if condition:
            self.passed += 1
            print(f"ok {what}")
        else:
            self.failed += 1
            print(f"FAIL {what}: {detail!r}"[:2000])
        return condition


def read_response(sock: socket.socket, pending: bytearray, head: bool = False) -> tuple[int, dict, bytes]:
    """Reads one HTTP/1.1 response (Content-Length bodies or none); returns status, headers, body."""
    sock.settimeout(TIMEOUT)
    while b"\r\n\r\n" not in pending:
        data = sock.recv(65536)
        if not data:
            raise ConnectionError(f"closed before the headers ({bytes(pending)[:200]!r})")
        pending += data
    end = pending.index(b"\r\n\r\n")
    lines = bytes(pending[:end]).decode("latin-1").split("\r\n")
    del pending[: end + 4]
    status = int(lines[0].split(" ", 2)[1])
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = 0 if head or status in (204, 304) or 100 <= status < 200 else int(headers.get("content-length", "0"))
    while len(pending) < length:
        data = sock.recv(65536)
        if not data:
            raise ConnectionError("closed in the body")
        pending += data
    body = bytes(pending[:length])
    del pending[:length]
    return status, headers, body


def request(port: int, raw: bytes, head: bool = False) -> tuple[int, dict, bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
        sock.sendall(raw)
        return read_response(sock, bytearray(), head)


def closed_after(sock: socket.socket) -> bool:
    """True when the server closes the connection (EOF or reset) within the timeout."""
    sock.settimeout(TIMEOUT)
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


def get(path: str, extra: str = "") -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: localhost\r\nUser-Agent: httpbin-test\r\n{extra}\r\n".encode()


def run_checks(t: Checks, flavor: str, port: int) -> None:
    # The documented example, through curl.
    try:
        out = subprocess.run(["curl", "-s", "-i", f"localhost:{port}/get?foo=bar"], capture_output=True,
                             timeout=TIMEOUT, check=False).stdout
        head, _, body = out.partition(b"\r\n\r\n")
        t.check("curl /get?foo=bar: 200", head.startswith(b"HTTP/1.1 200"), head[:100])
        t.check("curl /get?foo=bar: application/json", b"content-type: application/json" in head.lower(), head)
        doc = json.loads(body)
        t.check("curl /get?foo=bar: keys flavor, args, headers, url, origin",
                list(doc) == ["flavor", "args", "headers", "url", "origin"], list(doc))
        t.check("curl /get?foo=bar: flavor", doc.get("flavor") == flavor, doc.get("flavor"))
        t.check("curl /get?foo=bar: args", doc.get("args") == {"foo": "bar"}, doc.get("args"))
        headers = doc.get("headers", {})
        t.check("curl /get?foo=bar: headers", headers.get("host") == f"localhost:{port}" and
                headers.get("accept") == "*/*" and headers.get("user-agent", "").startswith("curl/"), headers)
        t.check("curl /get?foo=bar: url", doc.get("url") == "/get?foo=bar", doc.get("url"))
        t.check("curl /get?foo=bar: origin", doc.get("origin") == "127.0.0.1", doc.get("origin"))
        t.check("curl /get?foo=bar: compact JSON", b": " not in body and not body.endswith(b"\n"), body[:80])
    except Exception as error:  # noqa: BLE001
        t.check("curl /get?foo=bar", False, error)

    # Endpoints and status codes.
    cases = [
        ("GET /get?a=1&a=2&b=%41+c", get("/get?a=1&a=2&b=%41+c"), 200,
         lambda d: d["args"] == {"a": "2", "b": "A c"}),
        ("GET /headers", get("/headers", "X-Custom: Value\r\nX-Custom: Last\r\n"), 200,
         lambda d: d["headers"]["x-custom"] == "Last" and d["headers"]["user-agent"] == "httpbin-test"),
        ("GET /ip", get("/ip"), 200, lambda d: d == {"origin": "127.0.0.1"}),
        ("GET /ip with X-Forwarded-For", get("/ip", "X-Forwarded-For: 10.1.2.3\r\n"), 200,
         lambda d: d == {"origin": "10.1.2.3"}),
        ("GET /user-agent", get("/user-agent"), 200, lambda d: d == {"user-agent": "httpbin-test"}),
        ("PUT /anything/x?q=1", b"PUT /anything/x?q=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello", 200,
         lambda d: d["method"] == "PUT" and d["data"] == "hello" and d["args"] == {"q": "1"} and
         d["url"] == "/anything/x?q=1" and d["flavor"] == flavor),
        ("POST /post form", b"POST /post HTTP/1.1\r\nHost: h\r\nContent-Type: application/x-www-form-urlencoded\r\n"
         b"Content-Length: 9\r\n\r\nk=v&x=%21", 200, lambda d: d["form"] == {"k": "v", "x": "!"} and "method" not in d),
        ("POST /post json", b"POST /post HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\n"
         b"Content-Length: 16\r\n\r\n{\"a\": [1, true]}", 200, lambda d: d["json"] == {"a": [1, True]}),
        ("POST /post chunked", b"POST /post HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
         b"5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n", 200, lambda d: d["data"] == "hello world"),
        ("GET /post: 405", get("/post"), 405, None),
        ("DELETE /get: 405", b"DELETE /get HTTP/1.1\r\nHost: h\r\n\r\n", 405, None),
        ("GET /nowhere: 404", get("/nowhere"), 404, None),
        ("GET /status/201", get("/status/201"), 201, None),
        ("POST /status/503", b"POST /status/503 HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n", 503, None),
        ("GET /status/204", get("/status/204"), 204, None),
        ("GET /status/99: 400", get("/status/99"), 400, None),
        ("GET /status/abc: 400", get("/status/abc"), 400, None),
        ("GET /bytes/1000", get("/bytes/1000"), 200, None),
        ("GET /bytes/200000: 400", get("/bytes/200000"), 400, None),
    ]
    for name, raw, status, body_check in cases:
        try:
            code, headers, body = request(port, raw)
            ok = t.check(f"{name}: status {status}", code == status, (code, body[:200]))
            if ok and body_check is not None:
                doc = json.loads(body)
                t.check(f"{name}: body", bool(body_check(doc)), doc)
            if ok and name == "GET /bytes/1000":
                t.check("GET /bytes/1000: 1000 bytes of octet-stream",
                        len(body) == 1000 and headers.get("content-type") == "application/octet-stream", len(body))
            if ok and code == 405:
                t.check(f"{name}: allow header", "allow" in headers, headers)
        except Exception as error:  # noqa: BLE001
            t.check(name, False, error)
    try:
        a = request(port, get("/bytes/64?seed=7"))[2]
        b = request(port, get("/bytes/64?seed=7"))[2]
        t.check("GET /bytes/64?seed=7: reproducible", a == b and len(a) == 64, (a, b))
        code, headers, body = request(port, b"HEAD /get HTTP/1.1\r\nHost: h\r\n\r\n", head=True)
        t.check("HEAD /get: 200, length, no body", code == 200 and int(headers["content-length"]) > 0 and body == b"",
                (code, headers))
    except Exception as error:  # noqa: BLE001
        t.check("seed / HEAD", False, error)

    # Keep-alive: several requests on one connection.
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
            pending = bytearray()
            statuses = []
            for i in range(5):
                sock.sendall(get(f"/get?n={i}"))
                code, headers, body = read_response(sock, pending)
                statuses.append((code, json.loads(body)["args"]["n"], headers.get("connection")))
            t.check("keep-alive: 5 requests on one connection",
                    statuses == [(200, str(i), None) for i in range(5)], statuses)
            sock.sendall(get("/get", "Connection: close\r\n"))
            code, headers, _ = read_response(sock, pending)
            t.check("keep-alive: Connection: close is honoured",
                    code == 200 and headers.get("connection") == "close" and closed_after(sock), headers)
    except Exception as error:  # noqa: BLE001
        t.check("keep-alive", False, error)

    # Pipelining: requests in one write, responses in order.
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
            burst = b"".join(get(f"/get?p={i}") for i in range(20)) + get("/status/202") + get("/ip")
            sock.sendall(burst)
            pending = bytearray()
            order = []
            for _ in range(20):
                code, _, body = read_response(sock, pending)
                order.append(json.loads(body)["args"]["p"])
            last = [read_response(sock, pending)[0], read_response(sock, pending)[0]]
            t.check("pipelining: 22 responses in order", order == [str(i) for i in range(20)] and last == [202, 200],
                    (order, last))
    except Exception as error:  # noqa: BLE001
        t.check("pipelining", False, error)

    # HTTP/1.0: closes unless keep-alive is asked for.
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
            sock.sendall(b"GET /ip HTTP/1.0\r\n\r\n")
            code, headers, _ = read_response(sock, bytearray())
            t.check("HTTP/1.0: answered and closed", code == 200 and closed_after(sock), headers)
        with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
            pending = bytearray()
            sock.sendall(b"GET /ip HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            code, headers, _ = read_response(sock, pending)
            sock.sendall(b"GET /ip HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            code2, _, _ = read_response(sock, pending)
            t.check("HTTP/1.0 keep-alive", code == code2 == 200 and headers.get("connection") == "keep-alive", headers)
    except Exception as error:  # noqa: BLE001
        t.check("HTTP/1.0", False, error)

    # Expect: 100-continue (curl sends it for larger bodies).
    try:
        out = subprocess.run(["curl", "-s", "-H", "Expect: 100-continue", "--data-binary", "@-",
                              f"localhost:{port}/post"], input=b"x" * 5000, capture_output=True, timeout=TIMEOUT,
                             check=False).stdout
        t.check("Expect: 100-continue", json.loads(out)["data"] == "x" * 5000, out[:100])
    except Exception as error:  # noqa: BLE001
        t.check("Expect: 100-continue", False, error)

    # Malformed and oversized requests: an error status, the connection closes, the server goes on.
    bad = [
        ("garbage request line", b"GARBAGE\r\n\r\n", 400),
        ("bad version", b"GET / HTTP/2.0\r\nHost: h\r\n\r\n", 400),
        ("no Host in HTTP/1.1", b"GET /get HTTP/1.1\r\n\r\n", 400),
        ("space before colon", b"GET /get HTTP/1.1\r\nHost : h\r\n\r\n", 400),
        ("bad Content-Length", b"POST /post HTTP/1.1\r\nHost: h\r\nContent-Length: 1x\r\n\r\n", 400),
        ("conflicting Content-Length", b"POST /post HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400),
        ("Content-Length and chunked", b"POST /post HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        ("bad chunk size", b"POST /post HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400),
        ("request line over 8 KiB: 414", b"GET /get?" + b"a" * 9000 + b" HTTP/1.1\r\nHost: h\r\n\r\n", 414),
        ("header section over 16 KiB: 431", b"GET /get HTTP/1.1\r\nHost: h\r\n" + b"X-Big: " + b"b" * 17000 + b"\r\n\r\n", 431),
        ("over 100 header fields: 431", b"GET /get HTTP/1.1\r\nHost: h\r\n" + b"".join(b"X-%d: v\r\n" % i for i in range(120)) + b"\r\n", 431),
        ("body over 1 MiB: 413", b"POST /post HTTP/1.1\r\nHost: h\r\nContent-Length: 2000000\r\n\r\n", 413),
    ]
    for name, raw, status in bad:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
                sock.sendall(raw)
                code, headers, _ = read_response(sock, bytearray())
                t.check(f"{name}: {status} and close", code == status and headers.get("connection") == "close" and
                        closed_after(sock), (code, headers))
        except Exception as error:  # noqa: BLE001
            t.check(name, False, error)
    try:
        code, _, body = request(port, get("/get?after=errors"))
        t.check("still serving after the errors", code == 200 and json.loads(body)["args"] == {"after": "errors"}, code)
    except Exception as error:  # noqa: BLE001
        t.check("still serving after the errors", False, error)

    # A client that vanishes mid-request, and a reset connection, do not disturb the others.
    try:
        half = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        half.sendall(b"GET /get HTTP/1.1\r\nHo")
        reset = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        reset.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        reset.sendall(get("/bytes/100000"))
        reset.close()
        code, _, _ = request(port, get("/ip"))
        half.close()
        t.check("half requests and resets do not disturb others", code == 200, code)
    except Exception as error:  # noqa: BLE001
        t.check("half requests and resets", False, error)

    # Concurrency: 100 clients at once, 10 keep-alive requests each.
    results: list[bool] = []
    lock = threading.Lock()

    def client(index: int) -> None:
        ok = True
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
                pending = bytearray()
                for i in range(10):
                    sock.sendall(get(f"/get?c={index}&i={i}"))
                    code, _, body = read_response(sock, pending)
                    ok &= code == 200 and json.loads(body)["args"] == {"c": str(index), "i": str(i)}
        except Exception:  # noqa: BLE001
            ok = False
        with lock:
            results.append(ok)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(100)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT * 3)
    t.check("100 concurrent keep-alive clients", len(results) == 100 and all(results),
            (len(results), results.count(False)))


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print("usage: httpbin_test.py FLAVOR COMMAND...", file=sys.stderr)
        return 2
    flavor, command = argv[0], argv[1:] + ["0"]
    t = Checks(f"httpbin-{flavor}")
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=sys.stderr, start_new_session=True)
    port = None
    lines: list[str] = []

    def read_port() -> None:
        nonlocal port
        assert server.stdout is not None
        for raw in server.stdout:
            line = raw.decode(errors="replace").strip()
            lines.append(line)
            if line.startswith("Listening on "):
                port = int(line.split()[-1])
                return

    reader = threading.Thread(target=read_port, daemon=True)
    reader.start()
    reader.join(TIMEOUT * 3)
    try:
        if t.check("server starts and prints its port", port is not None, lines):
            run_checks(t, flavor, port)
            t.check("server still running", server.poll() is None, server.returncode)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(5)
    if port is not None:
        t.check("SIGTERM ends the server (status 143 or signal 15)", server.returncode in (143, -15), server.returncode)
    print(f"{t.name}: {t.passed} passed, {t.failed} failed")
    return 0 if t.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
