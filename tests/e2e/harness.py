"""Runs the real `nimbus` binary on a temporary data directory and talks to
it over HTTP, as the clients do. Standard library only."""

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request

NIMBUS_BIN = os.environ.get("NIMBUS_BIN", "build/tools/nimbus")
IMAGE_ID = "155d900f-4e14-4e4c-a73d-069cbf4541e6"
ADMIN = "admin:admin"
ADMIN_PASSWORD = "secret"  # the bootstrap admin's password of keystone instances
_DEFAULT = object()


_given_ports = set()


def free_port():
    """A free loopback port not handed out before in this process: the
    kernel may offer a just-closed port again, and two listeners of one
    nimbus on the same port refuse to start."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in _given_ports:
            _given_ports.add(port)
            return port


def wait_until(predicate, what, timeout=60.0, interval=0.05):
    """Polls `predicate` until it returns a true value (returned), or fails
    after `timeout` seconds. A deadline for progress, not a timing check."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(interval)


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = {k.lower(): v for k, v in headers.items()}
        self.text = body
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None


def lists_while_flavors(nimbus, lists=8, version="2.69"):
    """Starts `lists` server lists at once, then asks for the flavors. Returns
    the flavors' status, the lists that had ended by the time the flavors
    came back, and every list's status. With a cell that does not answer,
    each list waits for it (list_timeout) without holding one of the API's
    HTTP threads: the flavors come back first."""
    finished = []
    lock = threading.Lock()

    def list_servers():
        r = nimbus.get("/v2.1/servers/detail", version=version)
        with lock:
            finished.append(r)

    threads = [threading.Thread(target=list_servers) for _ in range(lists)]
    for t in threads:
        t.start()
    flavors = nimbus.get("/v2.1/flavors").status
    with lock:
        ended_first = list(finished)
    for t in threads:
        t.join()
    return flavors, ended_first, finished


class Nimbus:
    """One nimbus process. `config` holds extra INI lines per section.

    keystone=False (noauth2) trusts "user:project" tokens; keystone=True runs
    Nimbus's own identity service, bootstraps admin with ADMIN_PASSWORD and
    signs in as admin: requests then carry that token unless given one."""

    def __init__(self, config=None, data_dir=None, role="all-in-one", args=(), keystone=False):
        self.role = role
        self.args = list(args)
        self.owns_dir = data_dir is None
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="nimbus-e2e-")
        self.port = free_port()
        self.image_port = free_port()
        self.network_port = free_port()
        self.identity_port = free_port()
        self.keystone = keystone
        self.token = ADMIN
        self.config = {"all_in_one": {"cells": 1, "hosts_per_cell": 2},
                       "DEFAULT": {"log_level": "warn"},
                       "api": {"auth_strategy": "keystone" if keystone else "noauth2"},
                       # The tests boot dozens of servers in one project; those
                       # of the quotas set their own limits.
                       "quota": {"instances": -1, "cores": -1, "ram": -1}}
        if keystone:
            self.config["identity"] = {"bootstrap_admin_password": ADMIN_PASSWORD}
        for section, values in (config or {}).items():
            self.config.setdefault(section, {}).update(values)
        self.proc = None

    @property
    def base(self):
        return "http://127.0.0.1:%d" % self.port

    @property
    def auth_url(self):
        return "http://127.0.0.1:%d/v3" % self.identity_port

    def identity(self, method, path, body=None, token=_DEFAULT, **kw):
        """A call to the identity port (path under it, e.g. /v3/projects)."""
        return self.request(method, path, body=body, token=token, port=self.identity_port, **kw)

    def login(self, user, password, project=None, domain="Default"):
        """POST /v3/auth/tokens with a password: the Response (token in
        headers["x-subject-token"] when it is 201)."""
        auth = {"identity": {"methods": ["password"],
                             "password": {"user": {"name": user, "domain": {"name": domain},
                                                   "password": password}}}}
        if project:
            auth["scope"] = {"project": {"name": project, "domain": {"name": domain}}}
        return self.identity("POST", "/v3/auth/tokens", {"auth": auth}, token=None)

    def token_for(self, user, password, project=None):
        r = self.login(user, password, project)
        assert r.status == 201, (r.status, r.text)
        return r.headers["x-subject-token"]

    def write_config(self):
        path = os.path.join(self.data_dir, "nimbus.conf")
        with open(path, "w") as f:
            for section, values in self.config.items():
                f.write("[%s]\n" % section)
                for k, v in values.items():
                    f.write("%s = %s\n" % (k, v))
        return path

    def start(self):
        conf = self.write_config()
        self.log = open(os.path.join(self.data_dir, "nimbus.log"), "ab")
        self.proc = subprocess.Popen(
            [NIMBUS_BIN, self.role, "--config-file", conf, "--data-dir", self.data_dir,
             "--port", str(self.port), "--image-port", str(self.image_port),
             "--network-port", str(self.network_port),
             "--identity-port", str(self.identity_port)] + self.args,
            stdout=self.log, stderr=subprocess.STDOUT)
        if self.role == "cell":
            port = int(self.config["cell"]["listen"].rsplit(":", 1)[1])
            wait_until(lambda: self._listens(port), "cell to listen on %d" % port)
            return self
        if self.role == "compute":
            return self
        wait_until(self._answers, "nimbus to answer on port %d" % self.port, timeout=60)
        if self.keystone:
            self.token = self.token_for("admin", ADMIN_PASSWORD, "admin")
        if self.role == "api":
            return self
        # Hosts join by heartbeat right after start: wait until all report.
        want = int(self.config["all_in_one"]["cells"]) * int(self.config["all_in_one"]["hosts_per_cell"])
        wait_until(lambda: sum(h["state"] == "up" for h in self.get("/v2.1/os-hypervisors").json["hypervisors"]) >= want,
                   "every host to report")
        return self

    def _listens(self, port):
        if self.proc.poll() is not None:
            raise AssertionError("nimbus %s exited with %s; log in %s" % (self.role, self.proc.returncode, self.data_dir))
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", port)) == 0

    def _answers(self):
        if self.proc.poll() is not None:
            raise AssertionError("nimbus exited with %s; log in %s" % (self.proc.returncode, self.data_dir))
        try:
            return self.request("GET", "/v2.1").status == 200
        except OSError:
            return False

    def stop(self, sig=signal.SIGTERM):
        """Stops the process; a process that does not exit within 60 s of
        SIGTERM is killed and reported as hung."""
        hung = False
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                hung = True
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        if getattr(self, "log", None):
            self.log.close()
            self.log = None
        if hung:
            raise AssertionError("nimbus %s did not exit on SIGTERM; log in %s" % (self.role, self.data_dir))

    def freeze(self):
        """SIGSTOP, then waits until every thread is stopped: kill() returns
        before the stop reaches all threads, and a thread not yet stopped
        could still answer a message sent right after."""
        self.proc.send_signal(signal.SIGSTOP)
        wait_until(self._all_threads_stopped, "nimbus %s to stop" % self.role)

    def thaw(self):
        self.proc.send_signal(signal.SIGCONT)

    def _all_threads_stopped(self):
        task_dir = "/proc/%d/task" % self.proc.pid
        for tid in os.listdir(task_dir):
            try:
                with open(os.path.join(task_dir, tid, "stat")) as f:
                    state = f.read().rsplit(")", 1)[1].split()[0]
            except FileNotFoundError:  # the thread ended meanwhile
                continue
            if state not in ("T", "t"):
                return False
        return True

    def close(self):
        self.stop()
        if self.owns_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def request(self, method, path, body=None, token=_DEFAULT, version=None, raw=None, headers=None,
                port=None):
        if token is _DEFAULT:
            token = self.token
        url = "http://127.0.0.1:%d%s" % (port or self.port, path)
        data = raw.encode() if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(url, data=data, method=method)
        if token:
            req.add_header("X-Auth-Token", token)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if version:
            req.add_header("X-OpenStack-Nova-API-Version", version)
            req.add_header("OpenStack-API-Version", "compute " + version)
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                return Response(resp.status, dict(resp.headers), resp.read().decode())
        except urllib.error.HTTPError as e:
            return Response(e.code, dict(e.headers), e.read().decode())

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body=body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    # -- servers ------------------------------------------------------------

    def boot(self, name, flavor="1", version=None, token=_DEFAULT, **extra):
        server = {"name": name, "imageRef": IMAGE_ID, "flavorRef": flavor}
        if version:
            server["networks"] = "none"
        server.update(extra)
        r = self.post("/v2.1/servers", {"server": server}, version=version, token=token)
        assert r.status == 202, (r.status, r.text)
        return r.json["server"]["id"]

    def server(self, uuid, version="2.37"):
        r = self.get("/v2.1/servers/" + uuid, version=version)
        return r.json["server"] if r.status == 200 else None

    def wait_status(self, uuid, *statuses, timeout=60):
        def reached():
            s = self.server(uuid)
            return s if s and s["status"] in statuses and s["OS-EXT-STS:task_state"] is None else None
        return wait_until(reached, "server %s to reach %s" % (uuid, statuses), timeout)

    def wait_gone(self, uuid, timeout=60):
        wait_until(lambda: self.get("/v2.1/servers/" + uuid).status == 404,
                   "server %s to be deleted" % uuid, timeout)

    def act(self, uuid, action):
        return self.post("/v2.1/servers/%s/action" % uuid, action)

    def all_servers(self):
        return self.get("/v2.1/servers/detail?all_tenants=1", version="2.37").json["servers"]
