"""The random phase of the fuzz test: a seeded generator of hostile HTTP
requests (real routes, queries, headers and bodies with a few random
mutations, so that most get past the parser into the handlers), and the
grouping of the failures they find. Not a test module: test_fuzz.py holds
the tests.
"""

import copy
import json
import os
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import ADMIN, IMAGE_ID  # noqa: E402
from fuzz_client import MISSING, OWN, Req, _b, short  # noqa: E402


def signature(req, found):
    """Groups random failures: the kind of problem, the method, the route."""
    after = [f for f in found if f.startswith("AFTER THIS REQUEST")]
    text = found[0]
    if after:
        kind = ("kills nimbus" if "died" in after[0] else
                "freezes nimbus" if "does not answer" in after[0] else "breaks nimbus")
    elif text.startswith("server error"):
        kind = "5xx " + text.split()[2].rstrip(":")
    elif text.startswith("no complete response"):
        kind = "no answer within the deadline"
    elif text.startswith("reading back"):
        kind = "the server it created reads back badly (%s)" % (
            "not UTF-8" if "not UTF-8" in text else "not JSON" if "not JSON" in text else "status")
    elif text.startswith("connection") or text.startswith("malformed"):
        kind = "connection dropped without an answer"
    else:
        kind = "bad fault body"
    path = req.target.split(b"?")[0].decode("latin-1")
    segs = [s for s in path.split("/") if s][:3]
    route = "/" + "/".join(s if s.replace("-", "").replace(".", "").isalnum() or s == OWN else "<junk>"
                           for s in segs)
    if b"?" in req.target:
        route += "?..."
    return "%s: %s %s" % (kind, short(req.method, 20), route)


# -- the random request generator ---------------------------------------------------


class RequestGenerator:
    # The routes that take bodies or filters come up more often.
    PREFIXES = ["/v2.1/servers"] * 8 + ["/v2.1/servers/%s/action" % OWN] * 6 + ["/v2.1/servers/detail"] * 2 + [
                "/", "/v2.1", "/v2.1/servers", "/v2.1/servers/detail", "/v2.1/flavors",
                "/v2.1/flavors/detail", "/v2.1/flavors/1", "/v2.1/os-hypervisors",
                "/v2.1/os-hypervisors/detail", "/v2.1/os-services", "/v2.1/servers/%s/action" % OWN,
                "/v2.1/servers/%s" % OWN, "/v2.1/servers/%s/os-instance-actions" % OWN,
                "/v2.1/servers/%s/action" % MISSING, "/v2.1/images", "/v2.1/images/detail",
                "/v2.1/images/" + IMAGE_ID]
    IMAGE_PREFIXES = ["/", "/v2/images", "/v2/images/" + IMAGE_ID]
    GARBAGE = ["%", "%Z", "%ZZ", "%FF", "%00", "%2F", "%2", "%%", "%u0041", "%C3%28", "%E2%82",
               "%F0%9F%98%80", b"\xff", "\u00e9", "..", ".", "detail", "action", "-1",
               "99999999999999999999", "' OR 1=1--", "<script>", "%0d%0a", "~", "*", "$", "%20", "+",
               "os-instance-actions", "uptime", "os-extra_specs", ";", ",", "{}", "[]", "%7B%7D"]
    METHODS = ["GET"] * 8 + ["POST"] * 8 + ["DELETE"] * 2 + [
        "PUT", "PATCH", "HEAD", "OPTIONS", "TRACE", "get", "FOO", "CONNECT", "M" * 300, "G\tT"]
    PARAMS = ["limit", "marker", "name", "status", "all_tenants", "is_public", "host", "binary",
              "changes-since", "sort_key", "sort_dir", "deleted", "ip", "flavor", "image", "x", "",
              "%ZZ", "name%00", "limit[]"]
    VERSIONS = ["2.1", "2.37", "2.53", "2.69", "2.79", "2.96", "2.99", "3.0", "latest", "2.", "2",
                "2.1.1", ".1", "-2.1", "2.-1", "99999999999999999999.1", "2.99999999999999999999",
                " 2.1 ", b"2.\xff", "\u0662.\u0661", "", "2.1, 2.37", "compute"]
    TOKENS = [ADMIN] * 25 + ["demo:demo"] * 5 + [None, "", ":", "admin", "admin:", ":admin",
                                                "a" * 2000, b"\xff:\xff", "admin:admin\x00x",
                                                "admin:admin admin"]
    SCALARS = [None, True, False, 0, -1, 1, 1.5, -0.0, 10 ** 30, -(10 ** 30), 2 ** 31, 2 ** 63, 2 ** 64,
               1e308, "", "x", " ", "1", "a" * 300, "\u0000", "\u202e", "HARD", "SOFT", [], {}, [1, 2],
               {"a": 1}, [None], IMAGE_ID, "none", "auto"]
    RAW_NUMBERS = [b"1e99999", b"-1e99999", b"99999999999999999999999999", b"1.7976931348623157e309",
                   b"-0", b"0.0000000000000000000001", b"NaN", b"Infinity", b"01", b"+1", b"0x10", b"1.",
                   b".5"]
    BAD_STRINGS = [b'"\xff"', b'"\xc3"', b'"\xc0\xaf"', b'"\xed\xa0\x80"', b'"\xf4\x90\x80\x80"',
                   b'"a\x00b"', b'"\\ud800"', b'"\\udc00\\ud800"', b'"\\u00"', b'"\\x41"', b'"unterminated',
                   b"'single'"]

    def __init__(self, rng):
        self.r = rng

    def pick(self, seq):
        return seq[self.r.randrange(len(seq))]

    def junk(self):
        g = self.pick(self.GARBAGE)
        roll = self.r.random()
        if roll < 0.1:
            return _b(g) * self.r.randint(2, 200)
        if roll < 0.2:
            return b"a" * self.r.randint(256, 5000)
        if roll < 0.3:
            return str(uuid.UUID(int=self.r.getrandbits(128))).encode()
        return _b(g)

    def path(self):
        image = self.r.random() < 0.08
        path = _b(self.pick(self.IMAGE_PREFIXES if image else self.PREFIXES))
        roll = self.r.random()
        segs = [s for s in path.split(b"/") if s]
        if roll < 0.55:
            pass
        elif roll < 0.65:
            segs.append(self.junk())
        elif roll < 0.75 and segs:
            i = self.r.randrange(len(segs))
            segs[i] = self.junk()
        elif roll < 0.9 and segs:
            i = self.r.randrange(len(segs))
            at = self.r.randrange(len(segs[i]) + 1)
            segs[i] = segs[i][:at] + self.junk() + segs[i][at:]
        else:
            segs.append(self.junk())
            segs.append(self.junk())
        path = b"/" + b"/".join(segs)
        if self.r.random() < 0.05:
            path = path.replace(b"/", b"//", 1)
        if self.r.random() < 0.05:
            path += b"/"
        return path, image

    def value(self):
        roll = self.r.random()
        if roll < 0.2:
            return str(self.pick([-1, 0, 1, 3, 1000, 1001, 2 ** 31, 2 ** 63, 10 ** 20, -(10 ** 20)])).encode()
        if roll < 0.35:
            return self.junk()
        if roll < 0.45:
            return OWN.encode()
        if roll < 0.6:
            # Regex-looking, but without nested quantifiers (ReDoS is test 3's job).
            return bytes(self.pick(b"a()|[]^$.?\\-") for _ in range(self.r.randint(1, 8)))
        return _b(self.pick(["", "true", "True", "0", "false", "None", "ACTIVE", "SHUTOFF", "fuzz", "a" * 40,
                             "2020-01-01T00:00:00Z", "not-a-date", "asc", "desc", "compute1", "nova-compute"]))

    def query(self):
        if self.r.random() < 0.4:
            return b""
        parts = []
        for _ in range(self.r.randint(1, 4)):
            k = _b(self.pick(self.PARAMS))
            roll = self.r.random()
            if roll < 0.1:
                parts.append(k)
            elif roll < 0.15:
                parts.append(b"=" + self.value())
            else:
                parts.append(k + b"=" + self.value())
        sep = b"&" if self.r.random() < 0.9 else self.pick([b"&&", b";", b"&=&"])
        return b"?" + sep.join(parts)

    def headers(self):
        out = []
        chunked = False
        for _ in range(self.r.choice([0, 0, 0, 1, 1, 2, 3])):
            roll = self.r.random()
            if roll < 0.25:
                out.append(("X-OpenStack-Nova-API-Version", self.pick(self.VERSIONS)))
            elif roll < 0.45:
                v = self.pick(self.VERSIONS)
                out.append(("OpenStack-API-Version", self.pick([b"compute ", b"COMPUTE ", b"volume ", b""]) + _b(v)))
            elif roll < 0.55:
                out.append(("Content-Type", self.pick(["text/plain", "application/xml", "", "application/json; charset=latin-1",
                                                       b"\xff", "multipart/form-data; boundary=x"])))
            elif roll < 0.62:
                out.append(("Accept", self.pick(["application/xml", "*/*", "", b"\xff", "text/html;q=0.1"])))
            elif roll < 0.7:
                out.append(("Expect", "100-continue"))
            elif roll < 0.75:
                chunked = True
            elif roll < 0.8:
                out.append(("Connection", self.pick(["keep-alive", "Upgrade", "close, close", ""])))
            else:
                name = b"X-Fuzz-" + bytes(self.pick(b"abcXYZ-_.") for _ in range(self.r.randint(1, 8)))
                out.append((name, self.junk()))
        return out, chunked

    def base_body(self, target=b""):
        """A valid body, usually the one the target's route takes."""
        route = target.split(b"?")[0]
        roll = self.r.random()
        if roll < 0.8 and route.endswith(b"/action"):
            kind = "action"
        elif roll < 0.8 and route.rstrip(b"/").endswith(b"/servers"):
            kind = "server"
        elif roll < 0.8 and b"/flavors" in route:
            kind = "flavor"
        else:
            kind = self.pick(["server", "server", "action", "action", "flavor", "options"])
        if kind == "server":
            server = {"name": "fuzz-rand", "imageRef": IMAGE_ID, "flavorRef": self.pick(["1", "2", 1, "42"])}
            for key, choices in (("networks", ["none", "auto", [{"uuid": MISSING}]]),
                                 ("metadata", [{"a": "b"}, {}]), ("min_count", [1, "2", 3]),
                                 ("max_count", [1, 2]), ("key_name", ["k"]), ("description", ["d"]),
                                 ("adminPass", ["p"])):
                if self.r.random() < 0.2:
                    server[key] = self.pick(choices)
            return {"server": server}
        if kind == "action":
            return self.pick([{"os-stop": None}, {"os-start": None}, {"reboot": {"type": "SOFT"}},
                              {"reboot": {"type": "HARD"}}, {"pause": None}, {"os-nonexistent": None}])
        if kind == "flavor":
            return {"flavor": {"name": "f", "ram": 512, "vcpus": 1, "disk": 1}}
        return {"options": {"cell_uuid": MISSING}}

    def spots(self, value, out, parent=None, key=None):
        """Every (container, key) in a JSON tree."""
        if parent is not None:
            out.append((parent, key))
        if isinstance(value, dict):
            for k in list(value):
                self.spots(value[k], out, value, k)
        elif isinstance(value, list):
            for i in range(len(value)):
                self.spots(value[i], out, value, i)
        return out

    def body(self, target):
        roll = self.r.random()
        if roll < 0.04:
            return bytes(self.r.getrandbits(8) for _ in range(self.r.randint(0, 64)))
        if roll < 0.08:
            return self.pick([b"", b"[]", b"42", b"null", b'"x"', b"{", b"}", b"[" * 300])
        doc = self.base_body(target)
        raws = {}
        for _ in range(self.pick([0, 0, 1, 1, 2, 3])):
            spots = self.spots(doc, [])
            if not spots:
                break
            parent, key = self.pick(spots)
            op = self.r.random()
            if op < 0.3:
                parent[key] = copy.deepcopy(self.pick(self.SCALARS))
            elif op < 0.45:
                tag = "__FUZZRAW%d__" % len(raws)
                raws[tag] = self.pick(self.RAW_NUMBERS)
                parent[key] = tag
            elif op < 0.6:
                tag = "__FUZZRAW%d__" % len(raws)
                d = self.r.randint(1, 400)
                raws[tag] = (b"[" * d + b"]" * d) if self.r.random() < 0.5 else (b'{"a":' * d + b"1" + b"}" * d)
                parent[key] = tag
            elif op < 0.75:
                tag = "__FUZZRAW%d__" % len(raws)
                raws[tag] = self.pick(self.BAD_STRINGS)
                parent[key] = tag
            elif op < 0.85 and isinstance(parent, dict):
                del parent[key]
            elif isinstance(parent, dict):
                parent[self.pick(["project_id", "unknown", "", "name", "a" * 300, "\u0000"])] = copy.deepcopy(
                    self.pick(self.SCALARS))
        data = json.dumps(doc).encode()
        for tag, raw in raws.items():
            data = data.replace(b'"' + tag.encode() + b'"', raw)
        if self.r.random() < 0.05:
            data = data[:self.r.randrange(len(data) + 1)]
        if self.r.random() < 0.05:
            data = data.replace(b"{", b'{"name": "dup", ', 1)
        return data

    def request(self):
        path, image = self.path()
        if self.r.random() < 0.5:  # the method the route takes, most of the time
            route = path.rstrip(b"/")
            method = "POST" if route.endswith(b"/action") or route == b"/v2.1/servers" else "GET"
        else:
            method = self.pick(self.METHODS)
        target = path + self.query()
        if method == "DELETE" and OWN.encode() in target:
            target = target.replace(OWN.encode(), MISSING.encode())  # keep the own server for the others
        headers, chunked = self.headers()
        body = None
        if method in ("POST", "PUT", "PATCH") or self.r.random() < 0.1:
            body = self.body(target)
        token = self.pick(self.TOKENS)
        user = token.split(":")[0] if isinstance(token, str) else None
        if method == "DELETE" and (b"/flavors/" in target or b"/images/" in target) and user == "admin":
            token = "demo:demo"  # an admin's delete would take the health check's flavor or image away
        return Req(method, target, body, token=token, headers=headers, port="image" if image else "api",
                   chunked=chunked and body is not None)
