"""The network service (Neutron v2.0 subset) with Debian's `openstack` CLI
against the real binary: networks (a VLAN each, provider attributes for the
admin), subnets (IPv4 and IPv6), ports (fixed IPs, MACs), security groups
and rules; servers booted on a network or a port show their addresses, two
servers never get one address, and a deleted server's ports go (the user's
own port stays, unbound)."""

import threading
import unittest

import osc

IMAGE = "cirros-0.6.2-x86_64-disk"


class NetworksCli(osc.CliTestCase):
    def net(self, method, path, body=None, token=None):
        kw = {"port": self.n.network_port}
        if token:
            kw["token"] = token
        return self.n.request(method, path, body, **kw)

    def test_networks_subnets_ports(self):
        net = self.osc("network", "create", "net1", parse=True)
        self.assertEqual(net["name"], "net1")
        self.assertEqual(net["provider:network_type"], "vlan")  # a VLAN per tenant network
        first_vlan = net["provider:segmentation_id"]
        other = self.osc("network", "create", "net2", parse=True)
        self.assertNotEqual(other["provider:segmentation_id"], first_vlan)
        vlan = self.osc("network", "create", "--provider-network-type", "vlan",
                        "--provider-physical-network", "physnet1", "--provider-segment", "321",
                        "--share", "shared321", parse=True)
        self.assertEqual(vlan["provider:segmentation_id"], 321)
        self.assertTrue(vlan["shared"])
        err = self.osc("network", "create", "--provider-network-type", "vlan",
                       "--provider-segment", "321", "again321", ok=False)
        self.assertIn("321", err)
        names = {n["Name"] for n in self.osc("network", "list", parse=True)}
        self.assertLessEqual({"net1", "net2", "shared321"}, names)
        self.assertEqual(self.osc("network", "show", "net1", parse=True)["id"], net["id"])
        self.assertIn("No Network found", self.osc("network", "show", "nowhere", ok=False))

        sub = self.osc("subnet", "create", "--network", "net1", "--subnet-range", "10.20.0.0/24",
                       "sub1", parse=True)
        self.assertEqual(sub["gateway_ip"], "10.20.0.1")
        self.assertEqual(sub["allocation_pools"], [{"start": "10.20.0.2", "end": "10.20.0.254"}])
        sub6 = self.osc("subnet", "create", "--network", "net1", "--ip-version", "6",
                        "--subnet-range", "2001:db8:20::/64", "sub6", parse=True)
        self.assertEqual(sub6["ip_version"], 6)
        err = self.osc("subnet", "create", "--network", "net1", "--subnet-range", "10.20.0.128/25",
                       "overlap", ok=False)
        self.assertIn("overlaps with another subnet", err)
        self.assertEqual({s["Name"] for s in self.osc("subnet", "list", "--network", "net1",
                                                      parse=True)},
                         {"sub1", "sub6"})

        p1 = self.osc("port", "create", "--network", "net1", "p1", parse=True)
        ips = [ip["ip_address"] for ip in p1["fixed_ips"]]
        self.assertEqual(ips[0], "10.20.0.2")
        self.assertTrue(ips[1].startswith("2001:db8:20::"))
        self.assertTrue(p1["mac_address"].startswith("fa:16:3e:"))
        p2 = self.osc("port", "create", "--network", "net1", "--fixed-ip",
                      "subnet=sub1,ip-address=10.20.0.50", "p2", parse=True)
        self.assertEqual(p2["fixed_ips"][0]["ip_address"], "10.20.0.50")
        err = self.osc("port", "create", "--network", "net1", "--fixed-ip",
                       "subnet=sub1,ip-address=10.20.0.50", "p3", ok=False)
        self.assertIn("already allocated", err)
        listed = {p["Name"]: p for p in self.osc("port", "list", "--network", "net1", parse=True)}
        self.assertEqual(set(listed), {"p1", "p2"})
        self.osc("port", "delete", "p1")
        self.assertEqual({p["Name"] for p in self.osc("port", "list", "--network", "net1",
                                                      parse=True)}, {"p2"})
        # The subnet holds p2's address; the network holds p2.
        self.assertIn("One or more ports have an IP allocation", self.osc("subnet", "delete", "sub1", ok=False))
        self.assertIn("ports still in use", self.osc("network", "delete", "net1", ok=False))

        # Neutron's error body, for a client that reads it.
        r = self.net("GET", "/v2.0/networks/8fe0b8b1-61f5-4a6f-b8fc-c0d1e2f3a4b5")
        self.assertEqual(r.status, 404)
        self.assertEqual(r.json, {"NeutronError": {
            "type": "NetworkNotFound", "detail": "",
            "message": "Network 8fe0b8b1-61f5-4a6f-b8fc-c0d1e2f3a4b5 could not be found."}})
        r = self.net("POST", "/v2.0/networks", {"network": {"name": "x", "colour": "blue"}})
        self.assertEqual(r.status, 400)
        self.assertEqual(r.json["NeutronError"]["message"], "Unrecognized attribute(s) 'colour'")
        self.osc("port", "delete", "p2")
        self.osc("network", "delete", "net1", "net2", "shared321")

    def test_security_groups(self):
        web = self.osc("security", "group", "create", "web", parse=True)
        self.assertEqual(web["name"], "web")
        rule = self.osc("security", "group", "rule", "create", "--protocol", "tcp", "--dst-port",
                        "22", "web", parse=True)
        self.assertEqual((rule["port_range_min"], rule["port_range_max"]), (22, 22))
        err = self.osc("security", "group", "rule", "create", "--protocol", "tcp", "--dst-port",
                       "22", "web", ok=False)
        self.assertIn("already exists", err)
        rules = self.osc("security", "group", "rule", "list", "web", parse=True)
        self.assertEqual(len(rules), 3)  # two egress rules of a new group, and ssh in
        names = {g["Name"] for g in self.osc("security", "group", "list", parse=True)}
        self.assertEqual(names, {"default", "web"})
        self.osc("security", "group", "rule", "delete", rule["id"])
        self.assertEqual(len(self.osc("security", "group", "rule", "list", "web", parse=True)), 2)
        self.osc("security", "group", "delete", "web")
        self.assertEqual({g["Name"] for g in self.osc("security", "group", "list", parse=True)},
                         {"default"})

    def test_floating_ips(self):
        public = self.osc("network", "create", "--external", "--provider-network-type", "flat",
                          "--provider-physical-network", "physnet1", "public", parse=True)
        self.assertTrue(public["router:external"])
        self.osc("subnet", "create", "--network", "public", "--subnet-range", "198.51.100.0/24",
                 "--no-dhcp", "public-v4", parse=True)
        self.osc("network", "create", "inner", parse=True)
        self.osc("subnet", "create", "--network", "inner", "--subnet-range", "10.40.0.0/24",
                 "inner-v4", parse=True)
        port = self.osc("port", "create", "--network", "inner", "inner-port", parse=True)
        fip = self.osc("floating", "ip", "create", "public", parse=True)
        self.assertEqual(fip["floating_ip_address"], "198.51.100.2")
        self.assertIsNone(fip["port_id"])
        self.osc("floating", "ip", "set", "--port", "inner-port", fip["id"])
        shown = self.osc("floating", "ip", "show", fip["id"], parse=True)
        self.assertEqual(shown["port_id"], port["id"])
        self.assertEqual(shown["fixed_ip_address"], port["fixed_ips"][0]["ip_address"])
        self.assertEqual(shown["status"], "ACTIVE")
        listed = self.osc("floating", "ip", "list", parse=True)
        self.assertEqual([(f["Floating IP Address"], f["Port"]) for f in listed],
                         [("198.51.100.2", port["id"])])
        err = self.osc("floating", "ip", "create", "inner", ok=False)
        self.assertIn("is not a valid external network", err)
        self.osc("floating", "ip", "unset", "--port", fip["id"])
        self.assertIsNone(self.osc("floating", "ip", "show", fip["id"], parse=True)["port_id"])
        self.osc("floating", "ip", "delete", fip["id"])
        self.assertEqual(self.osc("floating", "ip", "list", parse=True), [])
        self.osc("port", "delete", "inner-port")
        self.osc("network", "delete", "inner", "public")

    def addresses(self, server):
        return [a["addr"] for net in server["addresses"].values() for a in net]

    def test_servers_get_addresses(self):
        self.osc("network", "create", "servers", parse=True)
        self.osc("subnet", "create", "--network", "servers", "--subnet-range", "10.30.0.0/24",
                 "servers-v4", parse=True)
        image = self.osc("image", "show", IMAGE, parse=True)["id"]
        ssh = self.osc("security", "group", "create", "ssh", parse=True)
        vm1 = self.osc("server", "create", "--wait", "--image", IMAGE, "--flavor", "m1.tiny",
                       "--network", "servers", "--security-group", "ssh", "vm1", parse=True)
        shown = self.n.get("/v2.1/servers/" + vm1["id"]).json["server"]
        self.assertEqual(list(shown["addresses"]), ["servers"])
        entry = shown["addresses"]["servers"][0]
        self.assertEqual(entry["version"], 4)
        self.assertTrue(entry["addr"].startswith("10.30.0."))
        port = self.osc("port", "list", "--server", vm1["id"], parse=True)
        self.assertEqual(len(port), 1)
        self.assertEqual(entry["OS-EXT-IPS-MAC:mac_addr"], port[0]["MAC Address"])
        # The group named at boot is the port's.
        self.assertEqual(self.osc("port", "show", port[0]["ID"], parse=True)["security_group_ids"],
                         [ssh["id"]])
        r = self.n.post("/v2.1/servers", {"server": {
            "name": "vm0", "imageRef": image, "flavorRef": "1",
            "security_groups": [{"name": "nope"}],
            "networks": [{"uuid": self.osc("network", "show", "servers", parse=True)["id"]}]}})
        self.assertEqual(r.status, 400, r.text)
        self.assertEqual(r.json["badRequest"]["message"], "Security group nope not found.")
        ips = self.n.get("/v2.1/servers/%s/ips/servers" % vm1["id"]).json
        self.assertEqual(ips["servers"][0]["addr"], entry["addr"])

        own = self.osc("port", "create", "--network", "servers", "--fixed-ip",
                       "ip-address=10.30.0.77", "own", parse=True)
        vm2 = self.osc("server", "create", "--wait", "--image", IMAGE, "--flavor", "m1.tiny",
                       "--nic", "port-id=" + own["id"], "vm2", parse=True)
        self.assertEqual(self.addresses(self.n.get("/v2.1/servers/" + vm2["id"]).json["server"]),
                         ["10.30.0.77"])
        self.assertEqual(self.osc("port", "show", "own", parse=True)["device_id"], vm2["id"])
        r = self.n.post("/v2.1/servers", {"server": {
            "name": "vm3", "imageRef": image, "flavorRef": "1",
            "networks": [{"port": own["id"]}]}})
        self.assertEqual(r.status, 409, r.text)  # the port is vm2's

        # Servers booted at once, in one request and in many, never share an address.
        network_id = self.osc("network", "show", "servers", parse=True)["id"]
        made, failures = [], []

        def boot(name, count):
            r = self.n.post("/v2.1/servers", {"server": {
                "name": name, "imageRef": image, "flavorRef": "1", "min_count": count,
                "max_count": count, "networks": [{"uuid": network_id}]}},
                version="2.37")
            (made if r.status == 202 else failures).append(r)

        threads = [threading.Thread(target=boot, args=("many-%d" % i, 1)) for i in range(8)]
        threads.append(threading.Thread(target=boot, args=("batch", 6)))
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(failures, [])
        ports = self.net("GET", "/v2.0/ports?network_id=" + network_id).json["ports"]
        addresses = [ip["ip_address"] for p in ports for ip in p["fixed_ips"]]
        self.assertEqual(len(ports), 2 + 8 + 6)
        self.assertEqual(len(set(addresses)), len(addresses))

        # Past the project's port quota a boot is refused as Nova refuses it.
        project = self.n.get("/v2.1/servers/" + vm1["id"]).json["server"]["tenant_id"]
        used = self.net("GET", "/v2.0/quotas/%s/details" % project).json["quota"]["port"]["used"]
        r = self.net("PUT", "/v2.0/quotas/" + project, {"quota": {"port": used}})
        self.assertEqual(r.status, 200, r.text)
        r = self.n.post("/v2.1/servers", {"server": {
            "name": "over", "imageRef": image, "flavorRef": "1",
            "networks": [{"uuid": network_id}]}})
        self.assertEqual(r.status, 403, r.text)
        self.assertEqual(r.json["forbidden"]["message"], "Maximum number of ports exceeded")
        self.assertEqual(self.net("DELETE", "/v2.0/quotas/" + project).status, 204)

        # A deleted server's port goes; a user's port is only unbound.
        self.osc("server", "delete", "--wait", "vm1", "vm2")
        self.assertEqual(self.net("GET", "/v2.0/ports?device_id=" + vm1["id"]).json["ports"], [])
        kept = self.osc("port", "show", "own", parse=True)
        self.assertEqual(kept["device_id"], "")
        servers = [s["id"] for s in self.n.get("/v2.1/servers").json["servers"]]
        for uuid in servers:
            self.assertEqual(self.n.delete("/v2.1/servers/" + uuid).status, 204)
        for uuid in servers:
            self.n.wait_gone(uuid)
        # Every port made for a server went with it: only the user's is left.
        ports = self.net("GET", "/v2.0/ports?network_id=" + network_id).json["ports"]
        self.assertEqual([p["id"] for p in ports], [own["id"]])

    def test_networks_auto_and_none(self):
        image = self.osc("image", "show", IMAGE, parse=True)["id"]
        r = self.n.post("/v2.1/servers", {"server": {"name": "auto", "imageRef": image,
                                                     "flavorRef": "1", "networks": "auto"}},
                        version="2.37")
        self.assertEqual(r.status, 202, r.text)
        auto = self.n.wait_status(r.json["server"]["id"], "ACTIVE")
        # No network of the project's own: one is made for it.
        self.assertTrue(self.addresses(auto))
        r = self.n.post("/v2.1/servers", {"server": {"name": "none", "imageRef": image,
                                                     "flavorRef": "1", "networks": "none"}},
                        version="2.37")
        none = self.n.wait_status(r.json["server"]["id"], "ACTIVE")
        self.assertEqual(none["addresses"], {})


if __name__ == "__main__":
    unittest.main()
