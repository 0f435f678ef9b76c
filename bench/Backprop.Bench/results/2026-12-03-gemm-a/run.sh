#!/usr/bin/env bash
# usage: run.sh OUTDIR ROUNDS — alternates before/after Backprop, PyTorch and TorchSharp at 1 and 2 threads
out=$1; rounds=$2; mkdir -p $out
nice -n -19 dotnet /tmp/gemm-e/Backprop.Bench.dll --machine-limits > $out/limits.json 2>/dev/null
for r in $(seq 1 $rounds); do
  for t in 1 2; do
    echo "$(date -u +%H:%M:%S) round $r t$t load $(cut -d' ' -f1-3 /proc/loadavg)" >> $out/loads.txt
    nice -n -19 dotnet /tmp/gemm-before/Backprop.Bench.dll --only gemm --threads $t --json > $out/before-t$t-$r.json 2> $out/before-t$t-$r.err
    nice -n -19 dotnet /tmp/gemm-e/Backprop.Bench.dll --only gemm --threads $t --json > $out/backprop-t$t-$r.json 2> $out/backprop-t$t-$r.err
    nice -n -19 /usr/bin/python3 /work/shared/peer/bench_torch.py --only gemm --threads $t > $out/torch-t$t-$r.json 2> $out/torch-t$t-$r.err
    DOTNET_PROCESSOR_COUNT=$t nice -n -19 bash /work/shared/peer/torchsharp/run.sh > $out/torchsharp-t$t-$r.json 2> $out/torchsharp-t$t-$r.err
  done
done
touch $out/finished
