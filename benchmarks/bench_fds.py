"""Cost of FDS per training step: without FDS, with skdir's FDS, with a
reference-style FDS that loops over the bins of each batch in Python.

The model is the issue's MLP 64-512-512-512-1 (skdir's MLP plus the linear
head), batch 256, Adam, MSE, with the data resident on the device. A step
is forward, loss, backward and optimizer step. skdir's FDS is timed in the
steady state of ``update='online'`` (each step gathers the calibration and
accumulates the statistics); ``update='epoch'`` steps only calibrate, and
its extra no-grad pass over the training set is reported as a fraction of a
training epoch. With ``--resnet`` (GPU, torchvision) the same comparison
runs on ResNet-50 at batch 128 (features of width 2048).

Variants are interleaved (A B C A B C ...) and the median over repeats is
reported, so that load from other processes hits all of them alike.

Run::

    python benchmarks/bench_fds.py                      # CPU
    python benchmarks/bench_fds.py --device cuda --resnet --out fds_cuda.md
"""

import argparse
import os
import shlex
import platform
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from skdir._binning import assign_bins, bin_edges
from skdir._deep.mlp import MLP
from skdir._deep.net import DIRNet
from skdir.fds import FDS


class LoopFDS(nn.Module):
    """The reference implementation's calibration: a Python loop over the bins
    present in the batch, editing the features in place (on a copy here, so
    that autograd survives the ReLU in front of it)."""

    def __init__(self, fds):
        super().__init__()
        self.fds = fds

    def forward(self, z, bins):
        if not self.training:
            return z
        z = z.clone()
        f = self.fds
        for b in torch.unique(bins):
            mask = bins == b
            z[mask] = ((z[mask] - f.running_mean[b].float())
                       * torch.sqrt((f.smoothed_var[b] / f.running_var[b].clamp_min(1e-12))
                                    .clamp(*f.clip)).float()
                       + f.smoothed_mean[b].float())
        return z


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def machine(device):
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    cpu = platform.processor() or "CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} logical CPUs, {torch.get_num_threads()} torch threads"


def fitted_fds(width, edges, y, feats):
    """An FDS layer whose statistics are populated (steady state)."""
    fds = FDS(width, edges).to(feats.device)
    bins = torch.as_tensor(assign_bins(y, edges), device=feats.device)
    fds.train()
    fds.accumulate(feats, bins)
    fds.end_epoch()
    return fds


def build(kind, width_in, edges, y_np, device, variant):
    torch.manual_seed(0)
    if kind == "mlp":
        extractor = MLP(width_in, (512, 512, 512))
        width = 512
    else:
        import torchvision

        extractor = torchvision.models.resnet50()
        extractor.fc = nn.Identity()
        width = 2048
    extractor = extractor.to(device)
    fds = None
    if variant != "none":
        with torch.no_grad():
            probe = torch.rand(len(y_np), width, device=device)
        fds = fitted_fds(width, edges, y_np, probe)
    net = DIRNet(extractor, width, fds if variant == "skdir" else None).to(device)
    if variant == "loop":
        net.fds = None
        loop = LoopFDS(fds)

        def forward(x, bins):
            return net.head(loop(net.extractor(x), bins)).squeeze(-1)
    else:
        def forward(x, bins):
            return net(x, fds_bins=bins)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    net.train()
    return net, forward, opt


def time_steps(step, n_steps, device):
    sync(device)
    t0 = time.perf_counter()
    for _ in range(n_steps):
        step()
    sync(device)
    return (time.perf_counter() - t0) / n_steps


def bench(kind, device, batch, n_steps, repeats, n_bins=100):
    rng = np.random.RandomState(0)
    n_data = batch * 8
    y_np = rng.gamma(2.0, 2.0, size=n_data)  # skewed labels
    edges = bin_edges(y_np, n_bins)
    bins_all = torch.as_tensor(assign_bins(y_np, edges), device=device)
    y_all = torch.as_tensor(y_np, dtype=torch.float32, device=device)
    if kind == "mlp":
        X_all = torch.randn(n_data, 64, device=device)
    else:
        X_all = torch.randn(batch, 3, 224, 224, device=device)
    width_in = 64

    variants = ["none", "skdir", "loop"]
    runners = {}
    for variant in variants:
        net, forward, opt = build(kind, width_in, edges, y_np, device, variant)
        state = {"i": 0}

        def step(net=net, forward=forward, opt=opt, state=state):
            i = state["i"] = (state["i"] + 1) % (n_data // batch)
            sl = slice(i * batch, (i + 1) * batch)
            x = X_all if kind != "mlp" else X_all[sl]
            pred = forward(x, bins_all[sl])
            loss = F.mse_loss(pred, y_all[sl])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()

        for _ in range(max(3, n_steps // 5)):  # warm-up
            step()
        runners[variant] = (step, net)

    times = {v: [] for v in variants}
    for _ in range(repeats):
        for v in variants:
            times[v].append(time_steps(runners[v][0], n_steps, device))
    med = {v: (min(t), statistics.median(t)) for v, t in times.items()}

    # update='epoch': the extra no-grad pass over the training set, relative
    # to the training epoch it follows (same number of samples)
    net = runners["skdir"][1]
    n_pass = 8

    def extra_pass():
        with torch.no_grad():
            for i in range(n_pass):
                sl = slice(i * batch, (i + 1) * batch)
                x = X_all if kind != "mlp" else X_all[sl]
                net.fds.accumulate(net.extractor(x), bins_all[sl])

    extra_pass()
    pass_times = [time_steps(extra_pass, 1, device) / n_pass for _ in range(repeats)]
    extra = min(pass_times) / med["skdir"][0]
    return med, times, extra


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--steps", type=int, default=None,
                        help="steps per timed repeat (default 30 on CPU, 200 on CUDA)")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--resnet", action="store_true",
                        help="also ResNet-50 at batch 128 (needs torchvision; GPU advised)")
    parser.add_argument("--threads", type=int, default=None,
                        help="torch CPU threads (default: torch's choice)")
    parser.add_argument("--out", default=None, help="also write the table to this file")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    n_steps = args.steps or (200 if device.type == "cuda" else 30)

    cases = [("mlp", "MLP 64-512-512-512-1", 256)]
    if args.resnet:
        cases.append(("resnet", "ResNet-50 (224x224)", 128))
    cli = shlex.join(sys.argv[1:] if argv is None else argv)
    lines = [
        "Command: `" + " ".join(["python benchmarks/bench_fds.py", cli]).strip() + "`",
        f"Machine: {machine(device)}; torch {torch.__version__}; "
        f"load average (1 min) at start: {os.getloadavg()[0]:.2f}",
        f"{args.repeats} interleaved repeats of {n_steps} steps (forward, MSE, backward, "
        "Adam), data resident on the device; ms/step as min / median over the repeats, "
        "overheads from the minima (the median in brackets).",
        "",
        "| model | batch | no FDS (ms/step) | skdir FDS, online (ms/step) | overhead "
        "| loop over bins (ms/step) | overhead | epoch mode: extra pass / epoch |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for kind, label, batch in cases:
        if kind == "resnet":
            try:
                import torchvision  # noqa: F401
            except ImportError:
                lines.append(f"| {label} | {batch} | skipped: torchvision is not installed |")
                continue
            steps, repeats = 10, min(args.repeats, 3)  # a ResNet-50 step is ~100x the MLP's
        else:
            steps, repeats = n_steps, args.repeats
        med, _, extra = bench(kind, device, batch, steps, repeats)
        none, ours, loop = med["none"], med["skdir"], med["loop"]

        def ms(t):
            return f"{1e3 * t[0]:.3f} / {1e3 * t[1]:.3f}"

        def over(t):
            return (f"{100 * (t[0] / none[0] - 1):+.1f}% "
                    f"({100 * (t[1] / none[1] - 1):+.1f}%)")

        lines.append(f"| {label} | {batch} | {ms(none)} | {ms(ours)} | {over(ours)} | "
                     f"{ms(loop)} | {over(loop)} | {100 * extra:.0f}% |")
    text = "\n".join(lines)
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
