"""Processes authenticate each other with TLS certificates: a peer whose
certificate the CA did not sign, or a peer without TLS, reaches no actor."""

import os
import shutil
import subprocess
import tempfile
import unittest

from harness import NIMBUS_BIN, Nimbus, free_port, wait_until

MANAGE = os.path.join(os.path.dirname(NIMBUS_BIN), "nimbus-manage")


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_ca(d, name):
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=" + name,
            "-keyout", name + ".key", "-out", name + ".pem", cwd=d)


def make_cert(d, name, ca):
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + name,
            "-keyout", name + ".key", "-out", name + ".csr", cwd=d)
    openssl("x509", "-req", "-in", name + ".csr", "-CA", ca + ".pem", "-CAkey", ca + ".key",
            "-CAcreateserial", "-days", "2", "-out", name + ".pem", cwd=d)
    return {"enabled": "true", "certificate": os.path.join(d, name + ".pem"),
            "key": os.path.join(d, name + ".key"), "cafile": os.path.join(d, "ca.pem")}


class Tls(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="nimbus-tls-")
        self.procs = []
        make_ca(self.root, "ca")
        make_ca(self.root, "rogue-ca")
        self.good = make_cert(self.root, "node", "ca")
        rogue = make_cert(self.root, "rogue", "rogue-ca")
        rogue["cafile"] = os.path.join(self.root, "rogue-ca.pem")
        self.rogue = rogue

    def tearDown(self):
        for p in self.procs:
            p.stop()
        if os.environ.get("KEEP_TLS_DIR"):
            print("kept", self.root)
            return
        shutil.rmtree(self.root, ignore_errors=True)

    def start(self, role, config, name):
        d = os.path.join(self.root, name)
        os.makedirs(d, exist_ok=True)
        config.setdefault("DEFAULT", {}).update({"report_interval": 1, "log_level": "debug"})
        p = Nimbus(config, data_dir=d, role=role).start()
        self.procs.append(p)
        return p

    def log_of(self, p):
        with open(os.path.join(p.data_dir, "nimbus.log"), errors="replace") as f:
            return f.read()

    def test_only_peers_with_certificates_of_our_ca_get_in(self):
        port = free_port()
        url = "caf://127.0.0.1:%d" % port
        api_dir = os.path.join(self.root, "api")
        os.makedirs(api_dir)
        subprocess.run([MANAGE, "--data-dir", api_dir, "cell_v2", "create_cell", "--name", "cell1",
                        "--transport-url", url, "--database_connection", "rocksdb:///x"], check=True)
        self.start("cell", {"cell": {"name": "cell1", "listen": url}, "tls": self.good}, "cell1")
        self.start("compute", {"compute": {"host": "good", "cell_url": url}, "tls": self.good,
                               "cells": {"reconnect_interval": 1}}, "good")
        rogue = self.start("compute", {"compute": {"host": "rogue", "cell_url": url}, "tls": self.rogue,
                                       "cells": {"reconnect_interval": 1}}, "rogue")
        plain = self.start("compute", {"compute": {"host": "plain", "cell_url": url},
                                       "cells": {"reconnect_interval": 1}}, "plain")
        api = Nimbus({"tls": self.good, "cells": {"reconnect_interval": 1}}, data_dir=api_dir, role="api").start()
        self.procs.append(api)

        def hosts():
            r = api.get("/v2.1/os-hypervisors")
            return {h["hypervisor_hostname"]: h["state"] for h in r.json["hypervisors"]} if r.status == 200 else {}
        wait_until(lambda: hosts().get("good") == "up", "the compute with a good certificate to join")
        # The others tried and were turned away, more than once.
        for p in (rogue, plain):
            wait_until(lambda: self.log_of(p).count("cannot reach the cell") >= 2,
                       "%s to be refused twice" % p.config["compute"]["host"])
        self.assertEqual(set(hosts()), {"good"})
        # Refused peers do not disturb authenticated ones (libcaf_openssl 0.17
        # left OpenSSL's error queue dirty; see transport/openssl_error_queue.cpp).
        good = [p for p in self.procs if p.role == "compute" and p.config["compute"]["host"] == "good"][0]
        # A boot works end to end over TLS.
        uuid = api.boot("over-tls")
        self.assertEqual(api.wait_status(uuid, "ACTIVE")["OS-EXT-SRV-ATTR:host"], "good")
        # The good compute connected once and never again: a link it lost
        # would have been made anew (and a reworded log line fails this
        # count rather than passing an absence).
        self.assertEqual(self.log_of(good).count("connected to the cell at"), 1)


if __name__ == "__main__":
    unittest.main()
