import os

# pytest runs with -n 2 on 2 cores: one OpenMP / BLAS / torch thread per
# worker. Oversubscribed OpenMP (HistGradientBoosting) runs 10x slower.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import pytest  # noqa: E402


def pytest_addoption(parser):
    parser.addoption(
        "--runslow", action="store_true", default=False,
        help="also run tests marked slow (or set SKDIR_RUN_SLOW=1)",
    )


def _cuda_available():
    try:
        import torch
    except ImportError:
        return False
    return torch.cuda.is_available()


def pytest_collection_modifyitems(config, items):
    run_slow = config.getoption("--runslow") or os.environ.get("SKDIR_RUN_SLOW") == "1"
    skip_slow = pytest.mark.skip(reason="slow: run with --runslow or SKDIR_RUN_SLOW=1")
    skip_cuda = pytest.mark.skip(reason="needs a CUDA GPU")
    has_cuda = None
    for item in items:
        if "slow" in item.keywords and not run_slow:
            item.add_marker(skip_slow)
        if "cuda" in item.keywords:
            if has_cuda is None:
                has_cuda = _cuda_available()
            if not has_cuda:
                item.add_marker(skip_cuda)


# Doctests of the modules that need the `deep` extra are only collected when
# torch and skorch are installed.
collect_ignore = []
try:
    import skorch  # noqa: F401
    import torch  # noqa: F401
except ImportError:
    collect_ignore += ["skdir/fds.py", "skdir/losses.py", "skdir/estimators.py",
                       "skdir/_deep"]
