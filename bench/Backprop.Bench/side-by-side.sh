#!/usr/bin/env bash
# Backprop against both peers, side by side in one sitting (docs/performance.md says why and how to read it).
# Usage: bench/Backprop.Bench/side-by-side.sh [OUT_DIR] [ROUNDS]   (from the repository root; shared/ beside it)
# Each round runs PyTorch, TorchSharp and Backprop once each (full runs, --json), alternating, so that drift in the
# machine's load lands on all three; the table takes each figure's median over the rounds. Then the peak resident
# memory: the mlp workload alone (PyTorch and Backprop take --only; TorchSharp's program runs everything, so its figure
# is its whole run, given beside our whole run). Needs /usr/bin/time (GNU time) and the peers' set-up, BENCHMARKS.md.
# Every contender runs at each thread count of THREADS (default "1 N", N = all cores; PyTorch and Backprop by
# --threads, TorchSharp, which sizes its pool from Environment.ProcessorCount, by DOTNET_PROCESSOR_COUNT), and each
# workload compares the contenders' bests (a user who picks a library sets its fastest thread count;
# ../shared/BENCHMARKS.md). The machine's limits (FMA throughput on one and all threads, copy bandwidth) are measured
# first and written beside the table. On a machine shared with other work, run the script under `nice -n -10` (as
# root) so that the three get the cores alike; docs/performance.md did so.
# BASELINE_BENCH=path/to/Backprop.Bench.dll (built from another commit) runs that build too, in every round right after
# the current one, and prints a second table against the same peer runs: a before/after in one sitting.
# BUSY_CORE=K keeps CPU K busy with a spin loop from the end of the limits' measurement to the end of the sitting
# (issue 20's loaded sitting: another process on one core), so that ratios under competition can be set beside a
# quiet sitting's.
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
threads_list="${THREADS:-1 $(nproc)}"
baseline="${BASELINE_BENCH:-}"
load() { cut -d' ' -f1-3 /proc/loadavg; }

"${bench[@]}" --machine-limits > "$out/limits.json" 2> "$out/limits.txt"
{ date -u; lscpu | grep -E '^(Model name|CPU\(s\)|Thread|Core)'; echo "dotnet $(dotnet --version)"; echo "threads: $threads_list, nice $(nice)";
  if [ -n "${BUSY_CORE:-}" ]; then echo "a spin loop keeps CPU $BUSY_CORE busy after the limits are measured"; fi
  cat "$out/limits.txt"; } > "$out/machine.txt"
cat "$out/machine.txt"
if [ -n "${BUSY_CORE:-}" ]; then
  taskset -c "$BUSY_CORE" sh -c 'while :; do :; done' &
  busy=$!
  trap 'kill "$busy" 2>/dev/null || true' EXIT
fi
for r in $(seq 1 "$rounds"); do
  for t in $threads_list; do
    echo "round $r, $t thread(s): load $(load)" | tee -a "$out/load.txt"
    "${torch[@]}" --threads "$t" > "$out/torch-t$t-$r.json"
    echo "  after torch: load $(load)" | tee -a "$out/load.txt"
    env DOTNET_PROCESSOR_COUNT="$t" "${torchsharp[@]}" > "$out/torchsharp-t$t-$r.json"
    echo "  after torchsharp: load $(load)" | tee -a "$out/load.txt"
    "${bench[@]}" --threads "$t" --json > "$out/backprop-t$t-$r.json" 2> "$out/backprop-t$t-$r.err"
    echo "  after backprop: load $(load)" | tee -a "$out/load.txt"
    if [ -n "$baseline" ]; then
      dotnet "$baseline" --threads "$t" --json > "$out/baseline-t$t-$r.json" 2> "$out/baseline-t$t-$r.err"
      echo "  after the baseline build: load $(load)" | tee -a "$out/load.txt"
    fi
  done
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
ratios() {   # ratios FILE_PREFIX: that build's bests against the peers' bests
  local args=()
  for t in $threads_list; do
    args+=(--results "${t}t=$(files "$out"/"$1"-t"$t"-*.json)"
      --compare "PyTorch@${t}t=$(files "$out"/torch-t"$t"-*.json)" --compare "TorchSharp@${t}t=$(files "$out"/torchsharp-t"$t"-*.json)")
  done
  "${bench[0]}" "${args[@]}" --limits "$out/limits.json"
}
ratios backprop | tee "$out/ratios.md"
if [ -n "$baseline" ]; then echo "the baseline build ($baseline):"; ratios baseline | tee "$out/ratios-baseline.md"; fi
echo "results in $out"
