"""Debian's `openstack` CLI for the end-to-end tests: a clouds.yaml with
password auth against a test's Nimbus, and one call of the client with it."""

import json
import os
import shutil
import subprocess
import tempfile
import unittest

from harness import ADMIN_PASSWORD, Nimbus

OPENSTACK = shutil.which("openstack") or "/usr/bin/openstack"

_CLOUD = """  %(name)s:
    auth:
      auth_url: %(auth_url)s
      username: %(user)s
      password: %(password)s
      project_name: %(project)s
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionOne
    identity_api_version: 3
"""


def write_clouds(path, auth_url, clouds):
    """clouds: {name: (user, password, project)}."""
    text = "clouds:\n"
    for name, (user, password, project) in clouds.items():
        text += _CLOUD % {"name": name, "auth_url": auth_url, "user": user,
                          "password": password, "project": project}
    with open(path, "w") as f:
        f.write(text)


def run(clouds_path, args, cloud="nimbus", version=None, parse=True):
    """Runs `openstack --os-cloud CLOUD [--os-compute-api-version V] ARGS
    [-f json]` with only the clouds.yaml for configuration."""
    cmd = [OPENSTACK, "--os-cloud", cloud]
    if version:
        cmd += ["--os-compute-api-version", version]
    cmd += list(args)
    if parse:
        cmd += ["-f", "json"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("OS_")}
    env["OS_CLIENT_CONFIG_FILE"] = clouds_path
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env)


def output(p, parse):
    return json.loads(p.stdout) if parse and p.stdout.strip() else p.stdout


class CliTestCase(unittest.TestCase):
    """A Nimbus with its identity service for the class, and the CLI signed
    in to it as the admin: self.n, self.osc(...). A class's `config`
    (sections of nimbus.conf) goes to its Nimbus."""

    config = None

    @classmethod
    def setUpClass(cls):
        cls.n = Nimbus(config=cls.config, keystone=True).start()
        cls.config_dir = tempfile.mkdtemp(prefix="nimbus-osc-")
        cls.clouds = os.path.join(cls.config_dir, "clouds.yaml")
        write_clouds(cls.clouds, cls.n.auth_url, {"nimbus": ("admin", ADMIN_PASSWORD, "admin")})

    @classmethod
    def tearDownClass(cls):
        cls.n.close()
        shutil.rmtree(cls.config_dir, ignore_errors=True)

    def osc(self, *args, version=None, parse=False, ok=True):
        """The command's output (parsed from JSON with parse); with ok=False
        it must fail, and its stderr is returned."""
        p = run(self.clouds, args, version=version, parse=parse)
        if not ok:
            self.assertNotEqual(p.returncode, 0, " ".join(args))
            return p.stderr
        self.assertEqual(p.returncode, 0, "%s\nstdout: %s\nstderr: %s" % (" ".join(args), p.stdout, p.stderr))
        return output(p, parse)
