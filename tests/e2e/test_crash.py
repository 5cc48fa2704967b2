"""Crash durability: SIGKILL the real processes at a random moment of a
boot/delete storm, restart them on the same stores, and check that what
every client was told still holds.

What a client was told:
  * POST /servers answered 202: the server exists, exactly once, and settles
    in ACTIVE or ERROR with no task_state -- unless a DELETE of it answered
    204, then it must be gone (404, not listed) and stay gone.
  * A request whose connection broke (the kill) is unknown: its server may or
    may not exist, but if it does, it exists once and settles. Creates are
    told apart by their unique names.

After each restart the test polls (no fixed sleeps) until every invariant
holds, or gives up after DEADLINE seconds from the restart -- or earlier,
once the set of open problems has not changed for QUIET seconds (with
every timeout of the deployment lowered to 10 s, a state unchanged that long
is stuck).

Invariants checked on every poll:
  * every 202 id not deleted: GET 200, listed once in servers/detail, status
    ACTIVE or ERROR, task_state None;
  * every 204-deleted id: GET 404 and not listed;
  * no listed server without a create behind it; no two servers for one
    create (same name); no id listed twice;
  * no server in BUILD or with a task_state;
  * os-hypervisors usage (vcpus, memory, disk) of every host equals the
    flavors (shown at 2.47) of the listed servers placed on it, minus what
    the empty deployment reported;
  * no resurrection: an id once gone (GET 404 and not listed) never shows
    again, through every later round and a final restart.

Seeds: NIMBUS_CRASH_SEED=<n> reruns the same storms (the plan of every
client thread and the kill point; thread interleaving still varies). Other
knobs: NIMBUS_CRASH_DEADLINE, NIMBUS_CRASH_QUIET (0: always wait the whole
deadline), NIMBUS_CRASH_THREADS, NIMBUS_CRASH_CREATES (per thread and round),
NIMBUS_CRASH_KEEP=1 (keep data directories and logs even when green).

The binaries are copied once at the start, so that a rebuild of build/
while the test runs does not swap them between a kill and its restart.
"""

import collections
import concurrent.futures
import http.client
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import IMAGE_ID, Nimbus, Response, free_port, wait_until  # noqa: E402


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
# Every wait of the deployment short, so that a state unchanged for QUIET
# seconds cannot be one waiting legitimately for a timeout.
TIMEOUTS = {"conductor": {"build_timeout": 10},
            "cells": {"call_timeout": 10, "list_timeout": 4, "reconnect_interval": 1}}

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


def new_server(name, flavor):
    return {"server": {"name": name, "imageRef": IMAGE_ID, "flavorRef": flavor, "networks": "none"}}


class AllInOne:
    """One all-in-one process: two cells of four fake hosts (150 GB of disk
    each, so that m1.xlarge fits none)."""
    name = "all-in-one"
    tag = "aio"
    expected_hosts = 8

    def __init__(self):
        config = {"DEFAULT": {"log_level": "info", "report_interval": 2, "service_down_time": 10},
                  "all_in_one": {"cells": 2, "hosts_per_cell": 4, "driver": "fake", "host_disk_gb": 150}}
        config.update({k: dict(v) for k, v in TIMEOUTS.items()})
        self.nimbus = Nimbus(config)
        self.dirs = [self.nimbus.data_dir]

    @property
    def port(self):
        return self.nimbus.port

    def processes(self):
        return {"all-in-one": self.nimbus}

    def start(self):
        self.nimbus.start()

    def kill(self, target):
        self.nimbus.stop(signal.SIGKILL)

    def restart(self, target):
        self.nimbus.start()

    def close(self):
        self.nimbus.stop()


class Distributed:
    """The API, two cells and two fake computes per cell, each a process."""
    name = "distributed"
    tag = "dist"
    expected_hosts = 4
    FAST = {"report_interval": 1, "service_down_time": 5, "log_level": "info"}

    def __init__(self):
        self.root = tempfile.mkdtemp(prefix="nimbus-crash-dist-")
        self.dirs = [self.root]
        self.cell_ports = {"cell1": free_port(), "cell2": free_port()}
        self.api = None
        self.cells = {}
        self.computes = {}

    @property
    def port(self):
        return self.api.port

    def processes(self):
        out = {"api": self.api}
        out.update(self.cells)
        out.update(self.computes)
        return out

    def start(self):
        api_dir = os.path.join(self.root, "api")
        os.makedirs(api_dir)
        for name, port in self.cell_ports.items():
            p = subprocess.run([MANAGE[0], "--data-dir", api_dir, "cell_v2", "create_cell", "--name", name,
                                "--transport-url", "caf://127.0.0.1:%d" % port,
                                "--database_connection", "rocksdb://%s/%s/store" % (self.root, name)],
                               capture_output=True, text=True)
            assert p.returncode == 0, p.stderr
        for name, port in self.cell_ports.items():
            d = os.path.join(self.root, name)
            os.makedirs(d)
            self.cells[name] = Nimbus({"DEFAULT": self.FAST,
                                       "cell": {"name": name, "listen": "caf://127.0.0.1:%d" % port,
                                                "database_connection": "rocksdb://%s/store" % d}},
                                      data_dir=d, role="cell").start()
        for i, cell in [(1, "cell1"), (2, "cell1"), (3, "cell2"), (4, "cell2")]:
            host = "compute%d" % i
            d = os.path.join(self.root, host)
            os.makedirs(d)
            self.computes[host] = Nimbus(
                {"DEFAULT": self.FAST,
                 "all_in_one": {"driver": "fake", "host_vcpus": 32, "host_memory_mb": 65536, "host_disk_gb": 150},
                 "compute": {"host": host, "cell_url": "caf://127.0.0.1:%d" % self.cell_ports[cell]},
                 "cells": {"reconnect_interval": 1}},
                data_dir=d, role="compute").start()
        config = {"DEFAULT": self.FAST}
        config.update({k: dict(v) for k, v in TIMEOUTS.items()})
        config["cells"]["discover_hosts_interval"] = 1
        self.api = Nimbus(config, data_dir=api_dir, role="api").start()
        self.wait_hosts()

    def hosts_up(self):
        hyps = hypervisors(self.api.port) if self.api.proc else None
        return sum(h["state"] == "up" for h in hyps) if hyps else 0

    def wait_hosts(self, timeout=60):
        wait_until(lambda: self.hosts_up() >= self.expected_hosts, "every compute to report", timeout)

    def targets(self, target):
        return [self.api] + list(self.cells.values()) if target == "all" else [self.processes()[target]]

    def kill(self, target):
        for p in self.targets(target):
            p.stop(signal.SIGKILL)

    def restart(self, target):
        for p in sorted(self.targets(target), key=lambda p: p.role != "cell"):  # cells first
            p.start()
        try:
            self.wait_hosts()
        except AssertionError:
            pass  # the verification reports it

    def close(self):
        failures = []
        for p in self.processes().values():
            if p is None:
                continue
            try:
                p.stop()
            except AssertionError as e:
                failures.append(str(e))
        if failures:
            raise AssertionError("; ".join(failures))


MANAGE = [os.path.join(os.path.dirname(harness.NIMBUS_BIN), "nimbus-manage")]


class Round:
    """One storm against one deployment, then a kill, then a restart."""

    def __init__(self, dep, ledger, label, seed, number):
        self.dep, self.ledger, self.label, self.number = dep, ledger, label, number
        self.rng = random.Random("%s" % seed)
        self.seed = seed

    def storm(self, target, stop_on_kill):
        """THREADS clients create (some deleted at once, some later once
        ACTIVE or ERROR) while `target` is SIGKILLed after a seeded number of creates
        have been answered. Returns once every client is done."""
        rng, ledger, label = self.rng, self.ledger, self.label
        total = THREADS * CREATES
        kill_after = rng.randint(total // 5, total * 4 // 5)
        kill_delay = rng.uniform(0.0, 0.03)
        seeds = [rng.randrange(1 << 31) for _ in range(THREADS)]
        port = self.dep.port
        answered = [0]
        cond = threading.Condition()
        killed = threading.Event()
        tag = "%s%s-r%d" % (PREFIX, self.dep.tag, self.number)

        def delete(uuid):
            ledger.delete_answered(uuid, call(port, "DELETE", "/v2.1/servers/" + uuid), label)

        def client(t):
            r = random.Random(seeds[t])
            later = []
            for j in range(CREATES):
                if stop_on_kill and killed.is_set():
                    break
                name = "%s-t%d-%d" % (tag, t, j)
                # m1.xlarge (160 GB of disk) fits no host: NoValidHost, buried in cell0.
                f = r.random()
                flavor = "5" if f < 0.06 else "2" if f < 0.18 else "1"
                resp = call(port, "POST", "/v2.1/servers", new_server(name, flavor))
                uuid = ledger.created(name, resp, label)
                with cond:
                    answered[0] += 1
                    cond.notify_all()
                if uuid is None:
                    continue
                x = r.random()
                if x < 0.35:  # delete at once: during BUILD, racing the scheduling
                    if r.random() < 0.5:
                        time.sleep(r.uniform(0.0, 0.02))
                    delete(uuid)
                elif x < 0.6:
                    later.append(uuid)
                if later and r.random() < 0.4:
                    self.delete_if_settled(later.pop(r.randrange(len(later))), later, delete)
            while later and not (stop_on_kill and killed.is_set()):
                self.delete_if_settled(later.pop(0), None, delete)

        threads = [threading.Thread(target=client, args=(t,), daemon=True) for t in range(THREADS)]
        for t in threads:
            t.start()
        with cond:
            cond.wait_for(lambda: answered[0] >= kill_after or not any(t.is_alive() for t in threads),
                          timeout=120)
        time.sleep(kill_delay)
        dead_before = [n for n, p in self.dep.processes().items() if p.proc is None or p.proc.poll() is not None]
        for n in dead_before:
            ledger.violation("process-exited", n, self.label, "%s had exited by itself during the storm" % n)
        killed.set()  # first: the clients start nothing new against a dead endpoint
        at = answered[0]
        self.dep.kill(target)
        for t in threads:
            t.join(timeout=180)
        log("[%s] killed %s after %d of %d creates answered; %s" % (
            label, target, at, total, dict(sorted(ledger.counts.items()))))

    def delete_if_settled(self, uuid, later, delete):
        g = call(self.dep.port, "GET", "/v2.1/servers/" + uuid)
        if g is None or g.status != 200:
            return
        s = g.json["server"]
        if s["status"] in ("ACTIVE", "ERROR") and s["OS-EXT-STS:task_state"] is None:
            delete(uuid)
        elif s["status"] == "BUILD" and later is not None:
            later.append(uuid)


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


class CrashDurability(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.bin_dir = tempfile.mkdtemp(prefix="nimbus-crash-bin-")
        src = harness.NIMBUS_BIN
        manage = os.path.join(os.path.dirname(src), "nimbus-manage")

        def ready():  # another build may be relinking them: wait until both run
            for path in (src, manage):
                if not os.access(path, os.X_OK) or time.time() - os.path.getmtime(path) < 2:
                    return False
                try:
                    if subprocess.run([path, "--help"], capture_output=True, timeout=20).returncode != 0:
                        return False
                except (OSError, subprocess.TimeoutExpired):
                    return False
            return True

        wait_until(ready, "%s and nimbus-manage to be built" % src, timeout=600, interval=2)
        cls.saved_bin = harness.NIMBUS_BIN
        harness.NIMBUS_BIN = shutil.copy2(src, os.path.join(cls.bin_dir, "nimbus"))
        MANAGE[0] = shutil.copy2(manage, os.path.join(cls.bin_dir, "nimbus-manage"))
        log("seed %d (NIMBUS_CRASH_SEED=%d reruns these storms); deadline %.0f s, quiet %.0f s, "
            "%d clients x %d creates per round" % (SEED, SEED, DEADLINE, QUIET, THREADS, CREATES))

    @classmethod
    def tearDownClass(cls):
        harness.NIMBUS_BIN = cls.saved_bin
        shutil.rmtree(cls.bin_dir, ignore_errors=True)

    def run_variant(self, dep, rounds):
        """rounds: [(kill target, whether the clients stop at the kill)];
        each round a storm, a kill, a restart, a verification and some
        deletes; then a final kill and restart of everything, verified."""
        ledger = Ledger(dep.name)
        started = time.monotonic()
        failed = True
        try:
            dep.start()
            hyp = wait_until(lambda: hypervisors(dep.port), "os-hypervisors to answer")
            baseline = {h["hypervisor_hostname"]: usage_of(h) for h in hyp}
            log("[%s] empty deployment: usage %s" % (dep.name, sorted(baseline.items())))
            verifier = Verifier(dep, ledger, baseline)
            steps = []
            for i, (target, stop_on_kill) in enumerate(rounds):
                seed = "%d/%s/%d" % (SEED, dep.name, i + 1)
                label = "%s seed %s kill %s round %d" % (dep.name, seed, target, i + 1)
                steps.append((Round(dep, ledger, label, seed, i + 1), target, stop_on_kill))
            # Last, a second restart for what the last round deleted: nothing comes back.
            steps.append((None, "all", None))
            for rnd, target, stop_on_kill in steps:
                if rnd:
                    label = rnd.label
                    rnd.storm(target, stop_on_kill)
                else:
                    label = "%s seed %d final kill-and-restart" % (dep.name, SEED)
                    dep.kill(target)
                since = time.monotonic()  # the deadline counts from the restart, its waits included
                try:
                    dep.restart(target)
                except AssertionError as e:  # it does not come back: nothing more to check
                    ledger.violation("restart-failed", target, label, str(e))
                    break
                present = verifier.settle(label, since)
                if rnd:
                    verifier.delete_some(present, rnd.rng, label + " (after restart)")
            verifier.pool.shutdown()
            failed = bool(ledger.violations)
        finally:
            try:
                dep.close()
            except AssertionError as e:  # e.g. a process that did not exit on SIGTERM
                ledger.violation("stop-failed", dep.name, "teardown", str(e))
                failed = True
            finally:
                if failed or KEEP:
                    log("[%s] data directories and logs kept: %s" % (dep.name, " ".join(dep.dirs)))
                else:
                    for d in dep.dirs:
                        shutil.rmtree(d, ignore_errors=True)
        log("[%s] %.0f s; client saw %s" % (dep.name, time.monotonic() - started, dict(sorted(ledger.counts.items()))))
        if ledger.violations:
            lines = []
            for (kind, key), (first, text, again) in ledger.violations.items():
                lines.append("%s %s [%s]%s: %s" % (kind, key, first,
                                                    (" (again: %s)" % ", ".join(again)) if again else "", text))
            self.fail("%d invariant violations (seed %d):\n  %s" % (len(lines), SEED, "\n  ".join(lines)))

    def test_all_in_one_killed_three_times(self):
        self.run_variant(AllInOne(), [("all", True), ("all", True), ("all", True)])

    def test_distributed_api_killed_then_a_cell(self):
        cell = random.Random("%d/distributed/cell" % SEED).choice(["cell1", "cell2"])
        # The API's clients lose their endpoint with it; a cell's death leaves
        # the API answering, so the clients go on.
        self.run_variant(Distributed(), [("api", True), (cell, False)])


class CheckerSelfTest(unittest.TestCase):
    """The judge on made-up observations: each kind of violation is flagged,
    and a clean deployment is not (no process is started)."""

    class Running:
        proc = type("P", (), {"poll": lambda self: None})()
        data_dir = "-"

    class Dep:
        expected_hosts = 2

        def processes(self):
            return {"all-in-one": CheckerSelfTest.Running()}

    TINY = {"vcpus": 1, "ram": 512, "disk": 1, "ephemeral": 0, "swap": 0}

    @staticmethod
    def server(uuid, status="ACTIVE", task=None, host="compute1"):
        return {"id": uuid, "name": PREFIX + uuid, "status": status, "OS-EXT-STS:task_state": task,
                "OS-EXT-STS:vm_state": status.lower(), "OS-EXT-SRV-ATTR:host": host,
                "flavor": dict(CheckerSelfTest.TINY)}

    def judge(self, ledger, listed, gets, used):
        hyp = [{"hypervisor_hostname": h, "state": "up", "vcpus_used": u[0], "memory_mb_used": u[1],
                "local_gb_used": u[2], "running_vms": 0} for h, u in sorted(used.items())]
        v = Verifier(self.Dep(), ledger, {"compute1": (0, 0, 0), "compute2": (0, 0, 0)})
        try:
            snap = {"hyp": hyp, "listed": listed, "listed47": listed, "gets": gets}
            return v.judge(snap, "self-test")
        finally:
            v.pool.shutdown()

    def ledger(self, **accepted):
        led = Ledger("self-test")
        led.echo = False
        for uuid in accepted:
            led.accepted[uuid] = (PREFIX + uuid, "self-test")
        return led

    def test_a_clean_deployment_has_no_problem(self):
        led = self.ledger(a=1, b=1, gone=1)
        led.deleted["gone"] = "self-test"
        a, b = self.server("a"), self.server("b", "ERROR", host=None)
        led.unknown[PREFIX + "u"] = "no answer"
        u = self.server("u", host="compute2")
        problems, gone, present, ok = self.judge(
            led, [a, b, u], {"a": (200, a), "b": (200, b), "u": (200, u), "gone": (404, None)},
            {"compute1": (1, 512, 1), "compute2": (1, 512, 1)})
        self.assertEqual(problems, {})
        self.assertTrue(ok)
        self.assertEqual(gone, {"gone"})
        self.assertEqual(set(present), {"a", "b", "u"})

    def test_each_violation_is_flagged(self):
        led = self.ledger(dup=1, stuck=1, ghost=1, back=1, lost=1, kept=1)
        led.deleted.update({"ghost": "self-test", "back": "self-test", "kept": "self-test"})
        led.gone["back"] = "an earlier round"
        dup, stuck = self.server("dup"), self.server("stuck", "ERROR", "deleting")
        ghost, back, kept = self.server("ghost"), self.server("back"), self.server("kept")
        stray = self.server("stray")
        listed = [dup, dup, stuck, ghost, back, kept, stray]
        gets = {"dup": (200, dup), "stuck": (200, stuck), "ghost": (404, None), "back": (200, back),
                "lost": (404, None), "kept": (200, kept), "stray": (200, stray)}
        problems, gone, present, ok = self.judge(led, listed, gets, {"compute1": (3, 1536, 3), "compute2": (0, 0, 0)})
        self.assertEqual(set(problems), {
            ("duplicate", "dup"), ("stuck", "stuck"), ("ghost", "ghost"), ("resurrected", "back"),
            ("delete-lost", "back"), ("lost", "lost"), ("delete-lost", "kept"), ("unexpected", "stray"),
            ("usage", "compute1"), ("usage", "total")})
        self.assertIn(("resurrected", "back"), led.violations)  # reported at once, not only at the deadline
        self.assertEqual(gone, set())


if __name__ == "__main__":
    unittest.main()
