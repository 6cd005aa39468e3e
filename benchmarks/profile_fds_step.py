"""Where FDS's per-step cost goes: torch.profiler over training steps of the
MLP 64-512-512-512-1 (batch 256) of ``bench_fds.py``, without and with
skdir's FDS (``update='online'``, steady state). Prints, per variant, the
wall time per step and the operators by self CPU time and by device time.

    python benchmarks/profile_fds_step.py --device cuda --out fds_profile.txt
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch.profiler import ProfilerActivity, profile

sys.path.insert(0, str(Path(__file__).parent))
from bench_fds import build, machine, sync  # noqa: E402

from skdir._binning import assign_bins, bin_edges  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    device = torch.device(args.device)
    batch, n_data = 256, 256 * 8
    rng = np.random.RandomState(0)
    y_np = rng.gamma(2.0, 2.0, size=n_data)
    edges = bin_edges(y_np, 100)
    bins_all = torch.as_tensor(assign_bins(y_np, edges), device=device)
    y_all = torch.as_tensor(y_np, dtype=torch.float32, device=device)
    X_all = torch.randn(n_data, 64, device=device)
    activities = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if device.type == "cuda" else [])
    sort_dev = "self_cuda_time_total" if device.type == "cuda" else "self_cpu_time_total"
    lines = [f"Command: python {' '.join(sys.argv)}", f"Machine: {machine(device)}; "
             f"torch {torch.__version__}; {args.steps} steps per variant", ""]
    for variant in ("none", "skdir"):
        net, forward, opt = build("mlp", 64, edges, y_np, device, variant)

        def step(i):
            sl = slice((i % 8) * batch, (i % 8 + 1) * batch)
            loss = F.mse_loss(forward(X_all[sl], bins_all[sl]), y_all[sl])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()

        for i in range(20):
            step(i)
        sync(device)
        t0 = time.perf_counter()
        for i in range(args.steps):
            step(i)
        sync(device)
        per_step = (time.perf_counter() - t0) / args.steps * 1e3
        with profile(activities=activities) as prof:
            for i in range(args.steps):
                step(i)
            sync(device)
        table = prof.key_averages()
        lines += [f"== {variant}: {per_step:.3f} ms/step (unprofiled)",
                  table.table(sort_by="self_cpu_time_total", row_limit=15), ""]
        if device.type == "cuda":
            lines += [table.table(sort_by=sort_dev, row_limit=12), ""]
    text = "\n".join(lines)
    print(text)
    if args.out:
        args.out.write_text(text)


if __name__ == "__main__":
    main()
