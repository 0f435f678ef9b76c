#!/usr/bin/env bash
# Backprop against both peers, side by side in one sitting (docs/performance.md says why and how to read it).
# Usage: bench/Backprop.Bench/side-by-side.sh [OUT_DIR] [ROUNDS]   (from the repository root; shared/ beside it)
# Each round runs PyTorch, TorchSharp and Backprop once each (full runs, --json), alternating, so that drift in the
# machine's load lands on all three; the table takes each figure's median over the rounds. Then the peak resident
# memory: the mlp workload alone (PyTorch and Backprop take --only; TorchSharp's program runs everything, so its figure
# is its whole run, given beside our whole run). Needs /usr/bin/time (GNU time) and the peers' set-up, BENCHMARKS.md.
# THREADS=N runs all three with N threads (PyTorch and Backprop by --threads, TorchSharp, which sizes its pool from
# Environment.ProcessorCount, by DOTNET_PROCESSOR_COUNT); the default is all cores. On a machine shared with other work,
# run the script under `nice -n -10` (as root) so that the three get the cores alike; docs/performance.md did so.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
peer="${PEER_DIR:-$root/../shared/peer}"
out="${1:-/tmp/bench-side-by-side-$(date -u +%Y%m%dT%H%M%SZ)}"
rounds="${2:-2}"
mkdir -p "$out"
dotnet build -c Release "$root/bench/Backprop.Bench" >/dev/null
bench=("$root/bench/Backprop.Bench/bin/Release/net10.0/Backprop.Bench")
torch=(/usr/bin/python3 "$peer/bench_torch.py")
torchsharp=("$peer/torchsharp/run.sh")
if [ -n "${THREADS:-}" ]; then
  bench+=(--threads "$THREADS"); torch+=(--threads "$THREADS"); torchsharp=(env DOTNET_PROCESSOR_COUNT="$THREADS" "${torchsharp[@]}")
fi
load() { cut -d' ' -f1-3 /proc/loadavg; }

{ date -u; lscpu | grep -E '^(Model name|CPU\(s\)|Thread|Core)'; echo "dotnet $(dotnet --version)"; echo "threads ${THREADS:-all}, nice $(nice)"; } > "$out/machine.txt"
for r in $(seq 1 "$rounds"); do
  echo "round $r: load $(load)" | tee -a "$out/load.txt"
  "${torch[@]}" > "$out/torch-$r.json"
  echo "  after torch: load $(load)" | tee -a "$out/load.txt"
  "${torchsharp[@]}" > "$out/torchsharp-$r.json"
  echo "  after torchsharp: load $(load)" | tee -a "$out/load.txt"
  "${bench[@]}" --json > "$out/backprop-$r.json" 2> "$out/backprop-$r.err"
  echo "  after backprop: load $(load)" | tee -a "$out/load.txt"
done

# Peak resident set (GNU time's %M, KiB) of a whole process, the same measure for all three.
peak() { /usr/bin/time -f '%M' -o "$out/peak.tmp" "$@" > /dev/null 2>&1; echo "$(( $(tail -1 "$out/peak.tmp") / 1024 )) MiB"; }
{
  echo "mlp only, PyTorch:   $(peak "${torch[@]}" --only mlp)"
  echo "mlp only, Backprop:  $(peak "${bench[@]}" --only mlp --json)"
  echo "whole run, TorchSharp: $(peak "${torchsharp[@]}")"
  echo "whole run, PyTorch:    $(peak "${torch[@]}")"
  echo "whole run, Backprop:   $(peak "${bench[@]}" --json)"
} | tee "$out/peak-memory.txt"
rm -f "$out/peak.tmp"

files() { local IFS=,; echo "$*"; }
"${bench[0]}" --results "$(files "$out"/backprop-*.json)" \
  --compare "PyTorch=$(files "$out"/torch-*.json)" --compare "TorchSharp=$(files "$out"/torchsharp-*.json)" | tee "$out/ratios.md"
echo "results in $out"
