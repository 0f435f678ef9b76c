"""The PyTorch side of the safetensors round trip that tests/Backprop.Tests/IO/SafeTensorsTorchTests.cs runs at test time.

The `safetensors` package is not in Debian, so the format is implemented here by hand (struct + json + the tensors'
own bytes), strictly, as the reference reader checks it: 8-byte little-endian header length, a JSON object header,
data_offsets that tile the data exactly.

    safetensors_roundtrip.py read FILE    reads FILE with torch; prints {"metadata", "tensors": [...]} as JSON
    safetensors_roundtrip.py write FILE   writes tensors made by torch to FILE; prints the same JSON of their values

Each tensor is printed as {"name", "dtype" (torch's name), "shape", "values"}: values flattened in row-major order,
floats as Python floats (f16/bf16 widened exactly), non-finite floats as the strings "nan", "inf", "-inf".

generate.sh runs every script here with an output directory as the only argument; this one writes no reference
file, so it does nothing then.
"""
import json
import math
import os
import struct
import sys

if len(sys.argv) == 2 and os.path.isdir(sys.argv[1]):
    print("safetensors_roundtrip.py: run by the tests at test time; nothing to generate")
    sys.exit(0)

import numpy as np
import torch

TORCH = {
    "F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
    "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8,
    "BOOL": torch.bool,
}
NAMES = {v: k for k, v in TORCH.items()}
NUMPY = {"F64": np.float64, "F32": np.float32, "F16": np.float16, "BF16": np.int16,
         "I64": np.int64, "I32": np.int32, "I16": np.int16, "I8": np.int8, "U8": np.uint8, "BOOL": np.bool_}
ITEM = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1}


def fail(message):
    sys.exit(f"safetensors_roundtrip.py: {message}")


def read(path):
    with open(path, "rb") as f:
        blob = f.read()
    if len(blob) < 8:
        fail(f"{path}: shorter than 8 bytes")
    (n,) = struct.unpack("<Q", blob[:8])
    if 8 + n > len(blob):
        fail(f"{path}: header length {n} runs past the end")
    if (8 + n) % 8 != 0:
        fail(f"{path}: header not padded to a multiple of 8 (8 + {n})")
    raw = blob[8:8 + n]
    if not raw.startswith(b"{"):
        fail(f"{path}: header does not start with '{{'")
    header = json.loads(raw.decode("utf-8"), object_pairs_hook=lambda pairs: dict(pairs))
    metadata = header.pop("__metadata__", {})
    data = blob[8 + n:]
    spans = sorted((info["data_offsets"][0], info["data_offsets"][1], name) for name, info in header.items())
    cursor = 0
    for begin, end, name in spans:
        if begin != cursor:
            fail(f"{path}: tensor {name} starts at {begin}, expected {cursor}")
        cursor = end
    if cursor != len(data):
        fail(f"{path}: {len(data) - cursor} bytes after the last tensor")
    tensors = []
    for name, info in header.items():
        dtype, shape = info["dtype"], info["shape"]
        begin, end = info["data_offsets"]
        if end - begin != math.prod(shape) * ITEM[dtype]:
            fail(f"{path}: tensor {name}: {end - begin} bytes for shape {shape} of {dtype}")
        array = np.frombuffer(data[begin:end], dtype=NUMPY[dtype]).copy()
        t = torch.from_numpy(array)
        if dtype == "BF16":
            t = t.view(torch.bfloat16)
        tensors.append((name, t.reshape(shape)))
    return metadata, tensors


def tensor_bytes(t):
    t = t.contiguous()
    if t.dtype == torch.bfloat16:   # numpy has no bfloat16: reinterpret the same 2 bytes as int16
        t = t.view(torch.int16)
    return t.numpy().tobytes()


def write(path, tensors, metadata):
    # Data laid out in the reverse of the header's order: a reader must follow data_offsets, not header order.
    chunks, offsets, cursor = [], {}, 0
    for name, t in reversed(tensors):
        b = tensor_bytes(t)
        offsets[name] = [cursor, cursor + len(b)]
        chunks.append(b)
        cursor += len(b)
    header = {"__metadata__": metadata}
    for name, t in tensors:
        header[name] = {"dtype": NAMES[t.dtype], "shape": list(t.shape), "data_offsets": offsets[name]}
    raw = json.dumps(header, separators=(",", ":")).encode("utf-8")
    raw += b" " * ((8 - len(raw) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for b in chunks:
            f.write(b)


def torch_tensors():
    inf = float("inf")
    return [
        ("f32", torch.tensor([[1.5, -2.25, 3.0e-8], [inf, -0.0, 1 / 3], [float("nan"), 1e-45, -3.4e38]], dtype=torch.float32)),
        ("f64", torch.tensor([math.pi, -1e300, 5e-324, 1 / 3, -inf], dtype=torch.float64)),
        ("i64", torch.tensor([-(2 ** 63), 2 ** 63 - 1, 0, -5, 123456789012345], dtype=torch.int64)),
        ("mask", torch.tensor([[True, False, False], [False, True, True]])),
        ("f16", torch.tensor([1.0, -2.5, 65504.0, 6e-8, -inf, 0.1], dtype=torch.float16)),
        ("bf16", torch.tensor([1.0, -2.5, 3.0e38, 1 / 3, 1e-40], dtype=torch.bfloat16)),
        ("i32", torch.tensor([-(2 ** 31), 2 ** 31 - 1, 7], dtype=torch.int32)),
        ("i16", torch.tensor([-(2 ** 15), 2 ** 15 - 1], dtype=torch.int16)),
        ("i8", torch.tensor([-128, 127, -1], dtype=torch.int8)),
        ("u8", torch.tensor([0, 255, 128], dtype=torch.uint8)),
        ("scalar", torch.tensor(7.5)),
        ("empty", torch.zeros(0, 3)),
        ("transposed", torch.arange(6, dtype=torch.float32).reshape(2, 3).t()),
        ("layer.0.weight", torch.tensor([[0.25, -0.5], [0.75, 1.0]], dtype=torch.float32)),
    ]


def describe(metadata, tensors):
    def value(v):
        if isinstance(v, float) and not math.isfinite(v):
            return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
        return v

    out = []
    for name, t in tensors:
        flat = t.reshape(-1)
        if t.dtype in (torch.float16, torch.bfloat16):
            flat = flat.float()   # exact: every half and bfloat16 is a float32
        out.append({"name": name, "dtype": str(t.dtype), "shape": list(t.shape), "values": [value(v) for v in flat.tolist()]})
    return {"metadata": metadata, "tensors": out}


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("read", "write"):
        sys.exit(__doc__)
    mode, path = sys.argv[1], sys.argv[2]
    if mode == "read":
        metadata, tensors = read(path)
    else:
        metadata, tensors = {"format": "pt", "written by": "torch " + torch.__version__}, torch_tensors()
        write(path, tensors, metadata)
    json.dump(describe(metadata, tensors), sys.stdout, allow_nan=False)


main()
