#!/usr/bin/env python3
"""Checks the tree against the layering rules of docs/DESIGN.md: every
#include points down the dependency graph, the CAF-free layers include no
CAF (directly or through the headers they include), and no source file is
longer than the size budget. Prints each breach and exits 1 if there is any.

    scripts/check_layout.py [ROOT]

ROOT defaults to the repository this script is in; tests/layout runs it on
a copy with a deliberate breach to show that it fails."""

import os
import re
import sys

# Which folders each folder's code may include (its own always). The graph:
#   tools -> {api, app, manage, policy, identity}, api -> {compute, policy, identity, network},
#   identity -> storage, network -> storage, compute -> {cells, network},
#   app -> {compute, transport, cells}, transport -> cells, manage -> cells,
#   cells -> actors -> {storage, hypervisor}
# Headers of a lower layer used for their types (records, messages) count as
# pointing down; the API never reaches cells/, transport/ or app/.
ALLOWED = {
    "storage": set(),
    "hypervisor": set(),
    "policy": set(),
    "identity": {"storage"},
    "network": {"storage"},
    "actors": {"storage", "hypervisor"},
    "cells": {"actors", "storage", "hypervisor"},
    "transport": {"cells", "actors", "storage", "hypervisor"},
    "manage": {"cells", "actors", "storage", "hypervisor"},
    "compute": {"cells", "network", "actors", "storage", "hypervisor"},
    "app": {"compute", "transport", "cells", "network", "actors", "storage", "hypervisor"},
    "api": {"compute", "policy", "identity", "network", "actors", "storage", "hypervisor"},
    "tools": {"api", "app", "manage", "policy", "identity", "cells", "compute", "transport",
              "network", "actors", "storage", "hypervisor"},
}

# Code that must not see CAF: the leaf libraries, the API, and the headers
# of the facade the API includes.
CAF_FREE_FOLDERS = {"storage", "hypervisor", "policy", "identity", "network", "api"}
CAF_FREE_HEADERS = {"compute/compute_api.h", "compute/outcome.h"}
# Breaches known and scheduled, with the reason; each must still occur (a
# fixed one is removed from here, so the list only shrinks).
KNOWN = {}

MAX_LINES = 800
SOURCE_ENDINGS = (".h", ".cpp", ".py", ".sh")
SKIP_DIRS = {"build", "build-asan", ".git", "__pycache__", "data"}
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)


def sources(root):
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        for name in sorted(files):
            if name.endswith(SOURCE_ENDINGS):
                path = os.path.join(folder, name)
                yield os.path.relpath(path, root).replace(os.sep, "/")


def includes(root, rel):
    with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as f:
        return INCLUDE.findall(f.read())


def reaches_caf(root, rel, seen):
    """The chain of project headers from `rel` to a CAF include, or None."""
    if rel in seen:
        return None
    seen.add(rel)
    for kind, target in includes(root, rel):
        if kind == "<" and target.startswith("caf/"):
            return [rel, "<" + target + ">"]
        if kind == '"' and os.path.exists(os.path.join(root, target)):
            chain = reaches_caf(root, target, seen)
            if chain:
                return [rel] + chain
    return None


def check(root):
    breaches, known_seen = [], set()
    for rel in sources(root):
        top = rel.split("/", 1)[0]
        with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as f:
            lines = f.read().count("\n")
        if lines > MAX_LINES:
            breaches.append("%s: %d lines (at most %d): split it by job" % (rel, lines, MAX_LINES))
        if not rel.endswith((".h", ".cpp")) or top not in ALLOWED:
            continue
        for kind, target in includes(root, rel):
            if kind == '"' and "/" in target:
                to = target.split("/", 1)[0]
                if to != top and to in ALLOWED and to not in ALLOWED[top]:
                    breaches.append('%s: includes "%s": %s/ may not depend on %s/' % (rel, target, top, to))
        if top in CAF_FREE_FOLDERS or rel in CAF_FREE_HEADERS:
            chain = reaches_caf(root, rel, set())
            if chain:
                key = ("caf", rel)
                if key in KNOWN:
                    known_seen.add(key)
                    continue
                breaches.append("%s: sees CAF (%s); %s is CAF-free" % (rel, " -> ".join(chain),
                                                                     top + "/" if top in CAF_FREE_FOLDERS else "this header"))
    for key, why in KNOWN.items():
        if key not in known_seen and os.path.exists(os.path.join(root, key[1])):
            breaches.append("%s: listed as a known breach (%s) but no longer one: remove it from KNOWN"
                            % (key[1], why))
    return breaches


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    breaches = check(root)
    for b in breaches:
        print("layout: " + b)
    if breaches:
        print("layout: %d breach(es) of docs/DESIGN.md's layering rules" % len(breaches))
        return 1
    print("layout: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
