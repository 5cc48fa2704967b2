"""The snapshot chain API (/servers/{id}/snapshots, docs/SNAPSHOTS.md) on the
embedded default's simulated hosts: points are made, listed, shown, merged
and reverted to, as server actions with their instance actions; bad input
and wrong states get Nova's fault bodies. tests/e2e/test_real_guest.py runs
the same chain on a real qemu disk."""

import unittest

from harness import Nimbus, wait_until


class ServerSnapshots(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.n = Nimbus().start()

    @classmethod
    def tearDownClass(cls):
        cls.n.close()

    def points(self, uuid):
        r = self.n.get("/v2.1/servers/%s/snapshots" % uuid)
        self.assertEqual(r.status, 200, r.text)
        return r.json["snapshots"]

    def make(self, uuid, name):
        r = self.n.post("/v2.1/servers/%s/snapshots" % uuid, {"snapshot": {"name": name}})
        self.assertEqual(r.status, 202, r.text)
        point = r.json["snapshot"]
        self.assertEqual(point["name"], name)
        self.assertEqual(point["status"], "creating")
        self.assertEqual(point["server_id"], uuid)
        wait_until(lambda: any(p["id"] == point["id"] for p in self.points(uuid)),
                   "point %s" % name)
        self.n.wait_status(uuid, "ACTIVE", "SHUTOFF")
        return point["id"]

    def test_points_are_made_merged_and_reverted_to(self):
        uuid = self.n.boot("chain")
        self.n.wait_status(uuid, "ACTIVE")
        self.assertEqual(self.points(uuid), [])
        a, b, c = (self.make(uuid, name) for name in ("a", "b", "c"))
        listed = self.points(uuid)
        self.assertEqual([p["name"] for p in listed], ["a", "b", "c"])
        self.assertEqual(set(listed[0]), {"id", "name", "server_id", "created_at", "size",
                                          "status"})
        r = self.n.get("/v2.1/servers/%s/snapshots/%s" % (uuid, b))
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json["snapshot"]["name"], "b")
        self.assertEqual(r.json["snapshot"]["status"], "available")

        # A merge runs while the server runs; it stays ACTIVE.
        r = self.n.delete("/v2.1/servers/%s/snapshots/%s" % (uuid, b))
        self.assertEqual(r.status, 202, r.text)
        wait_until(lambda: [p["id"] for p in self.points(uuid)] == [a, c], "b merged")
        self.n.wait_status(uuid, "ACTIVE")
        # Not while paused: 409 in Nova's words.
        self.n.act(uuid, {"pause": None})
        self.n.wait_status(uuid, "PAUSED")
        r = self.n.delete("/v2.1/servers/%s/snapshots/%s" % (uuid, c))
        self.assertEqual(r.status, 409, r.text)
        self.assertIn("vm_state paused", r.json["conflictingRequest"]["message"])
        self.n.act(uuid, {"unpause": None})
        self.n.wait_status(uuid, "ACTIVE")
        self.n.act(uuid, {"os-stop": None})
        self.n.wait_status(uuid, "SHUTOFF")

        r = self.n.post("/v2.1/servers/%s/snapshots/%s/revert" % (uuid, a), None)
        self.assertEqual(r.status, 202, r.text)
        wait_until(lambda: [p["id"] for p in self.points(uuid)] == [a], "the revert")
        self.assertEqual(self.n.wait_status(uuid, "SHUTOFF")["status"], "SHUTOFF")

        actions = self.n.get("/v2.1/servers/%s/os-instance-actions" % uuid).json["instanceActions"]
        names = [x["action"] for x in actions]
        for name in ("createSnapshot", "deleteSnapshot", "revertSnapshot"):
            self.assertIn(name, names)
        revert = [x for x in actions if x["action"] == "revertSnapshot"][0]
        r = self.n.get("/v2.1/servers/%s/os-instance-actions/%s" % (uuid, revert["request_id"]),
                       version="2.51")
        self.assertEqual(r.json["instanceAction"]["events"][0]["event"], "compute_revert_to_point")

        # Its chain goes with the server.
        self.n.delete("/v2.1/servers/" + uuid)
        self.n.wait_gone(uuid)
        r = self.n.get("/v2.1/servers/%s/snapshots" % uuid)
        self.assertEqual(r.status, 404, r.text)

    def test_a_point_becomes_an_image_a_server_boots_from(self):
        uuid = self.n.boot("chain-image")
        self.n.wait_status(uuid, "ACTIVE")
        point = self.make(uuid, "golden")
        r = self.n.post("/v2.1/servers/%s/snapshots/%s/image" % (uuid, point),
                        {"image": {"name": "from-golden"}})
        self.assertEqual(r.status, 202, r.text)
        image_id = r.json["image_id"]

        def image():
            return self.n.get("/v2/images/" + image_id, port=self.n.image_port).json
        wait_until(lambda: image()["status"] == "active", "the point's image")
        self.assertEqual(image()["name"], "from-golden")
        self.assertEqual(image()["instance_uuid"], uuid)
        wait_until(lambda: self.n.server(uuid)["OS-EXT-STS:task_state"] is None, "the export")
        actions = self.n.get("/v2.1/servers/%s/os-instance-actions" % uuid).json["instanceActions"]
        self.assertEqual(actions[0]["action"], "createImage")
        booted = self.n.boot("from-point", imageRef=image_id)
        self.assertEqual(self.n.wait_status(booted, "ACTIVE")["image"]["id"], image_id)
        # Without a name the image is named by the point.
        r = self.n.post("/v2.1/servers/%s/snapshots/%s/image" % (uuid, point), {"image": {}})
        self.assertEqual(r.status, 202, r.text)
        wait_until(lambda: self.n.get("/v2/images/" + r.json["image_id"],
                                      port=self.n.image_port).json.get("name") == point,
                   "the unnamed image")
        # A point that is not there: 404, and no image is left behind.
        before = len(self.n.get("/v2/images", port=self.n.image_port).json["images"])
        missing = "00000000-0000-4000-8000-000000000000"
        r = self.n.post("/v2.1/servers/%s/snapshots/%s/image" % (uuid, missing),
                        {"image": {"name": "nothing"}})
        self.assertEqual(r.status, 404, r.text)
        self.assertIn("could not be found", r.json["itemNotFound"]["message"])
        self.assertEqual(len(self.n.get("/v2/images", port=self.n.image_port).json["images"]),
                         before)
        for body in ({}, {"image": "x"}, {"image": {"name": ""}}, {"image": {"bogus": 1}}):
            r = self.n.post("/v2.1/servers/%s/snapshots/%s/image" % (uuid, point), body)
            self.assertEqual(r.status, 400, (body, r.text))

    def test_bad_input_and_unknown_points(self):
        uuid = self.n.boot("chain-bad")
        self.n.wait_status(uuid, "ACTIVE")
        for body in ({}, {"snapshot": "x"}, {"snapshot": {"name": ""}},
                     {"snapshot": {"name": "x", "bogus": 1}}, {"snapshot": {"name": 7}}):
            r = self.n.post("/v2.1/servers/%s/snapshots" % uuid, body)
            self.assertEqual(r.status, 400, (body, r.text))
            self.assertEqual(r.json["badRequest"]["code"], 400)
        missing = "00000000-0000-4000-8000-000000000000"
        for method, path in (("GET", "/snapshots/" + missing),
                             ("DELETE", "/snapshots/" + missing),
                             ("POST", "/snapshots/%s/revert" % missing)):
            r = self.n.request(method, "/v2.1/servers/%s%s" % (uuid, path))
            self.assertEqual(r.status, 404, (method, path, r.text))
            self.assertIn("could not be found", r.json["itemNotFound"]["message"])
        r = self.n.get("/v2.1/servers/%s/snapshots" % missing)
        self.assertEqual(r.status, 404, r.text)
        # A point without a name is named by its id.
        r = self.n.post("/v2.1/servers/%s/snapshots" % uuid, {"snapshot": {}})
        self.assertEqual(r.status, 202, r.text)
        self.assertEqual(r.json["snapshot"]["name"], r.json["snapshot"]["id"])


if __name__ == "__main__":
    unittest.main()
