"""Debian's `openstack` CLI against the real nimbus binary, with the token
noauth2 understands (see docs/CLIENTS.md §1)."""

import json
import shutil
import subprocess
import unittest

from harness import Nimbus

OPENSTACK = shutil.which("openstack") or "/usr/bin/openstack"


class OpenStackCli(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.nimbus = Nimbus().start()

    @classmethod
    def tearDownClass(cls):
        cls.nimbus.close()

    def osc(self, *args, parse=True):
        cmd = [OPENSTACK, "--os-auth-type", "admin_token",
               "--os-endpoint", self.nimbus.base + "/v2.1", "--os-token", "admin:admin", *args]
        if parse:
            cmd += ["-f", "json"]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        self.assertEqual(p.returncode, 0, "%s\nstdout: %s\nstderr: %s" % (" ".join(args), p.stdout, p.stderr))
        return json.loads(p.stdout) if parse and p.stdout.strip() else p.stdout

    def test_server_lifecycle_and_listings(self):
        flavors = self.osc("flavor", "list")
        self.assertIn("m1.tiny", [f["Name"] for f in flavors])

        created = self.osc("server", "create", "--flavor", "m1.tiny",
                           "--image", "cirros-0.6.2-x86_64-disk", "--wait", "cli-vm")
        self.assertEqual(created["status"], "ACTIVE")
        self.assertEqual(created["name"], "cli-vm")

        listed = self.osc("server", "list")
        self.assertEqual([(s["Name"], s["Status"]) for s in listed], [("cli-vm", "ACTIVE")])

        shown = self.osc("server", "show", "cli-vm")
        self.assertEqual(shown["id"], created["id"])
        self.assertEqual(shown["status"], "ACTIVE")

        self.osc("server", "stop", "cli-vm", parse=False)
        self.nimbus.wait_status(created["id"], "SHUTOFF")
        self.assertEqual(self.osc("server", "show", "cli-vm")["status"], "SHUTOFF")

        hypervisors = self.osc("hypervisor", "list")
        self.assertEqual(sorted(h["Hypervisor Hostname"] for h in hypervisors), ["compute1", "compute2"])

        services = self.osc("compute", "service", "list")
        computes = [s for s in services if s["Binary"] == "nova-compute"]
        self.assertEqual(len(computes), 2)
        self.assertTrue(all(s["State"] == "up" for s in computes))

        self.osc("server", "delete", "--wait", "cli-vm", parse=False)
        self.assertEqual(self.osc("server", "list"), [])


if __name__ == "__main__":
    unittest.main()
