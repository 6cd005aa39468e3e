"""DenseFDS on a CUDA device gives what it gives on the CPU (run by benchmarks/gpu_checks.sh)."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")


@pytest.mark.cuda
def test_dense_fds_on_cuda_matches_the_cpu():
    from skdir.dense import DenseFDS

    rng = np.random.default_rng(0)
    depth = np.clip(rng.lognormal(1.0, 0.4, size=(3, 8, 10)), 0.5, 9.5)
    mask = rng.uniform(size=depth.shape) > 0.2
    features = torch.as_tensor(rng.normal(size=(3, 4, 8, 10)), dtype=torch.float32)
    edges = np.linspace(0.0, 10.0, 21)
    cpu = DenseFDS(4, edges, ks=3, sigma=1.0).train()
    gpu = DenseFDS(4, edges, ks=3, sigma=1.0).to("cuda").train()
    bins_gpu = gpu.bin_index(depth, mask)
    assert bins_gpu.device.type == "cuda"  # on the layer's device, ready for forward
    bins_cpu = cpu.bin_index(depth, mask)
    for _ in range(2):  # epoch 0 gathers, epoch 1 calibrates
        out_cpu = cpu(features, bins_cpu)
        out_gpu = gpu(features.to("cuda"), bins_gpu)
        cpu.end_epoch()
        gpu.end_epoch()
    assert out_gpu.device.type == "cuda"
    torch.testing.assert_close(out_gpu.cpu(), out_cpu, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(gpu.fds.running_mean.cpu(), cpu.fds.running_mean)
