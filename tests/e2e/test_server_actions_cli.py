"""Every server action Nimbus serves, driven with Debian's `openstack` CLI
against the real binary on its embedded libvirt test hosts: after each one
the server's status and the power state its host read back from libvirt
are what Nova's would be."""

import unittest

import osc

RUNNING, PAUSED, SHUTDOWN, NOSTATE = 1, 3, 4, 0


class ServerActionsCli(osc.CliTestCase):
    def settles(self, sid, status, power):
        s = self.n.wait_status(sid, status)
        self.assertEqual(s["OS-EXT-STS:power_state"], power, status)
        return s

    def test_every_action_from_the_cli(self):
        sid = self.osc("server", "create", "--flavor", "m1.tiny", "--image", "cirros-0.6.2-x86_64-disk",
                       "--wait", "act-vm", parse=True)["id"]
        self.settles(sid, "ACTIVE", RUNNING)

        self.osc("server", "pause", sid)
        self.settles(sid, "PAUSED", PAUSED)
        err = self.osc("server", "suspend", sid, ok=False)
        self.assertIn("vm_state paused", err)
        self.osc("server", "unpause", sid)
        self.settles(sid, "ACTIVE", RUNNING)

        self.osc("server", "suspend", sid)
        self.settles(sid, "SUSPENDED", SHUTDOWN)  # libvirt's managed save: off, memory kept
        self.osc("server", "resume", sid)
        self.settles(sid, "ACTIVE", RUNNING)

        self.osc("server", "lock", "--reason", "maintenance", sid, version="2.73")
        shown = self.n.server(sid, version="2.73")
        self.assertTrue(shown["locked"])
        self.assertEqual(shown["locked_reason"], "maintenance")
        self.osc("server", "unlock", sid)
        self.assertFalse(self.n.server(sid, version="2.73")["locked"])

        self.osc("server", "rescue", sid)
        self.settles(sid, "RESCUE", RUNNING)
        self.osc("server", "unrescue", sid)
        self.settles(sid, "ACTIVE", RUNNING)

        self.osc("server", "set", "--name", "act-renamed", "--property", "tier=gold", sid)
        shown = self.osc("server", "show", sid, parse=True)
        self.assertEqual(shown["name"], "act-renamed")
        self.assertIn("tier", str(shown["properties"]))
        self.osc("server", "unset", "--property", "tier", sid)
        self.assertEqual(self.n.server(sid)["metadata"], {})

        self.osc("server", "set", "--tag", "blue", "--tag", "green", sid, version="2.26")
        tags = self.n.get("/v2.1/servers/%s/tags" % sid, version="2.26").json["tags"]
        self.assertEqual(sorted(tags), ["blue", "green"])

        log = self.osc("console", "log", "show", "--lines", "2", sid)
        self.assertIn("login:", log)
        self.assertLessEqual(len(log.strip("\n").split("\n")), 2)

        self.osc("server", "dump", "create", sid, version="2.17")
        self.settles(sid, "ACTIVE", RUNNING)

        # Backups rotate: two daily ones with --rotate 1 leave the newer.
        for name in ("act-backup-1", "act-backup-2"):
            self.osc("server", "backup", "create", "--name", name, "--type", "daily",
                     "--rotate", "1", sid)
        images = self.n.get("/v2/images", port=self.n.image_port).json["images"]
        backups = [i["name"] for i in images if i.get("image_type") == "backup"
                   and i.get("instance_uuid") == sid]
        self.assertEqual(backups, ["act-backup-2"])

        self.osc("server", "shelve", sid)
        s = self.settles(sid, "SHELVED_OFFLOADED", NOSTATE)  # shelved_offload_time 0
        self.assertIsNone(s.get("OS-EXT-SRV-ATTR:host"))
        self.osc("server", "unshelve", sid)
        s = self.settles(sid, "ACTIVE", RUNNING)
        self.assertTrue(s["OS-EXT-SRV-ATTR:host"])

        self.osc("server", "set", "--state", "error", sid)
        self.settles(sid, "ERROR", RUNNING)
        self.osc("server", "set", "--state", "active", sid)
        self.settles(sid, "ACTIVE", RUNNING)

        self.osc("server", "stop", sid)
        self.settles(sid, "SHUTOFF", SHUTDOWN)
        self.osc("server", "start", sid)
        self.settles(sid, "ACTIVE", RUNNING)

        actions = [a["action"] for a in
                   self.n.get("/v2.1/servers/%s/os-instance-actions" % sid).json["instanceActions"]]
        for name in ("pause", "unpause", "suspend", "resume", "lock", "unlock", "rescue",
                     "unrescue", "trigger_crash_dump", "createBackup", "shelve", "unshelve",
                     "stop", "start"):
            self.assertIn(name, actions)

        self.osc("server", "delete", "--wait", sid)

    def host_of(self, sid):
        return self.n.server(sid)["OS-EXT-SRV-ATTR:host"]

    def test_moves_from_the_cli(self):
        sid = self.osc("server", "create", "--flavor", "m1.tiny", "--image", "cirros-0.6.2-x86_64-disk",
                       "--wait", "move-vm", parse=True)["id"]
        self.settles(sid, "ACTIVE", RUNNING)
        first = self.host_of(sid)

        # Resize: onto the other host (allow_resize_to_same_host is off), then confirmed.
        self.osc("server", "resize", "--flavor", "m1.small", "--wait", sid)
        s = self.settles(sid, "VERIFY_RESIZE", RUNNING)
        self.assertNotEqual(s["OS-EXT-SRV-ATTR:host"], first)
        self.assertEqual(self.n.server(sid, version="2.47")["flavor"]["original_name"], "m1.small")
        err = self.osc("server", "stop", sid, ok=False)
        self.assertIn("vm_state resized", err)
        self.osc("server", "resize", "--confirm", sid)
        s = self.settles(sid, "ACTIVE", RUNNING)
        second = s["OS-EXT-SRV-ATTR:host"]
        err = self.osc("server", "resize", "--confirm", sid, ok=False)
        self.assertIn("vm_state active", err)

        # Resize of a stopped server, reverted: back on its host, stopped, with its flavor.
        self.osc("server", "stop", sid)
        self.settles(sid, "SHUTOFF", SHUTDOWN)
        self.osc("server", "resize", "--flavor", "m1.tiny", "--wait", sid)
        s = self.settles(sid, "VERIFY_RESIZE", SHUTDOWN)
        self.assertEqual(s["OS-EXT-SRV-ATTR:host"], first)
        self.osc("server", "resize", "--revert", sid)
        s = self.settles(sid, "SHUTOFF", SHUTDOWN)
        self.assertEqual(s["OS-EXT-SRV-ATTR:host"], second)
        self.assertEqual(self.n.server(sid, version="2.47")["flavor"]["original_name"], "m1.small")
        self.osc("server", "start", sid)
        self.settles(sid, "ACTIVE", RUNNING)

        # Cold migration (admin), confirmed by the API as the CLI does it.
        self.osc("server", "migrate", "--wait", sid)
        s = self.settles(sid, "VERIFY_RESIZE", RUNNING)
        self.assertEqual(s["OS-EXT-SRV-ATTR:host"], first)
        self.osc("server", "resize", "--confirm", sid)
        self.settles(sid, "ACTIVE", RUNNING)

        # Live migration to a named host, paused: it stays paused there (the
        # CLI's --wait waits for ACTIVE, so the test waits itself).
        self.osc("server", "pause", sid)
        self.settles(sid, "PAUSED", PAUSED)
        self.osc("server", "migrate", "--live-migration", "--host", second, sid, version="2.30")
        s = self.settles(sid, "PAUSED", PAUSED)
        self.assertEqual(s["OS-EXT-SRV-ATTR:host"], second)
        err = self.osc("server", "migrate", "--live-migration", "--host", second, sid,
                       version="2.30", ok=False)
        self.assertIn("to current host", err)
        err = self.osc("server", "migrate", "--live-migration", "--host", "nowhere", sid,
                       version="2.30", ok=False)
        self.assertIn("Compute host nowhere could not be found.", err)

        # An evacuation needs its host down: refused while it is up.
        self.osc("server", "unpause", sid)
        self.settles(sid, "ACTIVE", RUNNING)
        err = self.osc("server", "evacuate", sid, version="2.29", ok=False)
        self.assertIn("is still in use", err)
        # Its host forced down (2.53), it is rebuilt on the other one.
        self.osc("compute", "service", "set", "--down", second, "nova-compute", version="2.53")
        # openstackclient 6.0 sends the evacuation, then fails on its own
        # answer (it shows evacuate()'s result as a server: Debian 12's osc
        # bug, whatever the cloud answers); the evacuation itself is accepted.
        err = self.osc("server", "evacuate", "--host", first, sid, version="2.29", ok=False)
        self.assertIn("'TupleWithMeta' object has no attribute 'to_dict'", err)
        s = self.settles(sid, "ACTIVE", RUNNING)
        self.assertEqual(s["OS-EXT-SRV-ATTR:host"], first)
        services = self.osc("compute", "service", "list", "--long", parse=True, version="2.53")
        self.assertEqual([x["Forced Down"] for x in services if x["Host"] == second], [True])
        self.osc("compute", "service", "set", "--up", second, "nova-compute", version="2.53")

        migrations = self.osc("server", "migration", "list", "--server", sid, parse=True,
                              version="2.80")
        kinds = sorted(m["Type"] for m in migrations)
        self.assertEqual(kinds, ["evacuation", "live-migration", "migration", "resize", "resize"])
        self.assertEqual({m["Status"] for m in migrations if m["Type"] == "resize"},
                         {"confirmed", "reverted"})
        self.osc("server", "delete", "--wait", sid)


if __name__ == "__main__":
    unittest.main()
