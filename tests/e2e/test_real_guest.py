"""A real guest under qemu, through libvirtd (qemu:///system).

The test builds a small bootable image at test time from Debian packages,
without downloading anything: the cloud kernel of linux-image-cloud-amd64,
and an initramfs of busybox-static whose init prints a line on the serial
console. It uploads the three images (kernel, ramdisk, and an empty qcow2
root disk whose kernel_id / ramdisk_id properties name the other two),
boots a server on the ssd tier, and reads the console through
os-getConsoleOutput. It then stops, starts, reboots, pauses and suspends the
real qemu process, and deletes it. TCG (virt_type = qemu), so no working
/dev/kvm is needed."""

import glob
import http.client
import json
import os
import shutil
import subprocess
import tempfile
import unittest

from harness import Nimbus, wait_until

UP = "nimbus-guest: up"


def kernel_path():
    kernels = sorted(glob.glob("/boot/vmlinuz-*"))
    return kernels[-1] if kernels else None


def have_qemu():
    return (os.geteuid() == 0 and kernel_path() and shutil.which("qemu-system-x86_64")
            and shutil.which("qemu-img") and os.path.exists("/bin/busybox")
            and subprocess.run(["virsh", "-c", "qemu:///system", "version"],
                               capture_output=True).returncode == 0)


def modules_for(kernel, wanted):
    """The kernel's modules `wanted` needs, dependencies first (modules.dep)."""
    release = os.path.basename(kernel)[len("vmlinuz-"):]
    base = os.path.join("/lib/modules", release)
    deps = {}
    with open(os.path.join(base, "modules.dep")) as f:
        for line in f:
            name, _, rest = line.partition(":")
            deps[name] = rest.split()
    order = []

    def visit(module):
        for dep in deps.get(module, []):
            visit(dep)
        if module not in order:
            order.append(module)

    for module in wanted:
        visit(module)
    return [os.path.join(base, m) for m in order]


def build_initramfs(folder):
    root = os.path.join(folder, "root")
    for d in ("bin", "proc", "sys", "dev", "mods"):
        os.makedirs(os.path.join(root, d))
    shutil.copy("/bin/busybox", os.path.join(root, "bin", "busybox"))
    # Debian's cloud kernel has virtio's PCI and block drivers as modules.
    loads = ""
    for k, module in enumerate(modules_for(kernel_path(), ["kernel/drivers/virtio/virtio_pci.ko",
                                                             "kernel/drivers/block/virtio_blk.ko"])):
        shutil.copy(module, os.path.join(root, "mods", "%02d.ko" % k))
        loads += "insmod /mods/%02d.ko\n" % k
    with open(os.path.join(root, "init"), "w") as f:
        f.write("#!/bin/busybox sh\n"
                "/bin/busybox --install -s /bin\n"
                "mount -t proc proc /proc\n"
                "mount -t sysfs sys /sys\n"
                "mount -t devtmpfs dev /dev\n"
                + loads +
                "[ -e /sys/block/vda ] && echo 'nimbus-guest: root disk vda'\n"
                # The disk's first bytes count the boots: what this boot read,
                # then one more, written through to the disk.
                "v=$(head -c 16 /dev/vda | tr -dc 0-9)\n"
                "echo \"nimbus-guest: disk counter ${v:-0}\"\n"
                "printf '%%-15s\\n' $(( ${v:-0} + 1 )) | dd of=/dev/vda bs=16 count=1 conv=fsync "
                "2>/dev/null\n"
                "sync\n"
                "echo '%s'\n"
                "while true; do sleep 3600; done\n" % UP)
    os.chmod(os.path.join(root, "init"), 0o755)
    out = os.path.join(folder, "initrd.img")
    files = subprocess.run(["find", "."], cwd=root, capture_output=True, check=True).stdout
    with open(out, "wb") as f:
        subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"], cwd=root, input=files, stdout=f,
                       check=True)
    return out


def virsh(*args):
    return subprocess.run(["virsh", "-c", "qemu:///system"] + list(args), capture_output=True,
                          text=True).stdout.strip()


@unittest.skipUnless(have_qemu(), "needs root, libvirtd, qemu, a kernel in /boot and busybox")
class RealGuest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="nimbus-guest-")
        cls.initrd = build_initramfs(cls.work)
        cls.disk = os.path.join(cls.work, "disk.qcow2")
        subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", cls.disk, "64M"], check=True)
        cls.n = Nimbus(config={"all_in_one": {"cells": 1, "hosts_per_cell": 1},
                               "compute": {"libvirt_uri": "qemu:///system"},
                               "libvirt": {"virt_type": "qemu", "shutdown_timeout": 2},
                               "DEFAULT": {"sync_power_state_interval": 1,
                                           "allow_resize_to_same_host": "true"},
                               "image_cache": {"manager_interval": 1,
                                               "remove_unused_original_minimum_age_seconds": 0}
                               }).start()

    @classmethod
    def tearDownClass(cls):
        cls.n.close()
        # What a failed run left in libvirtd: the domains of this data directory.
        for name in virsh("list", "--all", "--name").split():
            if cls.n.data_dir in virsh("dumpxml", name):
                virsh("destroy", name)
                virsh("undefine", name, "--managed-save")
        shutil.rmtree(cls.work, ignore_errors=True)

    def image(self, name, path, disk_format, container_format, **properties):
        body = {"name": name, "disk_format": disk_format, "container_format": container_format,
                "visibility": "public"}
        body.update(properties)
        r = self.n.request("POST", "/v2/images", body, port=self.n.image_port)
        self.assertEqual(r.status, 201, r.text)
        with open(path, "rb") as f:
            data = f.read()
        conn = http.client.HTTPConnection("127.0.0.1", self.n.image_port, timeout=120)
        conn.request("PUT", "/v2/images/%s/file" % r.json["id"], body=data,
                     headers={"X-Auth-Token": self.n.token,
                              "Content-Type": "application/octet-stream"})
        self.assertEqual(conn.getresponse().status, 204)
        conn.close()
        return r.json["id"]

    def guest_images(self):
        """The built guest's kernel, ramdisk and root disk, uploaded (the
        disk's kernel_id / ramdisk_id name the other two)."""
        kernel = self.image("kernel", kernel_path(), "aki", "aki")
        ramdisk = self.image("ramdisk", self.initrd, "ari", "ari")
        disk = self.image("guest", self.disk, "qcow2", "bare", kernel_id=kernel, ramdisk_id=ramdisk)
        return kernel, ramdisk, disk

    def console(self, uuid):
        r = self.n.post("/v2.1/servers/%s/action" % uuid, {"os-getConsoleOutput": {}})
        self.assertEqual(r.status, 200, r.text)
        return r.json["output"]

    def wait_console(self, uuid, text, count=1):
        wait_until(lambda: self.console(uuid).count(text) >= count,
                   "the guest's console to say %r %d times" % (text, count), timeout=180)

    def domain_state(self, uuid):
        name = self.n.server(uuid)["OS-EXT-SRV-ATTR:instance_name"]
        return virsh("domstate", name)

    def test_a_real_guest_boots_and_its_lifecycle_acts_on_qemu(self):
        kernel, ramdisk, disk = self.guest_images()
        uuid = self.n.boot("real", instance_disk_type="ssd", imageRef=disk)
        self.n.wait_status(uuid, "ACTIVE", timeout=120)
        self.wait_console(uuid, UP)
        console = self.console(uuid)
        self.assertIn("Linux version", console)
        self.assertIn("nimbus-guest: root disk vda", console)
        self.assertEqual(self.domain_state(uuid), "running")

        # The root disk: a qcow2 overlay in the ssd pool, on the host's cached base.
        host_dir = os.path.join(self.n.data_dir, "instances", "compute1")
        pool = virsh("pool-dumpxml", "volumes_ssd")
        pool_dir = pool[pool.index("<path>") + 6:pool.index("</path>")]
        overlay = os.path.join(pool_dir, uuid + ".qcow2")
        self.assertTrue(os.path.exists(overlay), overlay)
        info = json.loads(subprocess.run(["qemu-img", "info", "-U", "--output=json", overlay],
                                         capture_output=True, check=True).stdout)
        self.assertEqual(info["format"], "qcow2")
        self.assertEqual(info["backing-filename"], os.path.join(host_dir, "_base", disk))

        self.n.act(uuid, {"os-stop": None})
        self.n.wait_status(uuid, "SHUTOFF", timeout=120)
        self.assertEqual(self.domain_state(uuid), "shut off")
        self.n.act(uuid, {"os-start": None})
        self.n.wait_status(uuid, "ACTIVE", timeout=120)
        self.wait_console(uuid, UP, count=2)

        self.n.act(uuid, {"reboot": {"type": "HARD"}})
        self.n.wait_status(uuid, "ACTIVE", timeout=120)
        self.wait_console(uuid, UP, count=3)

        self.n.act(uuid, {"pause": None})
        self.n.wait_status(uuid, "PAUSED", timeout=120)
        self.assertEqual(self.domain_state(uuid), "paused")
        self.n.act(uuid, {"unpause": None})
        self.n.wait_status(uuid, "ACTIVE", timeout=120)
        self.assertEqual(self.domain_state(uuid), "running")

        self.n.act(uuid, {"suspend": None})
        self.n.wait_status(uuid, "SUSPENDED", timeout=120)
        self.assertEqual(self.domain_state(uuid), "shut off")  # saved to disk, as Nova's
        self.n.act(uuid, {"resume": None})
        self.n.wait_status(uuid, "ACTIVE", timeout=120)
        self.assertEqual(self.domain_state(uuid), "running")

        name = self.n.server(uuid)["OS-EXT-SRV-ATTR:instance_name"]
        self.n.delete("/v2.1/servers/" + uuid)
        self.n.wait_gone(uuid, timeout=120)
        self.assertNotIn(name, virsh("list", "--all", "--name").split())
        self.assertFalse(os.path.exists(overlay))


    def points(self, uuid):
        r = self.n.get("/v2.1/servers/%s/snapshots" % uuid)
        self.assertEqual(r.status, 200, r.text)
        return r.json["snapshots"]

    def snapshot(self, uuid, name):
        r = self.n.post("/v2.1/servers/%s/snapshots" % uuid, {"snapshot": {"name": name}})
        self.assertEqual(r.status, 202, r.text)
        point = r.json["snapshot"]["id"]
        wait_until(lambda: any(p["id"] == point for p in self.points(uuid)),
                   "snapshot point %s" % name, timeout=120)
        self.n.wait_status(uuid, self.n.server(uuid)["status"], timeout=120)
        return point

    def stop(self, uuid):
        self.n.act(uuid, {"os-stop": None})
        self.n.wait_status(uuid, "SHUTOFF", timeout=120)

    def start(self, uuid, counter, times, boots):
        """Starts the server: its `boots`-th boot, which reads `counter` for the
        `times`-th time (and has written counter + 1 once it is up)."""
        self.n.act(uuid, {"os-start": None})
        self.n.wait_status(uuid, "ACTIVE", timeout=120)
        self.wait_console(uuid, "nimbus-guest: disk counter %d" % counter, count=times)
        self.wait_console(uuid, UP, count=boots)

    def test_power_sync_and_the_snapshot_chain_on_a_real_disk(self):
        kernel, ramdisk, disk = self.guest_images()
        uuid = self.n.boot("chain", imageRef=disk)
        self.n.wait_status(uuid, "ACTIVE", timeout=120)
        self.wait_console(uuid, UP)
        self.assertIn("nimbus-guest: disk counter 0", self.console(uuid))
        name = self.n.server(uuid)["OS-EXT-SRV-ATTR:instance_name"]

        # The guest dies outside Nimbus: the power-state sync sees it and the
        # server is stopped, as Nova's _sync_power_states does.
        virsh("destroy", name)
        self.n.wait_status(uuid, "SHUTOFF", timeout=60)
        actions = self.n.get("/v2.1/servers/%s/os-instance-actions" % uuid).json["instanceActions"]
        self.assertIn("stop", [a["action"] for a in actions])

        one = self.snapshot(uuid, "one")  # made while stopped: the disk holds 1
        self.start(uuid, 1, 1, 2)         # reads 1, writes 2
        self.snapshot(uuid, "two")        # made while it runs: the disk holds 2
        self.stop(uuid)
        self.start(uuid, 2, 1, 3)         # reads 2, writes 3
        points = self.points(uuid)
        self.assertEqual([p["name"] for p in points], ["one", "two"])
        self.assertTrue(all(p["size"] > 0 for p in points), points)

        pool = virsh("pool-dumpxml", "volumes_hdd")
        pool_dir = pool[pool.index("<path>") + 6:pool.index("</path>")]
        files = sorted(os.listdir(pool_dir))
        self.assertEqual(len([f for f in files if f.startswith(uuid)]), 3, files)

        # Back to "one": the guest reads what it wrote before that point, and
        # "two" (made after it) is gone.
        r = self.n.post("/v2.1/servers/%s/snapshots/%s/revert" % (uuid, one), None)
        self.assertEqual(r.status, 202, r.text)
        self.n.wait_status(uuid, "ACTIVE", timeout=120)
        self.wait_console(uuid, "nimbus-guest: disk counter 1", count=2)
        self.wait_console(uuid, UP, count=4)  # it wrote 2
        self.assertEqual([p["name"] for p in self.points(uuid)], ["one"])

        # "one" merged into the disk above it: the disk reads the same.
        self.stop(uuid)
        r = self.n.delete("/v2.1/servers/%s/snapshots/%s" % (uuid, one))
        self.assertEqual(r.status, 202, r.text)
        wait_until(lambda: not self.points(uuid), "the point merged", timeout=120)
        self.assertEqual(len([f for f in os.listdir(pool_dir) if f.startswith(uuid)]), 1)
        self.start(uuid, 2, 2, 5)

        base_dir = os.path.join(self.n.data_dir, "instances", "compute1", "_base")
        self.assertIn(disk, os.listdir(base_dir))  # in use: kept by the cache's cleanup
        self.n.delete("/v2.1/servers/" + uuid)
        self.n.wait_gone(uuid, timeout=120)
        self.assertEqual([f for f in os.listdir(pool_dir) if f.startswith(uuid)], [])
        # No guest uses its images any more: the cleanup removes their cached copies.
        wait_until(lambda: not {disk, kernel, ramdisk} & set(os.listdir(base_dir)),
                   "the cache's cleanup of unused bases", timeout=60)

    def saved_image(self, r):
        """The image a createImage (or a point's image) made, once active."""
        self.assertEqual(r.status, 202, r.text)
        image_id = r.json["image_id"]

        def shown():
            return self.n.get("/v2/images/" + image_id, port=self.n.image_port).json
        wait_until(lambda: shown()["status"] == "active", "image %s active" % image_id,
                   timeout=180)
        return shown()

    def test_create_image_and_boot_from_a_point_on_a_real_disk(self):
        kernel, ramdisk, disk = self.guest_images()
        uuid = self.n.boot("imaged", imageRef=disk)
        self.n.wait_status(uuid, "ACTIVE", timeout=120)
        self.wait_console(uuid, UP)  # it read 0, wrote 1
        self.stop(uuid)
        one = self.snapshot(uuid, "one")  # the disk holds 1
        self.start(uuid, 1, 1, 2)         # reads 1, writes 2

        # createImage of the running guest: the whole disk as it is now, one
        # standalone qcow2 in the image store; the guest runs on after it.
        now = self.saved_image(self.n.post("/v2.1/servers/%s/action" % uuid,
                                           {"createImage": {"name": "now"}}, version="2.45"))
        self.assertEqual((now["disk_format"], now["container_format"]), ("qcow2", "bare"))
        self.assertGreater(now["size"], 0)
        self.assertEqual(len(now["checksum"]), 32)
        self.assertEqual(now["os_hash_algo"], "sha512")
        conn = http.client.HTTPConnection("127.0.0.1", self.n.image_port, timeout=120)
        conn.request("GET", "/v2/images/%s/file" % now["id"],
                     headers={"X-Auth-Token": self.n.token, "Range": "bytes=0-3"})
        self.assertEqual(conn.getresponse().read(), b"QFI\xfb")  # qcow2's magic
        conn.close()
        wait_until(lambda: self.n.server(uuid)["OS-EXT-STS:task_state"] is None, "the export")
        self.assertEqual(self.n.server(uuid)["status"], "ACTIVE")
        self.assertEqual(self.domain_state(uuid), "running")
        actions = self.n.get("/v2.1/servers/%s/os-instance-actions" % uuid).json["instanceActions"]
        self.assertEqual(actions[0]["action"], "createImage")

        # An image of point "one", and servers booted from both images: each
        # reads the counter its image holds.
        at_one = self.saved_image(self.n.post("/v2.1/servers/%s/snapshots/%s/image" % (uuid, one),
                                              {"image": {"name": "at-one"}}))
        from_one = self.n.boot("from-one", imageRef=at_one["id"])
        from_now = self.n.boot("from-now", imageRef=now["id"])
        for booted in (from_one, from_now):
            self.n.wait_status(booted, "ACTIVE", timeout=120)
        self.wait_console(from_one, "nimbus-guest: disk counter 1")
        self.wait_console(from_now, "nimbus-guest: disk counter 2")

        # A point merged while its guest runs: the guest is saved and
        # restored around the merge (not rebooted), and its disk reads the same.
        r = self.n.delete("/v2.1/servers/%s/snapshots/%s" % (uuid, one))
        self.assertEqual(r.status, 202, r.text)
        wait_until(lambda: not self.points(uuid), "the live merge", timeout=120)
        self.n.wait_status(uuid, "ACTIVE", timeout=120)
        self.assertEqual(self.domain_state(uuid), "running")
        self.assertEqual(self.console(uuid).count(UP), 2)  # booted twice, no more
        self.stop(uuid)
        self.start(uuid, 2, 1, 3)  # its third boot reads what the second wrote

        # A resize (to the same host: the only one) carries the disk over to
        # the new domain, grown to the new flavor's: the guest reads on.
        # (from_now: the server with points may not move; it read 2, wrote 3.)
        r = self.n.act(from_now, {"resize": {"flavorRef": "2"}})
        self.assertEqual(r.status, 202, r.text)
        self.n.wait_status(from_now, "VERIFY_RESIZE", timeout=180)
        self.wait_console(from_now, "nimbus-guest: disk counter 3")
        self.wait_console(from_now, UP)
        pool = virsh("pool-dumpxml", "volumes_hdd")
        disk_file = os.path.join(pool[pool.index("<path>") + 6:pool.index("</path>")],
                                 from_now + ".qcow2")
        info = json.loads(subprocess.run(["qemu-img", "info", "-U", "--output=json", disk_file],
                                         capture_output=True, check=True).stdout)
        flavor = self.n.get("/v2.1/flavors/2").json["flavor"]
        self.assertEqual(info["virtual-size"], flavor["disk"] * 1024 ** 3)
        self.assertNotIn("backing-filename", info)  # standalone: the whole disk moved
        self.assertEqual(self.n.act(from_now, {"confirmResize": None}).status, 204)
        self.n.wait_status(from_now, "ACTIVE", timeout=120)
        self.assertEqual(os.listdir(os.path.join(self.n.data_dir, "moves")), [])
        for server in (uuid, from_one, from_now):
            self.n.delete("/v2.1/servers/" + server)
        for server in (uuid, from_one, from_now):
            self.n.wait_gone(server, timeout=120)


if __name__ == "__main__":
    unittest.main()
