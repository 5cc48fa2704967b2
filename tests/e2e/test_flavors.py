"""End to end: admins create and delete flavors (os-flavor-manage) through
the real nimbus binary; the flavor is bootable at once, survives a restart,
and bad requests get Nova's fault bodies."""

import unittest

from harness import Nimbus

FLAVOR = {"flavor": {"name": "m1.nano", "id": "42", "ram": 128, "vcpus": 1, "disk": 0,
                     "os-flavor-access:is_public": True}}


def fault(r, status, wrapper):
    assert r.status == status, (r.status, r.text)
    assert r.json and list(r.json) == [wrapper], r.text
    assert r.json[wrapper]["code"] == status, r.text
    return r.json[wrapper]["message"]


class FlavorManage(unittest.TestCase):
    def setUp(self):
        self.n = Nimbus().start()
        self.addCleanup(self.n.close)

    def test_create_boot_restart_delete(self):
        n = self.n
        r = n.post("/v2.1/flavors", FLAVOR)
        self.assertEqual(r.status, 200, r.text)
        f = r.json["flavor"]
        self.assertEqual((f["id"], f["name"], f["ram"], f["vcpus"], f["disk"]), ("42", "m1.nano", 128, 1, 0))
        self.assertEqual(n.get("/v2.1/flavors/42").json["flavor"]["name"], "m1.nano")
        uuid = n.boot("on-nano", flavor="42")
        n.wait_status(uuid, "ACTIVE")
        self.assertEqual(n.server(uuid, "2.47")["flavor"]["original_name"], "m1.nano")
        n.stop()
        n.start()
        self.assertEqual(n.get("/v2.1/flavors/42").status, 200)  # durable
        self.assertEqual(n.delete("/v2.1/flavors/42").status, 202)
        fault(n.get("/v2.1/flavors/42"), 404, "itemNotFound")
        fault(n.delete("/v2.1/flavors/42"), 404, "itemNotFound")
        self.assertEqual(n.server(uuid)["status"], "ACTIVE")  # servers keep their flavor copy

    def test_conflicts_bad_bodies_and_policy(self):
        n = self.n
        self.assertEqual(n.post("/v2.1/flavors", FLAVOR).status, 200)
        self.assertIn("already exists", fault(n.post("/v2.1/flavors", FLAVOR), 409, "conflictingRequest"))
        same_name = {"flavor": dict(FLAVOR["flavor"], id="43")}
        self.assertIn("m1.nano", fault(n.post("/v2.1/flavors", same_name), 409, "conflictingRequest"))
        for bad in ({"flavor": dict(FLAVOR["flavor"], ram=0)},
                    {"flavor": dict(FLAVOR["flavor"], vcpus="x")},
                    {"flavor": dict(FLAVOR["flavor"], name=" padded ")},
                    {"flavor": dict(FLAVOR["flavor"], colour="red")},
                    {"flavor": {"name": "no-ram", "vcpus": 1, "disk": 0}},
                    {"other": {}}):
            fault(n.post("/v2.1/flavors", bad), 400, "badRequest")
        fault(n.post("/v2.1/flavors", FLAVOR, token="demo:demo"), 403, "forbidden")
        fault(n.delete("/v2.1/flavors/42", token="demo:demo"), 403, "forbidden")
        r = n.post("/v2.1/flavors", {"flavor": {"name": "auto-id", "ram": 64, "vcpus": 1, "disk": 0}})
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(len(r.json["flavor"]["id"]), 36)  # a uuid when none is given


if __name__ == "__main__":
    unittest.main()
