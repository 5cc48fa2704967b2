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

The ledger and the judge are in crash_checker.py, the deployments in
crash_deployments.py.
"""

import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import IMAGE_ID, wait_until  # noqa: E402
from crash_checker import (CREATES, DEADLINE, KEEP, PREFIX, QUIET, SEED, THREADS, Ledger,  # noqa: E402
                           Verifier, call, fake_ledger, fake_server, hypervisors, judge_fake, log,
                           usage_of)
from crash_deployments import MANAGE, AllInOne, Distributed  # noqa: E402


def new_server(name, flavor):
    return {"server": {"name": name, "imageRef": IMAGE_ID, "flavorRef": flavor, "networks": "none"}}


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

    def test_a_clean_deployment_has_no_problem(self):
        led = fake_ledger(a=1, b=1, gone=1)
        led.deleted["gone"] = "self-test"
        a, b = fake_server("a"), fake_server("b", "ERROR", host=None)
        led.unknown[PREFIX + "u"] = "no answer"
        u = fake_server("u", host="compute2")
        problems, gone, present, ok = judge_fake(
            led, [a, b, u], {"a": (200, a), "b": (200, b), "u": (200, u), "gone": (404, None)},
            {"compute1": (1, 512, 1), "compute2": (1, 512, 1)})
        self.assertEqual(problems, {})
        self.assertTrue(ok)
        self.assertEqual(gone, {"gone"})
        self.assertEqual(set(present), {"a", "b", "u"})

    def test_each_violation_is_flagged(self):
        led = fake_ledger(dup=1, stuck=1, ghost=1, back=1, lost=1, kept=1)
        led.deleted.update({"ghost": "self-test", "back": "self-test", "kept": "self-test"})
        led.gone["back"] = "an earlier round"
        dup, stuck = fake_server("dup"), fake_server("stuck", "ERROR", "deleting")
        ghost, back, kept = fake_server("ghost"), fake_server("back"), fake_server("kept")
        stray = fake_server("stray")
        listed = [dup, dup, stuck, ghost, back, kept, stray]
        gets = {"dup": (200, dup), "stuck": (200, stuck), "ghost": (404, None), "back": (200, back),
                "lost": (404, None), "kept": (200, kept), "stray": (200, stray)}
        problems, gone, present, ok = judge_fake(led, listed, gets, {"compute1": (3, 1536, 3), "compute2": (0, 0, 0)})
        self.assertEqual(set(problems), {
            ("duplicate", "dup"), ("stuck", "stuck"), ("ghost", "ghost"), ("resurrected", "back"),
            ("delete-lost", "back"), ("lost", "lost"), ("delete-lost", "kept"), ("unexpected", "stray"),
            ("usage", "compute1"), ("usage", "total")})
        self.assertIn(("resurrected", "back"), led.violations)  # reported at once, not only at the deadline
        self.assertEqual(gone, set())


if __name__ == "__main__":
    unittest.main()
