"""Every route of the compute API, called by every persona with a real
Keystone token: the cloud admin, a member and a reader of the project
that owns the server, and a member of another project. The routes and the
statuses each persona must get are tests/api/route_access.json, which the
unit tests hold to the router's own table: a route cannot be added
without a line there, nor pass here by a generic 404."""

import base64
import itertools
import json
import os
import struct
import unittest
import uuid

from harness import IMAGE_ID, Nimbus, wait_until

HERE = os.path.dirname(os.path.abspath(__file__))
ROUTES = os.path.join(HERE, "..", "api", "route_access.json")
PERSONAS = ("admin", "member", "reader", "other")


def ed25519_public_key():
    """An OpenSSH ed25519 public key line (any 32 bytes make one)."""
    def string(b):
        return struct.pack(">I", len(b)) + b
    blob = string(b"ssh-ed25519") + string(os.urandom(32))
    return "ssh-ed25519 " + base64.b64encode(blob).decode() + " walk"


class PolicyWalk(unittest.TestCase):
    rule_ports = itertools.count(1000)

    @classmethod
    def setUpClass(cls):
        cls.n = Nimbus(keystone=True).start()
        cls.tokens = {"admin": cls.n.token}
        cls.user_ids = {}
        roles = {r["name"]: r["id"] for r in cls.n.identity("GET", "/v3/roles").json["roles"]}
        projects = {}
        for project in ("walk-owner", "walk-other"):
            r = cls.n.identity("POST", "/v3/projects", {"project": {"name": project}})
            assert r.status == 201, r.text
            projects[project] = r.json["project"]["id"]
        cls.owner_project = projects["walk-owner"]
        for persona, project, role in (("member", "walk-owner", "member"),
                                       ("reader", "walk-owner", "reader"),
                                       ("other", "walk-other", "member")):
            name = "walk-" + persona
            r = cls.n.identity("POST", "/v3/users", {"user": {"name": name, "password": name + "-pw"}})
            assert r.status == 201, r.text
            uid = r.json["user"]["id"]
            r = cls.n.identity("PUT", "/v3/projects/%s/users/%s/roles/%s" % (projects[project], uid, roles[role]))
            assert r.status == 204, r.text
            cls.tokens[persona] = cls.n.token_for(name, name + "-pw", project)
            cls.user_ids[persona] = uid
        with open(ROUTES) as f:
            cls.routes = json.load(f)["routes"]

    @classmethod
    def tearDownClass(cls):
        cls.n.close()

    # -- what each route acts on -------------------------------------------

    def owned_server(self):
        """A new ACTIVE server of the owner project (booted by its member),
        with a metadata item "walk" and a tag "walk"."""
        sid = self.n.boot("walk-" + uuid.uuid4().hex[:8], token=self.tokens["member"],
                          metadata={"walk": "1"})
        self.n.wait_status(sid, "ACTIVE")
        r = self.n.request("PUT", "/v2.1/servers/%s/tags/walk" % sid, version="2.26")
        self.assertEqual(r.status, 201, r.text)
        return sid

    def snapshot_point(self, sid, stopped):
        """A point of the server's snapshot chain (made by the admin); the
        server stopped first if `stopped` (a point merges on a stopped one)."""
        if stopped:
            self.n.act(sid, {"os-stop": None})
            self.n.wait_status(sid, "SHUTOFF")
        r = self.n.post("/v2.1/servers/%s/snapshots" % sid, {"snapshot": {"name": "walk"}})
        self.assertEqual(r.status, 202, r.text)
        point = r.json["snapshot"]["id"]
        wait_until(lambda: any(p["id"] == point for p in
                               self.n.get("/v2.1/servers/%s/snapshots" % sid).json["snapshots"]),
                   "snapshot point %s" % point)
        return point

    def walk_flavor(self, is_public):
        """A new flavor (the admin's), for the routes that change one."""
        r = self.n.post("/v2.1/flavors", {"flavor": {"name": "walk-" + uuid.uuid4().hex[:8], "ram": 64,
                                                     "vcpus": 1, "disk": 1,
                                                     "os-flavor-access:is_public": is_public}})
        self.assertEqual(r.status, 200, r.text)
        return r.json["flavor"]["id"]

    def neutron_as(self, persona, method, path, body):
        """A call to the network service as `persona`, which must succeed."""
        r = self.n.request(method, path, body, token=self.tokens[persona], port=self.n.network_port)
        self.assertLess(r.status, 300, r.text)
        return r.json

    def member_group(self, new=False):
        """A security group of the owner project's member: one for all the
        walk's calls (the project's quota is 10), or a new one."""
        if new or not getattr(type(self), "group_id", None):
            gid = self.neutron_as("member", "POST", "/v2.0/security-groups", {"security_group": {
                "name": "walk-" + uuid.uuid4().hex[:8]}})["security_group"]["id"]
            if new:
                return gid
            type(self).group_id = gid
        return type(self).group_id

    def walk_pool(self):
        """The id of an external network to take floating IPs from (the admin's)."""
        if not getattr(type(self), "pool_id", None):
            net = self.neutron_as("admin", "POST", "/v2.0/networks", {"network": {
                "name": "walk-public", "router:external": True}})["network"]["id"]
            self.neutron_as("admin", "POST", "/v2.0/subnets", {"subnet": {
                "network_id": net, "cidr": "203.0.113.0/24", "ip_version": 4}})
            type(self).pool_id = net
        return type(self).pool_id

    def path_and_body(self, route):
        method, pattern = route["method"], route["pattern"]
        body = None
        if pattern == "/v2.1/servers/{}/os-security-groups":  # a read: one server will do
            if not getattr(type(self), "read_server", None):
                type(self).read_server = self.owned_server()
            return pattern.replace("{}", type(self).read_server), None
        if pattern.startswith("/v2.1/servers/{}"):
            sid = self.owned_server()
            path = pattern.replace("{}", sid, 1)
            if "/os-instance-actions/{}" in pattern:
                actions = self.n.get("/v2.1/servers/%s/os-instance-actions" % sid).json["instanceActions"]
                path = path.replace("{}", actions[0]["request_id"])
            if pattern.endswith("/action"):
                body = {"os-stop": None}
            elif pattern.endswith("/metadata/{}"):
                path = path.replace("{}", "walk")
                body = {"meta": {"walk": "2"}} if method == "PUT" else None
            elif pattern.endswith("/metadata") and method != "GET":
                body = {"metadata": {"walk": "2"}}
            elif pattern.endswith("/tags/{}"):
                path = path.replace("{}", "walk" if method != "PUT" else "new-tag")
            elif pattern.endswith("/tags") and method == "PUT":
                body = {"tags": ["a", "b"]}
            elif "/snapshots/{}" in pattern:
                path = path.replace("{}", self.snapshot_point(sid, stopped=method == "DELETE"))
                if pattern.endswith("/image"):
                    body = {"image": {"name": "walk"}}
            elif pattern.endswith("/snapshots") and method == "POST":
                body = {"snapshot": {"name": "walk"}}
            elif pattern.endswith("/ips/{}"):
                path = path.replace("{}", "private")
            elif pattern == "/v2.1/servers/{}" and method == "PUT":
                body = {"server": {"name": "walk-renamed"}}
            return path, body
        if pattern == "/v2.1/servers":
            body = {"server": {"name": "walk-new", "imageRef": IMAGE_ID, "flavorRef": "1"}} \
                if method == "POST" else None
            return pattern, body
        if pattern == "/v2.1/flavors" and method == "POST":
            return pattern, {"flavor": {"name": "walk-" + uuid.uuid4().hex[:8], "ram": 64,
                                        "vcpus": 1, "disk": 1}}
        if pattern == "/v2.1/flavors/{}" and method == "DELETE":
            r = self.n.post("/v2.1/flavors", {"flavor": {"name": "walk-" + uuid.uuid4().hex[:8],
                                                         "ram": 64, "vcpus": 1, "disk": 1}})
            self.assertEqual(r.status, 200, r.text)
            return pattern.replace("{}", r.json["flavor"]["id"]), None
        if pattern.startswith("/v2.1/flavors/{}/os-extra_specs"):  # a flavor of its own
            fid = self.walk_flavor(is_public=True)
            r = self.n.post("/v2.1/flavors/%s/os-extra_specs" % fid, {"extra_specs": {"walk": "1"}})
            self.assertEqual(r.status, 200, r.text)
            path = pattern.replace("{}", fid, 1).replace("{}", "walk")
            body = {"extra_specs": {"walk": "2"}} if method == "POST" else None
            return path, ({"walk": "2"} if method == "PUT" else body)
        if pattern in ("/v2.1/flavors/{}/os-flavor-access", "/v2.1/flavors/{}/action"):
            fid = self.walk_flavor(is_public=False)
            body = {"addTenantAccess": {"tenant": self.owner_project}} if method == "POST" else None
            return pattern.replace("{}", fid), body
        if pattern == "/v2.1/flavors/{}" and method == "PUT":
            return pattern.replace("{}", self.walk_flavor(is_public=True)), \
                {"flavor": {"description": "walked"}}
        if pattern.startswith("/v2.1/flavors/{}"):
            return pattern.replace("{}", "1"), None
        if pattern.startswith("/v2.1/images/{}"):
            # Changes go to an image that is not there (never the one every
            # other test boots from): 404 for everyone.
            image = IMAGE_ID if method == "GET" else str(uuid.uuid4())
            path = pattern.replace("{}", image, 1).replace("{}", "walk")
            if pattern.endswith("/metadata") and method != "GET":
                return path, {"metadata": {"walk": "2"}}
            if pattern.endswith("/metadata/{}") and method == "PUT":
                return path, {"meta": {"walk": "2"}}
            return path, None
        if pattern in ("/v2.1/os-hypervisors/{}/search", "/v2.1/os-hypervisors/{}/servers"):
            name = self.n.get("/v2.1/os-hypervisors").json["hypervisors"][0]["hypervisor_hostname"]
            return pattern.replace("{}", name), None
        if pattern.startswith("/v2.1/os-hypervisors/{}"):
            hid = self.n.get("/v2.1/os-hypervisors").json["hypervisors"][0]["id"]
            return pattern.replace("{}", str(hid)), None
        if pattern.startswith("/v2.1/os-hosts/{}"):
            host = [h["host_name"] for h in self.n.get("/v2.1/os-hosts").json["hosts"]
                    if h["service"] == "compute"][0]
            return pattern.replace("{}", host), ({"status": "enable"} if method == "PUT" else None)
        if pattern == "/v2.1/os-services/{}" and method == "DELETE":  # none: never a live host
            return pattern.replace("{}", str(uuid.uuid4())), None
        if pattern == "/v2.1/os-services/{}":
            services = self.n.get("/v2.1/os-services?binary=nova-compute", version="2.53").json["services"]
            return pattern.replace("{}", services[0]["id"]), {"status": "enabled"}
        if pattern == "/v2.1/os-keypairs" and method == "POST":
            return pattern, {"keypair": {"name": "walk-" + uuid.uuid4().hex[:8],
                                         "public_key": ed25519_public_key()}}
        if pattern == "/v2.1/os-keypairs/{}":  # a key pair of the owner project's member
            name = "walk-" + uuid.uuid4().hex[:8]
            r = self.n.post("/v2.1/os-keypairs", {"keypair": {"name": name,
                                                             "public_key": ed25519_public_key()}},
                            token=self.tokens["member"])
            self.assertEqual(r.status, 200, r.text)
            return "/v2.1/os-keypairs/%s?user_id=%s" % (name, self.user_ids["member"]), None
        if pattern.startswith("/v2.1/os-quota-sets/{}"):  # the owner project's quotas
            body = {"quota_set": {"metadata_items": 128}} if method == "PUT" else None
            return pattern.replace("{}", self.owner_project), body
        if pattern == "/v2.1/os-quota-class-sets/{}":
            return pattern.replace("{}", "default"), \
                ({"quota_class_set": {"metadata_items": 128}} if method == "PUT" else None)
        if pattern == "/v2.1/os-aggregates" and method == "POST":
            return pattern, {"aggregate": {"name": "walk-" + uuid.uuid4().hex[:8]}}
        if pattern.startswith("/v2.1/os-aggregates/{}"):  # an aggregate of its own
            r = self.n.post("/v2.1/os-aggregates", {"aggregate": {"name": "walk-" + uuid.uuid4().hex[:8]}})
            self.assertEqual(r.status, 200, r.text)
            path = pattern.replace("{}", str(r.json["aggregate"]["id"]))
            if pattern.endswith("/action"):
                return path, {"set_metadata": {"metadata": {"walk": "1"}}}
            if pattern.endswith("/images"):
                return path, {"cache": [{"id": IMAGE_ID}]}
            return path, ({"aggregate": {"name": "walk-" + uuid.uuid4().hex[:8]}} if method == "PUT" else None)
        if pattern == "/v2.1/os-server-groups" and method == "POST":
            return pattern, {"server_group": {"name": "walk", "policies": ["anti-affinity"]}}
        if pattern == "/v2.1/os-server-groups/{}":  # a group of the owner project's member
            r = self.n.post("/v2.1/os-server-groups",
                            {"server_group": {"name": "walk", "policies": ["affinity"]}},
                            token=self.tokens["member"])
            self.assertEqual(r.status, 200, r.text)
            return pattern.replace("{}", r.json["server_group"]["id"]), None
        if pattern == "/v2.1/os-simple-tenant-usage/{}":  # the owner project's
            return pattern.replace("{}", self.owner_project), None
        if pattern == "/v2.1/os-instance_usage_audit_log/{}":
            return pattern.replace("{}", "2026-12-01%2012%3A00%3A00"), None
        if pattern == "/v2.1/extensions/{}":
            return pattern.replace("{}", "os-hosts"), None
        if pattern == "/nimbus-manage/cell_v2/{}":
            return pattern.replace("{}", "list_cells"), {}
        if pattern == "/v2.1/os-security-groups" and method == "POST":
            return pattern, {"security_group": {"name": "walk", "description": ""}}
        if pattern == "/v2.1/os-security-groups/{}":  # a group of the owner project's member
            body = {"security_group": {"name": "walk2", "description": ""}} \
                if method == "PUT" else None
            return pattern.replace("{}", self.member_group(new=method == "DELETE")), body
        if pattern == "/v2.1/os-security-group-rules":  # on a group of the member's
            port = next(self.rule_ports)  # a new rule each time
            return pattern, {"security_group_rule": {
                "parent_group_id": self.member_group(), "ip_protocol": "tcp",
                "from_port": port, "to_port": port}}
        if pattern == "/v2.1/os-security-group-rules/{}":
            port = next(self.rule_ports)
            rule = self.neutron_as("member", "POST", "/v2.0/security-group-rules", {
                "security_group_rule": {"security_group_id": self.member_group(),
                                        "direction": "ingress", "protocol": "udp",
                                        "port_range_min": port, "port_range_max": port}})
            return pattern.replace("{}", rule["security_group_rule"]["id"]), None
        if pattern == "/v2.1/os-floating-ips" and method == "POST":
            self.walk_pool()
            return pattern, {"pool": "walk-public"}
        if pattern == "/v2.1/os-floating-ips/{}":  # an address of the owner project's member
            fip = self.neutron_as("member", "POST", "/v2.0/floatingips", {"floatingip": {
                "floating_network_id": self.walk_pool()}})
            return pattern.replace("{}", fip["floatingip"]["id"]), None
        if pattern in ("/v2.1/os-networks/{}", "/v2.1/os-tenant-networks/{}"):
            net = self.neutron_as("member", "POST", "/v2.0/networks", {"network": {
                "name": "walk-" + uuid.uuid4().hex[:8]}})
            return pattern.replace("{}", net["network"]["id"]), None
        self.assertNotIn("{}", pattern, "the walk does not know what %s acts on" % pattern)
        return pattern, body

    # -- the walk -----------------------------------------------------------

    def test_every_route_as_every_persona(self):
        self.assertGreater(len(self.routes), 20)
        for route in self.routes:
            for persona in PERSONAS:
                # An open route answers everyone alike: 200, or its "status"
                # (a delete of an image that is not there).
                want = route.get("status", 200) if route.get("open") else route[persona]
                with self.subTest(route=route["method"] + " " + route["pattern"], persona=persona):
                    path, body = self.path_and_body(route)
                    # No microversion (2.1): the image proxy is there, networks optional.
                    r = self.n.request(route["method"], path, body=body, token=self.tokens[persona],
                                       version=route.get("microversion"))
                    self.assertEqual(r.status, want, r.text)
                    if want == 403:
                        self.assertIn("forbidden", r.json)
                        self.assertIn("Policy doesn't allow", r.json["forbidden"]["message"])

    def test_only_version_documents_answer_without_a_token(self):
        for route in self.routes:
            if "{}" in route["pattern"] or route["method"] != "GET":
                continue
            r = self.n.request("GET", route["pattern"], token=None)
            want = 200 if route["pattern"] in ("/", "/v2", "/v2.1") else 401
            self.assertEqual(r.status, want, route["pattern"])


if __name__ == "__main__":
    unittest.main()
