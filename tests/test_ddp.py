"""FDS under torch.distributed: two CPU processes on the gloo backend.

Each process sees half of the training set; after the all-reduce in
``end_epoch`` both must hold the statistics a single process computes on
all of it, also when the model is wrapped in DistributedDataParallel (whose
buffer broadcast must not overwrite a process's own per-epoch sums).
"""

import subprocess
import sys
import textwrap

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("skorch")
if not torch.distributed.is_available():
    pytest.skip("torch.distributed is not available", allow_module_level=True)

from skdir._deep.net import DIRNet  # noqa: E402
from skdir.fds import FDS  # noqa: E402

WORKER = textwrap.dedent("""
    import sys
    import numpy as np
    import torch
    import torch.distributed as dist
    from torch.nn.parallel import DistributedDataParallel

    from skdir._deep.net import DIRNet
    from skdir.fds import FDS

    rank, world, init_file, data_file, out_file = sys.argv[1:]
    rank, world = int(rank), int(world)
    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method="file://" + init_file, rank=rank,
                            world_size=world)
    data = np.load(data_file)
    Z, X = torch.as_tensor(data["Z"]), torch.as_tensor(data["X"])
    bins, edges = torch.as_tensor(data["bins"]), data["edges"]
    mine = slice(rank, None, world)

    # 1. the layer alone, fed this process's half
    fds = FDS(Z.shape[1], edges, momentum=0.9).train()
    for epoch in range(2):
        Zs, bs = Z[mine] + epoch, bins[mine]
        for start in range(0, len(Zs), 16):
            fds(Zs[start:start + 16], bs[start:start + 16])
        fds.end_epoch()

    # 2. inside a DistributedDataParallel model (buffers broadcast every step)
    torch.manual_seed(0)
    extractor = torch.nn.Sequential(torch.nn.Linear(X.shape[1], 3), torch.nn.ReLU())
    net = DIRNet(extractor, 3, FDS(3, edges, update="online"))
    model = DistributedDataParallel(net)
    opt = torch.optim.SGD(model.parameters(), lr=0.0)
    Xs, bs = X[mine], bins[mine]
    for epoch in range(2):
        for start in range(0, len(Xs), 16):
            model(Xs[start:start + 16], fds_bins=bs[start:start + 16]).sum().backward()
            opt.step()
            opt.zero_grad()
        net.fds.end_epoch()

    torch.save({"alone": fds.state_dict(), "ddp": net.fds.state_dict(),
                "weights": extractor.state_dict()}, out_file)
    dist.destroy_process_group()
""")


def _single_process(Z, X, bins, edges, weights):
    fds = FDS(Z.shape[1], edges, momentum=0.9).train()
    for epoch in range(2):
        fds(torch.as_tensor(Z) + epoch, torch.as_tensor(bins))
        fds.end_epoch()
    extractor = torch.nn.Sequential(torch.nn.Linear(X.shape[1], 3), torch.nn.ReLU())
    extractor.load_state_dict(weights)
    net = DIRNet(extractor, 3, FDS(3, edges)).train()
    for _ in range(2):
        with torch.no_grad():
            net(torch.as_tensor(X), fds_bins=torch.as_tensor(bins))
        net.fds.end_epoch()
    return fds.state_dict(), net.fds.state_dict()


def test_two_gloo_processes_hold_the_single_process_statistics(tmp_path):
    rng = np.random.RandomState(0)
    n, n_bins = 224, 7
    bins = rng.randint(0, n_bins, size=n)
    bins[:4] = 0  # every bin seen by both processes, bin 0 at least 4 times
    Z = (rng.normal(size=(n, 5)) * (1 + bins[:, None]) + bins[:, None]).astype(np.float32)
    X = rng.normal(size=(n, 4)).astype(np.float32)
    edges = np.arange(n_bins + 1, dtype=float)
    data_file = tmp_path / "data.npz"
    np.savez(data_file, Z=Z, X=X, bins=bins, edges=edges)

    init_file = tmp_path / "rendezvous"
    outs = [tmp_path / f"rank{r}.pt" for r in range(2)]
    procs = [
        subprocess.Popen([sys.executable, "-c", WORKER, str(r), "2", str(init_file),
                          str(data_file), str(outs[r])],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for r in range(2)
    ]
    for p in procs:
        try:
            _, err = p.communicate(timeout=240)
        except subprocess.TimeoutExpired:
            for q in procs:
                q.kill()
            pytest.fail("the gloo workers did not finish in 240 s")
        assert p.returncode == 0, err

    results = [torch.load(o, weights_only=True) for o in outs]
    alone, ddp = _single_process(Z, X, bins, edges, results[0]["weights"])
    for key in ("running_mean", "running_var", "smoothed_mean", "smoothed_var", "count",
                "calibration"):
        # both processes hold identical statistics (they summed the same numbers)
        torch.testing.assert_close(results[0]["alone"][key], results[1]["alone"][key],
                                   rtol=0, atol=0)
        torch.testing.assert_close(results[0]["ddp"][key], results[1]["ddp"][key],
                                   rtol=0, atol=0)
        # ... and those of one process that saw everything
        torch.testing.assert_close(results[0]["alone"][key], alone[key], rtol=1e-9, atol=1e-9)
        torch.testing.assert_close(results[0]["ddp"][key], ddp[key], rtol=1e-5, atol=1e-6)
    assert results[0]["alone"]["count"].sum() == 2 * n
    assert results[0]["ddp"]["_extra_state"] == {"epoch": 2, "n_updates": 2, "frozen": False}
