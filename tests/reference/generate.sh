#!/usr/bin/env bash
# Regenerates every PyTorch reference file the tests read (needs /usr/bin/python3 with torch).
set -euo pipefail
cd "$(dirname "$0")"
out=../Backprop.Tests/Reference
mkdir -p "$out"
for script in *.py; do
  [ -e "$script" ] || continue
  echo "running $script"
  /usr/bin/python3 "$script" "$out"
done
