"""The fuzz test's client side: raw HTTP/1.1 requests over sockets (so that
nothing normalizes the bytes on the way), the parsing of what comes back,
the check of Nova's fault format, and the handling of the nimbus process
under test (starting it, telling why it is unhealthy). Not a test module:
test_fuzz.py holds the tests.

Environment:
  NIMBUS_FUZZ_DEADLINE        seconds one request may take (default 5)
"""

import json
import os
import select
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from harness import ADMIN, IMAGE_ID, Nimbus  # noqa: E402

DEADLINE = float(os.environ.get("NIMBUS_FUZZ_DEADLINE", "5"))
OWN = "{own}"  # replaced, when a request is sent, by the id of the test class's own server
MISSING = "6c4bd2a5-0f5e-4c5c-9a43-3a2c1c1f4e21"  # a server id that does not exist


def create_body(**extra):
    server = {"name": "fuzz-vm", "imageRef": IMAGE_ID, "flavorRef": "1"}
    server.update(extra)
    return {"server": server}


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


def glance_error_body(value, status):
    """Whether `value` is Glance's (WebOb's) JSON error body for `status`:
    {"message": "...", "code": "404 Not Found", "title": "Not Found"}."""
    return (isinstance(value, dict) and isinstance(value.get("message"), str)
            and isinstance(value.get("title"), str) and isinstance(value.get("code"), str)
            and value["code"].startswith("%d " % status))


def fault_problem(resp, method, port="api"):
    """Why a response breaks the Nova fault rules (on the image port:
    Glance's error body, or keystonemiddleware's), or None."""
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
    if port == "image" and glance_error_body(value, resp.status):
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


# -- the nimbus process -------------------------------------------------------


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


def start_nimbus(config):
    """A started Nimbus with `config`; retries while build/ is being rebuilt."""
    last = None
    for _ in range(5):
        wait_for_binary()
        n = Nimbus(config)
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


def send_to(n, own, req, deadline=DEADLINE):
    """Sends `req` to nimbus `n` (OWN in its target standing for `own`).
    The Resp, or raises NoResponse."""
    port = n.image_port if req.port == "image" else n.port
    return exchange(port, req.wire(own, port), deadline, head_request=req.method == b"HEAD")


def health_problem(n, own):
    """Why nimbus `n` is not healthy now, or None: it must be alive, list
    (200), accept a valid create (202) and delete that server (no 5xx)."""
    if n.proc is None or n.proc.poll() is not None:
        rc = n.proc.returncode if n.proc else None
        return "nimbus died (%s); log: %s" % (signal_name(rc), log_tail(n))
    try:
        r = send_to(n, own, Req("GET", "/v2.1/servers"))
        if r.status != 200:
            return "GET /v2.1/servers answers %s" % r.summary()
        r = send_to(n, own, Req("POST", "/v2.1/servers", json.dumps(create_body(name="fuzz-health"))))
        if r.status != 202:
            return "POST /v2.1/servers (a valid create) answers %s" % r.summary()
        value, _ = r.json()
        uuid_ = value["server"]["id"]
        r = send_to(n, own, Req("DELETE", "/v2.1/servers/" + uuid_))
        if r.status >= 500:
            return "DELETE /v2.1/servers/%s answers %s" % (uuid_, r.summary())
    except NoResponse as e:
        if n.proc.poll() is not None:
            return "nimbus died (%s); log: %s" % (signal_name(n.proc.returncode), log_tail(n))
        return "nimbus alive but does not answer a normal request: %s" % e
    except (KeyError, TypeError) as e:
        return "create answer without a server id: %s" % e
    return None


def readback_problems(n, own, req, resp):
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
            r = send_to(n, own, probe)
            if r.status != 200:
                found.append("reading back the server it created: %s answers %s"
                             % (probe.describe(), r.summary()))
            elif r.json()[0] is None:
                found.append("reading back the server it created: %s answers 200 with %s: %s"
                             % (probe.describe(), r.json()[1], short(r.body, 200)))
        except NoResponse as e:
            found.append("reading back the server it created: %s: %s" % (probe.describe(), e))
    try:
        send_to(n, own, Req("DELETE", "/v2.1/servers/" + sid))
    except NoResponse:
        pass  # the health check that follows judges the server
    return found
