#!/usr/bin/env bash
# The full-size STS-B-DIR BiLSTM (hidden 1500, as the paper) on a CUDA GPU:
# vanilla, INV+LDS and INV+LDS+FDS, one seed at a time, until a time budget is
# spent, so that a lease that ends early still leaves whole seeds behind.
#
#   BUDGET_S=300 OUT=results/gpu bash benchmarks/gpu_sts_b.sh
#
# Needs skdir[text] (the all-MiniLM-L6-v2 tokenizer and word vectors). The lent
# device machine has no room for the model package (90 MB); there the run
# carries `.gpu_text/`, a stand-in package holding only the two files skdir
# reads (tokenizer.json and the word-embedding tensor, copied unchanged), built
# here by `python benchmarks/make_gpu_text.py`:
#
#   run(command="bash benchmarks/gpu_checks.sh; BUDGET_S=280 bash benchmarks/gpu_sts_b.sh",
#       carry=[".whl", ".gpu_text"], timeout_s=560)
#
# METHODS picks other methods (e.g. sqrt_inv,lds,fds,focal-r,rrt,denseweight,
# balanced-mse); DEVICE, HIDDEN and EPOCHS override the device (cuda), hidden
# size (1500) and training length (the model's default) for a smoke run.
# Output under $OUT: sts_b_gpu_records.csv (tidy: one row per seed, method, region and metric, the
# columns of records.csv) and sts_b_gpu.log (the printed tables).
set -u
PY=${PYTHON:-python3}
OUT=${OUT:-results/gpu}
BUDGET_S=${BUDGET_S:-300}
SEEDS=${SEEDS:-0 1 2 3 4}
DEVICE=${DEVICE:-cuda}
HIDDEN=${HIDDEN:-1500}
METHODS=${METHODS:-vanilla,inv+lds,inv+lds+fds}
EXTRA=()
[[ -n ${EPOCHS:-} ]] && EXTRA=(--epochs "$EPOCHS")
mkdir -p "$OUT"
export PYTHONUNBUFFERED=1

if [[ -d /tmp/site ]]; then  # wheels installed by gpu_checks.sh
    export PYTHONPATH=/tmp/site:$PWD
fi
if [[ -d .gpu_text ]]; then
    export PYTHONPATH=$PWD/.gpu_text:${PYTHONPATH:-$PWD}
fi

start=$SECONDS
last=0
work=$(mktemp -d)
for s in $SEEDS; do
    left=$((BUDGET_S - (SECONDS - start)))
    # a seed takes about as long as the one before: stop before it would be cut off
    if (( left < last * 6 / 5 + 10 )); then
        echo "== stopping before seed $s: ${left} s left, last seed took ${last} s"
        break
    fi
    t0=$SECONDS
    echo "== seed $s"
    timeout "$left" "$PY" -m skdir benchmark --quiet --dataset sts_b --model bilstm \
        --model-param hidden_size="$HIDDEN" --device "$DEVICE" --seeds "$s," "${EXTRA[@]}" \
        --methods "$METHODS" --no-plots --out "$work/s$s" || break
    last=$((SECONDS - t0))
    echo "== seed $s took ${last} s"
done 2>&1 | tee "$OUT/sts_b_gpu.log"

first=1
for f in "$work"/s*/records.csv; do
    [[ -f $f ]] || continue
    if (( first )); then cat "$f"; first=0; else tail -n +2 "$f"; fi
done >"$OUT/sts_b_gpu_records.csv"
echo "wrote $OUT/sts_b_gpu_records.csv ($(($(wc -l <"$OUT/sts_b_gpu_records.csv") - 1)) rows)"
