"""Fuzz and robustness: hostile, malformed and random requests against the
real all-in-one `nimbus` binary. Standard library only.

After every request sent here the test asserts that
  * an answer came within a deadline (no hang), with no 5xx status,
  * a 4xx answer with a body carries Nova's fault format: one key whose
    value holds an integer "code" equal to the status and a string "message"
    (a 404 or 405 must carry one),
  * a server the request created (202) reads back as valid UTF-8 JSON
    (shown to its owner and to the admin, and listed),
  * the process is still alive, and still answers GET /v2.1/servers (200)
    and POST /v2.1/servers (202) within the deadline.
A request that kills or freezes nimbus is reported with the log's last lines,
and nimbus is restarted (fresh data directory) so that the next requests are
judged on their own.

Requests go out over raw sockets, so nothing normalizes the bytes on the way.

Environment:
  NIMBUS_BIN                  the binary (harness default build/tools/nimbus)
  NIMBUS_FUZZ_SEED            seed of the random phase (default: random, printed)
  NIMBUS_FUZZ_COUNT           requests of the random phase (default 2000)
  NIMBUS_FUZZ_BUDGET          seconds the random phase may take (default 45)
  NIMBUS_FUZZ_DEADLINE        seconds one request may take (default 5)
  NIMBUS_FUZZ_IDLE_DEADLINE   seconds to wait for an idle connection to be
                              closed with [api] client_timeout = 2 (default 30;
                              0 skips that test)
"""

import copy
import json
import os
import resource
import random
import select
import shutil
import signal
import socket
import subprocess
import sys
import time
import unittest
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from harness import ADMIN, IMAGE_ID, Nimbus  # noqa: E402

DEADLINE = float(os.environ.get("NIMBUS_FUZZ_DEADLINE", "5"))
FUZZ_COUNT = int(os.environ.get("NIMBUS_FUZZ_COUNT", "2000"))
FUZZ_BUDGET = float(os.environ.get("NIMBUS_FUZZ_BUDGET", "45"))
IDLE_DEADLINE = float(os.environ.get("NIMBUS_FUZZ_IDLE_DEADLINE", "30"))
CLIENT_TIMEOUT = 2
CONFIG = {"api": {"client_timeout": CLIENT_TIMEOUT}}
OWN = "{own}"  # replaced, when a request is sent, by the id of the class's own server
OWN_NAME = "a" * 40  # the ReDoS target
MISSING = "6c4bd2a5-0f5e-4c5c-9a43-3a2c1c1f4e21"  # a server id that does not exist
KEEP_CRASH_DIRS = 3


def create_body(**extra):
    server = {"name": "fuzz-vm", "imageRef": IMAGE_ID, "flavorRef": "1"}
    server.update(extra)
    return {"server": server}


VALID_CREATE = json.dumps(create_body()).encode()


# -- raw HTTP -----------------------------------------------------------------


def _b(x):
    if isinstance(x, bytes):
        return x
    return str(x).encode("utf-8")


def short(x, n=160):
    """A printable, bounded rendering of str or bytes for failure messages."""
    if x is None:
        return "None"
    size = len(x)
    cut = x[:n]
    text = repr(cut)
    if isinstance(cut, bytes):
        text = text[1:]
    if size > n:
        text += "...(%d %s in all)" % (size, "bytes" if isinstance(x, bytes) else "chars")
    return text


class Req:
    """One raw HTTP/1.1 request. `headers` is a list of (name, value) pairs,
    str or bytes, sent in order after the default ones (Host, X-Auth-Token,
    Content-Type and Content-Length when there is a body, Connection: close).
    `port` is "api" or "image"."""

    def __init__(self, method, target, body=None, token=ADMIN, headers=(), port="api",
                 label=None, chunked=False, defaults=True):
        self.method = _b(method)
        self.target = _b(target)
        self.body = body if body is None else _b(body)
        self.token = token
        self.headers = [(_b(k), _b(v)) for k, v in headers]
        self.port = port
        self.label = label
        self.chunked = chunked
        self.defaults = defaults

    def wire(self, own_id, port):
        target = self.target.replace(OWN.encode(), own_id.encode())
        out = [self.method + b" " + target + b" HTTP/1.1"]
        names = {k.lower() for k, _ in self.headers}
        if self.defaults:
            out.append(b"Host: 127.0.0.1:%d" % port)
            if self.token is not None:
                out.append(b"X-Auth-Token: " + _b(self.token))
            if self.body is not None and b"content-type" not in names:
                out.append(b"Content-Type: application/json")
            if self.chunked:
                out.append(b"Transfer-Encoding: chunked")
            elif self.body is not None and b"content-length" not in names \
                    and b"transfer-encoding" not in names:
                out.append(b"Content-Length: %d" % len(self.body))
            if b"connection" not in names:
                out.append(b"Connection: close")
        for k, v in self.headers:
            out.append(k + b": " + v)
        head = b"\r\n".join(out) + b"\r\n\r\n"
        body = self.body or b""
        if self.chunked:
            body = chunk_encode(body)
        return head + body

    def describe(self):
        parts = [short(self.method, 40), short(self.target.decode("latin-1"), 200)]
        if self.port != "api":
            parts.append("(on the %s port)" % self.port)
        if self.token != ADMIN:
            parts.append("X-Auth-Token=%s" % short(self.token, 60))
        if self.headers:
            shown = ["%s: %s" % (short(k.decode("latin-1"), 40), short(v, 60)) for k, v in self.headers[:4]]
            if len(self.headers) > 4:
                shown.append("... %d headers in all" % len(self.headers))
            parts.append("headers[" + ", ".join(shown) + "]")
        if self.chunked:
            parts.append("(chunked)")
        if self.body is not None:
            parts.append("body=%s" % short(self.body, 160))
        text = " ".join(parts)
        return ("[%s] " % self.label if self.label else "") + text


def chunk_encode(body):
    out = bytearray()
    for i in range(0, len(body), 4096):
        piece = body[i:i + 4096]
        out += b"%x\r\n" % len(piece) + piece + b"\r\n"
    return bytes(out + b"0\r\n\r\n")


class NoResponse(Exception):
    """No complete HTTP response: `kind` is "hang", "closed" or "connect"."""

    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind


class Resp:
    def __init__(self, status, reason, headers, body):
        self.status = status
        self.reason = reason
        self.header_list = headers
        self.headers = {k.lower(): v for k, v in headers}
        self.body = body

    def json(self):
        """(value, None) or (None, why it is not JSON)."""
        if not self.body:
            return None, "empty body"
        try:
            text = self.body.decode("utf-8")
        except UnicodeDecodeError as e:
            return None, "body is not UTF-8 (%s)" % e
        try:
            return json.loads(text), None
        except ValueError as e:
            return None, "body is not JSON (%s)" % e

    def summary(self):
        return "%d %s body=%s" % (self.status, self.reason, short(self.body, 300))


def _dechunk(data):
    """The body of a complete chunked payload, or None while incomplete."""
    out = bytearray()
    i = 0
    while True:
        j = data.find(b"\r\n", i)
        if j < 0:
            return None
        try:
            size = int(data[i:j].split(b";")[0].strip(), 16)
        except ValueError:
            raise NoResponse("closed", "malformed chunked response: %s" % short(bytes(data), 200))
        i = j + 2
        if size == 0:
            if data.startswith(b"\r\n", i) or data.find(b"\r\n\r\n", i) >= 0:
                return bytes(out)
            return None
        if len(data) < i + size + 2:
            return None
        out += data[i:i + size]
        i += size + 2


def _parse(buf, head_request, eof):
    """A complete Resp from the bytes received so far, or None."""
    while True:
        end = buf.find(b"\r\n\r\n")
        if end < 0:
            return None
        lines = bytes(buf[:end]).split(b"\r\n")
        status_line = lines[0].split(b" ", 2)
        try:
            if not status_line[0].startswith(b"HTTP/"):
                raise ValueError
            status = int(status_line[1])
        except (ValueError, IndexError):
            raise NoResponse("closed", "malformed status line: %s" % short(lines[0], 200))
        reason = status_line[2].decode("latin-1") if len(status_line) > 2 else ""
        headers = []
        for line in lines[1:]:
            k, _, v = line.partition(b":")
            headers.append((k.strip().decode("latin-1"), v.strip().decode("latin-1")))
        rest = buf[end + 4:]
        if 100 <= status < 200:  # interim (100 Continue): the real answer follows
            buf = rest
            continue
        h = {k.lower(): v for k, v in headers}
        if head_request or status in (204, 304):
            return Resp(status, reason, headers, b"")
        if "chunked" in h.get("transfer-encoding", "").lower():
            body = _dechunk(rest)
            return None if body is None else Resp(status, reason, headers, body)
        if "content-length" in h:
            try:
                n = int(h["content-length"])
            except ValueError:
                raise NoResponse("closed", "bad Content-Length in response: %r" % h["content-length"])
            return Resp(status, reason, headers, bytes(rest[:n])) if len(rest) >= n else None
        return Resp(status, reason, headers, bytes(rest)) if eof else None


def wait_ready(s, writing, timeout):
    """(readable, writable) for one socket, by poll: select() cannot take
    descriptors above 1,023, and test_7 holds more connections than that."""
    p = select.poll()
    p.register(s, select.POLLIN | (select.POLLOUT if writing else 0))
    events = p.poll(max(timeout, 0) * 1000)
    mask = events[0][1] if events else 0
    return bool(mask & (select.POLLIN | select.POLLHUP | select.POLLERR)), bool(mask & select.POLLOUT)


def readable_of(socks, timeout):
    """The sockets of `socks` with something to read (or closed), by poll."""
    p = select.poll()
    by_fd = {s.fileno(): s for s in socks}
    for fd in by_fd:
        p.register(fd, select.POLLIN)
    return [by_fd[fd] for fd, _ in p.poll(max(timeout, 0) * 1000)]


def exchange(port, data, deadline=DEADLINE, head_request=False):
    """Sends `data` on a new connection and reads one response. Keeps reading
    while sending, so an early answer (413 before the body is in) is seen."""
    end = time.monotonic() + deadline
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=deadline)
    except OSError as e:
        raise NoResponse("connect", "could not connect: %s" % e)
    with s:
        s.setblocking(False)
        buf = bytearray()
        sent = 0
        send_error = None
        while True:
            remaining = end - time.monotonic()
            if remaining <= 0:
                raise NoResponse("hang", "no complete response within %.0f s (sent %d of %d bytes, got %s)"
                                 % (deadline, sent, len(data), short(bytes(buf), 200)))
            writing = sent < len(data) and send_error is None
            r, w = wait_ready(s, writing, remaining)
            if r:
                try:
                    chunk = s.recv(1 << 16)
                except (BlockingIOError, InterruptedError):
                    chunk = None
                except OSError as e:
                    resp = _parse(buf, head_request, True)
                    if resp:
                        return resp
                    raise NoResponse("closed", "connection reset without a response (%s; sent %d of %d bytes)"
                                     % (e, sent, len(data)))
                if chunk == b"":
                    resp = _parse(buf, head_request, True)
                    if resp:
                        return resp
                    raise NoResponse("closed", "connection closed without a complete response "
                                     "(sent %d of %d bytes%s, got %s)"
                                     % (sent, len(data), ", send failed: %s" % send_error if send_error else "",
                                        short(bytes(buf), 200)))
                if chunk:
                    buf += chunk
                    resp = _parse(buf, head_request, False)
                    if resp:
                        return resp
            if w:
                try:
                    sent += s.send(data[sent:sent + (1 << 18)])
                except (BlockingIOError, InterruptedError):
                    pass
                except OSError as e:
                    send_error = e


def fault_problem(resp, method):
    """Why a response breaks the Nova fault rules, or None."""
    if resp.status >= 500:
        return "server error %d: %s" % (resp.status, short(resp.body, 300))
    if not 400 <= resp.status < 500:
        return None
    value, why = resp.json()
    if value is None:
        if resp.body and ("json" in resp.headers.get("content-type", "") or resp.body[:1] in b"{["):
            return "%d with a broken JSON body: %s: %s" % (resp.status, why, short(resp.body, 200))
        if resp.status in (404, 405) and method != b"HEAD":
            return "%d without a Nova fault body (%s): %s" % (resp.status, why, short(resp.body, 200))
        return None
    ok = (isinstance(value, dict) and len(value) == 1
          and isinstance(next(iter(value.values())), dict))
    if ok:
        inner = next(iter(value.values()))
        ok = (type(inner.get("code")) is int and inner["code"] == resp.status
              and isinstance(inner.get("message"), str))
    if not ok:
        return "%d body is not a Nova fault ({\"<name>\": {\"code\": %d, \"message\": \"...\"}}): %s" % (
            resp.status, resp.status, short(resp.body, 300))
    return None


def signal_name(rc):
    if rc is None or rc >= 0:
        return "exit code %s" % rc
    try:
        return "signal %s" % signal.Signals(-rc).name
    except ValueError:
        return "signal %d" % -rc


def log_tail(n, lines=8):
    try:
        with open(os.path.join(n.data_dir, "nimbus.log"), "rb") as f:
            f.seek(0, 2)
            f.seek(max(0, f.tell() - 6000))
            text = f.read().decode("utf-8", "replace")
    except OSError:
        return "(no log)"
    keep = [l for l in text.splitlines() if l.strip() and "unknown option" not in l
            and "Nimbus is up" not in l and not l.startswith("Try: ")]
    return " | ".join(l[:300] for l in keep[-lines:]) or "(log empty)"


def wait_for_binary(timeout=600):
    """Another engineer may be rebuilding build/: wait for the binary."""
    harness.wait_until(lambda: os.path.isfile(harness.NIMBUS_BIN) and os.access(harness.NIMBUS_BIN, os.X_OK),
                       "%s to exist (being rebuilt?)" % harness.NIMBUS_BIN, timeout=timeout, interval=0.5)


def start_nimbus():
    last = None
    for _ in range(5):
        wait_for_binary()
        n = Nimbus(CONFIG)
        try:
            return n.start()
        except (OSError, AssertionError, subprocess.SubprocessError) as e:
            last = e
            try:
                n.close()
            except AssertionError:
                pass
            # The binary may have been replaced mid-start: wait for it again.
            harness.wait_until(lambda: os.access(harness.NIMBUS_BIN, os.X_OK), "binary", timeout=600, interval=0.5)
    raise AssertionError("nimbus would not start: %s" % last)


# -- the tests ------------------------------------------------------------------


class Fuzz(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.restarts = 0
        cls.kept_dirs = []
        cls.last_request = None
        cls.statuses = {}
        cls._start()

    @classmethod
    def _start(cls):
        cls.n = start_nimbus()
        cls.own = cls.n.boot(OWN_NAME)

    @classmethod
    def tearDownClass(cls):
        n = cls.n
        cls.n = None
        if n is not None:
            n.close()  # SIGTERM; raises when nimbus does not exit
        if cls.kept_dirs:
            print("\nfuzz: data directories (with nimbus.log) of crashed runs kept: %s"
                  % ", ".join(cls.kept_dirs), file=sys.stderr)

    @classmethod
    def _restart(cls):
        old = cls.n
        crashed = old.proc is not None and old.proc.poll() is not None
        try:
            old.stop(signal.SIGKILL)
        except AssertionError:
            pass
        if crashed and len(cls.kept_dirs) < KEEP_CRASH_DIRS:
            cls.kept_dirs.append(old.data_dir)
        else:
            shutil.rmtree(old.data_dir, ignore_errors=True)
        cls.restarts += 1
        cls._start()

    def setUp(self):
        if self.n is None or self.n.proc is None:
            type(self)._start()
            return
        problem = self.health()
        if problem:
            # Healthy after the last request checked, not now: it broke later
            # (a delayed crash). Reported on this test, which still runs.
            msg = ("nimbus was healthy after the last request checked, but not when %s began: %s; "
                   "the last request sent was: %s (restarted)"
                   % (self.id().rsplit(".", 1)[-1], problem,
                      self.last_request.describe() if self.last_request else None))
            type(self)._restart()
            self.addCleanup(self.fail, msg)

    # -- sending and judging -----------------------------------------------

    def port_of(self, req):
        return self.n.image_port if req.port == "image" else self.n.port

    def send(self, req, deadline=DEADLINE):
        """The Resp, or raises NoResponse."""
        port = self.port_of(req)
        return exchange(port, req.wire(self.own, port), deadline, head_request=req.method == b"HEAD")

    def health(self):
        """Why nimbus is not healthy now, or None."""
        n = self.n
        if n.proc is None or n.proc.poll() is not None:
            rc = n.proc.returncode if n.proc else None
            return "nimbus died (%s); log: %s" % (signal_name(rc), log_tail(n))
        try:
            r = self.send(Req("GET", "/v2.1/servers"))
            if r.status != 200:
                return "GET /v2.1/servers answers %s" % r.summary()
            r = self.send(Req("POST", "/v2.1/servers", json.dumps(create_body(name="fuzz-health"))))
            if r.status != 202:
                return "POST /v2.1/servers (a valid create) answers %s" % r.summary()
            value, _ = r.json()
            uuid_ = value["server"]["id"]
            r = self.send(Req("DELETE", "/v2.1/servers/" + uuid_))
            if r.status >= 500:
                return "DELETE /v2.1/servers/%s answers %s" % (uuid_, r.summary())
        except NoResponse as e:
            if n.proc.poll() is not None:
                return "nimbus died (%s); log: %s" % (signal_name(n.proc.returncode), log_tail(n))
            return "nimbus alive but does not answer a normal request: %s" % e
        except (KeyError, TypeError) as e:
            return "create answer without a server id: %s" % e
        return None

    def created(self, req, resp):
        """A server a request created is read back (shown to its owner and to
        the admin, and the owner's newest-first detail list of one) and
        deleted. Returns the problems."""
        if resp is None or resp.status != 202:
            return []
        value, _ = resp.json()
        try:
            sid = value["server"]["id"]
        except (KeyError, TypeError):
            return []
        found = []
        version = [("X-OpenStack-Nova-API-Version", "2.37")]
        for probe in (Req("GET", "/v2.1/servers/" + sid, token=req.token, headers=version),
                      Req("GET", "/v2.1/servers/" + sid, headers=version),
                      Req("GET", "/v2.1/servers/detail?limit=1", token=req.token, headers=version)):
            try:
                r = self.send(probe)
                if r.status != 200:
                    found.append("reading back the server it created: %s answers %s"
                                 % (probe.describe(), r.summary()))
                elif r.json()[0] is None:
                    found.append("reading back the server it created: %s answers 200 with %s: %s"
                                 % (probe.describe(), r.json()[1], short(r.body, 200)))
            except NoResponse as e:
                found.append("reading back the server it created: %s: %s" % (probe.describe(), e))
        try:
            self.send(Req("DELETE", "/v2.1/servers/" + sid))
        except NoResponse:
            pass  # the health check that follows judges the server
        return found

    def check(self, req, expect=None, problems=None, deadline=DEADLINE, extra=None):
        """Sends `req`, judges the answer and nimbus's health afterwards.
        Returns the list of problems found (also appended to `problems`)."""
        found = []
        resp = None
        type(self).last_request = req
        try:
            resp = self.send(req, deadline)
        except NoResponse as e:
            found.append(str(e))
        if resp is not None:
            p = fault_problem(resp, req.method)
            if p:
                found.append(p)
            if expect is not None and resp.status not in expect:
                found.append("expected %s, got %s" % ("/".join(map(str, sorted(expect))), resp.summary()))
            if extra:
                p = extra(resp)
                if p:
                    found.append(p)
            if self.n.proc.poll() is None:
                found += self.created(req, resp)
            type(self).statuses[resp.status] = type(self).statuses.get(resp.status, 0) + 1
        else:
            type(self).statuses['none'] = type(self).statuses.get('none', 0) + 1
        h = self.health()
        if h:
            found.append("AFTER THIS REQUEST " + h)
            type(self)._restart()
        if found and problems is not None:
            problems.append("%s\n      -> %s" % (req.describe(), "\n      -> ".join(found)))
        return found

    def run_cases(self, cases):
        """cases: (Req, expected statuses or None[, extra check]). Fails once
        at the end with every failing request."""
        problems = []
        for case in cases:
            req, expect = case[0], case[1]
            extra = case[2] if len(case) > 2 else None
            self.check(req, expect, problems, extra=extra)
        self.report(problems, len(cases))

    def report(self, problems, total):
        if problems:
            self.fail("%d of %d requests failed:\n  - %s" % (len(problems), total, "\n  - ".join(problems)))

    # -- 1. malformed percent-encoding ---------------------------------------

    def test_1_malformed_percent_encoding(self):
        targets = [
            ("/?x=%ZZ", None), ("/v2.1/servers?x=%", None), ("/v2.1/servers?x=%2", None),
            ("/v2.1/servers?%ZZ=1", None), ("/v2.1/servers/%FF", {404}), ("/v2.1/servers/%ZZ", {404}),
            ("/v2.1/servers/%", {404}), ("/v2.1/servers/%00", {404}), ("/v2.1/flavors/%FF", {404}),
            ("/v2.1/servers?marker=%FF", {400}), ("/v2.1/servers?limit=99999999999999999999", {200, 400}),
            ("/v2.1/servers?limit=-1", {400}), ("/v2.1/servers?limit=abc", {400}),
            ("/v2.1/servers/detail?name=%", None), ("/v2.1/os-hypervisors/%FF", {404}),
            ("/v2.1/servers/%s/os-instance-actions/%%FF" % OWN, {404}), ("/v2.1/%C3%28", {404}),
        ]
        cases = []
        for target, expect in targets:
            cases.append((Req("GET", target), expect))
            # POST: the same query and path parsing, on the path that reads a body.
            cases.append((Req("POST", target, VALID_CREATE), None))
        for target in ("/v2/images/%FF", "/v2/images?name=%ZZ", "/?x=%"):
            cases.append((Req("GET", target, port="image"), {404} if "%FF" in target else None))
            cases.append((Req("POST", target, b"{}", port="image"), None))
        self.run_cases(cases)

    # -- 2. bad header bytes -------------------------------------------------

    def test_2_bad_header_bytes(self):
        cases = []
        for name, value in (("X-OpenStack-Nova-API-Version", b"2.\xff"),
                            ("OpenStack-API-Version", b"compute 2.\xff")):
            cases.append((Req("GET", "/v2.1/servers", headers=[(name, value)]), {400}))
            cases.append((Req("POST", "/v2.1/servers", VALID_CREATE, headers=[(name, value)]), {400}))
            cases.append((Req("GET", "/v2.1/flavors", headers=[(name, value)]), {400}))
        long_value = "a" * 100000
        for method, body in (("GET", None), ("POST", VALID_CREATE)):
            cases.append((Req(method, "/v2.1/servers", body, headers=[("X-Fuzz-Long", long_value)],
                              label="100 KB header"), None))
            cases.append((Req(method, "/v2.1/servers", body, token="admin:" + long_value,
                              label="100 KB X-Auth-Token"), None))
            cases.append((Req(method, "/v2.1/servers", body,
                              headers=[("X-OpenStack-Nova-API-Version", "2." + "1" * 100000)],
                              label="100 KB microversion"), {400}))
            cases.append((Req(method, "/v2.1/servers", body,
                              headers=[("X-Fuzz-%d" % i, "v%d" % i) for i in range(1000)],
                              label="1000 headers"), None))
        cases += [
            (Req("GET", "/v2.1/servers", token=b"\xff:\xff", label="token with bad UTF-8"), None),
            (Req("POST", "/v2.1/servers", VALID_CREATE, token=b"\xff:\xff", label="token with bad UTF-8"), None),
            (Req("GET", "/v2.1/servers", headers=[("X-Fuzz", b"a\x00b")], label="NUL in header"), None),
            (Req("GET", "/v2.1/servers", headers=[(b"X-\xff", "v")], label="bad byte in header name"), None),
            (Req("GET", "/v2.1/servers", headers=[("X-OpenStack-Nova-API-Version", "2.99999999999999999999")]),
             {400, 406}),
            (Req("POST", "/v2.1/servers", VALID_CREATE, headers=[("Content-Length", "abc")],
                 label="non-numeric Content-Length"), None),
            (Req("POST", "/v2.1/servers", VALID_CREATE, headers=[("Content-Length", "-1")],
                 label="negative Content-Length"), None),
        ]
        self.run_cases(cases)

    # -- 3. regex name filter ------------------------------------------------

    def test_3_regex_name_filter(self):
        cases = [
            (Req("GET", "/v2.1/servers?name=(%FF"), None),
            (Req("GET", "/v2.1/servers?name=("), None),
            (Req("GET", "/v2.1/servers/detail?name=("), None),
            (Req("GET", "/v2.1/servers?name=" + "(" * 20000, label="20000 open parentheses"), None),
            (Req("GET", "/v2.1/servers?name=" + "a" * 100000, label="100000-char name filter"), None),
            (Req("GET", "/v2.1/servers/detail?name=%5B"), None),
            # Catastrophic backtracking on the class's own server, named 'a' * 40.
            (Req("GET", "/v2.1/servers?name=(a%7Ca)*b", label="ReDoS against a server named 'a'*40"), None),
        ]
        self.run_cases(cases)

    # -- 4. JSON bodies ------------------------------------------------------

    def test_4_json_bodies(self):
        deep = b"[" * 100000 + b"]" * 100000  # about 200 KB of nesting
        deep_obj = b'{"a":' * 40000 + b"1" + b"}" * 40000
        base = VALID_CREATE[:-2]  # {"server": {...  without the closing braces

        def in_server(key, raw):
            return base + b', "' + key + b'": ' + raw + b"}}"

        action = "/v2.1/servers/%s/action" % OWN
        bad_json = {400}
        big = {400, 413}
        cases = [
            (Req("POST", "/v2.1/servers", b'{"server": ' + deep + b"}", label="200 KB array nesting"), big),
            (Req("POST", "/v2.1/servers", b'{"server": ' + deep_obj + b"}", label="object nesting"), big),
            (Req("POST", "/v2.1/servers", in_server(b"name", deep), label="nesting in name"), big),
            (Req("POST", "/v2.1/servers", in_server(b"metadata", deep), label="nesting in metadata"), big),
            (Req("POST", "/v2.1/servers", in_server(b"metadata", b'{"k": ' + deep + b"}"),
                 label="nesting in a metadata value"), big),
            (Req("POST", "/v2.1/servers", in_server(b"min_count", deep), label="nesting in min_count"), big),
            (Req("POST", "/v2.1/servers", in_server(b"networks", deep), label="nesting in networks"), big),
            (Req("POST", action, b'{"reboot": ' + deep + b"}", label="nesting in reboot"), big),
            (Req("POST", action, b'{"reboot": {"type": ' + deep + b"}}", label="nesting in reboot type"), big),
            (Req("POST", action, b'{"os-stop": ' + deep + b"}", label="nesting in os-stop"), {202, 400, 409, 413}),
            (Req("POST", "/v2.1/servers", b'{"server": '), bad_json),
            (Req("POST", "/v2.1/servers", b"{]"), bad_json),
            (Req("POST", "/v2.1/servers", b"not json"), bad_json),
            (Req("POST", "/v2.1/servers", b""), bad_json),
            (Req("POST", "/v2.1/servers", base + b",}}"), bad_json),
            (Req("POST", "/v2.1/servers", b"\x00\x01\x02"), bad_json),
            (Req("POST", "/v2.1/servers", in_server(b"flavorRef", b"1e99999")), bad_json),
            (Req("POST", "/v2.1/servers", in_server(b"min_count", b"99999999999999999999999")), bad_json),
            (Req("POST", "/v2.1/servers", in_server(b"min_count", b"NaN")), bad_json),
            (Req("POST", action, b'{"reboot": '), bad_json),
            (Req("POST", action, b"not json"), bad_json),
        ]
        for bad in (b"\xff\xfe", b"\xc3", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\\ud800"):
            cases.append((Req("POST", "/v2.1/servers", in_server(b"name", b'"x' + bad + b'"'),
                              label="non-UTF-8 in name"), bad_json))
            cases.append((Req("POST", "/v2.1/servers", in_server(b"metadata", b'{"k' + bad + b'": "v"}'),
                              label="non-UTF-8 in a metadata key"), bad_json))
            cases.append((Req("POST", action, b'{"reboot": {"type": "S' + bad + b'"}}'),
                          bad_json))
        for body in (b"[]", b"[" + VALID_CREATE + b"]", b"42", b'"server"', b"null", b"true", b"{}"):
            cases.append((Req("POST", "/v2.1/servers", body, label="body not an object"), {400}))
            cases.append((Req("POST", action, body, label="body not an object"), {400}))
        ten_mb = VALID_CREATE[:-1] + b" " * (10 << 20) + b"}"
        cases.append((Req("POST", "/v2.1/servers", ten_mb, label="10 MB (valid but padded) create"), big))
        cases.append((Req("POST", "/v2.1/servers", in_server(b"adminPass", b'"' + b"p" * (10 << 20) + b'"'),
                          label="10 MB adminPass"), big))
        cases.append((Req("POST", "/v2.1/servers", b"", headers=[("Content-Length", str(20 << 30))],
                          label="announces a 20 GB body, sends none"), {413}))
        self.run_cases(cases)

    # -- 5. methods ----------------------------------------------------------

    def test_5_methods(self):
        canary = "admin:canary-%s" % uuid.uuid4().hex

        def no_echo(resp):
            seen = resp.body + "".join("%s: %s" % kv for kv in resp.header_list).encode("latin-1", "replace")
            if canary.encode() in seen:
                return "the response echoes the request (the X-Auth-Token value is in it): %s" % resp.summary()
            return None

        cases = []
        for method in ("TRACE", "OPTIONS"):
            for target in ("/", "/v2.1/servers", "/v2.1", "/v2.1/servers/%s" % OWN):
                cases.append((Req(method, target, token=canary), {405}, no_echo))
            cases.append((Req(method, "/", token=canary, port="image"), {405}, no_echo))
        unsupported = [("PUT", "/"), ("PATCH", "/"), ("PUT", "/v2.1"), ("PATCH", "/v2.1"),
                       ("PUT", "/v2.1/servers"), ("PATCH", "/v2.1/servers"), ("DELETE", "/v2.1/servers"),
                       ("PATCH", "/v2.1/servers/%s" % OWN), ("PUT", "/v2.1/servers/%s/action" % OWN),
                       ("PATCH", "/v2.1/servers/%s/action" % OWN), ("GET", "/v2.1/servers/%s/action" % OWN),
                       ("PUT", "/v2.1/flavors"), ("PATCH", "/v2.1/flavors"), ("DELETE", "/v2.1/flavors"),
                       ("PATCH", "/v2.1/flavors/1"), ("PUT", "/v2.1/os-hypervisors"),
                       ("PATCH", "/v2.1/os-hypervisors"), ("PATCH", "/v2.1/os-services"),
                       ("POST", "/v2.1/os-hypervisors")]
        for method, target in unsupported:
            cases.append((Req(method, target, b"{}" if method != "GET" else None), {405}))
        cases.append((Req("HEAD", "/v2.1/servers"), None))
        cases.append((Req("FOO", "/v2.1/servers", token=canary), None, no_echo))
        self.run_cases(cases)

    # -- 6. schema and policy ------------------------------------------------

    def test_6_schema_and_policy(self):
        def body(**extra):
            return json.dumps(create_body(**extra))

        meta128 = {"k%03d" % i: "v" for i in range(128)}
        meta129 = {"k%03d" % i: "v" for i in range(129)}
        flavor = json.dumps({"flavor": {"name": "fuzz-flavor", "ram": 512, "vcpus": 1, "disk": 1}})
        cases = [
            (Req("POST", "/v2.1/servers", body(project_id="someone-else"), label="unknown field"), {400}),
            (Req("POST", "/v2.1/servers", body(tenant_id="someone-else"), label="unknown field"), {400}),
            (Req("POST", "/v2.1/servers", body(name="a\u0000b"), label="NUL in name"), {400}),
            (Req("POST", "/v2.1/servers", body(name="   "), label="whitespace-only name"), {400}),
            (Req("POST", "/v2.1/servers", body(name=" lead"), label="leading whitespace"), {400}),
            (Req("POST", "/v2.1/servers", body(metadata=meta128), label="128 metadata items (the quota)"), {202}),
            (Req("POST", "/v2.1/servers", body(metadata=meta129), label="129 metadata items"), {403}),
            (Req("POST", "/v2.1/servers", body(metadata={"k" * 256: "v"}), label="256-char metadata key"), {400}),
            (Req("POST", "/v2.1/servers", body(metadata={"k": "v" * 256}), label="256-char metadata value"),
             {400}),
            (Req("POST", "/v2.1/servers", body(metadata={"": "v"}), label="empty metadata key"), {400}),
            (Req("GET", "/v2.1/servers?all_tenants=1", token="demo:demo"), {403}),
            (Req("GET", "/v2.1/servers/detail?all_tenants=1", token="demo:demo"), {403}),
            (Req("POST", "/v2.1/flavors", flavor, token="demo:demo"), {403}),
            (Req("DELETE", "/v2.1/flavors/1", token="demo:demo"), {403}),
            (Req("POST", "/v2.1/servers/%s/action" % MISSING, '{"pause": null}',
                 label="unimplemented action, no such server"), {404}),
            (Req("POST", "/v2.1/servers/%s/action" % MISSING, '{"lock": null}',
                 label="unimplemented action, no such server"), {404}),
            (Req("POST", "/v2.1/servers/%s/action" % MISSING, '{"os-stop": null}'), {404}),
            (Req("GET", "/v2.1/os-hypervisors", token="demo:demo"), {403}),
            (Req("GET", "/v2.1/no-such-route"), {404}),
            (Req("GET", "/no-such-route/at/all"), {404}),
            (Req("GET", "/v2.1/servers", token=None), {401}),
        ]
        self.run_cases(cases)

    def test_6b_delete_right_after_create_leaves_nothing(self):
        """Every check above creates a server and deletes it at once (a 204):
        it must then go away, not come back ACTIVE later."""
        ids = []
        for i in range(20):
            r = self.send(Req("POST", "/v2.1/servers", json.dumps(create_body(name="gone-%02d" % i))))
            self.assertEqual(r.status, 202, r.summary())
            sid = r.json()[0]["server"]["id"]
            d = self.send(Req("DELETE", "/v2.1/servers/" + sid))
            self.assertEqual(d.status, 204, d.summary())
            ids.append(sid)

        def remaining():
            return [i for i in ids if self.send(Req("GET", "/v2.1/servers/" + i)).status != 404]
        try:
            harness.wait_until(lambda: not remaining(), "the deleted servers to be gone", timeout=10)
            left = []
        except AssertionError:
            left = remaining()
        if left:
            states = []
            for sid in left[:5]:
                r = self.send(Req("GET", "/v2.1/servers/" + sid))
                value, _ = r.json()
                states.append("%s: %s" % (sid, value["server"]["status"] if r.status == 200 and value else r.summary()))
            self.fail("%d of 20 servers deleted (204) right after their create (202) still exist 10 s later "
                      "(POST /v2.1/servers then at once DELETE /v2.1/servers/<id>): %s"
                      % (len(left), "; ".join(states)))

    # -- 7. slow clients -------------------------------------------------------

    def _idle(self, first_bytes):
        s = socket.create_connection(("127.0.0.1", self.n.port), timeout=DEADLINE)
        if first_bytes:
            s.sendall(first_bytes)
        return s

    PARTIALS = [
        b"",  # connected, nothing sent
        b"GET /v2.1/serv",  # half a request line
        b"GET /v2.1/servers HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Auth-To",  # half the headers
        b"POST /v2.1/servers HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Auth-Token: admin:admin\r\n"
        b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"server\": ",  # half a body
        b"POST /v2.1/servers HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Auth-Token: admin:admin\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n400\r\n{\"ser",  # half a chunk
    ]

    def test_7_slow_clients_do_not_block_others(self):
        problems = []
        socks = []
        try:
            socks.append(self._idle(b"GET /v2.1/serv"))
            h = self.health()
            if h:
                problems.append("with one half-sent request line open: " + h)
                type(self)._restart()
            else:
                # More stalled connections than a default open-files limit
                # (1,024) holds: nimbus raises its own limit, so they cost
                # it descriptors, not its clients.
                soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
                want = min(1500, hard - 64)
                if soft < want + 64:
                    resource.setrlimit(resource.RLIMIT_NOFILE, (want + 64, hard))
                for i in range(want):
                    socks.append(self._idle(self.PARTIALS[i % len(self.PARTIALS)]))
                for what in ("GET /v2.1/servers/detail", "GET /v2.1/flavors", "GET /v2.1/os-hypervisors"):
                    method, path = what.split()
                    try:
                        r = self.send(Req(method, path))
                        if r.status != 200:
                            problems.append("with %d stalled connections open" % len(socks) + ": %s answers %s" % (what, r.summary()))
                    except NoResponse as e:
                        problems.append("with %d stalled connections open" % len(socks) + ": %s: %s" % (what, e))
                h = self.health()
                if h:
                    problems.append("with %d stalled connections open" % len(socks) + ": " + h)
                    type(self)._restart()
        finally:
            for s in socks:
                s.close()
        h = self.health()
        if h:
            problems.append("after closing the stalled connections: " + h)
            type(self)._restart()
        self.report(problems, 4)

    @unittest.skipIf(IDLE_DEADLINE <= 0, "NIMBUS_FUZZ_IDLE_DEADLINE=0: idle-close wait skipped")
    def test_7b_stalled_connections_closed_after_client_timeout(self):
        """With [api] client_timeout = 2 a connection that stalls mid-request
        is closed (a 408 before closing is fine) within IDLE_DEADLINE."""
        socks = {}
        for data in self.PARTIALS:
            s = self._idle(data)
            s.setblocking(False)
            socks[s] = [data, None, b""]  # what was sent, seconds until closed, what came back
        start = time.monotonic()
        open_ = set(socks)
        try:
            while open_:
                remaining = start + IDLE_DEADLINE - time.monotonic()
                if remaining <= 0:
                    break
                readable = readable_of(open_, remaining)
                for s in readable:
                    try:
                        chunk = s.recv(1 << 16)
                    except (BlockingIOError, InterruptedError):
                        continue
                    except OSError:
                        chunk = b""
                    if chunk:
                        socks[s][2] += chunk
                    else:
                        socks[s][1] = time.monotonic() - start
                        open_.discard(s)
        finally:
            for s in socks:
                s.close()
        problems = []
        for data, closed_after, got in socks.values():
            what = "connection that sent %s then stalled" % short(data, 80)
            if closed_after is None:
                problems.append("%s: still open after %.0f s (client_timeout = %d)" % (what, IDLE_DEADLINE,
                                                                                       CLIENT_TIMEOUT))
            status = got[9:12]
            if got and (not status.isdigit() or int(status) >= 500):
                problems.append("%s: answered %s before closing" % (what, short(got, 200)))
        if problems:
            note = ""
            try:
                with open(os.path.join(self.n.data_dir, "nimbus.log"), "rb") as f:
                    if b"unknown option [api] client_timeout" in f.read():
                        note = " (nimbus.log: 'unknown option [api] client_timeout is ignored': not implemented yet)"
            except OSError:
                pass
            self.fail("idle connections are not closed%s:\n  - %s" % (note, "\n  - ".join(problems)))

    # -- 8. random fuzz ----------------------------------------------------------

    def test_8_random_fuzz(self):
        env_seed = os.environ.get("NIMBUS_FUZZ_SEED")
        seed = int(env_seed) if env_seed else random.SystemRandom().randrange(1 << 32)
        print("\nfuzz: seed %d (NIMBUS_FUZZ_SEED=%d reproduces it), %d requests"
              % (seed, seed, FUZZ_COUNT), file=sys.stderr)
        gen = RequestGenerator(random.Random(seed))
        by_signature = {}
        failed = 0
        sent = 0
        restarts_before = self.restarts
        statuses_before = dict(self.statuses)
        start = time.monotonic()
        stopped = None
        for i in range(FUZZ_COUNT):
            if time.monotonic() - start > FUZZ_BUDGET:
                stopped = "time budget of %.0f s spent" % FUZZ_BUDGET
                break
            if self.restarts - restarts_before >= 150:
                stopped = "150 restarts"
                break
            req = gen.request()
            req.label = "fuzz #%d seed %d" % (i, seed)
            found = self.check(req)
            sent += 1
            if found:
                failed += 1
                sig = signature(req, found)
                entry = by_signature.setdefault(sig, [0, []])
                entry[0] += 1
                if len(entry[1]) < 2:
                    entry[1].append("%s\n        -> %s" % (req.describe(), "\n        -> ".join(found)))
        took = time.monotonic() - start
        seen = {k: v - statuses_before.get(k, 0) for k, v in self.statuses.items()}
        histogram = ", ".join("%s: %d" % (k, v) for k, v in sorted(seen.items(), key=lambda kv: str(kv[0])) if v)
        print("fuzz: %d requests in %.1f s, %d failed, %d restarts%s; answers %s"
              % (sent, took, failed, self.restarts - restarts_before,
                 "; stopped early: " + stopped if stopped else "", histogram), file=sys.stderr)
        if by_signature:
            lines = []
            for sig, (count, examples) in sorted(by_signature.items(), key=lambda kv: -kv[1][0]):
                lines.append("%dx %s\n      e.g. %s" % (count, sig, "\n      e.g. ".join(examples)))
            self.fail("seed %d: %d of %d random requests failed (%s), by kind:\n  - %s"
                      % (seed, failed, sent, "stopped early: " + stopped if stopped else "all sent",
                         "\n  - ".join(lines)))

    # -- 9. SIGTERM ------------------------------------------------------------------

    def test_9_sigterm_stops_the_process(self):
        n = self.n
        n.proc.send_signal(signal.SIGTERM)
        try:
            rc = n.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            n.proc.kill()
            n.proc.wait()
            self.fail("nimbus did not exit within 60 s of SIGTERM; log: %s" % log_tail(n))
        finally:
            # The next test (if any) starts a fresh one in setUp.
            n.stop()
            shutil.rmtree(n.data_dir, ignore_errors=True)
            type(self).n = None
        self.assertIn(rc, (0, -signal.SIGTERM, 128 + signal.SIGTERM),
                      "nimbus exited with %s on SIGTERM" % signal_name(rc))


def signature(req, found):
    """Groups random failures: the kind of problem, the method, the route."""
    after = [f for f in found if f.startswith("AFTER THIS REQUEST")]
    text = found[0]
    if after:
        kind = ("kills nimbus" if "died" in after[0] else
                "freezes nimbus" if "does not answer" in after[0] else "breaks nimbus")
    elif text.startswith("server error"):
        kind = "5xx " + text.split()[2].rstrip(":")
    elif text.startswith("no complete response"):
        kind = "no answer within the deadline"
    elif text.startswith("reading back"):
        kind = "the server it created reads back badly (%s)" % (
            "not UTF-8" if "not UTF-8" in text else "not JSON" if "not JSON" in text else "status")
    elif text.startswith("connection") or text.startswith("malformed"):
        kind = "connection dropped without an answer"
    else:
        kind = "bad fault body"
    path = req.target.split(b"?")[0].decode("latin-1")
    segs = [s for s in path.split("/") if s][:3]
    route = "/" + "/".join(s if s.replace("-", "").replace(".", "").isalnum() or s == OWN else "<junk>"
                           for s in segs)
    if b"?" in req.target:
        route += "?..."
    return "%s: %s %s" % (kind, short(req.method, 20), route)


# -- the random request generator ---------------------------------------------------


class RequestGenerator:
    # The routes that take bodies or filters come up more often.
    PREFIXES = ["/v2.1/servers"] * 8 + ["/v2.1/servers/%s/action" % OWN] * 6 + ["/v2.1/servers/detail"] * 2 + [
                "/", "/v2.1", "/v2.1/servers", "/v2.1/servers/detail", "/v2.1/flavors",
                "/v2.1/flavors/detail", "/v2.1/flavors/1", "/v2.1/os-hypervisors",
                "/v2.1/os-hypervisors/detail", "/v2.1/os-services", "/v2.1/servers/%s/action" % OWN,
                "/v2.1/servers/%s" % OWN, "/v2.1/servers/%s/os-instance-actions" % OWN,
                "/v2.1/servers/%s/action" % MISSING, "/v2.1/images", "/v2.1/images/detail",
                "/v2.1/images/" + IMAGE_ID]
    IMAGE_PREFIXES = ["/", "/v2/images", "/v2/images/" + IMAGE_ID]
    GARBAGE = ["%", "%Z", "%ZZ", "%FF", "%00", "%2F", "%2", "%%", "%u0041", "%C3%28", "%E2%82",
               "%F0%9F%98%80", b"\xff", "\u00e9", "..", ".", "detail", "action", "-1",
               "99999999999999999999", "' OR 1=1--", "<script>", "%0d%0a", "~", "*", "$", "%20", "+",
               "os-instance-actions", "uptime", "os-extra_specs", ";", ",", "{}", "[]", "%7B%7D"]
    METHODS = ["GET"] * 8 + ["POST"] * 8 + ["DELETE"] * 2 + [
        "PUT", "PATCH", "HEAD", "OPTIONS", "TRACE", "get", "FOO", "CONNECT", "M" * 300, "G\tT"]
    PARAMS = ["limit", "marker", "name", "status", "all_tenants", "is_public", "host", "binary",
              "changes-since", "sort_key", "sort_dir", "deleted", "ip", "flavor", "image", "x", "",
              "%ZZ", "name%00", "limit[]"]
    VERSIONS = ["2.1", "2.37", "2.53", "2.69", "2.79", "2.96", "2.99", "3.0", "latest", "2.", "2",
                "2.1.1", ".1", "-2.1", "2.-1", "99999999999999999999.1", "2.99999999999999999999",
                " 2.1 ", b"2.\xff", "\u0662.\u0661", "", "2.1, 2.37", "compute"]
    TOKENS = [ADMIN] * 25 + ["demo:demo"] * 5 + [None, "", ":", "admin", "admin:", ":admin",
                                                "a" * 2000, b"\xff:\xff", "admin:admin\x00x",
                                                "admin:admin admin"]
    SCALARS = [None, True, False, 0, -1, 1, 1.5, -0.0, 10 ** 30, -(10 ** 30), 2 ** 31, 2 ** 63, 2 ** 64,
               1e308, "", "x", " ", "1", "a" * 300, "\u0000", "\u202e", "HARD", "SOFT", [], {}, [1, 2],
               {"a": 1}, [None], IMAGE_ID, "none", "auto"]
    RAW_NUMBERS = [b"1e99999", b"-1e99999", b"99999999999999999999999999", b"1.7976931348623157e309",
                   b"-0", b"0.0000000000000000000001", b"NaN", b"Infinity", b"01", b"+1", b"0x10", b"1.",
                   b".5"]
    BAD_STRINGS = [b'"\xff"', b'"\xc3"', b'"\xc0\xaf"', b'"\xed\xa0\x80"', b'"\xf4\x90\x80\x80"',
                   b'"a\x00b"', b'"\\ud800"', b'"\\udc00\\ud800"', b'"\\u00"', b'"\\x41"', b'"unterminated',
                   b"'single'"]

    def __init__(self, rng):
        self.r = rng

    def pick(self, seq):
        return seq[self.r.randrange(len(seq))]

    def junk(self):
        g = self.pick(self.GARBAGE)
        roll = self.r.random()
        if roll < 0.1:
            return _b(g) * self.r.randint(2, 200)
        if roll < 0.2:
            return b"a" * self.r.randint(256, 5000)
        if roll < 0.3:
            return str(uuid.UUID(int=self.r.getrandbits(128))).encode()
        return _b(g)

    def path(self):
        image = self.r.random() < 0.08
        path = _b(self.pick(self.IMAGE_PREFIXES if image else self.PREFIXES))
        roll = self.r.random()
        segs = [s for s in path.split(b"/") if s]
        if roll < 0.55:
            pass
        elif roll < 0.65:
            segs.append(self.junk())
        elif roll < 0.75 and segs:
            i = self.r.randrange(len(segs))
            segs[i] = self.junk()
        elif roll < 0.9 and segs:
            i = self.r.randrange(len(segs))
            at = self.r.randrange(len(segs[i]) + 1)
            segs[i] = segs[i][:at] + self.junk() + segs[i][at:]
        else:
            segs.append(self.junk())
            segs.append(self.junk())
        path = b"/" + b"/".join(segs)
        if self.r.random() < 0.05:
            path = path.replace(b"/", b"//", 1)
        if self.r.random() < 0.05:
            path += b"/"
        return path, image

    def value(self):
        roll = self.r.random()
        if roll < 0.2:
            return str(self.pick([-1, 0, 1, 3, 1000, 1001, 2 ** 31, 2 ** 63, 10 ** 20, -(10 ** 20)])).encode()
        if roll < 0.35:
            return self.junk()
        if roll < 0.45:
            return OWN.encode()
        if roll < 0.6:
            # Regex-looking, but without nested quantifiers (ReDoS is test 3's job).
            return bytes(self.pick(b"a()|[]^$.?\\-") for _ in range(self.r.randint(1, 8)))
        return _b(self.pick(["", "true", "True", "0", "false", "None", "ACTIVE", "SHUTOFF", "fuzz", "a" * 40,
                             "2020-01-01T00:00:00Z", "not-a-date", "asc", "desc", "compute1", "nova-compute"]))

    def query(self):
        if self.r.random() < 0.4:
            return b""
        parts = []
        for _ in range(self.r.randint(1, 4)):
            k = _b(self.pick(self.PARAMS))
            roll = self.r.random()
            if roll < 0.1:
                parts.append(k)
            elif roll < 0.15:
                parts.append(b"=" + self.value())
            else:
                parts.append(k + b"=" + self.value())
        sep = b"&" if self.r.random() < 0.9 else self.pick([b"&&", b";", b"&=&"])
        return b"?" + sep.join(parts)

    def headers(self):
        out = []
        chunked = False
        for _ in range(self.r.choice([0, 0, 0, 1, 1, 2, 3])):
            roll = self.r.random()
            if roll < 0.25:
                out.append(("X-OpenStack-Nova-API-Version", self.pick(self.VERSIONS)))
            elif roll < 0.45:
                v = self.pick(self.VERSIONS)
                out.append(("OpenStack-API-Version", self.pick([b"compute ", b"COMPUTE ", b"volume ", b""]) + _b(v)))
            elif roll < 0.55:
                out.append(("Content-Type", self.pick(["text/plain", "application/xml", "", "application/json; charset=latin-1",
                                                       b"\xff", "multipart/form-data; boundary=x"])))
            elif roll < 0.62:
                out.append(("Accept", self.pick(["application/xml", "*/*", "", b"\xff", "text/html;q=0.1"])))
            elif roll < 0.7:
                out.append(("Expect", "100-continue"))
            elif roll < 0.75:
                chunked = True
            elif roll < 0.8:
                out.append(("Connection", self.pick(["keep-alive", "Upgrade", "close, close", ""])))
            else:
                name = b"X-Fuzz-" + bytes(self.pick(b"abcXYZ-_.") for _ in range(self.r.randint(1, 8)))
                out.append((name, self.junk()))
        return out, chunked

    def base_body(self, target=b""):
        """A valid body, usually the one the target's route takes."""
        route = target.split(b"?")[0]
        roll = self.r.random()
        if roll < 0.8 and route.endswith(b"/action"):
            kind = "action"
        elif roll < 0.8 and route.rstrip(b"/").endswith(b"/servers"):
            kind = "server"
        elif roll < 0.8 and b"/flavors" in route:
            kind = "flavor"
        else:
            kind = self.pick(["server", "server", "action", "action", "flavor", "options"])
        if kind == "server":
            server = {"name": "fuzz-rand", "imageRef": IMAGE_ID, "flavorRef": self.pick(["1", "2", 1, "42"])}
            for key, choices in (("networks", ["none", "auto", [{"uuid": MISSING}]]),
                                 ("metadata", [{"a": "b"}, {}]), ("min_count", [1, "2", 3]),
                                 ("max_count", [1, 2]), ("key_name", ["k"]), ("description", ["d"]),
                                 ("adminPass", ["p"])):
                if self.r.random() < 0.2:
                    server[key] = self.pick(choices)
            return {"server": server}
        if kind == "action":
            return self.pick([{"os-stop": None}, {"os-start": None}, {"reboot": {"type": "SOFT"}},
                              {"reboot": {"type": "HARD"}}, {"pause": None}, {"os-nonexistent": None}])
        if kind == "flavor":
            return {"flavor": {"name": "f", "ram": 512, "vcpus": 1, "disk": 1}}
        return {"options": {"cell_uuid": MISSING}}

    def spots(self, value, out, parent=None, key=None):
        """Every (container, key) in a JSON tree."""
        if parent is not None:
            out.append((parent, key))
        if isinstance(value, dict):
            for k in list(value):
                self.spots(value[k], out, value, k)
        elif isinstance(value, list):
            for i in range(len(value)):
                self.spots(value[i], out, value, i)
        return out

    def body(self, target):
        roll = self.r.random()
        if roll < 0.04:
            return bytes(self.r.getrandbits(8) for _ in range(self.r.randint(0, 64)))
        if roll < 0.08:
            return self.pick([b"", b"[]", b"42", b"null", b'"x"', b"{", b"}", b"[" * 300])
        doc = self.base_body(target)
        raws = {}
        for _ in range(self.pick([0, 0, 1, 1, 2, 3])):
            spots = self.spots(doc, [])
            if not spots:
                break
            parent, key = self.pick(spots)
            op = self.r.random()
            if op < 0.3:
                parent[key] = copy.deepcopy(self.pick(self.SCALARS))
            elif op < 0.45:
                tag = "__FUZZRAW%d__" % len(raws)
                raws[tag] = self.pick(self.RAW_NUMBERS)
                parent[key] = tag
            elif op < 0.6:
                tag = "__FUZZRAW%d__" % len(raws)
                d = self.r.randint(1, 400)
                raws[tag] = (b"[" * d + b"]" * d) if self.r.random() < 0.5 else (b'{"a":' * d + b"1" + b"}" * d)
                parent[key] = tag
            elif op < 0.75:
                tag = "__FUZZRAW%d__" % len(raws)
                raws[tag] = self.pick(self.BAD_STRINGS)
                parent[key] = tag
            elif op < 0.85 and isinstance(parent, dict):
                del parent[key]
            elif isinstance(parent, dict):
                parent[self.pick(["project_id", "unknown", "", "name", "a" * 300, "\u0000"])] = copy.deepcopy(
                    self.pick(self.SCALARS))
        data = json.dumps(doc).encode()
        for tag, raw in raws.items():
            data = data.replace(b'"' + tag.encode() + b'"', raw)
        if self.r.random() < 0.05:
            data = data[:self.r.randrange(len(data) + 1)]
        if self.r.random() < 0.05:
            data = data.replace(b"{", b'{"name": "dup", ', 1)
        return data

    def request(self):
        path, image = self.path()
        if self.r.random() < 0.5:  # the method the route takes, most of the time
            route = path.rstrip(b"/")
            method = "POST" if route.endswith(b"/action") or route == b"/v2.1/servers" else "GET"
        else:
            method = self.pick(self.METHODS)
        target = path + self.query()
        if method == "DELETE" and OWN.encode() in target:
            target = target.replace(OWN.encode(), MISSING.encode())  # keep the own server for the others
        headers, chunked = self.headers()
        body = None
        if method in ("POST", "PUT", "PATCH") or self.r.random() < 0.1:
            body = self.body(target)
        token = self.pick(self.TOKENS)
        user = token.split(":")[0] if isinstance(token, str) else None
        if method == "DELETE" and b"/flavors/" in target and user == "admin":
            token = "demo:demo"  # an admin's delete would take the health check's flavor away
        return Req(method, target, body, token=token, headers=headers, port="image" if image else "api",
                   chunked=chunked and body is not None)


if __name__ == "__main__":
    unittest.main()
