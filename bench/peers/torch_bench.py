"""PyTorch's side of `npm run bench:torch` (bench/torch.ts): one persistent process that reads one
JSON command per line on stdin and answers one JSON line on stdout, so that the benchmark's rounds
interleave rnn-wasm and PyTorch without Python's start-up (or JSON's parsing) in the timings. Each
answer carries the seconds this process measured around the training alone.

Its first line, before any command, says what it runs on: torch's version, its threads, and the BLAS
library mapped into this process after a matrix product (what torch really calls, whatever the
alternatives say), or {"error": ...} when torch cannot be imported.

Commands:
  {"cmd": "char", "cell", "dtype", "variant", "V", "H", "B", "lr", "xs", "targets"}
      one epoch of Adam over the sequences (xs, targets: N lists of T ids), in batches of B, in the
      given order; answers {"seconds", "loss"} (loss: the epoch's mean per-sequence loss).
  {"cmd": "single", "cell", "dtype", "I", "H", "O", "lr", "iterations", "xs", "targets"}
      `iterations` training iterations of Rprop on one sequence of dense inputs (xs: T vectors of I
      numbers); answers {"seconds", "loss"}.

The character model. rnn-wasm's `input: 'index'` model is, to the bit, its model on one-hot inputs:
nn.RNN(V, H) (or LSTM, GRU) fed F.one_hot(ids, V), then nn.Linear(H, V). That is variant "onehot",
the same model with the same parameters, and the one the ratios use; it pays for a dense
(T B x V) by (V x G H) product that the index model replaces by a gather. nn.RNN cannot take a
precomputed input projection, so the exact gather has no stock form in torch; variant "embedding"
is what a PyTorch user writes for a character model instead, nn.Embedding(V, H) into nn.RNN(H, H):
a different model (W_ih factored through an H-dimensional embedding, G H x H more multiply-adds
per step in the input product), timed for the record only.

The loss is rnn-wasm's: cross-entropy of the softmax at every step, summed over the steps and
averaged over the batch's sequences (rnn-wasm's batch gradient is the mean of its sequences').
"""
import json
import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")


def send(answer):
    sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()


try:
    import torch
    import torch.nn.functional as F
    from torch import nn
except ImportError as error:
    send({"error": f"no torch for {sys.executable}: {error}"})
    sys.exit(0)

torch.set_num_threads(1)
torch.set_num_interop_threads(1)

CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}
DTYPES = {"float64": torch.float64, "float32": torch.float32}


def blas():
    """The BLAS libraries mapped into this process after a product, and OpenBLAS's own account."""
    a = torch.ones(64, 64, dtype=torch.float64)
    (a @ a).sum().item()
    with open("/proc/self/maps") as maps:
        paths = sorted({line.split()[-1] for line in maps if "blas" in line.lower() or "mkl" in line.lower()})
    config = None
    for path in paths:
        if "openblas" in os.path.basename(path):
            try:
                import ctypes

                lib = ctypes.CDLL(path)
                lib.openblas_get_config.restype = ctypes.c_char_p
                lib.openblas_get_corename.restype = ctypes.c_char_p
                lib.openblas_get_num_threads.restype = ctypes.c_int
                config = {
                    "config": lib.openblas_get_config().decode(),
                    "core": lib.openblas_get_corename().decode(),
                    "threads": lib.openblas_get_num_threads(),
                }
            except (OSError, AttributeError):
                pass
            break
    return paths, config


class CharNet(nn.Module):
    def __init__(self, cell, V, H, variant):
        super().__init__()
        self.V = V
        self.variant = variant
        if variant == "onehot":
            self.rnn = CELLS[cell](V, H)
        elif variant == "embedding":
            self.embed = nn.Embedding(V, H)
            self.rnn = CELLS[cell](H, H)
        else:
            raise ValueError(f"unknown variant {variant}")
        self.fc = nn.Linear(H, V)

    def forward(self, ids):  # ids: (T, B)
        if self.variant == "onehot":
            x = F.one_hot(ids, self.V).to(self.fc.weight.dtype)
        else:
            x = self.embed(ids)
        hs, _ = self.rnn(x)  # h starts at zero for every sequence
        return self.fc(hs)  # (T, B, V): logits of every step


def char_epoch(c):
    dtype = DTYPES[c["dtype"]]
    V, B = c["V"], c["B"]
    torch.manual_seed(1)
    net = CharNet(c["cell"], V, c["H"], c["variant"]).to(dtype)
    optimizer = torch.optim.Adam(net.parameters(), lr=c["lr"])
    xs = torch.tensor(c["xs"], dtype=torch.long)  # (N, T)
    targets = torch.tensor(c["targets"], dtype=torch.long)
    batches = [(xs[k : k + B].t().contiguous(), targets[k : k + B].t().contiguous()) for k in range(0, len(xs), B)]
    total = 0.0
    start = time.perf_counter()
    for x, y in batches:
        optimizer.zero_grad()
        logits = net(x)
        loss = F.cross_entropy(logits.reshape(-1, V), y.reshape(-1), reduction="sum") / x.shape[1]
        loss.backward()
        optimizer.step()
        total += loss.item() * x.shape[1]
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "loss": total / len(xs)}


class Net(nn.Module):
    def __init__(self, cell, I, H, O):
        super().__init__()
        self.rnn = CELLS[cell](I, H)
        self.fc = nn.Linear(H, O)

    def forward(self, xs):  # xs: (T, 1, I), one sequence
        hs, _ = self.rnn(xs)
        return self.fc(hs[:, 0])  # (T, O)


def single(c):
    dtype = DTYPES[c["dtype"]]
    torch.manual_seed(1)
    net = Net(c["cell"], c["I"], c["H"], c["O"]).to(dtype)
    # rnn-wasm's train(xs, targets, n, lr) is standard Rprop, as torch.optim.Rprop's defaults.
    optimizer = torch.optim.Rprop(net.parameters(), lr=c["lr"])
    xs = torch.tensor(c["xs"], dtype=dtype).unsqueeze(1)
    targets = torch.tensor(c["targets"], dtype=torch.long)
    start = time.perf_counter()
    for _ in range(c["iterations"]):
        optimizer.zero_grad()
        loss = F.cross_entropy(net(xs), targets, reduction="sum")
        loss.backward()
        optimizer.step()
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "loss": loss.item()}


COMMANDS = {"char": char_epoch, "single": single}


def main():
    paths, config = blas()
    send({
        "torch": torch.__version__,
        "python": sys.version.split()[0],
        "executable": sys.executable,
        "threads": torch.get_num_threads(),
        "interopThreads": torch.get_num_interop_threads(),
        "env": {k: os.environ[k] for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")},
        "blas": paths,
        "openblas": config,
    })
    for line in sys.stdin:
        if not line.strip():
            continue
        command = json.loads(line)
        try:
            send(COMMANDS[command["cmd"]](command))
        except Exception as error:  # an answer for every command, so that the caller never hangs
            send({"error": f"{type(error).__name__}: {error}"})


if __name__ == "__main__":
    main()
