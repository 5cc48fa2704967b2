"""Storage tiers (seed 003) on the real binary with libvirt's test driver: a
server's instance_disk_type (or its flavor's pin, or the default) decides
which pool its disk is claimed in, server show returns it to a client that
asks for Nimbus's attributes, a move keeps it, and a pool without room is a
NoValidHost like any other."""

import os
import unittest

from harness import Nimbus

EXT = {"Nimbus-Extensions": "instance_disk_type"}


class StorageTiers(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # Two simulated hosts of 500 GB: hdd 500, ssd 250, pcie_ssd 100 each.
        cls.n = Nimbus(config={"all_in_one": {"host_disk_gb": 500},
                               "compute": {"default_disk_type": "ssd"},
                               "DEFAULT": {"allow_resize_to_same_host": "true"}}).start()
        r = cls.n.post("/v2.1/flavors", {"flavor": {"name": "d80", "ram": 256, "vcpus": 1,
                                                     "disk": 80, "id": "d80"}})
        assert r.status == 200, r.text

    @classmethod
    def tearDownClass(cls):
        cls.n.close()

    def tier_of(self, uuid):
        r = self.n.get("/v2.1/servers/" + uuid, headers=EXT)
        self.assertEqual(r.status, 200, r.text)
        return r.json["server"]["instance_disk_type"]

    def test_the_hosts_define_a_pool_per_tier(self):
        with open(os.path.join(self.n.data_dir, "hosts", "compute1.xml")) as f:
            node = f.read()
        for pool in ("volumes_hdd", "volumes_ssd", "volumes_pcie_ssd"):
            self.assertIn("<name>%s</name>" % pool, node)

    def test_a_server_names_its_tier_or_gets_the_default(self):
        fast = self.n.boot("fast", instance_disk_type="pcie_ssd")
        plain = self.n.boot("plain")
        self.n.wait_status(fast, "ACTIVE")
        self.n.wait_status(plain, "ACTIVE")
        self.assertEqual(self.tier_of(fast), "pcie_ssd")
        self.assertEqual(self.tier_of(plain), "ssd")  # [compute] default_disk_type
        # Without the header a server looks as Nova's does.
        self.assertNotIn("instance_disk_type", self.n.server(fast))
        r = self.n.post("/v2.1/servers", {"server": {"name": "bad", "imageRef": self.image(),
                                                     "flavorRef": "1",
                                                     "instance_disk_type": "tape"}})
        self.assertEqual(r.status, 400)
        self.assertIn("instance_disk_type", r.json["badRequest"]["message"])

    def test_a_full_tier_is_no_valid_host_while_other_tiers_have_room(self):
        # pcie_ssd holds 100 GB a host: two 80 GB disks fill both hosts.
        first = self.n.boot("p1", flavor="d80", instance_disk_type="pcie_ssd")
        second = self.n.boot("p2", flavor="d80", instance_disk_type="pcie_ssd")
        self.n.wait_status(first, "ACTIVE")
        self.n.wait_status(second, "ACTIVE")
        hosts = {self.n.server(u)["OS-EXT-SRV-ATTR:host"] for u in (first, second)}
        self.assertEqual(hosts, {"compute1", "compute2"})
        third = self.n.boot("p3", flavor="d80", instance_disk_type="pcie_ssd")
        failed = self.n.wait_status(third, "ERROR")
        self.assertIn("No valid host", failed["fault"]["message"])
        on_hdd = self.n.boot("h1", flavor="d80", instance_disk_type="hdd")
        self.n.wait_status(on_hdd, "ACTIVE")
        for uuid in (first, second, third, on_hdd):
            self.n.delete("/v2.1/servers/" + uuid)
            self.n.wait_gone(uuid)

    def test_a_flavor_pins_its_tier_and_a_resize_keeps_the_servers(self):
        r = self.n.post("/v2.1/flavors", {"flavor": {"name": "pinned", "ram": 256, "vcpus": 1,
                                                     "disk": 1, "id": "pinned"}})
        self.assertEqual(r.status, 200, r.text)
        r = self.n.post("/v2.1/flavors/pinned/os-extra_specs",
                        {"extra_specs": {"nimbus:disk_type": "hdd"}})
        self.assertEqual(r.status, 200, r.text)
        pinned = self.n.boot("pinned", flavor="pinned")
        self.n.wait_status(pinned, "ACTIVE")
        self.assertEqual(self.tier_of(pinned), "hdd")
        r = self.n.post("/v2.1/servers", {"server": {"name": "clash", "imageRef": self.image(),
                                                     "flavorRef": "pinned",
                                                     "instance_disk_type": "ssd"}})
        self.assertEqual(r.status, 400)
        self.assertIn("pins disk type hdd", r.json["badRequest"]["message"])

        moved = self.n.boot("moved", instance_disk_type="pcie_ssd")
        self.n.wait_status(moved, "ACTIVE")
        r = self.n.act(moved, {"resize": {"flavorRef": "2"}})
        self.assertEqual(r.status, 202, r.text)
        self.n.wait_status(moved, "VERIFY_RESIZE")
        self.assertEqual(self.tier_of(moved), "pcie_ssd")
        self.n.act(moved, {"confirmResize": None})
        self.n.wait_status(moved, "ACTIVE")
        self.assertEqual(self.tier_of(moved), "pcie_ssd")

    def test_each_tier_has_a_quota_of_its_own(self):
        # A project may hold 100 GB of ssd root disks, any hdd.
        project, token = "tierproj", "tieruser:tierproj"
        path = "/v2.1/os-quota-sets/" + project
        # Without the header, Nova's resources only (and an update naming a
        # tier one is Nova's 400 for an unknown resource).
        self.assertNotIn("disk_gb_ssd", self.n.get(path).json["quota_set"])
        r = self.n.request("PUT", path, {"quota_set": {"disk_gb_ssd": 100}})
        self.assertEqual(r.status, 400, r.text)
        r = self.n.request("PUT", path, {"quota_set": {"disk_gb_ssd": 100}}, headers=EXT)
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual((r.json["quota_set"]["disk_gb_ssd"], r.json["quota_set"]["disk_gb_hdd"]),
                         (100, -1))
        first = self.n.boot("q1", flavor="d80", instance_disk_type="ssd", token=token)
        self.n.wait_status(first, "ACTIVE")
        r = self.n.post("/v2.1/servers", {"server": {"name": "q2", "imageRef": self.image(),
                                                     "flavorRef": "d80",
                                                     "instance_disk_type": "ssd"}}, token=token)
        self.assertEqual(r.status, 403, r.text)
        self.assertEqual(r.json["forbidden"]["message"],
                         "Quota exceeded for disk_gb_ssd: Requested 80, but already used 80 of "
                         "100 disk_gb_ssd")
        on_hdd = self.n.boot("q3", flavor="d80", instance_disk_type="hdd", token=token)
        self.n.wait_status(on_hdd, "ACTIVE")
        detail = self.n.get(path + "/detail", headers=EXT).json["quota_set"]
        self.assertEqual(detail["disk_gb_ssd"]["in_use"], 80)
        self.assertEqual(detail["disk_gb_hdd"]["in_use"], 80)
        self.assertEqual(detail["disk_gb_pcie_ssd"]["in_use"], 0)
        # Not below what is used; a delete gives the disk back.
        r = self.n.request("PUT", path, {"quota_set": {"disk_gb_ssd": 50}}, headers=EXT)
        self.assertEqual(r.status, 400, r.text)
        self.n.delete("/v2.1/servers/" + first, token=token)
        self.n.wait_gone(first)
        detail = self.n.get(path + "/detail", headers=EXT).json["quota_set"]
        self.assertEqual(detail["disk_gb_ssd"]["in_use"], 0)
        self.n.delete("/v2.1/servers/" + on_hdd, token=token)
        self.n.wait_gone(on_hdd)

    def image(self):
        return self.n.get("/v2.1/images").json["images"][0]["id"]


if __name__ == "__main__":
    unittest.main()
