#!/usr/bin/env bash
# The checks of the deep estimators that need a CUDA GPU, as one script:
# the `cuda`-marked tests, the workflow tests and the deep recipes (which
# train on CUDA there, device="auto"), then the FDS step-time benchmark (the
# MLP-512 case: median of 7 interleaved repeats, target <= +10% per step) and
# DeepRegressor throughput, resident and fed by DeviceLoader(resident=False),
# DataLoader and fit(TensorDataset). About 5 minutes on an H100 after the
# machine starts.
#
# On the lent device machine (python3 there has torch with CUDA, scikit-learn,
# numpy, pandas, scipy, pytest, tqdm, tabulate, but not skorch or
# imbalanced-learn):
#
# 1. Here, in the repository root, fetch the missing wheels once (.whl/ is
#    git-ignored; scikit-learn is carried too, so that the version skdir needs
#    is the one imported):
#
#      python3 -m pip download --no-deps --only-binary=:all: --python-version 3.12 \
#        --implementation cp --platform manylinux_2_28_x86_64 \
#        --platform manylinux_2_27_x86_64 --platform manylinux_2_17_x86_64 \
#        --platform manylinux2014_x86_64 --platform manylinux1_x86_64 -d .whl \
#        skorch==1.4.0 imbalanced-learn==0.14.2 sklearn-compat==0.1.6 scikit-learn==1.9.1
#
# 2. The run call (the device tool), with room left to rerun once:
#
#      run(command="bash benchmarks/gpu_checks.sh", carry=[".whl"], timeout_s=420)
#
# 3. What comes back under $OUT (5 files): env.txt (card, driver, versions),
#    cuda_tests.txt (pytest -m cuda), workflow_tests.txt, fds_cuda.md and
#    throughput_cuda.md
#    (markdown tables with the command and the card). Put the tables in
#    docs/deep.md with the card named. When a step fails, failed.txt names
#    it and the script exits 1 (rc in the run call's reply).
#
# On your own GPU machine, with skdir[deep] installed: `make gpu-checks` or
# `PYTHON=.venv/bin/python OUT=results/gpu bash benchmarks/gpu_checks.sh`.

# pipefail: a failing pytest piped through tee fails the step (tee alone
# would succeed); every step still runs, and the script exits non-zero
# naming the steps that failed.
set -u -o pipefail
failed=()
PY=${PYTHON:-python3}
OUT=${OUT:-results/gpu}
mkdir -p "$OUT"
export PYTHONUNBUFFERED=1

if ls .whl/*.whl >/dev/null 2>&1; then
    "$PY" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
        --target /tmp/site .whl/*.whl || exit 1
    export PYTHONPATH=/tmp/site:$PWD
else
    export PYTHONPATH=$PWD${PYTHONPATH:+:$PYTHONPATH}
fi

{
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv
    "$PY" -c "import sys, torch, sklearn, skorch; print(sys.version.split()[0], 'torch', torch.__version__, 'cuda', torch.version.cuda, torch.cuda.get_device_name(0), 'sklearn', sklearn.__version__, 'skorch', skorch.__version__)"
} >"$OUT/env.txt" 2>&1
cat "$OUT/env.txt"

echo "== pytest -m cuda"
timeout 150 "$PY" -m pytest -m cuda -q -p no:cacheprovider -rs \
    tests/test_estimators.py tests/test_fds.py tests/test_deep_multioutput.py \
    tests/test_dense_cuda.py 2>&1 | tee "$OUT/cuda_tests.txt" \
    || failed+=("pytest -m cuda")

echo "== workflow tests and recipes on CUDA (device='auto')"
timeout 120 "$PY" -m pytest -q -p no:cacheprovider -rs tests/test_deep_workflows.py \
    tests/test_docs_recipes.py 2>&1 | tee "$OUT/workflow_tests.txt" \
    || failed+=("workflow tests")

echo "== FDS step time"
timeout 120 "$PY" benchmarks/bench_fds.py --device cuda --resnet --out "$OUT/fds_cuda.md" \
    || failed+=("FDS step time")

echo "== DeepRegressor throughput"
timeout 150 "$PY" benchmarks/bench_deep_throughput.py --device cuda --epochs 2 --repeats 2 \
    --out "$OUT/throughput_cuda.md" || failed+=("throughput")

if ((${#failed[@]})); then
    printf 'FAILED: %s\n' "${failed[@]}" | tee "$OUT/failed.txt"
    exit 1
fi
echo "all GPU checks passed"
