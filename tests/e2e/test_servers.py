"""End to end: boot, act on, list and delete servers through the real
nimbus binary on libvirt test hosts and RocksDB stores."""

import signal
import unittest

from harness import IMAGE_ID, Nimbus, wait_until


class ServerLifecycle(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # Two cells of two hosts: 8 vCPUs, 8 GB and 100 GB each.
        cls.nimbus = Nimbus({"all_in_one": {"cells": 2, "hosts_per_cell": 2, "host_vcpus": 8,
                                            "host_memory_mb": 8192, "host_disk_gb": 100}}).start()

    @classmethod
    def tearDownClass(cls):
        cls.nimbus.close()

    def test_boot_twenty_servers_to_active_across_cells(self):
        n = self.nimbus
        ids = [n.boot("fleet-%02d" % i) for i in range(20)]
        hosts = set()
        for uuid in ids:
            s = n.wait_status(uuid, "ACTIVE")
            self.assertEqual(s["OS-EXT-STS:power_state"], 1)
            self.assertEqual(s["OS-EXT-STS:vm_state"], "active")
            hosts.add(s["OS-EXT-SRV-ATTR:host"])
        self.assertEqual(len(hosts), 4, "spread weighers use every host")
        self.assert_usage_matches_flavors()
        for uuid in ids:
            self.assertEqual(n.delete("/v2.1/servers/" + uuid).status, 204)
        for uuid in ids:
            n.wait_gone(uuid)
        self.assert_usage_matches_flavors()

    def assert_usage_matches_flavors(self):
        n = self.nimbus
        flavors = {f["id"]: f for f in n.get("/v2.1/flavors/detail").json["flavors"]}
        expected = {}
        for s in n.all_servers():
            host = s["OS-EXT-SRV-ATTR:host"]
            if host:
                f = flavors[s["flavor"]["id"]]
                used = expected.setdefault(host, [0, 0, 0])
                used[0] += f["vcpus"]
                used[1] += f["ram"]
                used[2] += f["disk"]
        for h in n.get("/v2.1/os-hypervisors/detail").json["hypervisors"]:
            want = expected.get(h["hypervisor_hostname"], [0, 0, 0])
            got = [h["vcpus_used"], h["memory_mb_used"], h["local_gb_used"]]
            self.assertEqual(got, want, h["hypervisor_hostname"])

    def test_no_valid_host_ends_in_cell0_and_can_be_deleted(self):
        n = self.nimbus
        uuid = n.boot("too-big", flavor="5")  # 16 GB: no 8 GB host fits it
        s = n.wait_status(uuid, "ERROR")
        self.assertEqual(s["fault"]["code"], 500)
        self.assertEqual(s["fault"]["message"], "No valid host was found. ")
        self.assertIsNone(s["OS-EXT-SRV-ATTR:host"])
        self.assertEqual(s["OS-EXT-STS:power_state"], 0)
        actions = n.get("/v2.1/servers/%s/os-instance-actions" % uuid).json["instanceActions"]
        self.assertEqual([(a["action"], a["message"]) for a in actions], [("create", "Error")])
        detail = n.get("/v2.1/servers/%s/os-instance-actions/%s" % (uuid, actions[0]["request_id"]))
        events = detail.json["instanceAction"]["events"]
        self.assertEqual(events[0]["event"], "conductor_schedule_and_build_instances")
        self.assertEqual(events[0]["result"], "Error")
        listed = [x["id"] for x in n.get("/v2.1/servers").json["servers"]]
        self.assertIn(uuid, listed)
        self.assertEqual(n.delete("/v2.1/servers/" + uuid).status, 204)
        n.wait_gone(uuid)

    def test_stop_start_reboot_reach_the_domain(self):
        n = self.nimbus
        uuid = n.boot("cycler")
        n.wait_status(uuid, "ACTIVE")
        self.assertEqual(n.act(uuid, {"os-stop": None}).status, 202)
        s = n.wait_status(uuid, "SHUTOFF")
        self.assertEqual(s["OS-EXT-STS:power_state"], 4)  # as libvirt reported it
        r = n.act(uuid, {"os-stop": None})
        self.assertEqual(r.status, 409)
        self.assertEqual(r.json["conflictingRequest"]["message"],
                         "Cannot 'stop' instance %s while it is in vm_state stopped" % uuid)
        self.assertEqual(n.act(uuid, {"os-start": None}).status, 202)
        self.assertEqual(n.wait_status(uuid, "ACTIVE")["OS-EXT-STS:power_state"], 1)
        self.assertEqual(n.act(uuid, {"reboot": {"type": "SOFT"}}).status, 202)
        n.wait_status(uuid, "ACTIVE")
        self.assertEqual(n.act(uuid, {"reboot": {"type": "HARD"}}).status, 202)
        n.wait_status(uuid, "ACTIVE")
        actions = n.get("/v2.1/servers/%s/os-instance-actions" % uuid).json["instanceActions"]
        self.assertEqual([a["action"] for a in actions], ["reboot", "reboot", "start", "stop", "create"])
        # An event ends just after its task (as in Nova, whose event wrapper
        # finishes once the task's instance.save() is done).
        for a in actions:
            path = "/v2.1/servers/%s/os-instance-actions/%s" % (uuid, a["request_id"])
            wait_until(lambda: n.get(path).json["instanceAction"]["events"][0]["result"]
                       is not None, "the event of %s to end" % a["action"])
            ev = n.get(path)
            self.assertEqual(ev.json["instanceAction"]["events"][0]["result"], "Success")
        self.assertEqual(n.delete("/v2.1/servers/" + uuid).status, 204)
        n.wait_gone(uuid)
        # A deleted server's actions: from 2.21 only, and only for its project.
        path = "/v2.1/servers/%s/os-instance-actions" % uuid
        self.assertEqual(n.get(path, version="2.20").status, 404)
        kept = n.get(path, version="2.21").json["instanceActions"]
        self.assertEqual([a["action"] for a in kept][:2], ["delete", "reboot"])
        self.assertEqual(kept[-1]["action"], "create")
        shown = n.get("%s/%s" % (path, kept[0]["request_id"]), version="2.21")
        self.assertEqual(shown.json["instanceAction"]["action"], "delete")
        self.assertEqual(n.get(path, version="2.21", token="other:other").status, 404)

    def test_list_pages_with_limit_and_marker_across_cells(self):
        n = self.nimbus
        ids = [n.boot("page-%02d" % i) for i in range(7)]
        for uuid in ids:
            n.wait_status(uuid, "ACTIVE")
        seen, marker, pages = [], None, 0
        while True:
            path = "/v2.1/servers/detail?limit=3" + ("&marker=" + marker if marker else "")
            r = n.get(path)
            self.assertEqual(r.status, 200)
            page = r.json["servers"]
            seen += [s["id"] for s in page if s["name"].startswith("page-")]
            pages += 1
            if "servers_links" not in r.json:
                break
            self.assertIn("marker=" + page[-1]["id"], r.json["servers_links"][0]["href"])
            marker = page[-1]["id"]
        self.assertEqual(seen, list(reversed(ids)), "newest first, each server once")
        self.assertGreaterEqual(pages, 3)
        r = n.get("/v2.1/servers?marker=00000000-0000-0000-0000-000000000000")
        self.assertEqual(r.status, 400)
        self.assertEqual(r.json["badRequest"]["message"],
                         "marker [00000000-0000-0000-0000-000000000000] not found")
        for uuid in ids:
            n.delete("/v2.1/servers/" + uuid)
        for uuid in ids:
            n.wait_gone(uuid)

    def test_list_filters_by_flavor_image_status_and_change_time(self):
        n = self.nimbus
        small = n.boot("filter-small", token="filt:filt")
        big = n.boot("filter-big", flavor="2", token="filt:filt")
        for uuid in (small, big):
            n.wait_status(uuid, "ACTIVE")
        n.act(small, {"os-stop": None})
        n.wait_status(small, "SHUTOFF")
        names = lambda q: sorted(s["name"] for s in n.get("/v2.1/servers" + q, token="filt:filt").json["servers"])
        self.assertEqual(names("?flavor=2"), ["filter-big"])
        self.assertEqual(names("?image=155d900f-4e14-4e4c-a73d-069cbf4541e6"), ["filter-big", "filter-small"])
        self.assertEqual(names("?image=nope"), [])
        self.assertEqual(names("?status=shutoff"), ["filter-small"])
        self.assertEqual(names("?status=ACTIVE&flavor=1"), [])
        self.assertEqual(names("?changes-since=2000-01-01T00:00:00Z"), ["filter-big", "filter-small"])
        self.assertEqual(names("?changes-since=2999-01-01T00:00:00Z"), [])
        r = n.get("/v2.1/servers?changes-since=yesterday", token="filt:filt")
        self.assertEqual(r.status, 400, r.text)
        for uuid in (small, big):
            self.assertEqual(n.delete("/v2.1/servers/" + uuid, token="filt:filt").status, 204)

    def test_other_projects_do_not_see_admin_servers(self):
        n = self.nimbus
        uuid = n.boot("private")
        self.assertEqual(n.get("/v2.1/servers/" + uuid, token="alice:demo").status, 404)
        self.assertNotIn(uuid, [s["id"] for s in n.get("/v2.1/servers", token="alice:demo").json["servers"]])
        self.assertEqual(n.get("/v2.1/os-hypervisors", token="alice:demo").status, 403)
        hyp = n.get("/v2.1/os-hypervisors").json["hypervisors"][0]
        shown = n.get("/v2.1/os-hypervisors/%s" % hyp["id"]).json["hypervisor"]
        self.assertEqual(shown["hypervisor_hostname"], hyp["hypervisor_hostname"])
        self.assertIn("cpu_info", shown)
        uptime = n.get("/v2.1/os-hypervisors/%s/uptime" % hyp["id"]).json["hypervisor"]
        self.assertIn("load average", uptime["uptime"])
        self.assertEqual(n.get("/v2.1/os-hypervisors/999999").status, 404)
        self.assertEqual(n.get("/v2.1/os-hypervisors/%s" % hyp["id"], token="alice:demo").status, 403)
        self.assertEqual(n.get("/v2.1/servers").status, 200)
        self.assertEqual(n.get("/v2.1/servers", token=None).status, 401)
        n.delete("/v2.1/servers/" + uuid)
        n.wait_gone(uuid)


class Restart(unittest.TestCase):
    def setUp(self):
        self.nimbus = Nimbus({"all_in_one": {"cells": 2, "hosts_per_cell": 1, "host_vcpus": 8,
                                             "host_memory_mb": 8192, "host_disk_gb": 100}})

    def tearDown(self):
        self.nimbus.close()

    def snapshot(self):
        n = self.nimbus
        servers = {s["id"]: (s["name"], s["status"], s["OS-EXT-SRV-ATTR:host"], s["flavor"]["id"])
                   for s in n.all_servers()}
        flavors = sorted(f["id"] for f in n.get("/v2.1/flavors").json["flavors"])
        hosts = sorted((h["hypervisor_hostname"], h["memory_mb_used"])
                       for h in n.get("/v2.1/os-hypervisors/detail").json["hypervisors"])
        return servers, flavors, hosts

    def test_restart_keeps_every_server_and_recreates_domains(self):
        n = self.nimbus.start()
        active = [n.boot("keep-%d" % i) for i in range(3)]
        stopped = n.boot("keep-stopped")
        broken = n.boot("keep-error", flavor="5")
        for uuid in active + [stopped]:
            n.wait_status(uuid, "ACTIVE")
        n.act(stopped, {"os-stop": None})
        n.wait_status(stopped, "SHUTOFF")
        n.wait_status(broken, "ERROR")
        before = self.snapshot()
        n.stop()
        n.start()
        self.assertEqual(self.snapshot(), before)
        # The domains were re-created in their recorded power state: acting
        # on them works (a missing domain would fail the stop).
        for uuid in active:
            self.assertEqual(n.act(uuid, {"os-stop": None}).status, 202)
            n.wait_status(uuid, "SHUTOFF")
        self.assertEqual(n.act(stopped, {"os-start": None}).status, 202)
        n.wait_status(stopped, "ACTIVE")

    def test_a_kill_after_202_loses_nothing(self):
        n = self.nimbus.start()
        ids = [n.boot("durable-%d" % i) for i in range(5)]
        n.stop(signal.SIGKILL)  # no clean shutdown: only what was synced survives
        n.start()
        for uuid in ids:
            n.wait_status(uuid, "ACTIVE")
        self.assertEqual(len([s for s in n.all_servers() if s["name"].startswith("durable-")]), 5)


if __name__ == "__main__":
    unittest.main()
