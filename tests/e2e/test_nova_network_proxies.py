"""Nova's network proxies against the real binary: os-security-groups and
os-security-group-rules, os-floating-ips and os-floating-ip-pools,
os-networks and os-tenant-networks (to 2.35, 404 from 2.36), and the server
actions addSecurityGroup / removeSecurityGroup / addFloatingIp /
removeFloatingIp; what they change is what the network service shows."""

import unittest

import osc
from harness import IMAGE_ID


class NovaNetworkProxies(osc.CliTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        net = cls.neutron(cls, "POST", "/v2.0/networks", {"network": {"name": "inner"}})
        cls.network_id = net.json["network"]["id"]
        cls.neutron(cls, "POST", "/v2.0/subnets", {"subnet": {
            "network_id": cls.network_id, "cidr": "10.60.0.0/24", "ip_version": 4}})
        public = cls.neutron(cls, "POST", "/v2.0/networks", {"network": {
            "name": "public", "router:external": True}})
        cls.public_id = public.json["network"]["id"]
        cls.neutron(cls, "POST", "/v2.0/subnets", {"subnet": {
            "network_id": cls.public_id, "cidr": "198.51.100.0/24", "ip_version": 4}})

    def neutron(self, method, path, body=None):
        r = self.n.request(method, path, body, port=self.n.network_port)
        assert r.status < 300, (method, path, r.status, r.text)
        return r

    def boot_on_network(self, name):
        r = self.n.post("/v2.1/servers", {"server": {
            "name": name, "imageRef": IMAGE_ID, "flavorRef": "1",
            "networks": [{"uuid": self.network_id}]}}, version="2.37")
        self.assertEqual(r.status, 202, r.text)
        return self.n.wait_status(r.json["server"]["id"], "ACTIVE")

    def fault(self, r, status):
        self.assertEqual(r.status, status, r.text)
        return next(iter(r.json.values()))["message"]

    def test_security_groups_and_rules(self):
        r = self.n.post("/v2.1/os-security-groups",
                        {"security_group": {"name": "web", "description": "the web"}})
        self.assertEqual(r.status, 200, r.text)
        web = r.json["security_group"]
        self.assertEqual((web["name"], web["description"], web["rules"]), ("web", "the web", []))
        names = [g["name"] for g in self.n.get("/v2.1/os-security-groups").json["security_groups"]]
        self.assertEqual(names, ["default", "web"])
        default = next(g for g in self.n.get("/v2.1/os-security-groups").json["security_groups"]
                       if g["name"] == "default")

        r = self.n.post("/v2.1/os-security-group-rules", {"security_group_rule": {
            "parent_group_id": web["id"], "ip_protocol": "tcp", "from_port": 22, "to_port": "22",
            "cidr": "10.0.0.0/8"}})
        self.assertEqual(r.status, 200, r.text)
        ssh = r.json["security_group_rule"]
        self.assertEqual((ssh["ip_protocol"], ssh["from_port"], ssh["to_port"]), ("tcp", 22, 22))
        self.assertEqual((ssh["ip_range"], ssh["group"]), ({"cidr": "10.0.0.0/8"}, {}))
        # What the network service holds: an IPv4 ingress rule.
        rule = self.neutron("GET", "/v2.0/security-group-rules/" + ssh["id"]).json[
            "security_group_rule"]
        self.assertEqual((rule["direction"], rule["ethertype"], rule["port_range_min"],
                          rule["port_range_max"]), ("ingress", "IPv4", 22, 22))
        again = self.n.post("/v2.1/os-security-group-rules", {"security_group_rule": {
            "parent_group_id": web["id"], "ip_protocol": "tcp", "from_port": 22, "to_port": 22,
            "cidr": "10.0.0.0/8"}})
        self.assertEqual(self.fault(again, 400), "This rule already exists in group " + web["id"])
        # A group rule without ports opens them all.
        r = self.n.post("/v2.1/os-security-group-rules", {"security_group_rule": {
            "parent_group_id": web["id"], "ip_protocol": "tcp", "group_id": default["id"]}})
        self.assertEqual(r.status, 200, r.text)
        peer = r.json["security_group_rule"]
        self.assertEqual((peer["from_port"], peer["to_port"], peer["ip_range"]), (1, 65535, {}))
        self.assertEqual(peer["group"], {"name": "default", "tenant_id": default["tenant_id"]})

        def refused(rule_body):
            rule_body.setdefault("parent_group_id", web["id"])
            return self.n.post("/v2.1/os-security-group-rules",
                               {"security_group_rule": rule_body})

        self.assertEqual(self.fault(refused({"ip_protocol": "abc", "from_port": 1, "to_port": 2}),
                                    400), "Invalid IP protocol abc.")
        self.assertIn("Valid TCP ports should be between 1-65535", self.fault(
            refused({"ip_protocol": "tcp", "from_port": 70000, "to_port": 70001}), 400))
        self.assertIn("Former value cannot be greater than the later", self.fault(
            refused({"ip_protocol": "tcp", "from_port": 22, "to_port": 21}), 400))
        self.assertIn("For ICMP, the type:code must be valid", self.fault(  # past int64
            refused({"ip_protocol": "icmp", "from_port": 2 ** 64 - 1, "to_port": 2 ** 64 - 1}),
            400))
        self.assertEqual(self.fault(refused({"ip_protocol": "tcp", "from_port": "x",
                                             "to_port": 2}), 400),
                         "Invalid input received: To and From ports must be integers")
        self.assertEqual(self.fault(refused({"cidr": "10.0.0.0/8"}), 400),
                         "Not enough parameters to build a valid rule.")
        self.assertEqual(self.fault(refused({"ip_protocol": "tcp", "from_port": 1, "to_port": 2,
                                             "cidr": "10.0.0.0/33"}), 400),
                         "10.0.0.0/33 is not a valid IP network.")
        self.assertEqual(self.fault(refused({"ip_protocol": "tcp", "from_port": 1, "to_port": 2,
                                             "cidr": "10.0.0.0/00"}), 400),
                         "Bad prefix for network in cidr 10.0.0.0/00")
        self.assertIn("is not a 'uuid'", self.fault(refused({"parent_group_id": "nope"}), 400))
        self.fault(refused({"parent_group_id": "8fe0b8b1-61f5-4a6f-b8fc-c0d1e2f3a4b5",
                            "ip_protocol": "tcp", "from_port": 1, "to_port": 2}), 404)

        shown = self.n.get("/v2.1/os-security-groups/" + web["id"]).json["security_group"]
        self.assertEqual({r["id"] for r in shown["rules"]}, {ssh["id"], peer["id"]})
        r = self.n.request("PUT", "/v2.1/os-security-groups/" + web["id"],
                           {"security_group": {"name": "www", "description": "renamed"}})
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json["security_group"]["name"], "www")
        self.assertEqual(self.neutron("GET", "/v2.0/security-groups/" + web["id"]).json[
            "security_group"]["name"], "www")
        self.assertEqual(self.n.delete("/v2.1/os-security-group-rules/" + ssh["id"]).status, 202)
        self.fault(self.n.delete("/v2.1/os-security-group-rules/" + ssh["id"]), 404)
        self.assertEqual(self.fault(self.n.get("/v2.1/os-security-groups/abc"), 400),
                         "Security group id should be uuid")
        r = self.n.post("/v2.1/os-security-groups", {"security_group": {"name": "x" * 256,
                                                                        "description": ""}})
        self.assertIn("is too long", self.fault(r, 400))
        # Gone from 2.36.
        self.fault(self.n.get("/v2.1/os-security-groups", version="2.36"), 404)
        self.assertEqual(self.n.delete("/v2.1/os-security-groups/" + web["id"]).status, 202)
        self.fault(self.n.get("/v2.1/os-security-groups/" + web["id"]), 404)
        # The rule of web that let default in went with it.
        self.fault(self.n.delete("/v2.1/os-security-group-rules/" + peer["id"]), 404)

    def test_server_security_group_actions(self):
        server = self.boot_on_network("sg-vm")
        uuid = server["id"]
        path = "/v2.1/servers/%s/os-security-groups" % uuid
        self.assertEqual([g["name"] for g in self.n.get(path).json["security_groups"]],
                         ["default"])
        db = self.n.post("/v2.1/os-security-groups",
                         {"security_group": {"name": "db", "description": ""}}).json[
            "security_group"]
        self.assertEqual(self.n.act(uuid, {"addSecurityGroup": {"name": "db"}}).status, 202)
        self.assertEqual([g["name"] for g in self.n.get(path, version="2.90").json[
            "security_groups"]], ["db", "default"])
        ports = self.neutron("GET", "/v2.0/ports?device_id=" + uuid).json["ports"]
        self.assertIn(db["id"], ports[0]["security_groups"])
        # In use: Neutron's 409 is Nova's 400.
        self.fault(self.n.delete("/v2.1/os-security-groups/" + db["id"]), 400)
        self.assertEqual(self.fault(self.n.act(uuid, {"addSecurityGroup": {"name": "nope"}}), 404),
                         "Security group nope is not found for project " + server["tenant_id"])
        self.assertEqual(self.fault(self.n.act(uuid, {"addSecurityGroup": {}}), 400),
                         "Security group not specified")
        self.assertEqual(self.fault(self.n.act(uuid, {"addSecurityGroup": {"name": " "}}), 400),
                         "Security group name cannot be empty")
        self.assertEqual(self.n.act(uuid, {"removeSecurityGroup": {"name": db["id"]}}).status, 202)
        self.assertEqual(self.fault(self.n.act(uuid, {"removeSecurityGroup": {"name": "db"}}),
                                    404),
                         "Security group db not associated with the instance " + uuid)
        self.assertEqual(self.n.delete("/v2.1/os-security-groups/" + db["id"]).status, 202)
        portless = self.n.boot("no-ports", version="2.37")
        self.n.wait_status(portless, "ACTIVE")
        self.assertEqual(self.fault(self.n.act(portless, {"addSecurityGroup": {"name": "default"}}),
                                    404),
                         "instance_id %s could not be found as device id on any ports" % portless)
        self.fault(self.n.act("8fe0b8b1-61f5-4a6f-b8fc-c0d1e2f3a4b5",
                              {"addSecurityGroup": {"name": "default"}}), 404)
        for s in (uuid, portless):
            self.assertEqual(self.n.delete("/v2.1/servers/" + s).status, 204)
            self.n.wait_gone(s)

    def test_floating_ips(self):
        pools = self.n.get("/v2.1/os-floating-ip-pools").json["floating_ip_pools"]
        self.assertEqual(pools, [{"name": "public"}])
        r = self.n.post("/v2.1/os-floating-ips", {"pool": "public"})
        self.assertEqual(r.status, 200, r.text)
        fip = r.json["floating_ip"]
        self.assertTrue(fip["ip"].startswith("198.51.100."))
        self.assertEqual((fip["fixed_ip"], fip["instance_id"], fip["pool"]), (None, None, "public"))
        self.assertEqual(self.fault(self.n.post("/v2.1/os-floating-ips", {"pool": "nowhere"}), 404),
                         "Floating IP pool not found.")
        # No pool named: the cloud's one external network.
        other = self.n.post("/v2.1/os-floating-ips", None)
        self.assertEqual(other.status, 200, other.text)
        self.assertEqual(self.n.delete("/v2.1/os-floating-ips/" + other.json["floating_ip"]["id"])
                         .status, 202)

        server = self.boot_on_network("fip-vm")
        uuid = server["id"]
        fixed = [a["addr"] for net in server["addresses"].values() for a in net][0]
        self.assertEqual(self.fault(self.n.act(uuid, {"addFloatingIp": {
            "address": fip["ip"], "fixed_address": "10.60.0.250"}}), 400),
            "Specified fixed address not assigned to instance")
        self.assertEqual(self.fault(self.n.act(uuid, {"addFloatingIp": {
            "address": "198.51.100.250"}}), 404), "floating IP not found")
        self.assertIn("is not valid under any of the given schemas", self.fault(
            self.n.act(uuid, {"addFloatingIp": {"address": "nowhere"}}), 400))
        self.assertEqual(self.n.act(uuid, {"addFloatingIp": {"address": fip["ip"]}}).status, 202)
        shown = self.n.get("/v2.1/os-floating-ips/" + fip["id"]).json["floating_ip"]
        self.assertEqual((shown["instance_id"], shown["fixed_ip"]), (uuid, fixed))
        held = self.neutron("GET", "/v2.0/floatingips/" + fip["id"]).json["floatingip"]
        self.assertEqual(held["fixed_ip_address"], fixed)
        other_uuid = "8fe0b8b1-61f5-4a6f-b8fc-c0d1e2f3a4b5"
        self.assertEqual(self.fault(self.n.act(other_uuid, {"removeFloatingIp": {
            "address": fip["ip"]}}), 409),
            "Floating IP %s is not associated with instance %s." % (fip["ip"], other_uuid))
        self.fault(self.n.post("/v2.1/servers/%s/action" % uuid,
                               {"addFloatingIp": {"address": fip["ip"]}}, version="2.44"), 404)
        self.assertEqual(self.n.act(uuid, {"removeFloatingIp": {"address": fip["ip"]}}).status,
                         202)
        self.assertIsNone(self.n.get("/v2.1/os-floating-ips/" + fip["id"]).json["floating_ip"][
            "instance_id"])
        self.assertEqual(self.n.delete("/v2.1/os-floating-ips/" + fip["id"]).status, 202)
        self.assertEqual(self.fault(self.n.get("/v2.1/os-floating-ips/" + fip["id"]), 404),
                         "Floating IP not found for ID " + fip["id"])
        self.assertEqual(self.n.get("/v2.1/os-floating-ips").json["floating_ips"], [])
        self.fault(self.n.get("/v2.1/os-floating-ips", version="2.36"), 404)
        self.assertEqual(self.n.delete("/v2.1/servers/" + uuid).status, 204)
        self.n.wait_gone(uuid)

    def test_list_servers_by_address(self):
        first, second = self.boot_on_network("ip-1"), self.boot_on_network("ip-2")

        def address(server):
            return [a["addr"] for net in server["addresses"].values() for a in net][0]

        # A regular expression matched at the start of an address (re.match).
        r = self.n.get("/v2.1/servers?ip=%s%%24" % address(first).replace(".", "%5C."))
        self.assertEqual([s["id"] for s in r.json["servers"]], [first["id"]])
        both = {s["id"] for s in self.n.get("/v2.1/servers?ip=10%5C.60%5C.").json["servers"]}
        self.assertLessEqual({first["id"], second["id"]}, both)
        self.assertEqual(self.n.get("/v2.1/servers?ip=60%5C.").json["servers"], [])
        self.assertIn("is not a 'regex'", self.fault(self.n.get("/v2.1/servers?ip=(((") , 400))
        for s in (first, second):
            self.assertEqual(self.n.delete("/v2.1/servers/" + s["id"]).status, 204)
            self.n.wait_gone(s["id"])

    def test_networks(self):
        listed = self.n.get("/v2.1/os-networks").json["networks"]
        inner = next(n for n in listed if n["id"] == self.network_id)
        self.assertEqual(inner["label"], "inner")
        self.assertIsNone(inner["cidr"])
        shown = self.n.get("/v2.1/os-networks/" + self.network_id).json["network"]
        self.assertEqual(shown["label"], "inner")
        self.assertEqual(self.fault(self.n.get("/v2.1/os-networks/nowhere"), 404),
                         "Network not found")
        tenant = self.n.get("/v2.1/os-tenant-networks/" + self.network_id).json["network"]
        self.assertEqual(tenant, {"id": self.network_id, "cidr": "None", "label": "inner"})
        self.fault(self.n.get("/v2.1/os-networks", version="2.36"), 404)
        self.fault(self.n.get("/v2.1/os-tenant-networks", version="2.36"), 404)


if __name__ == "__main__":
    unittest.main()
