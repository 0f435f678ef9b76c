#!/usr/bin/env bash
# One Fashion-MNIST epoch, Backprop's lab against fmnist_torch.py, side by side in one sitting (docs/performance.md).
# Usage: bench/Backprop.Bench/fashion-mnist-side-by-side.sh [OUT_DIR] [ROUNDS]   (from the repository root)
# Each round runs both models in both programs at each thread count of THREADS (default "1 N", N = all cores;
# fmnist_torch.py by --threads, the lab by DOTNET_PROCESSOR_COUNT), alternating; the table compares each at its best
# thread count (../shared/BENCHMARKS.md) and gives the share of the machine's FMA limit. Accuracies are listed below
# it: the target holds only at equal accuracy (within 1.5 points). Needs dataset-fashion-mnist and python3-torch.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
peer="${PEER_DIR:-$root/../shared/peer}"
out="${1:-/tmp/fmnist-side-by-side-$(date -u +%Y%m%dT%H%M%SZ)}"
rounds="${2:-2}"
threads_list="${THREADS:-1 $(nproc)}"
mkdir -p "$out"
dotnet build -c Release "$root/bench/Backprop.Bench" >/dev/null
dotnet build -c Release "$root/src/Backprop.Lab" >/dev/null
bench="$root/bench/Backprop.Bench/bin/Release/net10.0/Backprop.Bench"
lab="$root/src/Backprop.Lab/bin/Release/net10.0/Backprop.Lab.dll"

"$bench" --machine-limits > "$out/limits.json" 2> "$out/limits.txt"
{ date -u; uptime; lscpu | grep -E '^(Model name|CPU\(s\)|Thread|Core)'; echo "threads: $threads_list, nice $(nice)"; cat "$out/limits.txt"; } \
  | tee "$out/machine.txt"
# Each record becomes {"fmnist_MODEL": record}, the shape the bench command's --compare reads.
wrap() { printf '{"fmnist_%s": %s}\n' "$1" "$(grep '^{' | tail -1)"; }
for r in $(seq 1 "$rounds"); do
  for model in mlp cnn; do
    for t in $threads_list; do
      /usr/bin/python3 "$peer/fmnist_torch.py" --model "$model" --epochs 1 --threads "$t" | wrap "$model" > "$out/torch-$model-t$t-$r.json"
      DOTNET_PROCESSOR_COUNT="$t" dotnet "$lab" fashion-mnist --model "$model" --epochs 1 --json | wrap "$model" > "$out/backprop-$model-t$t-$r.json"
      echo "round $r, $model, $t thread(s): torch $(cat "$out/torch-$model-t$t-$r.json" | cut -c1-160)"
      echo "                          backprop $(cat "$out/backprop-$model-t$t-$r.json" | cut -c1-160)"
    done
  done
done

files() { local IFS=,; echo "$*"; }
args=()
for t in $threads_list; do
  args+=(--results "${t}t=$(files "$out"/backprop-*-t"$t"-*.json)" --compare "PyTorch@${t}t=$(files "$out"/torch-*-t"$t"-*.json)")
done
"$bench" "${args[@]}" --limits "$out/limits.json" | tee "$out/ratios.md"
echo "test accuracy (every run):" | tee -a "$out/ratios.md"
grep -o '"fmnist_[a-z]*\|"test_accuracy": [0-9.]*' "$out"/*.json | paste - - | sed 's/"//g' | tee -a "$out/ratios.md"
echo "load at the end: $(uptime)" | tee -a "$out/machine.txt"
echo "results in $out"
