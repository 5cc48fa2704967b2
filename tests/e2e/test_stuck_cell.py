"""A stuck cell in one process (all-in-one): its conductor takes server lists
and never answers them ([debug] silent_cells, fault injection). A list then
costs at most [cells] list_timeout: it is answered by the list timeout, with
the stuck cell's servers as UNKNOWN (2.69) or left out (before), and holds no
HTTP thread while it waits."""

import unittest

from harness import Nimbus, lists_while_flavors

LIST_TIMEOUT = 4


class StuckCell(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.nimbus = Nimbus({"all_in_one": {"cells": 2, "hosts_per_cell": 1},
                             "cells": {"list_timeout": LIST_TIMEOUT},
                             "debug": {"silent_cells": "cell2"}}).start()

    @classmethod
    def tearDownClass(cls):
        cls.nimbus.close()

    def boot_in_both_cells(self):
        servers = []
        for i in range(8):
            uuid = self.nimbus.boot("stuck-%d" % i)
            servers.append(self.nimbus.wait_status(uuid, "ACTIVE"))
        hosts = {s["OS-EXT-SRV-ATTR:host"] for s in servers}
        self.assertEqual(len(hosts), 2, "the boots went to both cells")
        return servers

    def test_a_list_is_answered_by_the_list_timeout_without_the_stuck_cell(self):
        servers = self.boot_in_both_cells()
        # Shows go to the conductors' get, which answers: find each cell.
        per_host = {}
        for s in servers:
            per_host.setdefault(s["OS-EXT-SRV-ATTR:host"], []).append(s["id"])
        listed_old = {s["id"] for s in self.nimbus.get("/v2.1/servers", version="2.37").json["servers"]}
        # Exactly one host's servers are missing below 2.69: the stuck cell's.
        missing = [h for h, ids in per_host.items() if not set(ids) & listed_old]
        answered = [h for h, ids in per_host.items() if set(ids) <= listed_old]
        self.assertEqual(len(missing), 1)
        self.assertEqual(len(answered), 1)
        r = self.nimbus.get("/v2.1/servers/detail", version="2.69")
        self.assertEqual(r.status, 200)
        status = {s["id"]: s["status"] for s in r.json["servers"]}
        for uuid in per_host[missing[0]]:
            self.assertEqual(status[uuid], "UNKNOWN")
        for uuid in per_host[answered[0]]:
            self.assertEqual(status[uuid], "ACTIVE")

    def test_waiting_lists_hold_no_http_thread(self):
        # More lists than the API has HTTP threads: each waits for the stuck
        # cell until list_timeout; the flavors come back meanwhile.
        flavors, ended_first, finished = lists_while_flavors(self.nimbus, 8)
        self.assertEqual(flavors, 200)
        self.assertEqual(ended_first, [], "a list ended before the flavors were answered")
        self.assertEqual([r.status for r in finished], [200] * 8)


if __name__ == "__main__":
    unittest.main()
