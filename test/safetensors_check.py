#!/usr/bin/env python3
"""An independent reader and writer of safetensors files, with json and numpy only.

    python3 test/safetensors_check.py read FILE    prints each tensor's dtype, shape and the bits of
                                                   its values (as float64, 16 hex digits each) as JSON
    python3 test/safetensors_check.py forward FILE XS.json
                                                   runs the inputs in XS.json ([[...], ...]) through
                                                   the file's tensors with the equations of
                                                   torch.nn.RNN (tanh) and torch.nn.Linear, and
                                                   prints the softmax of every step as JSON
    python3 test/safetensors_check.py write DIR    writes torch-rnn-f64.safetensors and
                                                   torch-rnn-f32.safetensors (the layout of
                                                   torch.nn.RNN(2, 3) + torch.nn.Linear(3, 4), with a
                                                   non-zero bias_hh) and torch-rnn.json, the bits of
                                                   the parameters rnn-wasm must load from them

The test suite runs it when python3 with numpy is installed, to check rnn-wasm's safetensors files
against a reader that shares no code with it; `npm run fixtures` regenerates the files in
test/fixtures/ with it.
"""
import json
import struct
import sys
from pathlib import Path

import numpy as np

DTYPES = {"F64": "<f8", "F32": "<f4"}


def read(path):
    raw = Path(path).read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n].decode("utf-8"))
    data = raw[8 + n :]
    out = {}
    for name, entry in header.items():
        if name == "__metadata__":
            out[name] = entry
            continue
        begin, end = entry["data_offsets"]
        values = np.frombuffer(data[begin:end], dtype=DTYPES[entry["dtype"]]).astype("<f8")
        assert values.size == int(np.prod(entry["shape"], dtype=np.int64)), name
        out[name] = {
            "dtype": entry["dtype"],
            "shape": entry["shape"],
            "hex": [format(int(b), "016x") for b in values.view("<u8")],
        }
    return out


def forward(path, xs_path):
    """torch.nn.RNN: h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh); torch.nn.Linear: h W^T + b."""
    raw = Path(path).read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n].decode("utf-8"))
    data = raw[8 + n :]
    t = {}
    for name, entry in header.items():
        if name != "__metadata__":
            begin, end = entry["data_offsets"]
            t[name] = np.frombuffer(data[begin:end], dtype=DTYPES[entry["dtype"]]).astype("<f8").reshape(entry["shape"])
    h = np.zeros(t["rnn.weight_hh_l0"].shape[0])
    out = []
    for x in json.loads(Path(xs_path).read_text()):
        h = np.tanh(np.asarray(x) @ t["rnn.weight_ih_l0"].T + t["rnn.bias_ih_l0"] + h @ t["rnn.weight_hh_l0"].T + t["rnn.bias_hh_l0"])
        z = h @ t["fc.weight"].T + t["fc.bias"]
        e = np.exp(z - z.max())
        out.append((e / e.sum()).tolist())
    return out


def write(path, tensors, dtype):
    header, chunks, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name, array in tensors.items():
        buf = np.ascontiguousarray(array, dtype=DTYPES[dtype]).tobytes()
        header[name] = {"dtype": dtype, "shape": list(array.shape), "data_offsets": [offset, offset + len(buf)]}
        chunks.append(buf)
        offset += len(buf)
    text = json.dumps(header).encode("utf-8")
    Path(path).write_bytes(struct.pack("<Q", len(text)) + text + b"".join(chunks))


def hexbits(array):
    return [format(int(b), "016x") for b in np.asarray(array, dtype="<f8").ravel().view("<u8")]


def write_fixtures(directory):
    I, H, O = 2, 3, 4
    grid = lambda n, k: (np.arange(n, dtype=np.float64) * 0.37 + k) % 1.9 - 0.95
    tensors = {
        "rnn.weight_ih_l0": grid(H * I, 0.1).reshape(H, I),
        "rnn.weight_hh_l0": grid(H * H, 0.2).reshape(H, H),
        "rnn.bias_ih_l0": grid(H, 0.3),
        "rnn.bias_hh_l0": grid(H, 0.4),
        "fc.weight": grid(O * H, 0.5).reshape(O, H),
        "fc.bias": grid(O, 0.6),
    }
    directory = Path(directory)
    write(directory / "torch-rnn-f64.safetensors", tensors, "F64")
    write(directory / "torch-rnn-f32.safetensors", tensors, "F32")
    expected = {}
    for kind, cast in (("f64", np.float64), ("f32", np.float32)):
        t = {name: np.asarray(a, dtype=cast).astype(np.float64) for name, a in tensors.items()}
        expected[kind] = {
            "inputDim": I, "hiddenDim": H, "outputDim": O,
            "Wxh": hexbits(t["rnn.weight_ih_l0"]),
            "Whh": hexbits(t["rnn.weight_hh_l0"]),
            "Why": hexbits(t["fc.weight"]),
            "bh": hexbits(t["rnn.bias_ih_l0"] + t["rnn.bias_hh_l0"]),
            "by": hexbits(t["fc.bias"]),
        }
    (directory / "torch-rnn.json").write_text(json.dumps(expected, indent=1) + "\n")


if __name__ == "__main__":
    if not ((len(sys.argv) == 3 and sys.argv[1] in ("read", "write")) or (len(sys.argv) == 4 and sys.argv[1] == "forward")):
        sys.exit(__doc__)
    if sys.argv[1] == "forward":
        print(json.dumps(forward(sys.argv[2], sys.argv[3])))
    elif sys.argv[1] == "read":
        print(json.dumps(read(sys.argv[2])))
    else:
        write_fixtures(sys.argv[2])
