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

Requests go out over raw sockets, so nothing normalizes the bytes on the way
(fuzz_client.py); the random phase's requests come from fuzz_random.py.

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

import json
import os
import resource
import random
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
from fuzz_client import (DEADLINE, MISSING, OWN, NoResponse, Req, create_body, fault_problem,  # noqa: E402
                         health_problem, log_tail, readable_of, readback_problems, send_to, short,
                         signal_name, start_nimbus)
from fuzz_random import RequestGenerator, signature  # noqa: E402

FUZZ_COUNT = int(os.environ.get("NIMBUS_FUZZ_COUNT", "2000"))
FUZZ_BUDGET = float(os.environ.get("NIMBUS_FUZZ_BUDGET", "45"))
IDLE_DEADLINE = float(os.environ.get("NIMBUS_FUZZ_IDLE_DEADLINE", "30"))
CLIENT_TIMEOUT = 2
CONFIG = {"api": {"client_timeout": CLIENT_TIMEOUT}}
OWN_NAME = "a" * 40  # the ReDoS target
KEEP_CRASH_DIRS = 3
VALID_CREATE = json.dumps(create_body()).encode()


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
        cls.n = start_nimbus(CONFIG)
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

    def send(self, req, deadline=DEADLINE):
        """The Resp, or raises NoResponse."""
        return send_to(self.n, self.own, req, deadline)

    def health(self):
        """Why nimbus is not healthy now, or None."""
        return health_problem(self.n, self.own)

    def created(self, req, resp):
        """Problems reading back a server the request created (then deleted)."""
        return readback_problems(self.n, self.own, req, resp)

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
            p = fault_problem(resp, req.method, req.port)
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
            (Req("GET", "/v2/images", token=None, port="image"), {401}),
            (Req("GET", "/v2/images/%s" % MISSING, token=None, port="image"), {401}),
        ]
        self.run_cases(cases)

    def test_6b_delete_right_after_create_leaves_nothing(self):
        """Every check above creates a server and deletes it at once (a 204):
        it must then go away, not come back ACTIVE later, nor stay listed
        (a ghost: in a cell's list while GET and DELETE answer 404)."""
        ids = []
        for i in range(100):
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
            self.fail("%d of 100 servers deleted (204) right after their create (202) still exist 10 s later "
                      "(POST /v2.1/servers then at once DELETE /v2.1/servers/<id>): %s"
                      % (len(left), "; ".join(states)))
        r = self.send(Req("GET", "/v2.1/servers/detail?all_tenants=1&limit=1000"))
        self.assertEqual(r.status, 200, r.summary())
        listed, _ = r.json()
        ghosts = {s["id"] for s in listed["servers"]} & set(ids)
        self.assertEqual(ghosts, set(), "deleted servers still listed")

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


if __name__ == "__main__":
    unittest.main()
