"""Reference values for Backprop's Multinomial (torch.multinomial's CPU draws under torch.manual_seed) and Log1p
(PyTorch 1.13).

Usage: python3 sampling_reference.py OUTPUT_DIR   (writes OUTPUT_DIR/sampling.json)

multinomial: for each case the probabilities (as stored, in their dtype), the seed set with torch.manual_seed just
before the call, and the indices torch drew; then a second call right after, to pin how many numbers a draw uses.
log1p: inputs from tiny to large (float64) and torch.log1p's values (all finite: JSON has no infinities).
"""
import json
import os
import sys

import torch

gen = torch.Generator().manual_seed(99)


def main():
    out_dir = sys.argv[1]
    cases = []
    specs = [
        ("one_float32", (30,), torch.float32, 1, False),
        ("one_float64", (30,), torch.float64, 1, False),
        ("rows_without_replacement", (3, 12), torch.float32, 5, False),
        ("rows_with_replacement_float64", (2, 7), torch.float64, 9, True),
        ("with_replacement_float32", (40,), torch.float32, 6, True),
        ("one_with_replacement", (4, 9), torch.float32, 1, True),
        ("unnormalised_with_zeros", (10,), torch.float64, 4, False),
    ]
    for seed, (name, shape, dtype, n, replacement) in enumerate(specs, start=100):
        p = torch.rand(*shape, generator=gen, dtype=torch.float64) ** 3
        if name == "unnormalised_with_zeros":
            p[2] = 0
            p[7] = 0
            p = p * 5
        p = p.to(dtype)
        torch.manual_seed(seed)
        first = torch.multinomial(p, n, replacement)
        second = torch.multinomial(p, n, replacement)
        cases.append({"name": name, "dtype": str(dtype).replace("torch.", ""), "shape": list(shape), "p": [float(v) for v in p.flatten().tolist()],
                      "seed": seed, "num_samples": n, "replacement": replacement,
                      "first": first.flatten().tolist(), "second": second.flatten().tolist(), "out_shape": list(first.shape)})
    xs = torch.tensor([0.0, 1e-300, -1e-20, 1e-17, 3e-9, -2.5e-5, 1e-3, -0.3, 0.5, 0.9999, 1.0, 7.5, 1e10, -0.999999], dtype=torch.float64)
    data = {"multinomial": cases, "log1p": {"x": xs.tolist(), "y": [float(v) for v in torch.log1p(xs).tolist()]}}
    with open(os.path.join(out_dir, "sampling.json"), "w") as f:
        json.dump(data, f)


if __name__ == "__main__":
    main()
