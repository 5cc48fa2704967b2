"""The states between the actions, over HTTP against the real binary:
deferred deletes (reclaim_instance_interval), shelving with a later offload
(shelved_offload_time), locks between projects' users and admins, server
updates, metadata and tags, and what survives a restart."""

import unittest

from harness import Nimbus, wait_until


class DeferredDelete(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.n = Nimbus(config={"DEFAULT": {"reclaim_instance_interval": 3600,
                                           "shelved_offload_time": -1}}).start()

    @classmethod
    def tearDownClass(cls):
        cls.n.close()

    def test_delete_restore_force_delete(self):
        sid = self.n.boot("deferred")
        self.n.wait_status(sid, "ACTIVE")
        r = self.n.act(sid, {"restore": None})
        self.assertEqual(r.status, 409, r.text)
        self.assertEqual(self.n.delete("/v2.1/servers/" + sid).status, 204)
        s = self.n.wait_status(sid, "SOFT_DELETED")
        self.assertEqual(s["OS-EXT-STS:vm_state"], "soft-delete")
        self.assertEqual(s["OS-EXT-STS:power_state"], 4)
        self.assertEqual(self.n.act(sid, {"restore": None}).status, 202)
        self.n.wait_status(sid, "ACTIVE")
        self.assertEqual(self.n.delete("/v2.1/servers/" + sid).status, 204)
        self.n.wait_status(sid, "SOFT_DELETED")
        self.assertEqual(self.n.act(sid, {"forceDelete": None}).status, 202)
        self.n.wait_gone(sid)

    def test_a_soft_deleted_server_stays_restorable_across_a_restart(self):
        sid = self.n.boot("deferred-restart")
        self.n.wait_status(sid, "ACTIVE")
        self.assertEqual(self.n.delete("/v2.1/servers/" + sid).status, 204)
        self.n.wait_status(sid, "SOFT_DELETED")
        self.n.stop()
        self.n.start()
        self.n.wait_status(sid, "SOFT_DELETED")
        self.assertEqual(self.n.act(sid, {"restore": None}).status, 202)
        self.n.wait_status(sid, "ACTIVE")

    def test_without_offload_a_shelved_server_keeps_its_host(self):
        sid = self.n.boot("shelved-here")
        self.n.wait_status(sid, "ACTIVE")
        self.assertEqual(self.n.act(sid, {"shelve": None}).status, 202)
        s = self.n.wait_status(sid, "SHELVED")
        self.assertTrue(s["OS-EXT-SRV-ATTR:host"])
        self.assertEqual(s["OS-EXT-STS:power_state"], 4)
        self.assertEqual(self.n.act(sid, {"shelveOffload": None}).status, 202)
        s = self.n.wait_status(sid, "SHELVED_OFFLOADED")
        self.assertIsNone(s["OS-EXT-SRV-ATTR:host"])
        self.assertEqual(self.n.act(sid, {"unshelve": None}).status, 202)
        self.n.wait_status(sid, "ACTIVE")


class ServerResources(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.n = Nimbus(keystone=True).start()

    @classmethod
    def tearDownClass(cls):
        cls.n.close()

    def test_update_metadata_and_tags(self):
        sid = self.n.boot("resources", metadata={"a": "1"})
        self.n.wait_status(sid, "ACTIVE")
        r = self.n.request("PUT", "/v2.1/servers/" + sid,
                           {"server": {"name": "renamed", "accessIPv6": "2001:0db8:0:0::1",
                                       "description": "d"}}, version="2.19")
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json["server"]["accessIPv6"], "2001:db8::1")
        self.assertNotIn("OS-EXT-STS:vm_state", r.json["server"])  # restricted before 2.75
        r = self.n.request("PUT", "/v2.1/servers/" + sid, {"server": {"name": "x"}}, version="2.75")
        self.assertIn("OS-EXT-STS:vm_state", r.json["server"])
        r = self.n.request("PUT", "/v2.1/servers/" + sid, {"server": {"accessIPv4": "1.2.3"}})
        self.assertEqual(r.status, 400, r.text)

        r = self.n.post("/v2.1/servers/%s/metadata" % sid, {"metadata": {"b": "2"}})
        self.assertEqual(r.json["metadata"], {"a": "1", "b": "2"})
        r = self.n.request("PUT", "/v2.1/servers/%s/metadata/c" % sid, {"meta": {"d": "4"}})
        self.assertEqual(r.status, 400)
        self.assertIn("URI mismatch", r.text)
        r = self.n.request("PUT", "/v2.1/servers/%s/metadata" % sid, {"metadata": {"z": "9"}})
        self.assertEqual(r.json["metadata"], {"z": "9"})
        self.assertEqual(self.n.get("/v2.1/servers/%s/metadata/z" % sid).json, {"meta": {"z": "9"}})
        self.assertEqual(self.n.delete("/v2.1/servers/%s/metadata/a" % sid).status, 404)
        too_many = {"metadata": {"k%d" % i: "v" for i in range(129)}}
        self.assertEqual(self.n.post("/v2.1/servers/%s/metadata" % sid, too_many).status, 403)

        self.assertEqual(self.n.get("/v2.1/servers/%s/tags" % sid).status, 404)  # before 2.26
        r = self.n.request("PUT", "/v2.1/servers/%s/tags/t1" % sid, version="2.26")
        self.assertEqual(r.status, 201)
        self.assertTrue(r.headers["location"].endswith("/tags/t1"))
        r = self.n.request("PUT", "/v2.1/servers/%s/tags/t1" % sid, version="2.26")
        self.assertEqual(r.status, 204)
        r = self.n.request("PUT", "/v2.1/servers/%s/tags/a,b" % sid, version="2.26")
        self.assertEqual(r.status, 400)
        r = self.n.request("PUT", "/v2.1/servers/%s/tags" % sid, {"tags": ["x", "y"]}, version="2.26")
        self.assertEqual(r.json["tags"], ["x", "y"])
        self.assertEqual(self.n.get("/v2.1/servers/%s/tags/t1" % sid, version="2.26").status, 404)
        listed = self.n.get("/v2.1/servers?tags=x,y", version="2.26").json["servers"]
        self.assertEqual([s["id"] for s in listed], [sid])
        untagged = self.n.get("/v2.1/servers?not-tags-any=x", version="2.26").json["servers"]
        self.assertNotIn(sid, [s["id"] for s in untagged])
        self.assertEqual(self.n.delete("/v2.1/servers/%s/tags" % sid, version="2.26").status, 204)
        self.assertEqual(self.n.server(sid, version="2.26")["tags"], [])

    def test_create_image_and_shelve_images_in_the_image_service(self):
        sid = self.n.boot("imaged")
        self.n.wait_status(sid, "ACTIVE")
        r = self.n.act(sid, {"createImage": {"name": "snap", "metadata": {"k": "v"}}})
        self.assertEqual(r.status, 202, r.text)
        image_id = r.headers["location"].rsplit("/", 1)[1]
        shown = self.n.get("/v2/images/" + image_id, port=self.n.image_port).json
        self.assertEqual((shown["name"], shown["visibility"], shown["k"]), ("snap", "private", "v"))
        self.assertEqual(shown["instance_uuid"], sid)
        # Saving while the host writes the disk out (none here: no data), then
        # active; the server's task is image_snapshot until then.
        self.assertIn(shown["status"], ("saving", "active"))
        wait_until(lambda: self.n.get("/v2/images/" + image_id,
                                      port=self.n.image_port).json["status"] == "active",
                   "the snapshot to be active")
        wait_until(lambda: self.n.server(sid)["OS-EXT-STS:task_state"] is None, "the task to end")
        r = self.n.act(sid, {"createImage": {"name": ""}})
        self.assertEqual(r.status, 400, r.text)
        self.assertIn("badRequest", r.json)
        self.assertEqual(self.n.delete("/v2/images/" + image_id, port=self.n.image_port).status, 204)
        self.assertEqual(self.n.delete("/v2/images/" + image_id, port=self.n.image_port).status, 404)

        self.assertEqual(self.n.act(sid, {"shelve": None}).status, 202)
        self.n.wait_status(sid, "SHELVED_OFFLOADED")
        names = [i["name"] for i in self.n.get("/v2/images?name=imaged-shelved",
                                                port=self.n.image_port).json["images"]]
        self.assertEqual(names, ["imaged-shelved"])
        self.assertEqual(self.n.act(sid, {"unshelve": None}).status, 202)
        self.n.wait_status(sid, "ACTIVE")
        wait_until(lambda: not self.n.get("/v2/images?name=imaged-shelved",
                                          port=self.n.image_port).json["images"],
                   "the shelved image to go")

    def test_lists_refuse_unknown_parameters_from_2_75(self):
        self.assertEqual(self.n.get("/v2.1/servers?bogus=1", version="2.74").status, 200)
        r = self.n.get("/v2.1/servers?bogus=1", version="2.75")
        self.assertEqual(r.status, 400)
        self.assertIn("Additional properties are not allowed ('bogus' was unexpected)", r.text)
        self.assertEqual(self.n.get("/v2.1/servers/detail?name=x&deleted=false",
                                    version="2.75").status, 200)

    def test_lists_sort_by_the_keys_asked(self):
        ids = {name: self.n.boot(name, metadata={"sort": "yes"})
               for name in ("sort-b", "sort-c", "sort-a")}
        for sid in ids.values():
            self.n.wait_status(sid, "ACTIVE")

        def names(query):
            r = self.n.get("/v2.1/servers/detail?name=^sort-&" + query)
            self.assertEqual(r.status, 200, r.text)
            return [s["name"] for s in r.json["servers"]]
        self.assertEqual(names("sort_key=display_name&sort_dir=asc"), ["sort-a", "sort-b", "sort-c"])
        self.assertEqual(names("sort_key=display_name"), ["sort-c", "sort-b", "sort-a"])
        self.assertEqual(names("sort_key=display_name&sort_dir=asc&limit=2"), ["sort-a", "sort-b"])
        self.assertEqual(names("sort_key=display_name&sort_dir=asc&marker=" + ids["sort-b"]), ["sort-c"])
        self.assertEqual(names("sort_key=vcpus"), ["sort-a", "sort-c", "sort-b"])  # ignored: created_at
        r = self.n.get("/v2.1/servers?sort_key=bogus")
        self.assertEqual(r.status, 400)
        self.assertIn("'bogus' is not one of", r.text)
        r = self.n.get("/v2.1/servers?sort_key=display_name&sort_dir=up")
        self.assertEqual(r.status, 400)
        self.assertIn("'up' is not one of ['asc', 'desc']", r.text)
        roles = {r["name"]: r["id"] for r in self.n.identity("GET", "/v3/roles").json["roles"]}
        project = self.n.identity("POST", "/v3/projects", {"project": {"name": "sorters"}}).json["project"]["id"]
        uid = self.n.identity("POST", "/v3/users", {"user": {"name": "sorter", "password": "pw"}}).json["user"]["id"]
        self.n.identity("PUT", "/v3/projects/%s/users/%s/roles/%s" % (project, uid, roles["member"]))
        r = self.n.get("/v2.1/servers?sort_key=host", token=self.n.token_for("sorter", "pw", "sorters"))
        self.assertEqual(r.status, 403, r.text)

    def test_a_lock_holds_off_other_users_but_not_admins(self):
        roles = {r["name"]: r["id"] for r in self.n.identity("GET", "/v3/roles").json["roles"]}
        project = self.n.identity("POST", "/v3/projects", {"project": {"name": "lockers"}}).json["project"]["id"]
        uid = self.n.identity("POST", "/v3/users", {"user": {"name": "locker", "password": "pw"}}).json["user"]["id"]
        self.n.identity("PUT", "/v3/projects/%s/users/%s/roles/%s" % (project, uid, roles["member"]))
        member = self.n.token_for("locker", "pw", "lockers")
        sid = self.n.boot("locked", token=member)
        self.n.wait_status(sid, "ACTIVE")
        # The admin locks it: the owner may neither act nor lift the lock.
        r = self.n.request("POST", "/v2.1/servers/%s/action" % sid, {"lock": {"locked_reason": "audit"}},
                           version="2.73")
        self.assertEqual(r.status, 202, r.text)
        r = self.n.request("POST", "/v2.1/servers/%s/action" % sid, {"os-stop": None}, token=member)
        self.assertEqual(r.status, 409)
        self.assertIn("is locked", r.text)
        r = self.n.request("DELETE", "/v2.1/servers/" + sid, token=member)
        self.assertEqual(r.status, 409)
        r = self.n.request("POST", "/v2.1/servers/%s/action" % sid, {"unlock": None}, token=member)
        self.assertEqual(r.status, 403, r.text)
        locked = self.n.get("/v2.1/servers/detail?all_tenants=1&locked=true", version="2.73").json["servers"]
        self.assertIn(sid, [s["id"] for s in locked])
        shown = self.n.server(sid, version="2.73")
        self.assertEqual((shown["locked"], shown["locked_reason"]), (True, "audit"))
        self.assertEqual(self.n.act(sid, {"os-stop": None}).status, 202)  # the admin may
        self.n.wait_status(sid, "SHUTOFF")
        self.assertEqual(self.n.act(sid, {"unlock": None}).status, 202)
        r = self.n.request("DELETE", "/v2.1/servers/" + sid, token=member)
        self.assertEqual(r.status, 204)

    def test_forced_hosts_and_the_fields_of_2_96_to_2_100(self):
        hosts = sorted(h["hypervisor_hostname"]
                       for h in self.n.get("/v2.1/os-hypervisors").json["hypervisors"])
        target = hosts[-1]
        sid = self.n.boot("forced", availability_zone="nova:" + target)
        s = self.n.wait_status(sid, "ACTIVE")
        self.assertEqual(s["OS-EXT-SRV-ATTR:host"], target)
        shown = self.n.server(sid, version="2.96")
        self.assertEqual(shown["pinned_availability_zone"], "nova")
        self.assertNotIn("scheduler_hints", shown)

        lost = self.n.boot("forced-nowhere", availability_zone="nova:no-such-host")
        s = self.n.wait_status(lost, "ERROR")
        self.assertIn("No valid host", s["fault"]["message"])

        roles = {r["name"]: r["id"] for r in self.n.identity("GET", "/v3/roles").json["roles"]}
        project = self.n.identity("POST", "/v3/projects", {"project": {"name": "forcers"}}).json["project"]["id"]
        uid = self.n.identity("POST", "/v3/users", {"user": {"name": "forcer", "password": "pw"}}).json["user"]["id"]
        self.n.identity("PUT", "/v3/projects/%s/users/%s/roles/%s" % (project, uid, roles["member"]))
        member = self.n.token_for("forcer", "pw", "forcers")
        body = {"server": {"name": "f", "imageRef": "155d900f-4e14-4e4c-a73d-069cbf4541e6",
                           "flavorRef": "1", "availability_zone": "nova:" + target}}
        r = self.n.post("/v2.1/servers", body, token=member)
        self.assertEqual(r.status, 403, r.text)
        self.assertIn("os_compute_api:servers:create:forced_host", r.text)

        body = {"server": {"name": "hinted", "imageRef": "155d900f-4e14-4e4c-a73d-069cbf4541e6",
                           "flavorRef": "1", "networks": "none"},
                "os:scheduler_hints": {"same_host": [sid], "query": "x"}}
        r = self.n.post("/v2.1/servers", body, version="2.100")
        self.assertEqual(r.status, 202, r.text)
        hinted = r.json["server"]["id"]
        self.n.wait_status(hinted, "ACTIVE")
        shown = self.n.server(hinted, version="2.100")
        self.assertEqual(shown["scheduler_hints"], {"same_host": [sid], "query": "x"})
        self.assertIsNone(shown["pinned_availability_zone"])
        self.assertIsInstance(shown["image"]["properties"], dict)
        self.assertNotIn("properties", self.n.server(hinted, version="2.97")["image"])
        r = self.n.post("/v2.1/servers", dict(body, **{"os:scheduler_hints": "x"}), version="2.100")
        self.assertEqual(r.status, 400, r.text)
        self.assertEqual(self.n.get("/v2.1", version="2.100").json["version"]["version"], "2.100")


if __name__ == "__main__":
    unittest.main()
