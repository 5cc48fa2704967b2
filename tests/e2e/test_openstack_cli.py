"""Debian's `openstack` CLI against the real nimbus binary, signing in with
a password through a clouds.yaml as a newcomer would (no admin_token)."""

import os
import shutil
import tempfile
import unittest

import osc
from harness import ADMIN_PASSWORD, Nimbus


class OpenStackCli(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.nimbus = Nimbus(keystone=True).start()
        cls.config_dir = tempfile.mkdtemp(prefix="nimbus-osc-")
        cls.clouds = os.path.join(cls.config_dir, "clouds.yaml")
        cls.write_clouds({"nimbus": ("admin", ADMIN_PASSWORD, "admin")})

    @classmethod
    def tearDownClass(cls):
        cls.nimbus.close()
        shutil.rmtree(cls.config_dir, ignore_errors=True)

    @classmethod
    def write_clouds(cls, clouds):
        osc.write_clouds(cls.clouds, cls.nimbus.auth_url, clouds)

    def osc(self, *args, cloud="nimbus", parse=True, ok=True):
        p = osc.run(self.clouds, args, cloud=cloud, parse=parse)
        if not ok:
            return p
        self.assertEqual(p.returncode, 0, "%s\nstdout: %s\nstderr: %s" % (" ".join(args), p.stdout, p.stderr))
        return osc.output(p, parse)

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
        stats = self.osc("hypervisor", "stats", "show")
        self.assertEqual(stats["count"], 2)
        self.assertEqual(stats["running_vms"], 1)  # cli-vm, stopped, still holds its host
        extensions = self.osc("extension", "list", "--compute")
        self.assertIn("os-hosts", [e["Alias"] for e in extensions])

        services = self.osc("compute", "service", "list")
        computes = [s for s in services if s["Binary"] == "nova-compute"]
        self.assertEqual(len(computes), 2)
        self.assertTrue(all(s["State"] == "up" for s in computes))

        self.osc("server", "delete", "--wait", "cli-vm", parse=False)
        self.assertEqual(self.osc("server", "list"), [])

    def test_availability_zones(self):
        # The CLI asks for the detail (an admin gets it): the internal zone too.
        zones = self.osc("availability", "zone", "list", "--compute")
        self.assertEqual(sorted((z["Zone Name"], z["Zone Status"]) for z in zones),
                         [("internal", "available"), ("nova", "available")])
        r = self.nimbus.get("/v2.1/os-availability-zone")
        self.assertEqual(r.json["availabilityZoneInfo"],
                         [{"zoneName": "nova", "zoneState": {"available": True}, "hosts": None}])
        detail = self.osc("availability", "zone", "list", "--compute", "--long")
        services = {(z["Zone Name"], z["Service Name"]) for z in detail}
        self.assertIn(("nova", "nova-compute"), services)
        self.assertIn(("internal", "nova-scheduler"), services)
        self.assertIn(("internal", "nova-conductor"), services)
        self.assertTrue(all(z["Service Status"].startswith("enabled :-)")
                            for z in detail if z["Zone Name"] == "nova"), detail)

    def test_identity_commands_and_a_member_who_cannot_see_the_admins_servers(self):
        issued = self.osc("token", "issue")
        self.assertTrue(issued["id"])
        admin_project = self.osc("project", "show", "admin")
        self.assertEqual(issued["project_id"], admin_project["id"])

        self.osc("project", "create", "--domain", "default", "team")
        self.osc("user", "create", "--domain", "default", "--project", "team",
                 "--password", "team-pass-1", "tina")
        self.osc("role", "add", "--project", "team", "--user", "tina", "member", parse=False)
        assignments = self.osc("role", "assignment", "list", "--user", "tina", "--names")
        self.assertEqual([(a["Role"], a["Project"]) for a in assignments], [("member", "team@Default")])
        self.write_clouds({"nimbus": ("admin", ADMIN_PASSWORD, "admin"),
                           "tina": ("tina", "team-pass-1", "team")})

        self.osc("server", "create", "--flavor", "m1.tiny", "--image", "cirros-0.6.2-x86_64-disk",
                 "--wait", "admins-vm")
        self.assertEqual(self.osc("server", "list", cloud="tina"), [])
        shown = self.osc("server", "show", "admins-vm", cloud="tina", ok=False)
        self.assertNotEqual(shown.returncode, 0)
        self.osc("server", "create", "--flavor", "m1.tiny", "--image", "cirros-0.6.2-x86_64-disk",
                 "--wait", "tinas-vm", cloud="tina")
        self.assertEqual([s["Name"] for s in self.osc("server", "list", cloud="tina")], ["tinas-vm"])
        refused = self.osc("hypervisor", "list", cloud="tina", ok=False)
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("403", refused.stderr)
        everyone = self.osc("server", "list", "--all-projects")
        self.assertEqual(sorted(s["Name"] for s in everyone), ["admins-vm", "tinas-vm"])
        self.osc("server", "delete", "--wait", "tinas-vm", cloud="tina", parse=False)
        self.osc("server", "delete", "--wait", "admins-vm", parse=False)


if __name__ == "__main__":
    unittest.main()
