"""Compute services with Debian's `openstack` CLI against the real binary:
disable with a reason and enable again (the pre-2.53 forms by host and
binary, as the CLI sends them by default, and 2.53's by id), force down
(2.11), and delete: refused while a server is on the host, done when none
is (the host mapping goes too)."""

import unittest
import uuid

import osc

IMAGE = "cirros-0.6.2-x86_64-disk"


class ServicesCli(osc.CliTestCase):
    def computes(self, version=None):
        return {s["Host"]: s for s in self.osc("compute", "service", "list", "--long", "--service",
                                               "nova-compute", version=version, parse=True)}

    def test_disable_enable_force_down_by_host_and_binary(self):
        host = sorted(self.computes())[0]
        self.osc("compute", "service", "set", "--disable", "--disable-reason", "maintenance",
                 host, "nova-compute")
        shown = self.computes()[host]
        self.assertEqual((shown["Status"], shown["Disabled Reason"]), ("disabled", "maintenance"))
        self.osc("compute", "service", "set", "--enable", host, "nova-compute")
        self.assertEqual(self.computes()[host]["Status"], "enabled")
        # The legacy body, refused where Nova refuses it.
        r = self.n.request("PUT", "/v2.1/os-services/disable", {"host": host})
        self.assertEqual(r.status, 400, r.text)
        self.assertIn("'binary' is a required property", r.text)
        r = self.n.request("PUT", "/v2.1/os-services/disable",
                           {"host": "nowhere", "binary": "nova-compute"})
        self.assertEqual(r.status, 404, r.text)
        self.assertIn("Could not find binary nova-compute on host nowhere.", r.text)
        r = self.n.request("PUT", "/v2.1/os-services/force-down",
                           {"host": host, "binary": "nova-compute", "forced_down": True})
        self.assertEqual(r.status, 404, r.text)  # force-down is 2.11's
        self.osc("compute", "service", "set", "--down", host, "nova-compute", version="2.11")
        self.assertEqual(self.computes(version="2.11")[host]["Forced Down"], True)
        self.assertEqual(self.computes()[host]["State"], "down")
        self.osc("compute", "service", "set", "--up", host, "nova-compute", version="2.53")
        self.assertEqual(self.computes(version="2.53")[host]["Forced Down"], False)

    def test_delete_refused_while_hosting_then_done(self):
        server = self.osc("server", "create", "--image", IMAGE, "--flavor", "m1.tiny", "--wait",
                          "hosted", parse=True)
        busy = server["OS-EXT-SRV-ATTR:host"]
        services = self.computes(version="2.53")
        err = self.osc("compute", "service", "delete", services[busy]["ID"], version="2.53",
                       ok=False)
        self.assertIn("Unable to delete compute service that is hosting instances", err)
        idle = [h for h in services if h != busy][0]
        self.osc("compute", "service", "delete", services[idle]["ID"], version="2.53")
        # Gone with its id (a compute still running joins again, as a new service).
        ids = {s["ID"] for s in self.computes(version="2.53").values()}
        self.assertNotIn(services[idle]["ID"], ids)
        r = self.n.request("DELETE", "/v2.1/os-services/" + str(uuid.uuid4()), version="2.53")
        self.assertEqual(r.status, 404, r.text)
        self.osc("server", "delete", "--wait", "hosted")


if __name__ == "__main__":
    unittest.main()
