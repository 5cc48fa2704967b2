"""The deployments the crash test kills and restarts: one all-in-one
process, or an API, two cells and four computes each in a process of its
own. Not a test module: test_crash.py holds the tests.
"""

import os
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Nimbus, free_port, wait_until  # noqa: E402
from crash_checker import hypervisors  # noqa: E402

# Every wait of the deployment short, so that a state unchanged for QUIET
# seconds cannot be one waiting legitimately for a timeout.
TIMEOUTS = {"conductor": {"build_timeout": 10},
            "cells": {"call_timeout": 10, "list_timeout": 4, "reconnect_interval": 1}}

# nimbus-manage, next to the binary. A list, so that the test can point it
# at its private copy (MANAGE[0] = ...) for every module that imported it.
MANAGE = [os.path.join(os.path.dirname(harness.NIMBUS_BIN), "nimbus-manage")]


class AllInOne:
    """One all-in-one process: two cells of four fake hosts (150 GB of disk
    each, so that m1.xlarge fits none)."""
    name = "all-in-one"
    tag = "aio"
    expected_hosts = 8

    def __init__(self):
        config = {"DEFAULT": {"log_level": "info", "report_interval": 2, "service_down_time": 10},
                  "all_in_one": {"cells": 2, "hosts_per_cell": 4, "driver": "fake", "host_disk_gb": 150}}
        config.update({k: dict(v) for k, v in TIMEOUTS.items()})
        self.nimbus = Nimbus(config)
        self.dirs = [self.nimbus.data_dir]

    @property
    def port(self):
        return self.nimbus.port

    def processes(self):
        return {"all-in-one": self.nimbus}

    def start(self):
        self.nimbus.start()

    def kill(self, target):
        self.nimbus.stop(signal.SIGKILL)

    def restart(self, target):
        self.nimbus.start()

    def close(self):
        self.nimbus.stop()


class Distributed:
    """The API, two cells and two fake computes per cell, each a process."""
    name = "distributed"
    tag = "dist"
    expected_hosts = 4
    FAST = {"report_interval": 1, "service_down_time": 5, "log_level": "info"}

    def __init__(self):
        self.root = tempfile.mkdtemp(prefix="nimbus-crash-dist-")
        self.dirs = [self.root]
        self.cell_ports = {"cell1": free_port(), "cell2": free_port()}
        self.api = None
        self.cells = {}
        self.computes = {}

    @property
    def port(self):
        return self.api.port

    def processes(self):
        out = {"api": self.api}
        out.update(self.cells)
        out.update(self.computes)
        return out

    def start(self):
        api_dir = os.path.join(self.root, "api")
        os.makedirs(api_dir)
        for name, port in self.cell_ports.items():
            p = subprocess.run([MANAGE[0], "--data-dir", api_dir, "cell_v2", "create_cell", "--name", name,
                                "--transport-url", "caf://127.0.0.1:%d" % port,
                                "--database_connection", "rocksdb://%s/%s/store" % (self.root, name)],
                               capture_output=True, text=True)
            assert p.returncode == 0, p.stderr
        for name, port in self.cell_ports.items():
            d = os.path.join(self.root, name)
            os.makedirs(d)
            self.cells[name] = Nimbus({"DEFAULT": self.FAST,
                                       "cell": {"name": name, "listen": "caf://127.0.0.1:%d" % port,
                                                "database_connection": "rocksdb://%s/store" % d}},
                                      data_dir=d, role="cell").start()
        for i, cell in [(1, "cell1"), (2, "cell1"), (3, "cell2"), (4, "cell2")]:
            host = "compute%d" % i
            d = os.path.join(self.root, host)
            os.makedirs(d)
            self.computes[host] = Nimbus(
                {"DEFAULT": self.FAST,
                 "all_in_one": {"driver": "fake", "host_vcpus": 32, "host_memory_mb": 65536, "host_disk_gb": 150},
                 "compute": {"host": host, "cell_url": "caf://127.0.0.1:%d" % self.cell_ports[cell]},
                 "cells": {"reconnect_interval": 1}},
                data_dir=d, role="compute").start()
        config = {"DEFAULT": self.FAST}
        config.update({k: dict(v) for k, v in TIMEOUTS.items()})
        config["cells"]["discover_hosts_interval"] = 1
        self.api = Nimbus(config, data_dir=api_dir, role="api").start()
        self.wait_hosts()

    def hosts_up(self):
        hyps = hypervisors(self.api.port) if self.api.proc else None
        return sum(h["state"] == "up" for h in hyps) if hyps else 0

    def wait_hosts(self, timeout=60):
        wait_until(lambda: self.hosts_up() >= self.expected_hosts, "every compute to report", timeout)

    def targets(self, target):
        return [self.api] + list(self.cells.values()) if target == "all" else [self.processes()[target]]

    def kill(self, target):
        for p in self.targets(target):
            p.stop(signal.SIGKILL)

    def restart(self, target):
        for p in sorted(self.targets(target), key=lambda p: p.role != "cell"):  # cells first
            p.start()
        try:
            self.wait_hosts()
        except AssertionError:
            pass  # the verification reports it

    def close(self):
        failures = []
        for p in self.processes().values():
            if p is None:
                continue
            try:
                p.stop()
            except AssertionError as e:
                failures.append(str(e))
        if failures:
            raise AssertionError("; ".join(failures))
