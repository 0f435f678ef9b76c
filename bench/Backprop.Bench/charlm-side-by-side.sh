#!/usr/bin/env bash
# The char-lm workloads, Backprop's bench command against charlm_torch.py, side by side in one sitting
# (docs/performance.md). Usage: bench/Backprop.Bench/charlm-side-by-side.sh [OUT_DIR] [ROUNDS] [STEPS]
# (from the repository root). Each round runs both models in both programs at each thread count of THREADS (default
# "1 N", N = all cores; charlm_torch.py by --threads, the bench by --threads), alternating. STEPS (default 200,
# charlm_torch.py's default) is the run length; the bench's --quick runs 20, so STEPS=20 pairs with it for a short
# sitting. Needs python3-torch and Debian's fortunes-zh.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
peer="${PEER_DIR:-$root/../shared/peer}"
out="${1:-/tmp/charlm-side-by-side-$(date -u +%Y%m%dT%H%M%SZ)}"
rounds="${2:-1}"
steps="${3:-200}"
threads_list="${THREADS:-1 $(nproc)}"
mkdir -p "$out"
dotnet build -c Release "$root/bench/Backprop.Bench" >/dev/null
bench="$root/bench/Backprop.Bench/bin/Release/net10.0/Backprop.Bench"
quick=()
[ "$steps" = 20 ] && quick=(--quick)
[ "$steps" = 20 ] || [ "$steps" = 200 ] || { echo "STEPS must be 20 or 200 (the bench's quick and full runs)" >&2; exit 2; }

{ date -u; lscpu | grep -E '^(Model name|CPU\(s\)|Thread|Core)'; echo "threads: $threads_list, steps $steps, nice $(nice), load $(cut -d' ' -f1-3 /proc/loadavg)"; } \
  | tee "$out/machine.txt"
# charlm_torch.py's record becomes {"charlm_MODEL": {"steps": N, "tokens_per_s": X}}, the shape --compare reads.
wrap() { /usr/bin/python3 -c 'import json, sys
r = json.loads(sys.stdin.read().strip().splitlines()[-1])
print(json.dumps({"charlm_" + r["model"]: {"steps": int(sys.argv[1]), "tokens_per_s": r["tokens_per_s"]}}))' "$steps"; }
for r in $(seq 1 "$rounds"); do
  for t in $threads_list; do
    for model in gpt lstm; do
      /usr/bin/python3 "$peer/charlm_torch.py" --model "$model" --steps "$steps" --sample 0 --threads "$t" | wrap > "$out/torch-$model-t$t-$r.json"
    done
    "$bench" "${quick[@]}" --only charlm_gpt,charlm_lstm --threads "$t" --json > "$out/backprop-t$t-$r.json" 2> "$out/backprop-t$t-$r.err"
    echo "round $r, $t thread(s): torch $(cat "$out"/torch-*-t"$t"-"$r".json | tr '\n' ' ')"
    echo "                     backprop $(cat "$out/backprop-t$t-$r.json") (load $(cut -d' ' -f1-3 /proc/loadavg))"
  done
done

files() { local IFS=,; echo "$*"; }
args=()
for t in $threads_list; do
  args+=(--results "${t}t=$(files "$out"/backprop-t"$t"-*.json)" --compare "PyTorch@${t}t=$(files "$out"/torch-*-t"$t"-*.json)")
done
"$bench" "${args[@]}" | tee "$out/ratios.md"
echo "results in $out"
