"""Host aggregates and availability zones with Debian's `openstack` CLI
against the real binary: create an aggregate with a zone, add a host, set
metadata, see the zone in `availability zone list` and `compute service
list`, boot into it (the server lands on the zone's host and shows the
zone), and take it apart again; and with the aggregate filters enabled,
boots of flavors with extra specs and of isolated projects."""

import unittest

import osc
from harness import wait_until

IMAGE = "cirros-0.6.2-x86_64-disk"


class AggregatesCli(osc.CliTestCase):
    def test_zone_from_an_aggregate_decides_where_servers_go(self):
        services = self.osc("compute", "service", "list", "--service", "nova-compute", parse=True)
        hosts = sorted(s["Host"] for s in services)
        self.assertGreaterEqual(len(hosts), 2)
        host = hosts[-1]

        made = self.osc("aggregate", "create", "--zone", "az-e2e", "agg-e2e", parse=True)
        self.assertEqual(made["availability_zone"], "az-e2e")
        err = self.osc("aggregate", "create", "agg-e2e", ok=False)
        self.assertIn("Aggregate agg-e2e already exists.", err)
        self.osc("aggregate", "add", "host", "agg-e2e", host)
        self.osc("aggregate", "set", "--property", "ssd=true", "agg-e2e")
        shown = self.osc("aggregate", "show", "agg-e2e", parse=True)
        self.assertEqual(shown["hosts"], [host])
        self.assertEqual(shown["properties"], {"ssd": "true"})
        err = self.osc("aggregate", "add", "host", "agg-e2e", "no-such-host", ok=False)
        self.assertIn("Compute host no-such-host could not be found.", err)

        zones = {z["Zone Name"] for z in self.osc("availability", "zone", "list", "--compute",
                                                     parse=True)}
        self.assertTrue({"az-e2e", "nova"} <= zones, zones)
        by_host = {s["Host"]: s["Zone"] for s in self.osc("compute", "service", "list", "--service",
                                                          "nova-compute", parse=True)}
        self.assertEqual(by_host[host], "az-e2e")
        self.assertEqual(by_host[hosts[0]], "nova")

        for i in range(3):  # every boot into the zone lands on its one host
            server = self.osc("server", "create", "--image", IMAGE, "--flavor", "m1.tiny",
                              "--availability-zone", "az-e2e", "--wait", "zoned-%d" % i, parse=True)
            self.assertEqual(server["OS-EXT-SRV-ATTR:host"], host)
            self.assertEqual(server["OS-EXT-AZ:availability_zone"], "az-e2e")
        err = self.osc("server", "create", "--image", IMAGE, "--flavor", "m1.tiny",
                       "--availability-zone", "az-nowhere", "lost", ok=False)
        self.assertIn("The requested availability zone is not available", err)

        # The zone of hosts that hold servers stays (Nova's check_no_instances_in_az).
        moved = "Cannot update aggregate %d. Reason: One or more hosts contain instances in this zone." % made["id"]
        r = self.n.request("PUT", "/v2.1/os-aggregates/%d" % made["id"],
                           {"aggregate": {"availability_zone": "az-other"}})
        self.assertEqual(r.status, 400, r.text)
        self.assertEqual(r.json["badRequest"]["message"], moved)
        r = self.n.post("/v2.1/os-aggregates/%d/action" % made["id"],
                        {"set_metadata": {"metadata": {"availability_zone": "az-other"}}})
        self.assertEqual(r.status, 400, r.text)
        self.assertEqual(r.json["badRequest"]["message"],
                         moved.replace("Cannot update aggregate", "Cannot update metadata of aggregate"))
        r = self.n.request("PUT", "/v2.1/os-aggregates/%d" % made["id"],  # the same zone: no move
                           {"aggregate": {"name": "agg-e2e", "availability_zone": "az-e2e"}})
        self.assertEqual(r.status, 200, r.text)
        for i in range(3):
            self.osc("server", "delete", "--wait", "zoned-%d" % i)
        r = self.n.request("PUT", "/v2.1/os-aggregates/%d" % made["id"],
                           {"aggregate": {"availability_zone": "az-other"}})
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json["aggregate"]["availability_zone"], "az-other")

        # An aggregate with hosts cannot go; without them it can.
        err = self.osc("aggregate", "delete", "agg-e2e", ok=False)
        self.assertIn("Host aggregate is not empty", err)
        self.osc("aggregate", "remove", "host", "agg-e2e", host)
        self.osc("aggregate", "delete", "agg-e2e")
        self.assertEqual(self.osc("aggregate", "list", parse=True), [])


class AggregateFiltersCli(osc.CliTestCase):
    """The aggregate filters, enabled: a flavor's extra specs pick the hosts
    of the aggregates that match them, and an aggregate's filter_tenant_id
    keeps its hosts for its projects."""
    config = {"scheduler": {"enabled_filters": "ComputeFilter,RamFilter,CoreFilter,DiskFilter,"
                            "AggregateInstanceExtraSpecsFilter,AggregateMultiTenancyIsolation"}}

    def test_extra_specs_and_tenant_isolation_pick_the_hosts(self):
        hosts = sorted(s["Host"] for s in self.osc("compute", "service", "list", "--service",
                                                   "nova-compute", parse=True))
        ssd_host, other = hosts[-1], hosts[0]
        self.osc("aggregate", "create", "--property", "ssd=true", "fast")
        self.osc("aggregate", "add", "host", "fast", ssd_host)
        self.osc("flavor", "create", "--ram", "64", "--vcpus", "1", "--disk", "1",
                 "--property", "aggregate_instance_extra_specs:ssd=true", "m1.ssd")
        self.osc("flavor", "create", "--ram", "64", "--vcpus", "1", "--disk", "1",
                 "--property", "gpu=true", "m1.gpu")
        for i in range(3):
            server = self.osc("server", "create", "--image", IMAGE, "--flavor", "m1.ssd", "--wait",
                              "ssd-%d" % i, parse=True)
            self.assertEqual(server["OS-EXT-SRV-ATTR:host"], ssd_host)
        # No aggregate has gpu: no valid host (the boot is accepted, then ERROR).
        lost = self.osc("server", "create", "--image", IMAGE, "--flavor", "m1.gpu", "gpu",
                        parse=True)
        shown = self.n.wait_status(lost["id"], "ERROR")
        self.assertIn("No valid host was found", shown["fault"]["message"])

        # Isolate the ssd host for another project: the admin's boots go to the other.
        self.osc("aggregate", "set", "--property", "filter_tenant_id=someone-else", "fast")
        for i in range(3):
            server = self.osc("server", "create", "--image", IMAGE, "--flavor", "m1.tiny",
                              "--wait", "plain-%d" % i, parse=True)
            self.assertEqual(server["OS-EXT-SRV-ATTR:host"], other)
        admin_project = self.osc("project", "show", "admin", parse=True)["id"]
        self.osc("aggregate", "set", "--property", "filter_tenant_id=%s" % admin_project, "fast")
        server = self.osc("server", "create", "--image", IMAGE, "--flavor", "m1.ssd", "--wait",
                          "mine", parse=True)
        self.assertEqual(server["OS-EXT-SRV-ATTR:host"], ssd_host)



class CapabilityFiltersHttp(osc.CliTestCase):
    """ComputeCapabilitiesFilter and ImagePropertiesFilter, on by default:
    a flavor's capabilities: extra specs and an image's hypervisor_type
    keep a boot to the hosts that have them (here: none, or every one)."""

    def boot_ok(self, name, image, flavor):
        r = self.n.post("/v2.1/servers", {"server": {"name": name, "imageRef": image,
                                                     "flavorRef": flavor}})
        self.assertEqual(r.status, 202, r.text)
        return r.json["server"]["id"]

    def test_capabilities_and_image_properties_pick_the_hosts(self):
        hv = self.n.get("/v2.1/os-hypervisors/detail").json["hypervisors"][0]["hypervisor_type"]
        image = self.osc("image", "show", IMAGE, parse=True)["id"]
        for name, value in (("m1.xen", "xen"), ("m1.same", hv)):
            self.osc("flavor", "create", "--ram", "64", "--vcpus", "1", "--disk", "1",
                     "--property", "capabilities:hypervisor_type=%s" % value, name)
        flavors = {f["Name"]: f["ID"] for f in self.osc("flavor", "list", parse=True)}
        lost = self.n.wait_status(self.boot_ok("xen", image, flavors["m1.xen"]), "ERROR", "ACTIVE")
        self.assertEqual(lost["status"], "ERROR")
        self.assertIn("No valid host was found", lost["fault"]["message"])
        found = self.n.wait_status(self.boot_ok("same", image, flavors["m1.same"]), "ERROR", "ACTIVE")
        self.assertEqual(found["status"], "ACTIVE", found.get("fault"))

        # A snapshot carries the caller's metadata as image properties.
        def snapshot(name, hypervisor_type):
            r = self.n.post("/v2.1/servers/%s/action" % found["id"],
                            {"createImage": {"name": name, "metadata": {
                                "hypervisor_type": hypervisor_type}}}, version="2.45")
            self.assertEqual(r.status, 202, r.text)
            # Saving while the host writes the disk out; a boot needs it active
            # (Nova's 400 "Image ... is not active" before), and the server's
            # next createImage its task ended.
            image_id = r.json["image_id"]
            wait_until(lambda: self.n.get("/v2.1/images/" + image_id).json["image"]["status"]
                       == "ACTIVE", "snapshot %s active" % name)
            self.n.wait_status(found["id"], "ACTIVE")
            return image_id
        lost = self.n.wait_status(self.boot_ok("xen-image", snapshot("xen-snap", "xen"), "1"),
                                  "ERROR", "ACTIVE")
        self.assertEqual(lost["status"], "ERROR")
        self.assertIn("No valid host was found", lost["fault"]["message"])
        found = self.n.wait_status(self.boot_ok("same-image", snapshot("same-snap", hv.lower()), "1"),
                                   "ERROR", "ACTIVE")
        self.assertEqual(found["status"], "ACTIVE", found.get("fault"))


if __name__ == "__main__":
    unittest.main()
