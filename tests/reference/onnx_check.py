"""Checks ONNX files with ONNX's own checker, as tests/Backprop.Onnx.Tests/OnnxCheckerTests.cs runs it at test time.

    onnx_check.py FILE...   onnx.checker.check_model(model, full_check=True) on each file (full_check runs ONNX's
                            shape inference strictly too); prints {"FILE": "ok" or the checker's message} as JSON and
                            exits 1 when any file fails.

Needs Debian's python3-onnx. generate.sh runs every script here with an output directory as the only argument; this
one writes no reference file, so it does nothing then.
"""
import json
import os
import sys

if len(sys.argv) == 2 and os.path.isdir(sys.argv[1]):
    print("onnx_check.py: run by the tests at test time; nothing to generate")
    sys.exit(0)

import onnx

results = {}
for path in sys.argv[1:]:
    try:
        onnx.checker.check_model(onnx.load(path), full_check=True)
        results[path] = "ok"
    except Exception as e:  # the checker's own exception types differ between ONNX versions
        results[path] = f"{type(e).__name__}: {e}"
print(json.dumps(results))
sys.exit(0 if all(v == "ok" for v in results.values()) else 1)
