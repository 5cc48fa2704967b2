"""Quotas and limits with Debian's `openstack` CLI against the real binary:
`quota set / show`, `limits show`, and their enforcement: a storm of
concurrent boots cannot pass the instances quota, a resize is held to the
cores quota, key pairs to key_pairs, and deleting a server gives its room
back."""

import concurrent.futures
import unittest

import osc
from harness import IMAGE_ID, wait_until


class QuotasCli(osc.CliTestCase):
    config = {"quota": {"instances": 10, "cores": 20, "ram": 51200}}  # Nova's, not the harness's

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        n = cls.n
        r = n.identity("POST", "/v3/projects", {"project": {"name": "q-proj", "domain_id": "default"}})
        assert r.status == 201, r.text
        cls.project = r.json["project"]["id"]
        r = n.identity("POST", "/v3/users", {"user": {"name": "q-user", "password": "q-user-pw",
                                                      "domain_id": "default"}})
        assert r.status == 201, r.text
        cls.user = r.json["user"]["id"]
        roles = {x["name"]: x["id"] for x in n.identity("GET", "/v3/roles").json["roles"]}
        r = n.identity("PUT", "/v3/projects/%s/users/%s/roles/%s" % (cls.project, cls.user, roles["member"]))
        assert r.status == 204, r.text
        cls.token = n.token_for("q-user", "q-user-pw", "q-proj")

    def boot(self, name, flavor="1"):
        return self.n.post("/v2.1/servers", {"server": {"name": name, "imageRef": IMAGE_ID,
                                                        "flavorRef": flavor}}, token=self.token)

    def test_metadata_items_quota_and_unknown_projects(self):
        admin_project = self.osc("project", "show", "admin", parse=True)["id"]
        r = self.n.request("PUT", "/v2.1/os-quota-sets/" + admin_project,
                           {"quota_set": {"metadata_items": 2}})
        self.assertEqual(r.status, 200, r.text)
        self.addCleanup(self.n.delete, "/v2.1/os-quota-sets/" + admin_project)
        exceeded = "Quota exceeded for metadata_items: Maximum number of metadata items exceeds 2"
        three = {"a": "1", "b": "2", "c": "3"}
        r = self.n.post("/v2.1/servers", {"server": {"name": "meta", "imageRef": IMAGE_ID,
                                                     "flavorRef": "1", "metadata": three}})
        self.assertEqual(r.status, 403, r.text)
        self.assertEqual(r.json["forbidden"]["message"], exceeded)
        r = self.n.post("/v2.1/servers", {"server": {"name": "meta", "imageRef": IMAGE_ID,
                                                     "flavorRef": "1", "metadata": {"a": "1"}}})
        self.assertEqual(r.status, 202, r.text)
        sid = r.json["server"]["id"]
        self.addCleanup(self.n.delete, "/v2.1/servers/" + sid)
        # A merge counts what the server has: 1 + 2 new items pass the limit.
        r = self.n.post("/v2.1/servers/%s/metadata" % sid, {"metadata": {"b": "2", "c": "3"}})
        self.assertEqual(r.status, 403, r.text)
        self.assertEqual(r.json["forbidden"]["message"], exceeded)
        r = self.n.post("/v2.1/servers/%s/metadata" % sid, {"metadata": {"b": "2"}})
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json["metadata"], {"a": "1", "b": "2"})
        r = self.n.request("PUT", "/v2.1/servers/%s/metadata" % sid, {"metadata": three})
        self.assertEqual(r.status, 403, r.text)
        r = self.n.post("/v2.1/servers/%s/action" % sid,
                        {"createImage": {"name": "snap", "metadata": three}})
        self.assertEqual(r.status, 403, r.text)
        self.assertEqual(r.json["forbidden"]["message"], "Image metadata limit exceeded")
        # A limit lower than what the server holds blocks no rename and no removal.
        r = self.n.request("PUT", "/v2.1/os-quota-sets/" + admin_project,
                           {"quota_set": {"metadata_items": 1}})
        self.assertEqual(r.status, 200, r.text)
        r = self.n.request("PUT", "/v2.1/servers/" + sid, {"server": {"name": "renamed"}})
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(self.n.delete("/v2.1/servers/%s/metadata/b" % sid).status, 204)
        # -1 is unlimited.
        r = self.n.request("PUT", "/v2.1/os-quota-sets/" + admin_project,
                           {"quota_set": {"metadata_items": -1}})
        self.assertEqual(r.status, 200, r.text)
        r = self.n.request("PUT", "/v2.1/servers/%s/metadata" % sid,
                           {"metadata": {"k%d" % i: "v" for i in range(200)}})
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(len(r.json["metadata"]), 200)

        # Quotas and flavor access only for projects the identity service knows.
        r = self.n.request("PUT", "/v2.1/os-quota-sets/no-such-project",
                           {"quota_set": {"instances": 5}})
        self.assertEqual(r.status, 400, r.text)
        self.assertEqual(r.json["badRequest"]["message"],
                         "Project ID no-such-project is not a valid project.")
        r = self.n.post("/v2.1/flavors", {"flavor": {"name": "private-q", "ram": 64, "vcpus": 1,
                                                     "disk": 1, "os-flavor-access:is_public": False}})
        self.assertEqual(r.status, 200, r.text)
        fid = r.json["flavor"]["id"]
        self.addCleanup(self.n.delete, "/v2.1/flavors/" + fid)
        r = self.n.post("/v2.1/flavors/%s/action" % fid, {"addTenantAccess": {"tenant": "no-such-project"}})
        self.assertEqual(r.status, 400, r.text)
        self.assertEqual(r.json["badRequest"]["message"],
                         "Project ID no-such-project is not a valid project.")
        # Removing is not checked (a project deleted since can be taken off): not there, 404.
        r = self.n.post("/v2.1/flavors/%s/action" % fid, {"removeTenantAccess": {"tenant": "no-such-project"}})
        self.assertEqual(r.status, 404, r.text)
        r = self.n.post("/v2.1/flavors/%s/action" % fid, {"addTenantAccess": {"tenant": self.project}})
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json["flavor_access"], [{"flavor_id": fid, "tenant_id": self.project}])

    def test_storm_resize_keypairs_and_limits(self):
        self.osc("quota", "set", "--instances", "3", "--cores", "4", "--key-pairs", "1", "q-proj")
        shown = self.osc("quota", "show", "q-proj", parse=True)
        shown = {row["Resource"]: row["Limit"] for row in shown} if isinstance(shown, list) else shown
        self.assertEqual(shown["instances"], 3)
        self.assertEqual(shown["cores"], 4)
        self.assertEqual(shown["ram"], 51200)  # Nova's default

        # 24 boots at once: exactly 3 are accepted, whatever the interleaving.
        with concurrent.futures.ThreadPoolExecutor(max_workers=12) as pool:
            answers = list(pool.map(lambda i: self.boot("storm-%d" % i), range(24)))
        accepted = [r.json["server"]["id"] for r in answers if r.status == 202]
        refused = [r for r in answers if r.status != 202]
        self.assertEqual(len(accepted), 3, [r.status for r in answers])
        for r in refused:
            self.assertEqual(r.status, 403, r.text)
            self.assertEqual(r.json["forbidden"]["message"],
                             "Quota exceeded for instances: Requested 1, but already used 3 of 3 "
                             "instances")
        mine = self.n.get("/v2.1/servers", token=self.token).json["servers"]
        self.assertEqual(sorted(s["id"] for s in mine), sorted(accepted))

        limits = self.n.get("/v2.1/limits", token=self.token).json["limits"]["absolute"]
        self.assertEqual((limits["maxTotalInstances"], limits["totalInstancesUsed"]), (3, 3))
        self.assertEqual((limits["maxTotalCores"], limits["totalCoresUsed"]), (4, 3))
        self.assertEqual(limits["totalRAMUsed"], 3 * 512)
        detail = self.n.get("/v2.1/os-quota-sets/%s/detail" % self.project, token=self.token)
        self.assertEqual(detail.json["quota_set"]["instances"], {"in_use": 3, "limit": 3, "reserved": 0})
        # The limit cannot drop below what is used, unless forced.
        r = self.n.request("PUT", "/v2.1/os-quota-sets/" + self.project,
                           {"quota_set": {"instances": 2}})
        self.assertEqual(r.status, 400, r.text)
        self.assertEqual(r.json["badRequest"]["message"], "Quota limit 2 for instances must be "
                         "greater than or equal to already used and reserved 3.")

        # A resize from m1.tiny (1 vcpu) to m1.large (4) needs 3 cores of the one left;
        # to m1.medium (2) it fits, counts the larger flavor, and a revert gives it back.
        for uuid in accepted:
            self.n.wait_status(uuid, "ACTIVE")
        resize = lambda flavor: self.n.post("/v2.1/servers/%s/action" % accepted[0],
                                            {"resize": {"flavorRef": flavor}}, token=self.token)
        r = resize("4")
        self.assertEqual(r.status, 403, r.text)
        self.assertEqual(r.json["forbidden"]["message"],
                         "Quota exceeded for cores: Requested 3, but already used 3 of 4 cores")
        self.assertEqual(resize("3").status, 202)
        self.n.wait_status(accepted[0], "VERIFY_RESIZE")
        cores_used = lambda: self.n.get("/v2.1/limits", token=self.token).json["limits"]["absolute"]["totalCoresUsed"]
        self.assertEqual(cores_used(), 4)
        self.assertEqual(self.n.post("/v2.1/servers/%s/action" % accepted[0], {"revertResize": None},
                                     token=self.token).status, 202)
        self.n.wait_status(accepted[0], "ACTIVE")
        wait_until(lambda: cores_used() == 3, "the revert to give its core back")

        # Deleting a server gives its room back, once its cell has told the
        # API cell (a moment after the cell itself answers 404).
        r = self.n.delete("/v2.1/servers/" + accepted[1], token=self.token)
        self.assertEqual(r.status, 204, r.text)
        instances_used = lambda: self.n.get("/v2.1/limits", token=self.token).json["limits"]["absolute"]["totalInstancesUsed"]
        wait_until(lambda: instances_used() == 2, "the deleted server to give its instance back")
        self.assertEqual(self.boot("after-delete").status, 202)
        self.assertEqual(self.boot("one-too-many").status, 403)

        # Key pairs: one per user here.
        kp = {"keypair": {"name": "q-kp-1"}}
        self.assertEqual(self.n.post("/v2.1/os-keypairs", kp, token=self.token).status, 200)
        r = self.n.post("/v2.1/os-keypairs", {"keypair": {"name": "q-kp-2"}}, token=self.token)
        self.assertEqual(r.status, 403, r.text)
        self.assertEqual(r.json["forbidden"]["message"], "Quota exceeded, too many key pairs.")

        # A delete gives the project the defaults again; the `default` class changes those.
        r = self.n.delete("/v2.1/os-quota-sets/" + self.project)
        self.assertEqual(r.status, 202, r.text)
        r = self.n.request("PUT", "/v2.1/os-quota-class-sets/default",
                           {"quota_class_set": {"instances": 15}})
        self.assertEqual(r.status, 200, r.text)
        self.assertNotIn("id", r.json["quota_class_set"])
        shown = self.osc("limits", "show", "--absolute", "--project", "q-proj", parse=True)
        values = {row["Name"]: row["Value"] for row in shown}
        self.assertEqual(values["maxTotalInstances"], 15)
        self.assertEqual(values["totalInstancesUsed"], 3)

    def test_usage_of_running_servers(self):
        server = self.osc("server", "create", "--image", "cirros-0.6.2-x86_64-disk", "--flavor",
                          "m1.small", "--wait", "usage-probe", parse=True)
        admin_project = self.osc("project", "show", "admin", parse=True)["id"]
        shown = self.osc("usage", "show", "--project", "admin", parse=True)
        self.assertEqual(shown["Project"], admin_project)
        self.assertIn(server["id"], str(shown["Servers"]))
        listed = {row["Project"]: row for row in self.osc("usage", "list", parse=True)}
        self.assertIn(admin_project, listed)
        # The API's own: the server's hours, and its flavor's disk and memory.
        r = self.n.get("/v2.1/os-simple-tenant-usage/%s?start=2026-01-01T00:00:00" % admin_project)
        self.assertEqual(r.status, 200, r.text)
        usage = {u["instance_id"]: u for u in r.json["tenant_usage"]["server_usages"]}
        mine = usage[server["id"]]
        self.assertEqual((mine["memory_mb"], mine["local_gb"], mine["vcpus"]), (2048, 20, 1))
        self.assertEqual(mine["state"], "active")
        self.assertGreater(mine["hours"], 0)
        r = self.n.get("/v2.1/os-simple-tenant-usage?start=2030-01-01T00:00:00&end=2029-01-01T00:00:00")
        self.assertEqual(r.status, 400, r.text)
        self.osc("server", "delete", "--wait", "usage-probe")

    def test_user_cannot_change_quotas_and_bad_values_are_refused(self):
        r = self.n.request("PUT", "/v2.1/os-quota-sets/" + self.project,
                           {"quota_set": {"instances": 50}}, token=self.token)
        self.assertEqual(r.status, 403, r.text)
        for value, message in (
                (-2, "Invalid input for field/attribute instances. Value: -2. -2 is less than the minimum of -1"),
                ("ten", "Invalid input for field/attribute instances. Value: ten. 'ten' does not match '^-?[0-9]+$'"),
                (1.5, "Invalid input for field/attribute instances. Value: 1.5. 1.5 is not of type 'integer', 'string'")):
            r = self.n.request("PUT", "/v2.1/os-quota-sets/" + self.project,
                               {"quota_set": {"instances": value}})
            self.assertEqual(r.status, 400, r.text)
            self.assertEqual(r.json["badRequest"]["message"], message)
        r = self.n.request("PUT", "/v2.1/os-quota-sets/" + self.project,
                           {"quota_set": {"floating_ips": 1}}, version="2.36")
        self.assertEqual(r.status, 400, r.text)
        # A user's limit may not pass its project's, unless forced.
        r = self.n.request("PUT", "/v2.1/os-quota-sets/%s?user_id=%s" % (self.project, self.user),
                           {"quota_set": {"server_groups": 11}})
        self.assertEqual(r.status, 400, r.text)
        self.assertEqual(r.json["badRequest"]["message"],
                         "Quota limit 11 for server_groups must be less than or equal to 10.")
        r = self.n.request("PUT", "/v2.1/os-quota-sets/%s?user_id=%s" % (self.project, self.user),
                           {"quota_set": {"server_groups": 11, "force": "True"}})
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json["quota_set"]["server_groups"], 11)
        shown = self.n.get("/v2.1/os-quota-sets/%s?user_id=%s" % (self.project, self.user),
                           token=self.token).json["quota_set"]
        self.assertEqual((shown["server_groups"], shown["id"]), (11, self.project))
        r = self.n.get("/v2.1/limits?tenant_id=" + self.project, token=self.token)
        self.assertEqual(r.status, 403, r.text)


if __name__ == "__main__":
    unittest.main()
