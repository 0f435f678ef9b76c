#!/usr/bin/python3
"""Runs lab_torch.py (beside this file) once per argument list, in one process (torch is imported once).

stdin: a JSON list of argument lists, e.g. [["two-layer", "--epochs", "3"], ["graph"]]
stdout: one JSON record per line, in order.
"""
import contextlib
import io
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lab_torch  # noqa: E402

for argv in json.load(sys.stdin):
    sys.argv = ["lab_torch.py"] + argv
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        lab_torch.main()
    sys.stdout.write(out.getvalue().strip() + "\n")
