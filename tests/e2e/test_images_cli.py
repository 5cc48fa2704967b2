"""The Glance v2 subset on the real binary: `openstack image create --file`
and `image save` through Debian's CLI, the upload streamed to disk (chunked
too), downloads whole and by range, the size cap, members, deactivation, and
boots from an uploaded image."""

import hashlib
import http.client
import json
import os
import tempfile
import unittest

from harness import ADMIN_PASSWORD
from osc import CliTestCase, write_clouds


class ImagesCli(CliTestCase):
    config = {"image": {"image_size_cap": 4 * 1024 * 1024}}

    def image_call(self, method, path, body=None, token=None, headers=None, raw=None):
        return self.n.request(method, path, body=body, raw=raw, token=token or self.n.token,
                              port=self.n.image_port, headers=headers)

    def data_file(self, size):
        fd, path = tempfile.mkstemp(prefix="nimbus-image-")
        data = os.urandom(size)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        self.addCleanup(os.unlink, path)
        return path, data

    def images_on_disk(self):
        folder = os.path.join(self.n.data_dir, "images")
        return sorted(f for f in os.listdir(folder) if f != "staging")

    def test_create_with_a_file_save_it_back_and_boot_from_it(self):
        path, data = self.data_file(3 * 1024 * 1024 + 7)
        self.osc("image", "create", "--file", path, "--disk-format", "raw", "cli-image", parse=True)
        shown = self.osc("image", "show", "cli-image", parse=True)
        self.assertEqual(shown["status"], "active")
        self.assertEqual(shown["size"], len(data))
        self.assertEqual(shown["checksum"], hashlib.md5(data).hexdigest())
        self.assertEqual(shown["properties"]["os_hash_value"], hashlib.sha512(data).hexdigest())
        # One file per image, whole, under the data directory.
        with open(os.path.join(self.n.data_dir, "images", shown["id"]), "rb") as f:
            self.assertEqual(f.read(), data)
        self.assertEqual(os.listdir(os.path.join(self.n.data_dir, "images", "staging")), [])

        out = os.path.join(tempfile.mkdtemp(prefix="nimbus-save-"), "saved.raw")
        self.osc("image", "save", "--file", out, "cli-image")
        with open(out, "rb") as f:
            self.assertEqual(f.read(), data)

        server = self.osc("server", "create", "--flavor", "m1.tiny", "--image", "cli-image",
                          "--wait", "from-upload", parse=True)
        self.assertEqual(server["status"], "ACTIVE")
        self.osc("server", "delete", "--wait", "from-upload")
        self.osc("image", "delete", "cli-image")
        self.assertNotIn(shown["id"], self.images_on_disk())

    def test_chunked_upload_and_range_downloads(self):
        r = self.image_call("POST", "/v2/images", {"name": "chunked", "disk_format": "raw",
                                                   "container_format": "bare"})
        self.assertEqual(r.status, 201, r.text)
        image_id = r.json["id"]
        self.assertEqual(r.json["status"], "queued")
        self.assertIsNone(r.json["size"])
        self.assertEqual(self.image_call("GET", "/v2/images/%s/file" % image_id).status, 204)

        data = os.urandom(300000)
        status, body = self.put_chunked(image_id, data)
        self.assertEqual(status, 204, body)

        shown = self.image_call("GET", "/v2/images/" + image_id).json
        self.assertEqual((shown["status"], shown["size"]), ("active", len(data)))
        for header, first, last in (("bytes=0-9", 0, 9), ("bytes=299990-", 299990, 299999),
                                    ("bytes=-5", 299995, 299999)):
            conn = http.client.HTTPConnection("127.0.0.1", self.n.image_port, timeout=60)
            conn.request("GET", "/v2/images/%s/file" % image_id,
                         headers={"X-Auth-Token": self.n.token, "Range": header})
            resp = conn.getresponse()
            body = resp.read()
            conn.close()
            self.assertEqual(resp.status, 206, header)
            self.assertEqual(resp.getheader("Content-Range"),
                             "bytes %d-%d/%d" % (first, last, len(data)))
            self.assertEqual(body, data[first:last + 1])
        r = self.image_call("GET", "/v2/images/%s/file" % image_id, headers={"Range": "bytes=400000-"})
        self.assertEqual(r.status, 416)
        self.assertEqual(r.json["title"], "Requested Range Not Satisfiable")

        # A second upload is refused: the image has its data.
        r = self.image_call("PUT", "/v2/images/%s/file" % image_id, raw="more",
                            headers={"Content-Type": "application/octet-stream"})
        self.assertEqual(r.status, 409, r.text)
        self.assertIn("Image status transition from active to saving is not allowed",
                      r.json["message"])

    def put_chunked(self, image_id, data, piece=65536):
        conn = http.client.HTTPConnection("127.0.0.1", self.n.image_port, timeout=60)
        conn.putrequest("PUT", "/v2/images/%s/file" % image_id)
        conn.putheader("X-Auth-Token", self.n.token)
        conn.putheader("Content-Type", "application/octet-stream")
        conn.putheader("Transfer-Encoding", "chunked")
        conn.endheaders()
        for k in range(0, len(data), piece):
            chunk = data[k:k + piece]
            conn.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        conn.send(b"0\r\n\r\n")
        resp = conn.getresponse()
        body = resp.read()
        conn.close()
        return resp.status, body

    def test_an_upload_past_the_size_cap_is_refused_and_leaves_nothing(self):
        r = self.image_call("POST", "/v2/images", {"name": "big", "disk_format": "raw",
                                                   "container_format": "bare"})
        image_id = r.json["id"]
        # Chunked: the listener learns the size as it reads, and stops at the cap.
        status, body = self.put_chunked(image_id, os.urandom(4 * 1024 * 1024 + 100))
        self.assertEqual(status, 413)
        self.assertIn("The incoming image is too large", json.loads(body)["message"])
        self.assertEqual(self.image_call("GET", "/v2/images/" + image_id).json["status"], "queued")
        self.assertEqual(os.listdir(os.path.join(self.n.data_dir, "images", "staging")), [])
        self.assertNotIn(image_id, self.images_on_disk())
        # What fits is taken.
        status, _ = self.put_chunked(image_id, os.urandom(4 * 1024 * 1024))
        self.assertEqual(status, 204)

    def test_members_share_an_image_with_another_project(self):
        self.osc("project", "create", "--domain", "default", "guests")
        self.osc("user", "create", "--domain", "default", "--project", "guests",
                 "--password", "guest-pass", "guest")
        self.osc("role", "add", "--project", "guests", "--user", "guest", "member")
        clouds = os.path.join(self.config_dir, "guest.yaml")
        write_clouds(clouds, self.n.auth_url, {"guest": ("guest", "guest-pass", "guests"),
                                               "nimbus": ("admin", ADMIN_PASSWORD, "admin")})
        from osc import run, output

        def as_guest(*args):
            p = run(clouds, args, cloud="guest", parse=True)
            self.assertEqual(p.returncode, 0, "%s\n%s" % (" ".join(args), p.stderr))
            return output(p, True)

        path, _ = self.data_file(1024)
        image = self.osc("image", "create", "--file", path, "--shared", "shared-image", parse=True)
        self.assertNotIn("shared-image", [i["Name"] for i in as_guest("image", "list")])
        guests = self.osc("project", "show", "guests", parse=True)["id"]
        self.osc("image", "add", "project", "shared-image", guests)
        self.assertNotIn("shared-image", [i["Name"] for i in as_guest("image", "list")])
        p = run(clouds, ["image", "set", "--accept", image["id"]], cloud="guest", parse=False)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("shared-image", [i["Name"] for i in as_guest("image", "list")])
        members = self.osc("image", "member", "list", "shared-image", parse=True)
        self.assertEqual([(m["Member ID"], m["Status"]) for m in members], [(guests, "accepted")])
        self.osc("image", "remove", "project", "shared-image", guests)
        self.assertNotIn("shared-image", [i["Name"] for i in as_guest("image", "list")])

    def test_deactivated_images_keep_their_data_from_others_and_do_not_boot(self):
        path, data = self.data_file(2048)
        self.osc("image", "create", "--file", path, "--public", "--min-ram", "1024", "gated",
                 parse=True)
        # Nova's checks of the image at a boot: min_ram against the flavor.
        stderr = self.osc("server", "create", "--flavor", "m1.tiny", "--image", "gated", "small",
                          ok=False)
        self.assertIn("Flavor's memory is too small for requested image", stderr)
        self.osc("image", "set", "--deactivate", "gated")
        shown = self.osc("image", "show", "gated", parse=True)
        self.assertEqual(shown["status"], "deactivated")
        stderr = self.osc("server", "create", "--flavor", "m1.small", "--image", "gated", "off",
                          ok=False)
        self.assertIn("is not active", stderr)
        self.osc("image", "set", "--activate", "gated")
        self.assertEqual(self.osc("image", "show", "gated", parse=True)["status"], "active")


if __name__ == "__main__":
    unittest.main()
