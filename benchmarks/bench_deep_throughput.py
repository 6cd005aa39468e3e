"""Training throughput of DeepRegressor against a hand-written loop and plain skorch.

The issue's setting: MLP 64-512-512-512-1, batch 256, MSE, Adam (lr 1e-3),
n = 200,000 random samples. Methods, timed in the same process:

- ``hand loop``: the data resident on the device, a permutation per epoch,
  batches gathered on the device with ``index_select``, no per-step
  synchronisation: the floor.
- ``skorch``: ``skorch.NeuralNetRegressor`` with its defaults for the data
  path (DataLoader with per-sample collation, host-to-device copy per batch).
- ``DeepRegressor``: skdir, without and with FDS (``update='online'`` and
  ``'epoch'``). Its time includes input validation and the one copy of the
  data to the device.
- The same, fed batch by batch instead of from device-resident arrays:
  ``DeviceLoader`` with ``resident=False`` (batches sliced on the host,
  copied one at a time), ``torch.utils.data.DataLoader`` over the arrays
  (per-sample collation), and ``fit(TensorDataset, None)`` (the torch
  Dataset path, which is what image or augmented data take).

Each method first runs a short warm-up fit; then the timed fits are
interleaved over repeats and the best repeat is reported (samples/s), with
the ratio to the hand loop.

Run::

    python benchmarks/bench_deep_throughput.py                  # CPU, n=200,000
    python benchmarks/bench_deep_throughput.py --device cuda --epochs 3 --out thr.md
"""

import argparse
import os
import shlex
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from skorch import NeuralNetRegressor
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from skdir.estimators import DeepRegressor

HIDDEN = [512, 512, 512]  # --hidden changes it (a tiny net exposes per-step overhead)


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def mlp(n_in):
    layers, width = [], n_in
    for h in HIDDEN:
        layers += [nn.Linear(width, h), nn.ReLU()]
        width = h
    layers.append(nn.Linear(width, 1))
    return nn.Sequential(*layers)


def hand_loop(X, y, device, epochs, batch):
    torch.manual_seed(0)
    Xd = torch.as_tensor(X, device=device)
    yd = torch.as_tensor(y, device=device)
    model = mlp(X.shape[1]).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    n = len(Xd)
    for _ in range(epochs):
        perm = torch.randperm(n, device=device)
        for start in range(0, n, batch):
            idx = perm[start:start + batch]
            # index_select: 4x faster than Xd[idx] on a CPU, so the floor is a fast loop
            xb, yb = Xd.index_select(0, idx), yd.index_select(0, idx)
            loss = F.mse_loss(model(xb).squeeze(-1), yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
    sync(device)


def plain_skorch(X, y, device, epochs, batch):
    torch.manual_seed(0)
    net = NeuralNetRegressor(
        mlp, module__n_in=X.shape[1], optimizer=torch.optim.Adam, lr=1e-3,
        max_epochs=epochs, batch_size=batch, train_split=None,
        iterator_train__shuffle=True, device=str(device), verbose=0,
    )
    net.fit(X, y.reshape(-1, 1))
    sync(device)


def deep_regressor(dataset=False, **params):
    def run(X, y, device, epochs, batch):
        net = DeepRegressor(hidden_sizes=tuple(HIDDEN), max_epochs=epochs, batch_size=batch,
                            device=str(device), verbose=0, random_state=0, **params)
        if dataset:
            net.fit(TensorDataset(torch.from_numpy(X), torch.from_numpy(y)))
        else:
            net.fit(X, y)
        sync(device)
    return run


METHODS = {
    "hand loop (resident)": hand_loop,
    "skorch NeuralNetRegressor": plain_skorch,
    "DeepRegressor": deep_regressor(),
    "DeepRegressor + FDS (online)": deep_regressor(fds=True),
    "DeepRegressor + FDS (epoch)": deep_regressor(fds=True, fds__update="epoch"),
    "DeepRegressor, DeviceLoader not resident": deep_regressor(iterator_train__resident=False),
    "DeepRegressor, DataLoader": deep_regressor(iterator_train=DataLoader,
                                                iterator_valid=DataLoader),
    "DeepRegressor, fit(TensorDataset)": deep_regressor(dataset=True),
}


def machine(device):
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    cpu = "CPU"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f
                       if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{cpu}, {os.cpu_count()} logical CPUs, {torch.get_num_threads()} torch threads"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--hidden", default="512,512,512",
                        help="hidden widths of the MLP (default 512,512,512)")
    parser.add_argument("--methods", default=None,
                        help="comma-separated subset of: " + "; ".join(METHODS))
    parser.add_argument("--threads", type=int, default=None,
                        help="torch CPU threads (default: torch's choice)")
    parser.add_argument("--out", default=None, help="also write the table to this file")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    HIDDEN[:] = [int(h) for h in args.hidden.split(",")]
    methods = METHODS if args.methods is None else {
        k: METHODS[k] for k in (m.strip() for m in args.methods.split(","))}

    rng = np.random.RandomState(0)
    X = rng.normal(size=(args.n, 64)).astype(np.float32)
    y = (X[:, :8].sum(axis=1) + rng.normal(size=args.n)).astype(np.float32)
    y = np.round(y * 2) / 2  # skewed-free but binnable labels

    load = os.getloadavg()[0]
    for run in methods.values():  # warm-up: CUDA context, kernels, allocator
        run(X[:5000], y[:5000], device, 1, args.batch)
    best = {name: float("inf") for name in methods}
    for _ in range(args.repeats):
        for name, run in methods.items():
            t0 = time.perf_counter()
            run(X, y, device, args.epochs, args.batch)
            best[name] = min(best[name], time.perf_counter() - t0)

    floor = best.get("hand loop (resident)")
    samples = args.n * args.epochs
    cli = shlex.join(sys.argv[1:] if argv is None else argv)
    lines = [
        "Command: `" + " ".join(["python benchmarks/bench_deep_throughput.py", cli]).strip()
        + "`",
        f"Machine: {machine(device)}; torch {torch.__version__}; "
        f"load average (1 min) at start: {load:.2f}",
        f"n={args.n:,}, {args.epochs} epoch(s), batch {args.batch}, "
        f"MLP {'-'.join(map(str, [64, *HIDDEN, 1]))}, "
        f"MSE, Adam; best of {args.repeats} interleaved repeats.",
        "",
        "| method | seconds | samples/s | us/step | time / hand loop |",
        "|---|---|---|---|---|",
    ]
    steps = args.epochs * -(-args.n // args.batch)
    for name, seconds in best.items():
        ratio = f"{seconds / floor:.2f}x" if floor else "n/a"
        lines.append(f"| {name} | {seconds:.2f} | {samples / seconds:,.0f} | "
                     f"{1e6 * seconds / steps:,.0f} | {ratio} |")
    text = "\n".join(lines)
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
