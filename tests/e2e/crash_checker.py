"""The crash test's bookkeeping and judge: the knobs, the client calls, the
Ledger of what every client was told, and the Verifier that polls a
deployment until every invariant (listed in test_crash.py) holds. Also the
made-up observations its self-test feeds the judge. Not a test module:
test_crash.py holds the tests.
"""

import collections
import concurrent.futures
import http.client
import json
import os
import random
import sys
import threading
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Response, wait_until  # noqa: E402


def _env(name, default, kind=float):
    text = os.environ.get(name, "").strip()
    return kind(text) if text else default


SEED = _env("NIMBUS_CRASH_SEED", random.SystemRandom().randrange(1, 1 << 31), int)
DEADLINE = _env("NIMBUS_CRASH_DEADLINE", 90.0)
QUIET = _env("NIMBUS_CRASH_QUIET", 30.0)
THREADS = _env("NIMBUS_CRASH_THREADS", 8, int)
CREATES = _env("NIMBUS_CRASH_CREATES", 20, int)
KEEP = os.environ.get("NIMBUS_CRASH_KEEP", "") not in ("", "0")
VERSION = "2.37"
PREFIX = "crash-"

_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def log(text):
    sys.stderr.write("[crash] %s\n" % text)
    sys.stderr.flush()


def call(port, method, path, body=None, version=VERSION, timeout=30.0):
    """One request as a client makes it: the Response, or None when no
    answer came (refused, reset, cut off or timed out): outcome unknown."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request("http://127.0.0.1:%d%s" % (port, path), data=data, method=method)
    req.add_header("X-Auth-Token", harness.ADMIN)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if version:
        req.add_header("X-OpenStack-Nova-API-Version", version)
        req.add_header("OpenStack-API-Version", "compute " + version)
    try:
        with _opener.open(req, timeout=timeout) as resp:
            return Response(resp.status, dict(resp.headers), resp.read().decode())
    except urllib.error.HTTPError as e:
        try:
            text = e.read().decode()
        except (OSError, http.client.HTTPException, ValueError):
            text = ""
        return Response(e.code, dict(e.headers), text)
    except (OSError, http.client.HTTPException, ValueError):
        return None


def list_servers(port, version):
    """Every server of servers/detail?all_tenants=1 (following the pages),
    or None if a page could not be had."""
    out, marker = [], None
    for _ in range(100):
        path = "/v2.1/servers/detail?all_tenants=1&limit=1000" + ("&marker=" + marker if marker else "")
        r = call(port, "GET", path, version=version)
        if r is None or r.status != 200 or not r.json:
            return None
        page = r.json["servers"]
        out += page
        if "servers_links" not in r.json or not page:
            return out
        marker = page[-1]["id"]
    return None


def hypervisors(port):
    r = call(port, "GET", "/v2.1/os-hypervisors/detail")
    if r is None or r.status != 200 or not r.json:
        return None
    return r.json["hypervisors"]


def usage_of(h):
    return (h["vcpus_used"], h["memory_mb_used"], h["local_gb_used"])


def flavor_usage(f):
    """What a server of flavor `f` (as shown from 2.47) claims on its host:
    vcpus, memory, and root + ephemeral + swap (rounded up to GB) of disk."""
    return (f["vcpus"], f["ram"], f["disk"] + f["ephemeral"] + (f["swap"] + 1023) // 1024)


def settled(s):
    return s["status"] != "BUILD" and s["OS-EXT-STS:task_state"] is None


def state_of(s):
    text = "status %s, task_state %s, vm_state %s, host %s" % (
        s["status"], s["OS-EXT-STS:task_state"], s["OS-EXT-STS:vm_state"], s.get("OS-EXT-SRV-ATTR:host"))
    if s.get("fault"):
        text += ", fault %r" % s["fault"].get("message")
    return text


def describe(code, shown, listed):
    """GET's answer and how the detail list shows the server."""
    text = "GET %s" % (code if code is not None else "no answer")
    if shown:
        text += " (%s)" % state_of(shown)
    text += "; listed %d time(s)" % len(listed)
    if listed and not shown:
        text += " (listed as: %s)" % "; ".join(state_of(s) for s in listed)
    return text


class Ledger:
    """What the clients were told, and what the test saw, for one variant."""

    def __init__(self, variant):
        self.variant = variant
        self.lock = threading.Lock()
        self.accepted = {}     # id -> (name, label): POST answered 202 (or adopted, see below)
        self.deleted = {}      # id -> label: DELETE answered 204
        self.uncertain = {}    # id -> why: DELETE without a clear answer (may or may not be done)
        self.delete_404 = {}   # id -> label: DELETE answered 404 for a server it should have found
        self.unknown = {}      # name -> why: POST without an answer (may or may not exist)
        self.refused = {}      # name -> status: POST refused with a 4xx
        self.gone = {}         # id -> label: seen gone (GET 404, not listed)
        self.counts = collections.Counter()
        self.violations = collections.OrderedDict()  # (kind, key) -> [first label, text, later labels]
        self.echo = True

    def violation(self, kind, key, label, text):
        with self.lock:
            seen = self.violations.get((kind, key))
            if seen:
                if label != seen[0] and label not in seen[2]:
                    seen[2].append(label)
                return
            self.violations[(kind, key)] = [label, text, []]
        if self.echo:
            log("VIOLATION [%s] %s %s: %s" % (label, kind, key, text))

    def created(self, name, resp, label):
        with self.lock:
            self.counts["create"] += 1
            if resp is None:
                self.counts["create no answer"] += 1
                self.unknown[name] = "no answer (%s)" % label
                return None
            if resp.status == 202 and resp.json and "server" in resp.json:
                uuid = resp.json["server"]["id"]
                self.counts["create 202"] += 1
                self.accepted[uuid] = (name, label)
                return uuid
            self.counts["create %d" % resp.status] += 1
            if resp.status >= 500 or resp.status == 202:
                self.unknown[name] = "answered %d (%s)" % (resp.status, label)
            else:
                self.refused[name] = resp.status
            return None

    def delete_answered(self, uuid, resp, label):
        report = None
        with self.lock:
            if resp is None:
                self.counts["delete no answer"] += 1
                self.uncertain.setdefault(uuid, "DELETE got no answer (%s)" % label)
            elif resp.status == 204:
                self.counts["delete 204"] += 1
                self.deleted.setdefault(uuid, label)
            elif resp.status == 404:
                self.counts["delete 404"] += 1
                if uuid not in self.deleted and uuid not in self.uncertain and uuid not in self.delete_404:
                    report = ("DELETE answered 404 (%s), though its create answered 202 (%s) and no "
                              "DELETE of it had been sent before" % (label, self.accepted[uuid][1]))
                self.delete_404.setdefault(uuid, label)
            else:
                self.counts["delete %d" % resp.status] += 1
                self.uncertain.setdefault(uuid, "DELETE answered %d (%s)" % (resp.status, label))
        if report:
            self.violation("delete-404", uuid, label, "%s: %s" % (self.accepted[uuid][0], report))


class Verifier:
    """Polls the deployment until every invariant holds, or gives up."""

    def __init__(self, dep, ledger, baseline):
        self.dep, self.ledger, self.baseline = dep, ledger, baseline
        self.pool = concurrent.futures.ThreadPoolExecutor(max_workers=6)

    def observe(self):
        port = self.dep.port
        snap = {"hyp": hypervisors(port), "listed": list_servers(port, "2.37"),
                "listed47": list_servers(port, "2.47")}
        with self.ledger.lock:
            ids = set(self.ledger.accepted)
        ids |= {s["id"] for s in snap["listed"] or []}

        def get(uuid):
            r = call(port, "GET", "/v2.1/servers/" + uuid)
            if r is None:
                return uuid, None, None
            return uuid, r.status, (r.json or {}).get("server") if r.status == 200 else None

        snap["gets"] = {u: (code, shown) for u, code, shown in self.pool.map(get, sorted(ids))}
        return snap

    def judge(self, snap, label):
        """The open problems {(kind, key): text}, the ids gone and the
        servers present and settled, from one observation."""
        problems, gone, present = {}, set(), {}
        led = self.ledger
        for name, p in self.dep.processes().items():
            if p.proc is None or p.proc.poll() is not None:
                problems[("process-exited", name)] = "%s is not running (log in %s)" % (name, p.data_dir)
        hyp, listed = snap["hyp"], snap["listed"]
        cells_ok = hyp is not None and sum(h["state"] == "up" for h in hyp) >= self.dep.expected_hosts
        if not cells_ok:
            problems[("hosts", "up")] = "%s of %d hosts up in os-hypervisors" % (
                "no answer" if hyp is None else sum(h["state"] == "up" for h in hyp), self.dep.expected_hosts)
        if listed is None:
            problems[("api", "list")] = "GET /servers/detail did not answer 200"
            return problems, gone, present, cells_ok
        by_id = collections.defaultdict(list)
        by_name = collections.defaultdict(set)
        for s in listed:
            by_id[s["id"]].append(s)
            by_name[s["name"]].add(s["id"])
        with led.lock:
            accepted = dict(led.accepted)
            deleted, uncertain = dict(led.deleted), dict(led.uncertain)
            delete_404, unknown, refused = dict(led.delete_404), dict(led.unknown), dict(led.refused)
            gone_before = dict(led.gone)
        for uuid, entries in by_id.items():
            if len(entries) > 1:
                problems[("duplicate", uuid)] = "%s listed %d times in servers/detail: %s" % (
                    entries[0]["name"], len(entries), "; ".join(state_of(s) for s in entries))
        names_of_accepted = collections.defaultdict(set)
        for uuid, (name, _) in accepted.items():
            names_of_accepted[name].add(uuid)
        for name, ids in by_name.items():
            if name.startswith(PREFIX) and len(ids | names_of_accepted.get(name, set())) > 1:
                problems[("two-servers-one-create", name)] = "one create, servers %s (listed %s, 202 for %s)" % (
                    sorted(ids | names_of_accepted.get(name, set())), sorted(ids),
                    sorted(names_of_accepted.get(name, set())) or "none")

        def classify(code, shown, entries):
            if code == 404:
                return "ghost" if entries else "lost"
            if code == 200 and shown:
                if not entries:
                    return "unlisted"
                if not settled(shown):
                    return "stuck"
                if shown["status"] not in ("ACTIVE", "ERROR"):
                    return "unexpected-status"
                return None if len(entries) == 1 else "duplicate"
            return "unreachable"

        for uuid, (name, made) in accepted.items():
            code, shown = snap["gets"].get(uuid, (None, None))
            entries = by_id.get(uuid, [])
            now = describe(code, shown, entries)
            if uuid in gone_before and (entries or code == 200):
                problems[("resurrected", uuid)] = "%s was gone (%s), now %s" % (name, gone_before[uuid], now)
                led.violation("resurrected", uuid, label, problems[("resurrected", uuid)])
            if uuid in deleted:
                if code == 404 and not entries:
                    gone.add(uuid)
                else:
                    kind = {200: "delete-lost", 404: "ghost"}.get(code, "unreachable")
                    problems[(kind, uuid)] = "%s: DELETE answered 204 (%s), yet %s" % (name, deleted[uuid], now)
            elif uuid in uncertain or uuid in delete_404:
                if code == 404 and not entries:
                    gone.add(uuid)
                elif classify(code, shown, entries) is None:
                    present[uuid] = shown
                    if uuid in delete_404:
                        problems[("delete-404", uuid)] = "%s: DELETE answered 404 (%s), yet %s" % (
                            name, delete_404[uuid], now)
                else:
                    kind = classify(code, shown, entries)
                    problems[(kind, uuid)] = "%s: created (%s), %s; now %s" % (
                        name, made, uncertain.get(uuid) or "DELETE answered 404", now)
            else:
                kind = classify(code, shown, entries)
                if kind is None:
                    present[uuid] = shown
                elif kind != "duplicate":
                    problems[(kind, uuid)] = "%s: create answered 202 (%s), no DELETE sent; now %s" % (
                        name, made, now)
        for uuid, entries in by_id.items():
            if uuid in accepted:
                continue
            code, shown = snap["gets"].get(uuid, (None, None))
            name = entries[0]["name"]
            now = describe(code, shown, entries)
            if name in unknown:
                kind = classify(code, shown, entries)
                if kind is None:
                    present[uuid] = shown
                elif kind != "duplicate":
                    problems[(kind, uuid)] = "%s: create %s; now %s" % (name, unknown[name], now)
            else:
                if name in names_of_accepted:
                    why = "it is a second server for the create that answered 202 with %s" % sorted(
                        names_of_accepted[name])
                elif name in refused:
                    why = "its create was refused with %d" % refused[name]
                else:
                    why = "no create of that name was sent"
                problems[("unexpected", uuid)] = "%s listed, but %s; %s" % (name, why, now)
        if cells_ok and snap["listed47"] is not None:
            self.judge_usage(snap, problems)
        return problems, gone, present, cells_ok

    def judge_usage(self, snap, problems):
        want = collections.defaultdict(lambda: [0, 0, 0, 0])
        for s in snap["listed47"]:
            host = s.get("OS-EXT-SRV-ATTR:host")
            if host:
                w = want[host]
                for i, v in enumerate(flavor_usage(s["flavor"])):
                    w[i] += v
                w[3] += 1
        got = {}
        for h in snap["hyp"]:
            base = self.baseline.get(h["hypervisor_hostname"], (0, 0, 0))
            got[h["hypervisor_hostname"]] = [u - b for u, b in zip(usage_of(h), base)] + [h["running_vms"]]
        total_got, total_want = [0, 0, 0], [0, 0, 0]
        for host in sorted(set(want) | set(got)):
            g, w = got.get(host, [0, 0, 0, 0]), want.get(host, [0, 0, 0, 0])
            for i in range(3):
                total_got[i] += g[i]
                total_want[i] += w[i]
            if g[:3] != w[:3]:
                problems[("usage", host)] = (
                    "%s: os-hypervisors says (vcpus, memory_mb, local_gb) used %s for %d vms, the %d listed "
                    "servers placed on it add up to %s" % (host, tuple(g[:3]), g[3], w[3], tuple(w[:3])))
        if total_got != total_want:
            problems[("usage", "total")] = "over all hosts: os-hypervisors says %s used, listed servers %s" % (
                tuple(total_got), tuple(total_want))

    def settle(self, label, since):
        """Polls until no problem is open; the problems still open at the
        deadline (or unchanged for QUIET seconds) become violations.
        Returns the servers present and settled at the last poll."""
        deadline = since + DEADLINE
        last, changed, polls = None, time.monotonic(), 0
        while True:
            snap = self.observe()
            problems, gone, present, cells_ok = self.judge(snap, label)
            polls += 1
            if cells_ok and snap["listed"] is not None:
                with self.ledger.lock:
                    for uuid in gone:
                        self.ledger.gone.setdefault(uuid, label)
            now = time.monotonic()
            if not problems:
                break
            signature = sorted(problems.items())
            if signature != last:
                last, changed = signature, now
            if now >= deadline or (QUIET > 0 and now - changed >= QUIET):
                break
            time.sleep(0.5)
        took = time.monotonic() - since
        if problems:
            log("[%s] gave up %.1f s after the restart (%d polls) with %d open problems" % (
                label, took, polls, len(problems)))
            for (kind, key), text in sorted(problems.items()):
                self.ledger.violation(kind, key, label, text)
        else:
            log("[%s] every invariant holds %.1f s after the restart (%d polls; %d servers present, %d gone)" % (
                label, took, polls, len(present), len(self.ledger.gone)))
        with self.ledger.lock:  # a create without an answer that did make its server: tracked from now on
            for uuid, shown in present.items():
                if uuid not in self.ledger.accepted:
                    self.ledger.accepted[uuid] = (shown["name"], "adopted at " + label)
        return present

    def delete_some(self, present, rng, label):
        """Deletes about half of the settled servers (no crash meanwhile) and
        waits until they are gone: the next restarts must not bring them back."""
        victims = rng.sample(sorted(present), len(present) // 2)
        port = self.dep.port
        answers = list(self.pool.map(lambda u: (u, call(port, "DELETE", "/v2.1/servers/" + u)), victims))
        for uuid, resp in answers:
            self.ledger.delete_answered(uuid, resp, label)
        done = [u for u, r in answers if r is not None and r.status == 204]

        def all_gone():
            listed = list_servers(port, "2.37")
            if listed is None:
                return False
            ids = {s["id"] for s in listed}
            codes = dict(self.pool.map(lambda u: (u, (call(port, "GET", "/v2.1/servers/" + u) or Response(0, {}, "")).status), done))
            return all(codes[u] == 404 and u not in ids for u in done)

        try:
            wait_until(all_gone, "deleted servers to go", timeout=30, interval=0.3)
            outcome = "all gone"
        except AssertionError:
            outcome = "NOT all gone after 30 s (the next verification reports each)"
        log("[%s] deleted %d of %d settled servers (%d answered 204): %s" % (
            label, len(victims), len(present), len(done), outcome))


# -- made-up observations, for the self-test of the judge ------------------------


class FakeProcess:
    """A process that is running, as the judge sees it."""
    proc = type("P", (), {"poll": lambda self: None})()
    data_dir = "-"


class FakeDeployment:
    expected_hosts = 2

    def processes(self):
        return {"all-in-one": FakeProcess()}


TINY = {"vcpus": 1, "ram": 512, "disk": 1, "ephemeral": 0, "swap": 0}


def fake_server(uuid, status="ACTIVE", task=None, host="compute1"):
    """A server as servers/detail shows it, of flavor TINY."""
    return {"id": uuid, "name": PREFIX + uuid, "status": status, "OS-EXT-STS:task_state": task,
            "OS-EXT-STS:vm_state": status.lower(), "OS-EXT-SRV-ATTR:host": host,
            "flavor": dict(TINY)}


def judge_fake(ledger, listed, gets, used):
    """Verifier.judge on one made-up observation of FakeDeployment: `listed`
    the detail list, `gets` {id: (status, server)}, `used` {host: usage}."""
    hyp = [{"hypervisor_hostname": h, "state": "up", "vcpus_used": u[0], "memory_mb_used": u[1],
            "local_gb_used": u[2], "running_vms": 0} for h, u in sorted(used.items())]
    v = Verifier(FakeDeployment(), ledger, {"compute1": (0, 0, 0), "compute2": (0, 0, 0)})
    try:
        snap = {"hyp": hyp, "listed": listed, "listed47": listed, "gets": gets}
        return v.judge(snap, "self-test")
    finally:
        v.pool.shutdown()


def fake_ledger(**accepted):
    """A silent Ledger whose creates of the `accepted` ids answered 202."""
    led = Ledger("self-test")
    led.echo = False
    for uuid in accepted:
        led.accepted[uuid] = (PREFIX + uuid, "self-test")
    return led
