"""Reference random streams of PyTorch 1.13's CPU generator, for Backprop's random functions.

Usage: python3 random_reference.py OUTPUT_DIR   (writes OUTPUT_DIR/random_streams.json)

Every case starts from torch.manual_seed(seed) (or a fresh torch.Generator().manual_seed(seed), where the function
takes one) and records what one call returns, plus "state": the first 16 hex digits of the SHA-256 of
torch.get_rng_state() after it, which pins how many draws the call consumed (and the cached Box-Muller value). Values are stored exactly:
- float32 as their IEEE bit patterns (unsigned 32-bit integers), float64 as Python's shortest round-trip decimal
  (which .NET parses back to the same double), int64 and bool as integers;
- bool tensors (masks) as a string of '0' and '1';
- a result of more than MAX_FULL elements as "sha256" (of its little-endian bytes: 4 per float32, 8 per float64 or
  int64) plus its first and last 5 values ("head", "tail").
"""
import base64
import hashlib
import json
import os
import struct
import sys
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, random_split

warnings.filterwarnings("ignore")

SEEDS = [0, 1, 42, 12345]
SIZES = [1, 5, 15, 16, 17, 100, 1000]
MAX_FULL = 100
RANDINT_RANGES = [(0, 10), (-5, 1000000), (-(2 ** 39), 2 ** 40)]   # the last spans more than 2^32: 64-bit draws
# (in_features, out_features): weight numels 1, 5, 15, 16, 17, 100, 1000
LINEAR_SHAPES = [(1, 1), (5, 1), (3, 5), (4, 4), (17, 1), (10, 10), (100, 10)]
BATCH_SIZE = 4


def short_sha(state):
    """The first 16 hex digits of the SHA-256 of a generator state's bytes: enough to tell stream positions apart."""
    return hashlib.sha256(state.numpy().tobytes()).hexdigest()[:16]


def state_sha():
    return short_sha(torch.get_rng_state())


def dtype_name(t):
    return {torch.float32: "float32", torch.float64: "float64", torch.int64: "int64", torch.bool: "bool"}[t.dtype]


def exact_list(t):
    t = t.detach().contiguous().flatten()
    if t.dtype == torch.float32:
        return [struct.unpack("<I", struct.pack("<f", v))[0] for v in t.tolist()]
    if t.dtype == torch.float64:
        return t.tolist()   # json writes repr(): the shortest decimal that round-trips
    return [int(v) for v in t.tolist()]


def le_bytes(t):
    t = t.detach().contiguous().flatten()
    if t.dtype == torch.bool:
        t = t.to(torch.int64)
    return t.numpy().astype(t.numpy().dtype.newbyteorder("<")).tobytes()


def packed(t):
    """A tensor's values exactly: all of them, or a hash and both ends."""
    out = {"dtype": dtype_name(t), "shape": list(t.shape)}
    if t.dtype == torch.bool:
        out["mask"] = "".join("1" if v else "0" for v in t.flatten().tolist())
        return out
    values = exact_list(t)
    if len(values) <= MAX_FULL:
        out["values"] = values
    else:
        out["sha256"] = hashlib.sha256(le_bytes(t)).hexdigest()
        out["head"], out["tail"] = values[:5], values[-5:]
    return out


def ints(xs):
    return packed(torch.tensor(xs, dtype=torch.int64))


cases = []


def case(kind, seed, n, result, **extra):
    c = {"kind": kind, "seed": seed, "n": n, **extra, "result": result, "state": state_sha()}
    cases.append(c)


for seed in SEEDS:
    for n in SIZES:
        for dt in ["float32", "float64"]:
            torch_dt = getattr(torch, dt)
            torch.manual_seed(seed)
            case("rand", seed, n, packed(torch.rand(n, dtype=torch_dt)), dtype=dt)
            torch.manual_seed(seed)
            case("randn", seed, n, packed(torch.randn(n, dtype=torch_dt)), dtype=dt)
            torch.manual_seed(seed)
            t = torch.empty(n, dtype=torch_dt)
            t.uniform_(-2.5, 0.75)
            case("uniform_", seed, n, packed(t), dtype=dt, low=-2.5, high=0.75)
            torch.manual_seed(seed)
            t = torch.empty(n, dtype=torch_dt)
            t.normal_(0.5, 3.0)
            case("normal_", seed, n, packed(t), dtype=dt, mean=0.5, std=3.0)
            torch.manual_seed(seed)
            t = torch.empty(n, dtype=torch_dt)
            t.bernoulli_(0.3)
            assert bool(((t == 0) | (t == 1)).all())
            case("bernoulli_", seed, n, packed(t != 0), dtype=dt, p=0.3)
            torch.manual_seed(seed)
            # a dropout mask: which elements survive
            mask = F.dropout(torch.ones(n, dtype=torch_dt), p=0.3, training=True) != 0
            case("dropout_mask", seed, n, packed(mask), dtype=dt, p=0.3)
        for low, high in RANDINT_RANGES:
            torch.manual_seed(seed)
            case("randint", seed, n, packed(torch.randint(low, high, (n,))), low=low, high=high)
        torch.manual_seed(seed)
        case("randperm", seed, n, packed(torch.randperm(n)))

        # DataLoader shuffling: two epochs, with an explicit generator and with the default one.
        for explicit in [True, False]:
            torch.manual_seed(seed)
            g = torch.Generator().manual_seed(seed) if explicit else None
            loader = DataLoader(range(n), batch_size=BATCH_SIZE, shuffle=True, generator=g)
            epochs = []
            for _ in range(2):
                batches = [b.tolist() for b in loader]
                assert all(len(b) == BATCH_SIZE for b in batches[:-1])
                epochs.append([i for b in batches for i in b])
            extra = {"generator_state": short_sha(g.get_state())} if explicit else {}
            case("dataloader_shuffle", seed, n, [ints(e) for e in epochs], explicit_generator=explicit,
                 batch_size=BATCH_SIZE, **extra)

        # random_split by lengths (explicit generator and default one) and by fractions.
        for explicit in [True, False]:
            torch.manual_seed(seed)
            lengths = [n // 3, n - n // 3]
            if explicit:
                g = torch.Generator().manual_seed(seed)
                parts = random_split(range(n), lengths, generator=g)
            else:
                parts = random_split(range(n), lengths)
            case("random_split", seed, n, [ints(list(p.indices)) for p in parts], explicit_generator=explicit,
                 lengths=lengths)
        torch.manual_seed(seed)
        parts = random_split(range(n), [0.3, 0.3, 0.4])
        case("random_split_fractions", seed, n, [ints(list(p.indices)) for p in parts], fractions=[0.3, 0.3, 0.4])

    for fan_in, fan_out in LINEAR_SHAPES:
        for dt in ["float32", "float64"] if fan_in * fan_out in (15, 16, 100) else ["float32"]:
            torch.manual_seed(seed)
            layer = nn.Linear(fan_in, fan_out, dtype=getattr(torch, dt))
            case("linear", seed, fan_in * fan_out, [packed(layer.weight), packed(layer.bias)], dtype=dt,
                 in_features=fan_in, out_features=fan_out)


# Mixed sequences: the stream position after each call must match.
def mixed_steps():
    steps = []

    def step(name, t, **extra):
        steps.append({"op": name, **extra, "result": packed(t), "state": state_sha()})

    step("rand", torch.rand(5), dtype="float32", n=5)
    step("randn", torch.randn(7), dtype="float32", n=7)            # serial path: leaves a cached normal
    step("randint", torch.randint(0, 10, (3,)), low=0, high=10, n=3)
    step("randperm", torch.randperm(6), n=6)
    step("randn", torch.randn(20), dtype="float32", n=20)          # 16-block path: the cache survives
    step("randn", torch.randn(1, dtype=torch.float64), dtype="float64", n=1)   # takes the cached value
    step("rand", torch.rand(3, dtype=torch.float64), dtype="float64", n=3)
    step("randn", torch.randn(33, dtype=torch.float64), dtype="float64", n=33)
    step("randint", torch.randint(-(2 ** 40), 2 ** 40, (4,)), low=-(2 ** 40), high=2 ** 40, n=4)
    step("randn", torch.randn(3), dtype="float32", n=3)
    step("bernoulli_", torch.empty(9).bernoulli_(0.5) != 0, dtype="float32", p=0.5, n=9)
    layer = nn.Linear(3, 2)
    step("linear_weight", layer.weight, in_features=3, out_features=2)
    step("linear_bias", layer.bias, in_features=3, out_features=2)
    # a DataLoader without shuffle still draws its per-epoch base seed
    list(DataLoader(range(10), batch_size=4))
    step("rand", torch.rand(2), dtype="float32", n=2, after="unshuffled DataLoader epoch over range(10)")
    step("randperm", torch.randperm(25), n=25)
    return steps


sequences = []
for seed in SEEDS:
    torch.manual_seed(seed)
    sequences.append({"seed": seed, "steps": mixed_steps()})

# In-place fills of views: torch draws in memory order (TensorIterator), not in the view's logical order, and its
# normal_ takes the 16-block path only for contiguous targets. Results are stored in logical order.
VIEWS = {"transposed": lambda dt: torch.zeros(6, 5, dtype=dt).t(),
         "strided": lambda dt: torch.zeros(7, 9, dtype=dt)[1:, ::2],
         "permuted": lambda dt: torch.zeros(2, 3, 4, dtype=dt).permute(2, 0, 1)}
views = []
for seed in [0, 42]:
    for view_name, make in VIEWS.items():
        for dt in ["float32", "float64"]:
            for op in ["uniform_", "normal_", "bernoulli_"]:
                torch.manual_seed(seed)
                t = make(getattr(torch, dt))
                if op == "uniform_":
                    t.uniform_(-1.0, 2.0)
                elif op == "normal_":
                    t.normal_(0.0, 1.0)
                else:
                    t.bernoulli_(0.5)
                    t = t != 0
                views.append({"seed": seed, "view": view_name, "dtype": dt, "op": op, "result": packed(t),
                              "state": state_sha()})

# Training-like loops: draws inside the loop body interleave with the loader's own draws (its per-epoch base seed,
# the sampler's seed or permutation, and the extra permutation drawn when the sampler runs dry).
loops = []
for seed in [0, 42]:
    for explicit in [False, True]:
        for drop_last in [False, True]:
            for n, batch_size in [(10, 3), (12, 4)]:
                torch.manual_seed(seed)
                g = torch.Generator().manual_seed(seed + 1) if explicit else None
                loader = DataLoader(range(n), batch_size=batch_size, shuffle=True, drop_last=drop_last, generator=g)
                events = []
                for epoch in range(2):
                    for b in loader:
                        mask = F.dropout(torch.ones(4), p=0.5, training=True) != 0
                        events.append({"batch": b.tolist(), "dropout_mask": packed(mask)})
                        if explicit:
                            events[-1]["rand_from_generator"] = packed(torch.rand(1, generator=g))
                loops.append({"seed": seed, "generator_seed": seed + 1 if explicit else None, "n": n,
                              "batch_size": batch_size, "drop_last": drop_last, "epochs": 2, "events": events,
                              "state": state_sha(), "generator_state": short_sha(g.get_state()) if explicit else None})

# State round trips: the full state bytes after a few draws (a cached normal included), and what follows them.
states = []
for seed in [0, 42]:
    torch.manual_seed(seed)
    torch.rand(7)
    torch.randn(3, dtype=torch.float64)   # serial sampler: leaves the second Box-Muller value cached
    state = torch.get_rng_state()
    after = [packed(torch.randn(5, dtype=torch.float64)), packed(torch.rand(20)), packed(torch.randperm(10))]
    torch.set_rng_state(state)
    again = [packed(torch.randn(5, dtype=torch.float64)), packed(torch.rand(20)), packed(torch.randperm(10))]
    assert after == again
    g = torch.Generator().manual_seed(seed)
    torch.rand(7, generator=g)
    torch.randn(3, dtype=torch.float64, generator=g)
    assert torch.equal(g.get_state(), state)
    states.append({"seed": seed, "draws": "rand(7) float32, randn(3) float64", "state_base64": base64.b64encode(state.numpy().tobytes()).decode(),
                   "then": after, "then_ops": "randn(5) float64, rand(20) float32, randperm(10)"})

# A fresh torch.Generator() (default seed 67280421310721) and its state.
fresh = torch.Generator()
states.append({"seed": None, "initial_seed": fresh.initial_seed(), "draws": "none",
               "state_base64": base64.b64encode(fresh.get_state().numpy().tobytes()).decode(),
               "then": [packed(torch.rand(5, generator=fresh))], "then_ops": "rand(5) float32"})

out_dir = sys.argv[1]
os.makedirs(out_dir, exist_ok=True)
with open(os.path.join(out_dir, "random_streams.json"), "w") as f:
    json.dump({"torch": torch.__version__, "seeds": SEEDS, "sizes": SIZES, "cases": cases, "sequences": sequences,
               "views": views, "loops": loops, "states": states}, f, separators=(",", ":"))
print(f"random_streams.json: {len(cases)} cases, {len(sequences)} sequences, {len(views)} views, "
      f"{len(loops)} loops, {len(states)} states")
