"""Nimbus's own Keystone v3 subset, over HTTP as clients and tempest use it:
password sign-in, token bodies and their catalog, validate / check /
revoke, Keystone's error bodies, the admin API that dynamic credentials
need, and project scoping of the compute API by those tokens."""

import unittest

from harness import ADMIN_PASSWORD, Nimbus


def error(test, r, status):
    test.assertEqual(r.status, status, r.text)
    body = r.json["error"]
    test.assertEqual(body["code"], status)
    test.assertTrue(body["message"])
    test.assertTrue(body["title"])
    return body


class Identity(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.n = Nimbus(keystone=True).start()

    @classmethod
    def tearDownClass(cls):
        cls.n.close()

    def create(self, kind, body):
        r = self.n.identity("POST", "/v3/%ss" % kind, {kind: body})
        self.assertEqual(r.status, 201, r.text)
        return r.json[kind]

    def member_of(self, project_name, user_name, role="member", password="pw-" + "x" * 8):
        """A new project and user holding `role` on it; its token."""
        project = self.create("project", {"name": project_name, "domain_id": "default"})
        user = self.create("user", {"name": user_name, "password": password,
                                    "domain_id": "default"})
        roles = self.n.identity("GET", "/v3/roles?name=" + role).json["roles"]
        self.assertEqual(len(roles), 1)
        r = self.n.identity("PUT", "/v3/projects/%s/users/%s/roles/%s"
                            % (project["id"], user["id"], roles[0]["id"]))
        self.assertEqual(r.status, 204, r.text)
        self.assertEqual(r.text, "")
        return project, user, self.n.token_for(user_name, password, project_name)

    def test_version_documents_need_no_token(self):
        r = self.n.identity("GET", "/", token=None)
        self.assertEqual(r.status, 300)
        self.assertIn("v3", r.json["versions"]["values"][0]["id"])
        r = self.n.identity("GET", "/v3", token=None)
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json["version"]["links"][0]["href"], self.n.auth_url + "/")

    def test_password_token_body_and_catalog(self):
        r = self.n.login("admin", ADMIN_PASSWORD, "admin")
        self.assertEqual(r.status, 201, r.text)
        token = r.headers["x-subject-token"]
        t = r.json["token"]
        self.assertEqual(t["methods"], ["password"])
        self.assertEqual(t["user"]["name"], "admin")
        self.assertEqual(t["user"]["domain"], {"id": "default", "name": "Default"})
        self.assertEqual(t["project"]["name"], "admin")
        self.assertEqual(sorted(x["name"] for x in t["roles"]), ["admin", "member", "reader"])
        self.assertTrue(t["expires_at"].endswith("Z"))
        self.assertEqual(len(t["audit_ids"]), 1)
        services = {s["type"]: s for s in t["catalog"]}
        self.assertEqual(sorted(services), ["compute", "identity", "image", "network"])
        # Neutron's endpoint has no version: clients add /v2.0 (tempest as is).
        self.assertEqual(services["network"]["endpoints"][0]["url"],
                         "http://127.0.0.1:%d" % self.n.network_port)
        endpoint = services["compute"]["endpoints"][0]
        self.assertEqual(endpoint["url"], self.n.base + "/v2.1")
        self.assertEqual((endpoint["region"], endpoint["region_id"], endpoint["interface"]),
                         ("RegionOne", "RegionOne", "public"))
        # Validation shows the same token; the caller may validate its own.
        shown = self.n.identity("GET", "/v3/auth/tokens", token=token,
                                headers={"X-Subject-Token": token})
        self.assertEqual(shown.status, 200, shown.text)
        self.assertEqual(shown.json["token"], t)
        self.assertEqual(shown.headers["x-subject-token"], token)

    def test_unscoped_token_has_no_roles_or_catalog(self):
        r = self.n.login("admin", ADMIN_PASSWORD)
        self.assertEqual(r.status, 201, r.text)
        for key in ("catalog", "project", "roles"):
            self.assertNotIn(key, r.json["token"])

    def test_failed_logins_answer_keystones_401(self):
        wrong = error(self, self.n.login("admin", "not-the-password", "admin"), 401)
        unknown = error(self, self.n.login("nobody-at-all", "x", "admin"), 401)
        self.assertEqual(wrong, unknown)
        self.assertEqual(wrong["title"], "Unauthorized")
        error(self, self.n.identity("GET", "/v3/projects", token="garbage"), 401)
        error(self, self.n.identity("GET", "/v3/projects", token=None), 401)
        error(self, self.n.identity("POST", "/v3/auth/tokens", {"auth": {}}, token=None), 400)
        error(self, self.n.identity("POST", "/v3/auth/tokens", raw="{", token=None), 400)

    def test_revoked_token_is_refused_by_every_api(self):
        token = self.n.token_for("admin", ADMIN_PASSWORD, "admin")
        self.assertEqual(self.n.get("/v2.1/servers", token=token).status, 200)
        head = self.n.identity("HEAD", "/v3/auth/tokens", headers={"X-Subject-Token": token})
        self.assertEqual(head.status, 200)
        self.assertEqual(head.text, "")
        r = self.n.identity("DELETE", "/v3/auth/tokens", headers={"X-Subject-Token": token})
        self.assertEqual(r.status, 204, r.text)
        self.assertEqual(self.n.get("/v2.1/servers", token=token).status, 401)
        self.assertEqual(self.n.request("GET", "/v2/images", token=token,
                                        port=self.n.image_port).status, 401)
        error(self, self.n.identity("GET", "/v3/auth/tokens", headers={"X-Subject-Token": token}),
              404)

    def test_members_see_their_project_only_and_readers_cannot_act(self):
        p1, _, alice = self.member_of("iso-p1", "iso-alice")
        _, _, bob = self.member_of("iso-p2", "iso-bob")
        p1_reader = self.create("user", {"name": "iso-rita", "password": "pw-rita-123",
                                         "domain_id": "default"})
        reader = self.n.identity("GET", "/v3/roles?name=reader").json["roles"][0]
        self.assertEqual(self.n.identity("PUT", "/v3/projects/%s/users/%s/roles/%s" % (
            p1["id"], p1_reader["id"], reader["id"])).status, 204)
        rita = self.n.token_for("iso-rita", "pw-rita-123", "iso-p1")

        admins = self.n.boot("admins-own")
        mine = self.n.post("/v2.1/servers", {"server": {"name": "alices", "imageRef":
                           "155d900f-4e14-4e4c-a73d-069cbf4541e6", "flavorRef": "1"}}, token=alice)
        self.assertEqual(mine.status, 202, mine.text)
        sid = mine.json["server"]["id"]
        names = lambda tok: sorted(s["name"] for s in self.n.get("/v2.1/servers", token=tok).json["servers"])
        self.assertEqual(names(alice), ["alices"])
        self.assertEqual(names(rita), ["alices"])
        self.assertEqual(names(bob), [])
        self.assertEqual(self.n.get("/v2.1/servers/" + sid, token=bob).status, 404)
        self.assertEqual(self.n.get("/v2.1/servers/" + admins, token=alice).status, 404)
        self.assertEqual(self.n.get("/v2.1/servers/" + sid, token=rita).status, 200)
        self.assertEqual(self.n.delete("/v2.1/servers/" + sid, token=rita).status, 403)
        self.assertEqual(self.n.get("/v2.1/servers?all_tenants=1", token=alice).status, 403)
        self.assertEqual(self.n.get("/v2.1/os-hypervisors", token=alice).status, 403)
        # Identity's admin API is the admin's.
        error(self, self.n.identity("GET", "/v3/users", token=alice), 403)
        self.assertEqual(self.n.delete("/v2.1/servers/" + sid, token=alice).status, 204)
        self.assertEqual(self.n.delete("/v2.1/servers/" + admins).status, 204)

    def test_revoking_a_role_revokes_the_tokens_that_relied_on_it(self):
        project, user, token = self.member_of("grant-p", "grant-u")
        self.assertEqual(self.n.get("/v2.1/servers", token=token).status, 200)
        member = self.n.identity("GET", "/v3/roles?name=member").json["roles"][0]
        r = self.n.identity("DELETE", "/v3/projects/%s/users/%s/roles/%s"
                            % (project["id"], user["id"], member["id"]))
        self.assertEqual(r.status, 204, r.text)
        self.assertEqual(self.n.get("/v2.1/servers", token=token).status, 401)

    def test_dynamic_credentials_flow(self):
        """What tempest does per test class: a project, a user, roles, and
        cleanup that deletes the user and the project."""
        domains = self.n.identity("GET", "/v3/domains?name=Default").json["domains"]
        self.assertEqual([d["id"] for d in domains], ["default"])
        project, user, token = self.member_of("tempest-p", "tempest-u")
        listed = self.n.identity("GET", "/v3/role_assignments?user.id=%s&effective" % user["id"])
        self.assertEqual(listed.status, 200, listed.text)
        # member, and the reader it implies
        self.assertEqual(len(listed.json["role_assignments"]), 2, listed.text)
        self.assertEqual(self.n.identity("DELETE", "/v3/users/" + user["id"]).status, 204)
        self.assertEqual(self.n.identity("DELETE", "/v3/projects/" + project["id"]).status, 204)
        error(self, self.n.identity("GET", "/v3/projects/" + project["id"]), 404)
        self.assertEqual(self.n.get("/v2.1/servers", token=token).status, 401)
        error(self, self.n.identity("POST", "/v3/projects", {"project": {"name": "admin"}}), 409)


class IdentityOnTheApiRole(unittest.TestCase):
    """In the distributed set-up the api role serves the identity API, its
    records in the API cell's store: they survive its restart."""

    def test_api_role_signs_in_and_keeps_its_users(self):
        n = Nimbus(role="api", keystone=True)
        try:
            n.start()
            self.assertEqual(n.get("/v2.1/servers").status, 200)
            r = n.identity("POST", "/v3/users", {"user": {"name": "ops", "password": "ops-pw-123"}})
            self.assertEqual(r.status, 201, r.text)
            n.stop()
            n.start()
            self.assertEqual(n.login("ops", "ops-pw-123").status, 201)
            self.assertEqual(n.login("ops", "wrong").status, 401)
        finally:
            n.close()


if __name__ == "__main__":
    unittest.main()
