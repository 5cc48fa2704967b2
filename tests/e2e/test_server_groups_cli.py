"""Server groups with Debian's `openstack` CLI against the real binary:
create, list, show and delete; boots with the `group` hint join the group,
anti-affinity puts them on different hosts (and refuses a third of two
hosts), affinity on one; server show names the group from 2.71."""

import unittest

import osc

IMAGE = "cirros-0.6.2-x86_64-disk"


class ServerGroupsCli(osc.CliTestCase):
    def boot(self, name, group, wait=True):
        args = ["server", "create", "--image", IMAGE, "--flavor", "m1.tiny", "--hint",
                "group=" + group, name]
        return self.osc(*(args[:2] + (["--wait"] if wait else []) + args[2:]), parse=True)

    def test_policies_decide_hosts(self):
        apart = self.osc("server", "group", "create", "--policy", "anti-affinity", "apart",
                         parse=True, version="2.64")
        together = self.osc("server", "group", "create", "--policy", "affinity", "together",
                            parse=True, version="2.64")
        listed = {g["ID"]: g for g in self.osc("server", "group", "list", parse=True)}
        self.assertEqual(set(listed), {apart["id"], together["id"]})

        # Two hosts (the harness's): anti-affinity spreads, and has no room for a third.
        hosts = set()
        for i in range(2):
            s = self.boot("apart-%d" % i, apart["id"])
            hosts.add(s["OS-EXT-SRV-ATTR:host"])
        self.assertEqual(len(hosts), 2)
        third = self.boot("apart-2", apart["id"], wait=False)
        third = self.n.wait_status(third["id"], "ERROR")
        self.assertIn("No valid host", third["fault"]["message"])
        shown = self.osc("server", "group", "show", "apart", parse=True, version="2.64")
        self.assertEqual(len(shown["members"]), 3)

        same = {self.boot("together-%d" % i, together["id"])["OS-EXT-SRV-ATTR:host"]
                for i in range(3)}
        self.assertEqual(len(same), 1)
        member = self.osc("server", "show", "together-0", parse=True, version="2.71")
        self.assertEqual(member["server_groups"], [together["id"]])

        # Another project cannot see or join them; a boot naming no group is a 400.
        r = self.n.post("/v2.1/servers", {"server": {"name": "x", "imageRef": self.image_id(),
                                                     "flavorRef": "1"},
                                          "os:scheduler_hints": {"group": "8fe0b8b1-61f5-4a6f-b8fc-c0d1e2f3a4b5"}})
        self.assertEqual(r.status, 400, r.text)
        self.assertEqual(r.json["badRequest"]["message"],
                         "Instance group 8fe0b8b1-61f5-4a6f-b8fc-c0d1e2f3a4b5 could not be found.")

        for name in ("apart-0", "apart-1", "apart-2", "together-0", "together-1", "together-2"):
            self.osc("server", "delete", "--wait", name)
        self.assertEqual(self.osc("server", "group", "show", "apart", parse=True)["members"], [])
        self.osc("server", "group", "delete", "apart", "together")
        self.assertEqual(self.osc("server", "group", "list", parse=True), [])

    def image_id(self):
        return self.osc("image", "show", IMAGE, parse=True)["id"]


if __name__ == "__main__":
    unittest.main()
