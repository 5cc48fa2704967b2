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


class ManageCells(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.nimbus = Nimbus({"all_in_one": {"cells": 2, "hosts_per_cell": 2}}).start()

    @classmethod
    def tearDownClass(cls):
        cls.nimbus.close()

    def manage(self, *args, rc=0):
        p = subprocess.run([MANAGE, "--data-dir", self.nimbus.data_dir, *args],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, rc, p.stderr)
        return p.stdout

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
