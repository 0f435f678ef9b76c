"""PyTorch's own ONNX export of the Fashion-MNIST models, with the weights Backprop saved, for
tests/Backprop.Onnx.Tests/TorchExportTests.cs: ONNX Runtime then runs both exports on the same inputs.

    onnx_torch_export.py MODEL WEIGHTS OUT   MODEL is mlp or cnn (fmnist_torch.py's nn.Sequential, layer for layer);
                                             WEIGHTS a safetensors state dict (float32) that Backprop wrote; OUT the
                                             .onnx file torch.onnx.export writes (opset 17, dim 0 of input and output
                                             dynamic, named "input" and "output" as Backprop names them).

The `safetensors` package is not in Debian, so the file is read by hand (8-byte little-endian header length, a JSON
header, the tensors' bytes). generate.sh runs every script here with an output directory as the only argument; this
one writes no reference file, so it does nothing then.
"""
import json
import os
import struct
import sys

if len(sys.argv) == 2 and os.path.isdir(sys.argv[1]):
    print("onnx_torch_export.py: run by the tests at test time; nothing to generate")
    sys.exit(0)

import numpy as np
import torch
from torch import nn


def read_safetensors(path):
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n])
    header.pop("__metadata__", None)
    data = blob[8 + n:]
    state = {}
    for name, info in header.items():
        if info["dtype"] != "F32":
            sys.exit(f"onnx_torch_export.py: {name} is {info['dtype']}, expected F32")
        begin, end = info["data_offsets"]
        state[name] = torch.from_numpy(np.frombuffer(data[begin:end], dtype="<f4").copy().reshape(info["shape"]))
    return state


def build(name):
    if name == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
    if name == "cnn":
        return nn.Sequential(
            nn.Conv2d(1, 16, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(32 * 7 * 7, 10))
    sys.exit(f"onnx_torch_export.py: unknown model {name}")


model_name, weights, out = sys.argv[1:4]
model = build(model_name)
model.load_state_dict(read_safetensors(weights), strict=True)
model.eval()
torch.onnx.export(model, torch.zeros(3, 1, 28, 28), out, opset_version=17, input_names=["input"], output_names=["output"],
                  dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
print(json.dumps({"model": model_name, "onnx": out}))
