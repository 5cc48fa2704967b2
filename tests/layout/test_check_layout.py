"""scripts/check_layout.py fails on each kind of breach, and passes the tree.
Each case builds a small tree of its own in a temporary folder."""

import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CHECKER = os.path.join(ROOT, "scripts", "check_layout.py")


def run(root):
    p = subprocess.run([sys.executable, CHECKER, root], capture_output=True, text=True)
    return p.returncode, p.stdout


class CheckLayout(unittest.TestCase):
    def tree(self, files):
        root = tempfile.mkdtemp(prefix="layout-")
        self.addCleanup(lambda: subprocess.run(["rm", "-rf", root]))
        for rel, text in files.items():
            path = os.path.join(root, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(text)
        return root

    def test_the_repository_keeps_its_layering(self):
        rc, out = run(ROOT)
        self.assertEqual(rc, 0, out)

    def test_a_clean_tree_passes(self):
        rc, out = run(self.tree({"storage/a.h": "#pragma once\n",
                                 "cells/b.cpp": '#include "storage/a.h"\n#include <caf/all.hpp>\n'}))
        self.assertEqual(rc, 0, out)

    def test_an_include_against_the_direction_fails(self):
        rc, out = run(self.tree({"cells/b.h": "#pragma once\n",
                                 "storage/a.cpp": '#include "cells/b.h"\n'}))
        self.assertEqual(rc, 1)
        self.assertIn('storage/a.cpp: includes "cells/b.h"', out)

    def test_the_api_reaching_past_the_facade_fails(self):
        rc, out = run(self.tree({"cells/api_cell.h": "#pragma once\n",
                                 "api/x.cpp": '#include "cells/api_cell.h"\n'}))
        self.assertEqual(rc, 1)
        self.assertIn("api/ may not depend on cells/", out)

    def test_caf_seen_through_a_header_fails(self):
        rc, out = run(self.tree({"actors/m.h": "#pragma once\n#include <caf/meta/type_name.hpp>\n",
                                 "compute/compute_api.h": '#include "actors/m.h"\n'}))
        self.assertEqual(rc, 1)
        self.assertIn("compute/compute_api.h: sees CAF (compute/compute_api.h -> actors/m.h", out)

    def test_a_file_over_the_budget_fails(self):
        rc, out = run(self.tree({"cells/big.cpp": "int x;\n" * 801}))
        self.assertEqual(rc, 1)
        self.assertIn("cells/big.cpp: 801 lines", out)


if __name__ == "__main__":
    unittest.main()
