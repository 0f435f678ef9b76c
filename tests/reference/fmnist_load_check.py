"""Loads a model that the lab's fashion-mnist experiment saved (--save FILE) into the same PyTorch model and tests it.

Run by tests/Backprop.Lab.Tests/FashionMnistTests.cs at test time:

    fmnist_load_check.py MODEL.safetensors DATA_DIR mlp|cnn

MODEL.safetensors is parsed by hand (the `safetensors` package is not in Debian): an 8-byte little-endian header
length, a JSON header {name: {"dtype", "shape", "data_offsets"}}, then the tensors' bytes. The state dict is loaded
with load_state_dict(strict=True) into fmnist_torch.py's model, so every name and shape must be torch's. DATA_DIR holds
t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (raw or .gz); the model is evaluated on them in batches of 1000 as
fmnist_torch.py does, and one JSON line is printed: {"model", "correct", "total", "test_accuracy"}.

generate.sh runs every script here with an output directory as the only argument; this one writes no reference
file, so it does nothing then.
"""
import gzip
import json
import math
import os
import struct
import sys

if len(sys.argv) == 2 and os.path.isdir(sys.argv[1]):
    print("fmnist_load_check.py: run by the tests at test time; nothing to generate")
    sys.exit(0)

import torch
import torch.nn as nn

DTYPES = {"F32": (torch.float32, 4), "F64": (torch.float64, 8), "I64": (torch.int64, 8)}


def fail(message):
    sys.exit(f"fmnist_load_check.py: {message}")


def read_safetensors(path):
    with open(path, "rb") as f:
        blob = f.read()
    if len(blob) < 8:
        fail(f"{path}: shorter than 8 bytes")
    (n,) = struct.unpack("<Q", blob[:8])
    if 8 + n > len(blob):
        fail(f"{path}: header length {n} runs past the end")
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    header.pop("__metadata__", None)
    data = blob[8 + n:]
    state = {}
    for name, info in header.items():
        if info["dtype"] not in DTYPES:
            fail(f"{path}: tensor {name} has dtype {info['dtype']}, expected one of {sorted(DTYPES)}")
        dtype, size = DTYPES[info["dtype"]]
        begin, end = info["data_offsets"]
        if end - begin != math.prod(info["shape"]) * size or end > len(data):
            fail(f"{path}: tensor {name}: bytes {begin}..{end} do not hold shape {info['shape']} of {info['dtype']}")
        # bytearray: frombuffer needs a writable buffer; little-endian data, as on every machine torch runs on here.
        t = torch.frombuffer(bytearray(data[begin:end]), dtype=dtype) if end > begin else torch.empty(0, dtype=dtype)
        state[name] = t.reshape(info["shape"])
    return state


def read_idx(path):
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    zero, dtype, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or dtype != 0x08:
        fail(f"{path}: expected unsigned-byte IDX data")
    shape = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    return torch.frombuffer(bytearray(raw[4 + 4 * ndim:]), dtype=torch.uint8).reshape(shape)


def find(folder, name):
    for candidate in (name, name + ".gz"):
        path = os.path.join(folder, candidate)
        if os.path.exists(path):
            return path
    fail(f"{folder}: no {name}[.gz]")


def model_for(name):
    # fmnist_torch.py's models, verbatim.
    if name == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
    return nn.Sequential(
        nn.Conv2d(1, 16, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 7 * 7, 10))


def main():
    if len(sys.argv) != 4 or sys.argv[3] not in ("mlp", "cnn"):
        fail("usage: fmnist_load_check.py MODEL.safetensors DATA_DIR mlp|cnn")
    path, folder, name = sys.argv[1:]
    torch.set_num_threads(1)
    model = model_for(name)
    model.load_state_dict(read_safetensors(path), strict=True)
    model.eval()
    x = read_idx(find(folder, "t10k-images-idx3-ubyte")).float().div(255.0).unsqueeze(1)
    y = read_idx(find(folder, "t10k-labels-idx1-ubyte")).long()
    with torch.no_grad():
        correct = sum((model(x[i:i + 1000]).argmax(1) == y[i:i + 1000]).sum().item() for i in range(0, x.shape[0], 1000))
    print(json.dumps({"model": name, "correct": correct, "total": x.shape[0], "test_accuracy": correct / x.shape[0]}))


if __name__ == "__main__":
    main()
