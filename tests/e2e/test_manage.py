"""nimbus-manage cell_v2 list_cells / list_hosts on a real data directory,
while the service runs and after it stopped."""

import os
import subprocess
import unittest

from harness import Nimbus

MANAGE = os.path.join(os.path.dirname(os.environ.get("NIMBUS_BIN", "build/tools/nimbus")), "nimbus-manage")


def rows(table):
    """The data rows of a PrettyTable-style table, as lists of cells."""
    lines = [l for l in table.splitlines() if l.startswith("|")]
    return [[c.strip() for c in l.strip("|").split("|")] for l in lines[1:]]


class ManageCase(unittest.TestCase):
    """Runs nimbus-manage on self.nimbus's data directory, checking its exit code."""

    def manage_prefix(self):
        return ["--data-dir", self.nimbus.data_dir]

    def manage(self, *args, rc=0):
        p = subprocess.run([MANAGE, *self.manage_prefix(), *args], capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, rc, "%s: %s %s" % (args, p.stdout, p.stderr))
        return p.stdout + p.stderr


class ManageCells(ManageCase):
    @classmethod
    def setUpClass(cls):
        cls.nimbus = Nimbus({"all_in_one": {"cells": 2, "hosts_per_cell": 2}}).start()

    @classmethod
    def tearDownClass(cls):
        cls.nimbus.close()

    def test_list_cells_and_hosts(self):
        cells = rows(self.manage("cell_v2", "list_cells"))
        self.assertEqual(sorted(c[0] for c in cells), ["cell0", "cell1", "cell2"])
        cell0 = [c for c in cells if c[0] == "cell0"][0]
        self.assertEqual(cell0[1], "00000000-0000-0000-0000-000000000000")
        self.assertTrue(cell0[3].startswith("rocksdb://"))
        self.assertEqual(cell0[4], "False")
        hosts = rows(self.manage("cell_v2", "list_hosts"))
        self.assertEqual(sorted(h[2] for h in hosts), ["compute1", "compute2", "compute3", "compute4"])
        uuid_of = {c[0]: c[1] for c in cells}
        self.assertEqual({h[2]: h[0] for h in hosts},
                         {"compute1": "cell1", "compute2": "cell1", "compute3": "cell2", "compute4": "cell2"})
        only = rows(self.manage("cell_v2", "list_hosts", "--cell_uuid", uuid_of["cell2"]))
        self.assertEqual(sorted(h[2] for h in only), ["compute3", "compute4"])

    def test_wrong_arguments_exit_2_with_usage(self):
        p = subprocess.run([MANAGE, "cell_v2", "no_such_command"], capture_output=True, text=True)
        self.assertEqual(p.returncode, 2)
        self.assertIn("usage:", p.stderr)
        p = subprocess.run([MANAGE, "cell_v2", "list_cells", "--bogus"], capture_output=True, text=True)
        self.assertEqual(p.returncode, 2)
        self.assertIn("unrecognized arguments: --bogus", p.stderr)
        p = subprocess.run([MANAGE, "--help"], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0)
        self.assertIn("list_cells", p.stdout)


if __name__ == "__main__":
    unittest.main()


class CellCommands(ManageCase):
    """The commands that change mappings, on the data directory of a stopped API."""

    def setUp(self):
        self.nimbus = Nimbus({"all_in_one": {"cells": 2, "hosts_per_cell": 1}}).start()
        n = self.nimbus
        self.servers = [n.boot("m-%d" % i) for i in range(4)]
        for uuid in self.servers:
            n.wait_status(uuid, "ACTIVE")
        n.stop()
        self.cells = {c[0]: c[1] for c in rows(self.manage("cell_v2", "list_cells"))}

    def tearDown(self):
        self.nimbus.close()

    def test_create_update_and_a_disabled_cell_gets_no_new_instances(self):
        self.manage("cell_v2", "create_cell", "--name", "x", rc=1)  # no URL, no connection
        url, db = "caf://127.0.0.1:1", "rocksdb:///nowhere"
        new = self.manage("cell_v2", "create_cell", "--name", "x", "--transport-url", url,
                          "--database_connection", db, "--verbose").strip()
        self.manage("cell_v2", "create_cell", "--name", "y", "--transport-url", url,
                    "--database_connection", db, rc=2)
        self.manage("cell_v2", "update_cell", "--cell_uuid", new, "--name", "renamed")
        self.assertIn("renamed", self.manage("cell_v2", "list_cells"))
        self.manage("cell_v2", "update_cell", "--cell_uuid", "nope", rc=1)
        self.manage("cell_v2", "update_cell", "--cell_uuid", new, "--enable", "--disable", rc=4)
        self.manage("cell_v2", "update_cell", "--cell_uuid", self.cells["cell0"], "--disable", rc=3)
        self.manage("cell_v2", "delete_cell", "--cell_uuid", new)
        self.manage("cell_v2", "update_cell", "--cell_uuid", self.cells["cell2"], "--disable")
        self.assertIn("True", [c[4] for c in rows(self.manage("cell_v2", "list_cells")) if c[0] == "cell2"])
        n = self.nimbus.start()
        for s in [n.wait_status(n.boot("after-disable-%d" % i), "ACTIVE") for i in range(4)]:
            self.assertEqual(s["OS-EXT-SRV-ATTR:host"], "compute1")  # cell1's only host

    def test_delete_cell_refuses_a_cell_in_use_unless_forced(self):
        cell1 = self.cells["cell1"]
        self.assertIn("existing hosts", self.manage("cell_v2", "delete_cell", "--cell_uuid", cell1, rc=2))
        self.manage("cell_v2", "delete_cell", "--cell_uuid", "nope", rc=1)
        self.manage("cell_v2", "delete_host", "--cell_uuid", cell1, "--host", "compute9", rc=2)
        self.manage("cell_v2", "delete_host", "--cell_uuid", cell1, "--host", "compute2", rc=3)
        self.manage("cell_v2", "delete_host", "--cell_uuid", cell1, "--host", "compute1", rc=4)
        self.manage("cell_v2", "delete_cell", "--cell_uuid", cell1, "--force")
        self.assertNotIn("cell1", [c[0] for c in rows(self.manage("cell_v2", "list_cells"))])

    def test_map_instances_restores_mappings_and_verify_instance_finds_them(self):
        cell1 = self.cells["cell1"]
        lost = [u for u in self.servers if "cell1" in self.manage("cell_v2", "verify_instance", "--uuid", u)]
        self.assertTrue(lost)
        db = [c[3] for c in rows(self.manage("cell_v2", "list_cells", "--verbose")) if c[0] == "cell1"][0]
        self.manage("cell_v2", "delete_cell", "--cell_uuid", cell1, "--force")  # drops its mappings
        self.assertIn("not mapped", self.manage("cell_v2", "verify_instance", "--uuid", lost[0], rc=1))
        self.assertEqual(self.manage("cell_v2", "verify_instance", "--uuid", lost[0], "--quiet", rc=1), "")
        again = self.manage("cell_v2", "create_cell", "--name", "cell1", "--transport-url", "local:///",
                            "--database_connection", db, "--verbose").strip()
        self.manage("cell_v2", "map_instances", "--cell_uuid", again, "--max-count", "0", rc=127)
        if len(lost) > 1:
            self.manage("cell_v2", "map_instances", "--cell_uuid", again, "--max-count", "1", rc=1)
        self.manage("cell_v2", "map_instances", "--cell_uuid", again)
        for u in lost:
            self.assertIn("is in cell: cell1", self.manage("cell_v2", "verify_instance", "--uuid", u))
        self.manage("cell_v2", "discover_hosts", "--verbose")
        self.assertIn("compute1", self.manage("cell_v2", "list_hosts", "--cell_uuid", again))
        self.manage("cell_v2", "discover_hosts", "--strict", rc=1)  # nothing left to map
        self.manage("cell_v2", "list_hosts", "--cell_uuid", "nope", rc=1)

    def test_every_command_has_help(self):
        for cmd in ("simple_cell_setup", "map_cell0", "create_cell", "list_cells", "update_cell",
                    "delete_cell", "discover_hosts", "list_hosts", "delete_host", "map_instances",
                    "verify_instance"):
            self.assertIn("usage: nimbus-manage cell_v2 " + cmd, self.manage("cell_v2", cmd, "--help"))
        self.assertIn("Cell0 is already setup", self.manage("cell_v2", "map_cell0"))


class ThroughRunningApi(ManageCase):
    """While the API runs it holds the store: changes go through it and take
    effect without a restart."""

    @classmethod
    def setUpClass(cls):
        cls.nimbus = Nimbus({"all_in_one": {"cells": 2, "hosts_per_cell": 1}}, keystone=True).start()

    @classmethod
    def tearDownClass(cls):
        cls.nimbus.close()

    def manage_prefix(self):
        # Signs its calls with a token sealed by the data directory's keys.
        return ["--config-file", os.path.join(self.nimbus.data_dir, "nimbus.conf"),
                "--data-dir", self.nimbus.data_dir, "--api-url", self.nimbus.base]

    def member_token(self):
        n = self.nimbus
        project = n.identity("POST", "/v3/projects", {"project": {"name": "demo"}}).json["project"]
        user = n.identity("POST", "/v3/users", {"user": {"name": "alice", "password": "alice-pw"}}).json["user"]
        member = n.identity("GET", "/v3/roles?name=member").json["roles"][0]
        self.assertEqual(n.identity("PUT", "/v3/projects/%s/users/%s/roles/%s"
                                    % (project["id"], user["id"], member["id"])).status, 204)
        return n.token_for("alice", "alice-pw", "demo")

    def test_token_rotate_keeps_issued_tokens_and_serves_new_ones(self):
        n = self.nimbus
        before = n.token_for("admin", "secret", "admin")
        out = self.manage("token_rotate")
        self.assertIn("primary 2", out)
        self.assertEqual(n.get("/v2.1/servers", token=before).status, 200)
        after = n.token_for("admin", "secret", "admin")
        self.assertEqual(n.get("/v2.1/servers", token=after).status, 200)
        self.manage("token_rotate")
        self.manage("token_rotate")  # keys 0, 3 and 4 are kept: 1 and 2 are pruned
        self.assertEqual(n.get("/v2.1/servers", token=before).status, 401)
        self.assertEqual(n.get("/v2.1/servers", token=after).status, 401)
        latest = n.token_for("admin", "secret", "admin")
        self.assertEqual(n.get("/v2.1/servers", token=latest).status, 200)

    def test_disable_create_and_refuse_while_running(self):
        cells = {c[0]: c[1] for c in rows(self.manage("cell_v2", "list_cells"))}
        self.manage("cell_v2", "update_cell", "--cell_uuid", cells["cell2"], "--disable")
        n = self.nimbus
        for s in [n.wait_status(n.boot("live-%d" % i), "ACTIVE") for i in range(4)]:
            self.assertEqual(s["OS-EXT-SRV-ATTR:host"], "compute1")
        self.manage("cell_v2", "update_cell", "--cell_uuid", cells["cell2"], "--enable")
        hosts = {n.wait_status(n.boot("live-again-%d" % i), "ACTIVE")["OS-EXT-SRV-ATTR:host"] for i in range(4)}
        self.assertIn("compute2", hosts)
        new = self.manage("cell_v2", "create_cell", "--name", "cell9", "--transport-url", "caf://127.0.0.1:9",
                          "--database_connection", "rocksdb:///nowhere", "--verbose").strip()
        self.assertIn(new, self.manage("cell_v2", "list_cells"))
        self.manage("cell_v2", "delete_cell", "--cell_uuid", cells["cell1"], rc=2)
        self.manage("cell_v2", "delete_cell", "--cell_uuid", new)
        self.assertNotIn("cell9", self.manage("cell_v2", "list_cells"))
        self.assertEqual(n.post("/nimbus-manage/cell_v2/list_cells", {}, token=self.member_token()).status, 403)
        self.assertEqual(n.post("/nimbus-manage/cell_v2/list_cells", {}, token="admin:admin").status, 401)
