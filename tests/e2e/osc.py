"""Debian's `openstack` CLI for the end-to-end tests: a clouds.yaml with
password auth against a test's Nimbus, and one call of the client with it."""

import json
import os
import shutil
import subprocess

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
