"""Reference values for Backprop's sequence layers (PyTorch 1.13): LayerNorm, Tril/Triu, LSTM/GRU and their cells,
MultiheadAttention, TransformerEncoderLayer/TransformerEncoder, and a state dict written as safetensors.

Usage: python3 seq_reference.py OUTPUT_DIR   (writes OUTPUT_DIR/seq_layers.json and OUTPUT_DIR/seq_model.safetensors)

Every case runs in float64. Layers are built right after torch.manual_seed(seed) with dtype=torch.float64, so the
stored parameters are torch's initialisation under that seed (the tests check theirs against them, then load them).
Gradients are those of sum(out · gout) (plus sum(state · gstate) for recurrent final states) for the input and
every parameter, by its state-dict name. Dropout is 0 and the modules stay in training mode, so torch's slow
(composed) paths run. seq_model.safetensors holds a small encoder + LSTM + head model's float32 state dict, written
by hand in the safetensors format (the package is not in Debian); "model" in the JSON has its input and output.
"""
import json
import math
import os
import struct
import sys
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

warnings.filterwarnings("ignore")
torch.set_default_dtype(torch.float64)
gen = torch.Generator().manual_seed(4321)


def packed(t):
    t = t.detach()
    if t.dtype == torch.bool or not t.dtype.is_floating_point:
        return {"shape": list(t.shape), "data": [int(v) for v in t.flatten().tolist()]}
    return {"shape": list(t.shape), "data": [float(v) for v in t.double().flatten().tolist()]}


def randn(*shape):
    return torch.randn(*shape, generator=gen, dtype=torch.float64)


def params(module):
    return {name: packed(p) for name, p in module.named_parameters()}


def grads(module):
    return {name: packed(p.grad) for name, p in module.named_parameters()}


def layernorm_cases():
    cases = []
    for name, shape, norm, affine, eps in [("last", (2, 3, 4), [4], True, 1e-5), ("two_dims", (2, 3, 4), [3, 4], True, 1e-3),
                                           ("no_affine", (5, 6), [6], False, 1e-5)]:
        ln = nn.LayerNorm(norm, eps=eps, elementwise_affine=affine)
        if affine:
            with torch.no_grad():
                ln.weight.copy_(randn(*norm))
                ln.bias.copy_(randn(*norm))
        x = randn(*shape).requires_grad_()
        out = ln(x)
        gout = randn(*out.shape)
        (out * gout).sum().backward()
        c = {"name": name, "normalized_shape": norm, "eps": eps, "affine": affine, "x": packed(x), "out": packed(out),
             "gout": packed(gout), "gx": packed(x.grad)}
        if affine:
            c.update(weight=packed(ln.weight), bias=packed(ln.bias), gweight=packed(ln.weight.grad), gbias=packed(ln.bias.grad))
        cases.append(c)
    return cases


def triangle_cases():
    x = randn(2, 3, 5)
    return [{"name": f"{kind}_{d}", "kind": kind, "diagonal": d, "x": packed(x),
             "out": packed(torch.tril(x, d) if kind == "tril" else torch.triu(x, d))}
            for kind in ("tril", "triu") for d in (-1, 0, 2)]


def recurrent_cases():
    cases = []
    specs = [
        ("lstm_batch_first", "LSTM", dict(input_size=3, hidden_size=4, batch_first=True), (2, 5, 3), False),
        ("lstm_two_layers_bidirectional_state", "LSTM", dict(input_size=3, hidden_size=4, num_layers=2, bidirectional=True), (4, 2, 3), True),
        ("lstm_no_bias_unbatched", "LSTM", dict(input_size=3, hidden_size=2, bias=False), (4, 3), True),
        ("gru_batch_first", "GRU", dict(input_size=3, hidden_size=4, batch_first=True), (2, 5, 3), False),
        ("gru_two_layers_bidirectional_state", "GRU", dict(input_size=3, hidden_size=4, num_layers=2, bidirectional=True), (4, 2, 3), True),
    ]
    for seed, (name, kind, kwargs, shape, with_state) in enumerate(specs):
        torch.manual_seed(seed)
        m = getattr(nn, kind)(**kwargs)
        x = randn(*shape).requires_grad_()
        layers = kwargs.get("num_layers", 1) * (2 if kwargs.get("bidirectional") else 1)
        batched = len(shape) == 3
        bsz = (shape[0] if kwargs.get("batch_first") else shape[1]) if batched else None
        sshape = (layers, bsz, kwargs["hidden_size"]) if batched else (layers, kwargs["hidden_size"])
        c = {"name": name, "kind": kind, "seed": seed, "options": kwargs, "params": params(m), "x": packed(x)}
        if kind == "LSTM":
            state = (randn(*sshape).requires_grad_(), randn(*sshape).requires_grad_()) if with_state else None
            out, (h, cc) = m(x, state)
            finals = [h, cc]
        else:
            state = randn(*sshape).requires_grad_() if with_state else None
            out, h = m(x, state)
            finals = [h]
            state = (state,) if with_state else None
        gout = randn(*out.shape)
        gfin = [randn(*f.shape) for f in finals]
        loss = (out * gout).sum() + sum((f * g).sum() for f, g in zip(finals, gfin))
        loss.backward()
        c.update(out=packed(out), finals=[packed(f) for f in finals], gout=packed(gout), gfinals=[packed(g) for g in gfin],
                 gx=packed(x.grad), grads=grads(m))
        if state is not None:
            c.update(state=[packed(s) for s in state], gstate=[packed(s.grad) for s in state])
        cases.append(c)
    for seed, (name, kind, batched) in enumerate([("lstm_cell", "LSTMCell", True), ("gru_cell", "GRUCell", True),
                                                  ("lstm_cell_unbatched", "LSTMCell", False)], start=10):
        torch.manual_seed(seed)
        m = getattr(nn, kind)(3, 4)
        x = (randn(2, 3) if batched else randn(3)).requires_grad_()
        sshape = (2, 4) if batched else (4,)
        if kind == "LSTMCell":
            state = (randn(*sshape).requires_grad_(), randn(*sshape).requires_grad_())
            outs = list(m(x, state))
        else:
            state = (randn(*sshape).requires_grad_(),)
            outs = [m(x, state[0])]
        gouts = [randn(*o.shape) for o in outs]
        sum((o * g).sum() for o, g in zip(outs, gouts)).backward()
        cases.append({"name": name, "kind": kind, "seed": seed, "params": params(m), "x": packed(x), "state": [packed(s) for s in state],
                      "finals": [packed(o) for o in outs], "gfinals": [packed(g) for g in gouts], "gx": packed(x.grad),
                      "gstate": [packed(s.grad) for s in state], "grads": grads(m)})
    return cases


def attention_cases():
    cases = []
    e, heads, L, S, B = 8, 2, 3, 4, 2
    pad = torch.tensor([[False, False, True, False], [False, True, False, False]])
    boolmask = torch.tensor([[False, True, False, False], [False, False, False, True], [True, False, False, False]])
    floatmask = randn(L, S)
    specs = [
        ("self_batch_first_padding", dict(batch_first=True), "self", pad, None, True),
        ("cross_bool_mask", dict(), "cross", None, boolmask, True),
        ("cross_float_mask_and_padding_per_head", dict(), "cross", pad, floatmask, False),
        ("unbatched_no_bias", dict(bias=False), "unbatched", None, None, True),
    ]
    for seed, (name, kwargs, kind, kpm, mask, average) in enumerate(specs, start=20):
        torch.manual_seed(seed)
        m = nn.MultiheadAttention(e, heads, **kwargs)
        if kind == "self":
            q = randn(B, S, e).requires_grad_()
            k = v = q
        elif kind == "cross":
            q, k, v = randn(L, B, e).requires_grad_(), randn(S, B, e).requires_grad_(), randn(S, B, e).requires_grad_()
        else:
            q, k, v = randn(L, e).requires_grad_(), randn(S, e).requires_grad_(), randn(S, e).requires_grad_()
        out, w = m(q, k, v, key_padding_mask=kpm, attn_mask=mask, average_attn_weights=average)
        gout = randn(*out.shape)
        (out * gout).sum().backward()
        c = {"name": name, "seed": seed, "options": kwargs, "kind": kind, "average": average, "params": params(m),
             "q": packed(q), "out": packed(out), "weights": packed(w), "gout": packed(gout), "gq": packed(q.grad), "grads": grads(m)}
        if kind != "self":
            c.update(k=packed(k), v=packed(v), gk=packed(k.grad), gv=packed(v.grad))
        if kpm is not None:
            c["key_padding_mask"] = packed(kpm)
        if mask is not None:
            c["attn_mask"] = packed(mask)
        cases.append(c)
    return cases


def encoder_cases():
    cases = []
    specs = [
        ("post_norm_relu_padding", dict(batch_first=True), False, 1, True),
        ("pre_norm_gelu_causal", dict(norm_first=True, activation="gelu"), True, 1, False),
        ("encoder_two_layers_final_norm_causal", dict(norm_first=True, batch_first=True), True, 2, True),
    ]
    pad = torch.tensor([[False, False, False, True, True], [False, False, False, False, False]])
    for seed, (name, kwargs, causal, layers, padding) in enumerate(specs, start=30):
        torch.manual_seed(seed)
        layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0, **kwargs)
        m = layer if layers == 1 else nn.TransformerEncoder(layer, layers, norm=nn.LayerNorm(8))
        x = randn(*((2, 5, 8) if kwargs.get("batch_first") else (5, 2, 8))).requires_grad_()
        mask = nn.Transformer.generate_square_subsequent_mask(5) if causal else None
        kpm = pad if padding else None
        out = m(x, mask, kpm) if layers > 1 else m(x, src_mask=mask, src_key_padding_mask=kpm)
        gout = randn(*out.shape)
        (out * gout).sum().backward()
        c = {"name": name, "seed": seed, "options": {k: v for k, v in kwargs.items()}, "layers": layers, "causal": causal,
             "params": params(m), "x": packed(x), "out": packed(out), "gout": packed(gout), "gx": packed(x.grad), "grads": grads(m)}
        if padding:
            c["key_padding_mask"] = packed(pad)
        cases.append(c)
    return cases


class SeqModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0, batch_first=True, norm_first=True), 2)
        self.lstm = nn.LSTM(8, 6, batch_first=True, bidirectional=True)
        self.norm = nn.LayerNorm(12)
        self.head = nn.Linear(12, 5)

    def forward(self, x):
        mask = nn.Transformer.generate_square_subsequent_mask(x.shape[1]).to(x.dtype)
        y, _ = self.lstm(self.encoder(x, mask))
        return self.head(self.norm(y))


def write_safetensors(path, state):
    chunks, header, cursor = [], {"__metadata__": {"format": "pt"}}, 0
    for name, t in state.items():
        b = t.detach().contiguous().numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [cursor, cursor + len(b)]}
        chunks.append(b)
        cursor += len(b)
    raw = json.dumps(header, separators=(",", ":")).encode("utf-8")
    raw += b" " * ((8 - len(raw) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for b in chunks:
            f.write(b)


def model_case(out_dir):
    torch.manual_seed(7)
    m = SeqModel().float()
    write_safetensors(os.path.join(out_dir, "seq_model.safetensors"), m.state_dict())
    x = torch.randn(2, 5, 8, generator=gen, dtype=torch.float64).float()
    with torch.no_grad():
        out = m(x)
    return {"keys": list(m.state_dict().keys()), "x": packed(x), "out": packed(out)}


def main():
    out_dir = sys.argv[1]
    data = {
        "layernorm": layernorm_cases(),
        "triangle": triangle_cases(),
        "recurrent": recurrent_cases(),
        "attention": attention_cases(),
        "encoder": encoder_cases(),
        "model": model_case(out_dir),
    }
    with open(os.path.join(out_dir, "seq_layers.json"), "w") as f:
        json.dump(data, f)


if __name__ == "__main__":
    main()
