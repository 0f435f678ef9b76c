import json, glob, sys, os, collections
out = sys.argv[1]
vals = collections.defaultdict(list)   # (who, t, w) -> [gflops]
for f in sorted(glob.glob(f"{out}/*-t*-*.json")):
    who, t, _ = os.path.basename(f)[:-5].rsplit("-", 2)
    try: j = json.load(open(f))
    except Exception: continue
    for w, v in j.items():
        if w.startswith("gemm_"): vals[(who, t, w)].append(v["gflops"])
ws = ["gemm_128", "gemm_256", "gemm_512", "gemm_1024"]
who_all = ["before", "backprop", "torch", "torchsharp"]
print("| workload | threads | " + " | ".join(f"{w} max (min, n)" for w in who_all) + " |")
print("|---|---|" + "---|" * len(who_all))
for w in ws:
    for t in ("t1", "t2"):
        cells = []
        for who in who_all:
            v = vals.get((who, t, w), [])
            cells.append(f"{max(v):.1f} ({min(v):.1f}, {len(v)})" if v else "-")
        print(f"| {w} | {t[1]} | " + " | ".join(cells) + " |")
print()
print("| workload | before best | Backprop best | PyTorch best | TorchSharp best | × vs better peer |")
print("|---|---|---|---|---|---|")
for w in ws:
    def best(who):
        c = [(max(vals[(who, t, w)]), t[1]) for t in ("t1", "t2") if vals.get((who, t, w))]
        return max(c) if c else (float("nan"), "-")
    old, ours, torch, sharp = best("before"), best("backprop"), best("torch"), best("torchsharp")
    peer = max(torch[0], sharp[0])
    print(f"| {w} | {old[0]:.1f} ({old[1]}t) | {ours[0]:.1f} ({ours[1]}t) | {torch[0]:.1f} ({torch[1]}t) | {sharp[0]:.1f} ({sharp[1]}t) | {ours[0]/peer:.2f}× |")
