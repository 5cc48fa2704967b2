#!/usr/bin/env python3
"""Bytes written by ten successive snapshots of a guest that changes 1% of
its disk between them: Nimbus's snapshot chain against ten full copies (what
Nova's createImage writes each time).

    bench/snapshot_chain.py [disk_mb=256]

Starts an all-in-one Nimbus with one qemu:///system host (TCG), boots the
test guest of tests/e2e/test_real_guest.py on a root disk of `disk_mb` MB of
random data, and stops it. Ten times: 1% of the disk is rewritten at random
places (qemu-io on the stopped server's disk, as the guest would), a point
is made through /servers/{id}/snapshots, and a full copy of the disk is
written aside (qemu-img convert, as a createImage would) and measured.
Prints one JSON line per round and a summary. Needs what
tests/e2e/test_real_guest.py needs, and qemu-io."""

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "tests", "e2e"))
os.environ.setdefault("NIMBUS_BIN", os.path.join(here, "..", "build", "tools", "nimbus"))

import test_real_guest as guest  # noqa: E402
from harness import Nimbus  # noqa: E402

CLUSTER = 64 * 1024  # qcow2's cluster: the unit a layer holds


def allocated(path):
    return os.stat(path).st_blocks * 512


def main():
    disk_mb = int(sys.argv[1]) if len(sys.argv) > 1 else 256
    work = tempfile.mkdtemp(prefix="nimbus-bench-")
    n = Nimbus(config={"all_in_one": {"cells": 1, "hosts_per_cell": 1},
                       "compute": {"libvirt_uri": "qemu:///system"},
                       "libvirt": {"virt_type": "qemu", "shutdown_timeout": 2}}).start()
    t = guest.RealGuest("test_power_sync_and_the_snapshot_chain_on_a_real_disk")
    t.n = n
    try:
        raw = os.path.join(work, "data.raw")
        with open(raw, "wb") as f:
            for _ in range(disk_mb):
                f.write(os.urandom(1 << 20))
        base = os.path.join(work, "data.qcow2")
        subprocess.run(["qemu-img", "convert", "-q", "-O", "qcow2", raw, base], check=True)
        os.remove(raw)
        kernel = t.image("kernel", guest.kernel_path(), "aki", "aki")
        ramdisk = t.image("ramdisk", guest.build_initramfs(work), "ari", "ari")
        disk = t.image("data", base, "qcow2", "bare", kernel_id=kernel, ramdisk_id=ramdisk)
        uuid = n.boot("chain-bench", imageRef=disk, flavorRef="2")
        n.wait_status(uuid, "ACTIVE", timeout=300)
        t.stop(uuid)
        name = n.server(uuid)["OS-EXT-SRV-ATTR:instance_name"]
        size = disk_mb << 20
        clusters = size // CLUSTER
        per_round = max(1, clusters // 100)
        chain_total = full_total = 0
        for k in range(10):
            active = guest.virsh("domblklist", name).split()[-1]
            picks = random.sample(range(clusters), per_round)
            commands = []
            for c in picks:
                commands += ["-c", "write -P %d %d %d" % (k + 1, c * CLUSTER, CLUSTER)]
            subprocess.run(["qemu-io", "-f", "qcow2"] + commands + [active], check=True,
                           capture_output=True)
            point = t.snapshot(uuid, "round-%d" % k)
            sizes = {p["id"]: p["size"] for p in t.points(uuid)}
            copy = os.path.join(work, "full.qcow2")
            subprocess.run(["qemu-img", "convert", "-U", "-q", "-O", "qcow2", active, copy],
                           check=True)
            full = allocated(copy)
            os.remove(copy)
            chain_total += sizes[point]
            full_total += full
            print(json.dumps({"bench": "snapshot_chain", "round": k + 1,
                              "changed_bytes": per_round * CLUSTER,
                              "point_bytes": sizes[point], "full_copy_bytes": full}), flush=True)
        print(json.dumps({"bench": "snapshot_chain", "disk_mb": disk_mb, "rounds": 10,
                          "chain_bytes": chain_total, "full_copies_bytes": full_total,
                          "ratio": round(full_total / max(chain_total, 1), 1)}))
        n.delete("/v2.1/servers/" + uuid)
        n.wait_gone(uuid, timeout=120)
    finally:
        n.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
