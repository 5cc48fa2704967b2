#!/usr/bin/env python3
"""Boot time of a real guest against the size of its image: copy-on-write
overlays make a 10 GB image boot as fast as a 10 MB one.

    bench/image_boot.py [runs=3]          (IMAGE_SIZES=10M,10G by default)

Starts an all-in-one Nimbus with one qemu:///system host (TCG), uploads a
kernel, a ramdisk and two root disks (raw, 10 MB and 10 GB, sparse on the
client's side, all bytes on Nimbus's), and boots each disk `runs` times:
time to ACTIVE, and to the guest's console line. Prints one JSON line per
size and a summary. With each deletion, the image cache's cleanup
([image_cache] manager_interval = 1 s here, no minimum age): how long after
a server went its cached bases are gone, and how many bytes that frees. Needs
what tests/e2e/test_real_guest.py needs."""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "tests", "e2e"))
os.environ.setdefault("NIMBUS_BIN", os.path.join(here, "..", "build", "tools", "nimbus"))

import test_real_guest as guest  # noqa: E402
from harness import Nimbus, wait_until  # noqa: E402


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    work = tempfile.mkdtemp(prefix="nimbus-bench-")
    n = Nimbus(config={"all_in_one": {"cells": 1, "hosts_per_cell": 1},
                       "compute": {"libvirt_uri": "qemu:///system"},
                       "libvirt": {"virt_type": "qemu", "shutdown_timeout": 2},
                       "image_cache": {"manager_interval": 1,
                                       "remove_unused_original_minimum_age_seconds": 0}}).start()
    t = guest.RealGuest("test_a_real_guest_boots_and_its_lifecycle_acts_on_qemu")
    t.n = n
    try:
        kernel = t.image("kernel", guest.kernel_path(), "aki", "aki")
        ramdisk = t.image("ramdisk", guest.build_initramfs(work), "ari", "ari")
        results = []
        base_dir = os.path.join(n.data_dir, "instances", "compute1", "_base")
        cleanups = []  # (seconds from a server's deletion to its bases' removal, bytes)
        sizes = os.environ.get("IMAGE_SIZES", "10M,10G").split(",")  # e.g. IMAGE_SIZES=10M
        for label, size in ((x + "B", x) for x in sizes):
            path = os.path.join(work, label + ".raw")
            subprocess.run(["qemu-img", "create", "-q", "-f", "raw", path, size], check=True)
            started = time.monotonic()
            disk = t.image(label, path, "raw", "bare", kernel_id=kernel, ramdisk_id=ramdisk)
            upload_s = time.monotonic() - started
            active, console = [], []
            for k in range(runs):
                started = time.monotonic()
                uuid = n.boot("%s-%d" % (label, k), imageRef=disk, flavorRef="2")
                state = n.wait_status(uuid, "ACTIVE", "ERROR", timeout=300)
                if state["status"] == "ERROR":
                    raise SystemExit("boot failed: %s" % state.get("fault"))
                active.append(time.monotonic() - started)
                wait_until(lambda: guest.UP in t.console(uuid), "the console", timeout=300)
                console.append(time.monotonic() - started)
                # Once it is gone, the cleanup takes the bases it used.
                held = set(os.listdir(base_dir))
                freed = sum(os.stat(os.path.join(base_dir, f)).st_blocks * 512 for f in held)
                n.delete("/v2.1/servers/" + uuid)
                n.wait_gone(uuid, timeout=120)
                gone = time.monotonic()
                wait_until(lambda: not held & set(os.listdir(base_dir)), "the cache's cleanup",
                           timeout=120)
                cleanups.append((time.monotonic() - gone, freed))
            line = {"bench": "image_boot", "image": label, "runs": runs,
                    "upload_s": round(upload_s, 2),
                    "to_active_s": round(statistics.median(active), 3),
                    "to_console_s": round(statistics.median(console), 3),
                    "to_active_runs": [round(x, 3) for x in active],
                    "to_console_runs": [round(x, 3) for x in console]}
            print(json.dumps(line))
            results.append(line)
        cleanup = {"bench": "image_cache_cleanup", "runs": len(cleanups),
                   "cleanup_s": round(statistics.median(c[0] for c in cleanups), 2),
                   "freed_bytes": max(c[1] for c in cleanups)}
        print(json.dumps(cleanup))
        for r in results:
            print("image %s: uploaded in %.1f s; boot to ACTIVE %.2f s, to its console line %.2f s"
                  " (medians of %d)" % (r["image"], r["upload_s"], r["to_active_s"],
                                       r["to_console_s"], runs))
        print("cache cleanup: a deleted server's bases gone %.1f s after it (median), up to %d"
              " bytes freed"
              % (cleanup["cleanup_s"], cleanup["freed_bytes"]))
    finally:
        n.close()
        for name in guest.virsh("list", "--all", "--name").split():
            if n.data_dir in guest.virsh("dumpxml", name):
                guest.virsh("destroy", name)
                guest.virsh("undefine", name, "--managed-save")
        subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    main()
