"""Cells as separate processes over CAF's middleman: one API, two cells and
four computes (libvirt test hosts) on loopback, and what happens when a
cell, a compute or the API is killed."""

import os
import signal
import subprocess
import tempfile
import shutil
import unittest

from harness import NIMBUS_BIN, Nimbus, free_port, lists_while_flavors, wait_until

MANAGE = os.path.join(os.path.dirname(NIMBUS_BIN), "nimbus-manage")
FAST = {"report_interval": 1, "service_down_time": 3, "log_level": "info"}
SIZES = {"host_vcpus": 8, "host_memory_mb": 8192, "host_disk_gb": 100}


class Distributed(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = tempfile.mkdtemp(prefix="nimbus-dist-")
        cls.cell_ports = {"cell1": free_port(), "cell2": free_port()}
        api_dir = os.path.join(cls.root, "api")
        os.makedirs(api_dir)
        for name, port in cls.cell_ports.items():
            p = subprocess.run([MANAGE, "--data-dir", api_dir, "cell_v2", "create_cell", "--name", name,
                                "--transport-url", "caf://127.0.0.1:%d" % port,
                                "--database_connection", "rocksdb://%s/%s/store" % (cls.root, name),
                                "--verbose"], capture_output=True, text=True)
            assert p.returncode == 0, p.stderr
        cls.cells = {name: cls.cell(name) for name in cls.cell_ports}
        cls.computes = {}
        for i, cell in [(1, "cell1"), (2, "cell1"), (3, "cell2"), (4, "cell2")]:
            cls.computes["compute%d" % i] = cls.compute("compute%d" % i, cell)
        cls.api = Nimbus({"DEFAULT": FAST, "cells": {"reconnect_interval": 1, "discover_hosts_interval": 1,
                                                     "list_timeout": 4}},
                         data_dir=api_dir, role="api").start()
        wait_until(lambda: cls.hosts_up() == 4, "four computes to report through their cells")

    @classmethod
    def cell(cls, name):
        d = os.path.join(cls.root, name)
        os.makedirs(d, exist_ok=True)
        return Nimbus({"DEFAULT": FAST, "cell": {"name": name, "listen": "caf://127.0.0.1:%d" % cls.cell_ports[name],
                                                "database_connection": "rocksdb://%s/store" % d}},
                      data_dir=d, role="cell").start()

    @classmethod
    def compute(cls, host, cell):
        d = os.path.join(cls.root, host)
        os.makedirs(d, exist_ok=True)
        return Nimbus({"DEFAULT": FAST, "all_in_one": SIZES,
                       "compute": {"host": host, "cell_url": "caf://127.0.0.1:%d" % cls.cell_ports[cell]},
                       "cells": {"reconnect_interval": 1}},
                      data_dir=d, role="compute").start()

    @classmethod
    def tearDownClass(cls):
        failures = []
        for p in [cls.api] + list(cls.computes.values()) + list(cls.cells.values()):
            try:
                p.stop()
            except AssertionError as e:  # stop every process first, then report
                failures.append(str(e))
        shutil.rmtree(cls.root, ignore_errors=True)
        if failures:
            raise AssertionError("; ".join(failures))

    @classmethod
    def hosts_up(cls):
        r = cls.api.get("/v2.1/os-hypervisors")
        return sum(h["state"] == "up" for h in r.json["hypervisors"]) if r.status == 200 else 0

    def services(self, version="2.69"):
        return {s["host"]: s for s in self.api.get("/v2.1/os-services", version=version).json["services"]
                if s["binary"] == "nova-compute"}

    def boot_active(self, names):
        ids = [self.api.boot(n) for n in names]
        return [self.api.wait_status(u, "ACTIVE") for u in ids]

    def test_1_boots_spread_over_both_cells_and_list_across_them(self):
        servers = self.boot_active(["spread-%d" % i for i in range(8)])
        self.assertEqual({s["OS-EXT-SRV-ATTR:host"] for s in servers},
                         {"compute1", "compute2", "compute3", "compute4"})
        seen, marker = [], None
        while True:
            r = self.api.get("/v2.1/servers?limit=3" + ("&marker=" + marker if marker else ""))
            seen += [s["id"] for s in r.json["servers"]]
            if "servers_links" not in r.json:
                break
            marker = r.json["servers_links"][0]["href"].split("marker=")[1]
        self.assertEqual(seen[:8], [s["id"] for s in reversed(servers)])
        # Hosts were discovered into the API cell's host mappings.
        wait_until(lambda: len(self.manage_hosts()) == 4, "hosts to be discovered")

    def manage_hosts(self):
        # list_hosts opens the API cell's store read-only, beside the running API.
        p = subprocess.run([MANAGE, "--data-dir", self.api.data_dir, "cell_v2", "list_hosts"],
                           capture_output=True, text=True)
        return [l for l in p.stdout.splitlines() if "compute" in l]

    def test_2_a_killed_cell_leaves_the_api_answering(self):
        servers = self.boot_active(["c2-%d" % i for i in range(4)])
        in_cell2 = [s["id"] for s in servers if s["OS-EXT-SRV-ATTR:host"] in ("compute3", "compute4")]
        self.assertTrue(in_cell2)
        self.cells["cell2"].stop(signal.SIGKILL)
        # Below 2.69 the down cell's servers are left out; from 2.69 they are UNKNOWN.
        wait_until(lambda: not set(in_cell2) & {s["id"] for s in self.api.get("/v2.1/servers", version="2.37").json["servers"]},
                   "cell2's servers to leave the 2.37 list")
        listed = {s["id"]: s for s in self.api.get("/v2.1/servers/detail", version="2.69").json["servers"]}
        for uuid in in_cell2:
            self.assertEqual(listed[uuid]["status"], "UNKNOWN")
            self.assertEqual(set(listed[uuid]), {"id", "status", "tenant_id", "created", "links"})
        shown = self.api.get("/v2.1/servers/" + in_cell2[0], version="2.69").json["server"]
        self.assertEqual(shown["status"], "UNKNOWN")
        self.assertEqual(shown["flavor"]["original_name"], "m1.tiny")
        self.assertEqual(self.api.get("/v2.1/servers/" + in_cell2[0], version="2.37").status, 503)
        services = self.services()
        self.assertEqual(services["compute3"]["status"], "UNKNOWN")
        self.assertNotIn("compute3", self.services("2.37"))
        # New boots go to the cell that is up.
        for s in self.boot_active(["while-down-%d" % i for i in range(3)]):
            self.assertIn(s["OS-EXT-SRV-ATTR:host"], ("compute1", "compute2"))
        # The cell comes back: everything as before, no API restart.
        self.cells["cell2"] = self.cell("cell2")
        for uuid in in_cell2:
            self.api.wait_status(uuid, "ACTIVE")
        wait_until(lambda: self.hosts_up() == 4, "cell2's computes to reconnect")

    def test_3_a_killed_compute_goes_down_and_comes_back(self):
        first = self.boot_active(["on-victim"])[0]
        victim = first["OS-EXT-SRV-ATTR:host"]
        cell = "cell1" if victim in ("compute1", "compute2") else "cell2"
        self.computes[victim].stop(signal.SIGKILL)
        wait_until(lambda: self.services("2.37").get(victim, {}).get("state") == "down",
                   "%s's service to go down" % victim)
        for s in self.boot_active(["avoid-%d" % i for i in range(4)]):
            self.assertNotEqual(s["OS-EXT-SRV-ATTR:host"], victim)
        self.assertEqual(self.api.server(first["id"])["status"], "ACTIVE")  # still recorded
        # Back: it re-registers, its domains are re-created, its service is up.
        self.computes[victim] = self.compute(victim, cell)
        wait_until(lambda: self.services("2.37")[victim]["state"] == "up", victim + " to come back")
        self.assertEqual(self.api.act(first["id"], {"os-stop": None}).status, 202)
        self.api.wait_status(first["id"], "SHUTOFF")

    def test_4_builds_accepted_before_an_api_crash_finish_after_it(self):
        ids = [self.api.boot("api-crash-%d" % i) for i in range(5)]
        self.api.stop(signal.SIGKILL)
        self.api.start()
        for uuid in ids:
            self.api.wait_status(uuid, "ACTIVE")

    def test_5_a_silent_cell_holds_no_http_thread(self):
        servers = self.boot_active(["frozen-%d" % i for i in range(4)])
        in_cell2 = {s["id"] for s in servers if s["OS-EXT-SRV-ATTR:host"] in ("compute3", "compute4")}
        self.assertTrue(in_cell2)
        frozen = self.cells["cell2"]
        frozen.freeze()  # connected, but it answers nothing
        try:
            # More lists than the API has HTTP threads (4): each waits for
            # cell2 until list_timeout, none holds a thread meanwhile.
            flavors, ended_first, finished = lists_while_flavors(self.api, 8)
        finally:
            frozen.thaw()
        self.assertEqual(flavors, 200)
        self.assertEqual(ended_first, [], "a list ended before the flavors were answered")
        self.assertEqual(len(finished), 8)
        for r in finished:
            self.assertEqual(r.status, 200)
            listed = {s["id"]: s["status"] for s in r.json["servers"]}
            for uuid in in_cell2:
                self.assertEqual(listed[uuid], "UNKNOWN")
        for uuid in in_cell2:  # the cell answers again
            self.api.wait_status(uuid, "ACTIVE")


if __name__ == "__main__":
    unittest.main()
