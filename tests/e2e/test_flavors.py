"""End to end: admins create and delete flavors (os-flavor-manage) through
the real nimbus binary; the flavor is bootable at once, survives a restart,
and bad requests get Nova's fault bodies; extra specs with the CLI, checked
by Nova's validators from 2.86."""

import unittest

from harness import Nimbus
import osc

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

    def test_private_flavors_are_the_admins_and_lists_page(self):
        n = self.n
        private = {"flavor": dict(FLAVOR["flavor"], id="77", name="m1.secret",
                                  **{"os-flavor-access:is_public": "False"})}
        self.assertEqual(n.post("/v2.1/flavors", private).status, 200)
        ids = lambda path, token="admin:admin": [f["id"] for f in n.get(path, token=token).json["flavors"]]
        self.assertNotIn("77", ids("/v2.1/flavors", "demo:demo"))
        self.assertNotIn("77", ids("/v2.1/flavors?is_public=None", "demo:demo"))
        self.assertIn("77", ids("/v2.1/flavors?is_public=None"))
        self.assertEqual(ids("/v2.1/flavors?is_public=false"), ["77"])
        fault(n.get("/v2.1/flavors/77", token="demo:demo"), 404, "itemNotFound")
        r = n.post("/v2.1/servers", {"server": {"name": "sneaky", "imageRef": "155d900f-4e14-4e4c-a73d-069cbf4541e6",
                                                "flavorRef": "77"}}, token="demo:demo")
        fault(r, 400, "badRequest")
        # Sorted by id, paged by limit and marker, filtered by minRam / minDisk.
        everyone = ids("/v2.1/flavors")
        self.assertEqual(everyone, sorted(everyone))
        page = n.get("/v2.1/flavors?limit=2").json
        self.assertEqual([f["id"] for f in page["flavors"]], everyone[:2])
        self.assertIn("marker=" + everyone[1], page["flavors_links"][0]["href"])
        self.assertEqual(ids("/v2.1/flavors?marker=" + everyone[1]), everyone[2:])
        big = [f for f in n.get("/v2.1/flavors/detail").json["flavors"] if f["ram"] >= 4096]
        self.assertEqual(ids("/v2.1/flavors?minRam=4096"), [f["id"] for f in big])
        fault(n.get("/v2.1/flavors?minDisk=x"), 400, "badRequest")
        fault(n.get("/v2.1/flavors?marker=nope"), 400, "badRequest")

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


class FlavorExtraSpecsCli(osc.CliTestCase):
    """Extra specs with the openstack CLI: anything below 2.86, Nova's
    validators from 2.86 (known namespaces' keys and their values)."""

    def test_validators_apply_from_2_86(self):
        self.osc("flavor", "create", "--ram", "64", "--vcpus", "1", "--disk", "1", "m1.specs")
        self.osc("flavor", "set", "--property", "hw:cpu_policy=sharrred", "m1.specs",
                 version="2.85")  # not validated yet
        err = self.osc("flavor", "set", "--property", "hw:cpu_policy=sharrred", "m1.specs",
                       version="2.86", ok=False)
        self.assertIn("'sharrred' is not one of: dedicated, shared, mixed.", err)
        err = self.osc("flavor", "set", "--property", "hw:no_such_key=1", "m1.specs",
                       version="2.86", ok=False)
        self.assertIn("extra spec 'hw:no_such_key' does not appear to be a valid extra spec", err)
        self.osc("flavor", "set", "--property", "hw:cpu_policy=dedicated", "--property",
                 "hw:numa_nodes=2", "--property", "site:rack=r12", "m1.specs", version="2.86")
        shown = self.osc("flavor", "show", "m1.specs", parse=True)
        self.assertEqual(shown["properties"], {"hw:cpu_policy": "dedicated", "hw:numa_nodes": "2",
                                               "site:rack": "r12"})
        r = self.n.request("PUT", "/v2.1/flavors/%s/os-extra_specs/hw:numa_nodes" % shown["id"],
                           {"hw:numa_nodes": "0"}, version="2.86")
        self.assertEqual(r.status, 400, r.text)
        self.assertEqual(r.json["badRequest"]["message"],
                         "Validation failed; '0' is less than the min value of '1'.")


if __name__ == "__main__":
    unittest.main()
