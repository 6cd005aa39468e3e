#!/usr/bin/env bash
# Every table of docs/benchmarks.md, one `skdir benchmark` run each, in order.
# CPU-only, a few hours on 2 cores (the STS-B BiLSTM runs are most of it).
# Output: results/<dataset>-<model>[-<set>]/ with records.csv, summary.*, plots.
#   bash benchmarks/run_benchmarks.sh            # everything
#   bash benchmarks/run_benchmarks.sh tabular    # only the tabular sets
set -euo pipefail
cd "$(dirname "$0")/.."
SKDIR=${SKDIR:-.venv/bin/skdir}
what=${1:-all}

TABULAR="abalone bike_sharing ames hotel_rates cps1988"
HGB_METHODS=vanilla,inv,sqrt_inv,lds,inv+lds,denseweight,smoter,smogn
MLP_METHODS=vanilla,sqrt_inv,lds,fds,lds+fds,smogn,denseweight,focal-r,rrt,balanced-mse

# A failed run is reported and the next one goes on.
run() { echo "== skdir benchmark $*"; "$SKDIR" benchmark --quiet "$@" || echo "!! FAILED: $*"; }

if [[ $what == all || $what == tabular ]]; then
  for d in $TABULAR; do
    run --dataset "$d" --model hgb --methods "$HGB_METHODS" --seeds 3 --out "results/$d-hgb"
  done
  for d in $TABULAR; do
    run --dataset "$d" --model mlp --methods "$MLP_METHODS" --seeds 3 --out "results/$d-mlp"
  done
fi
if [[ $what == all || $what == text ]]; then
  # (b) frozen sentence embeddings: the contrast model
  run --dataset sts_b_embed --model mlp \
      --methods vanilla,sqrt_inv,inv+lds,fds,inv+lds+fds,smogn,denseweight,focal-r,rrt \
      --seeds 3 --out results/sts_b_embed-mlp
  # (a) the paper's kind of model: paired comparison over 5 seeds, then the rest
  run --dataset sts_b --model bilstm --methods vanilla,inv+lds,inv+lds+fds --seeds 5 \
      --out results/sts_b-bilstm-main
  run --dataset sts_b --model bilstm \
      --methods sqrt_inv,lds,fds,focal-r,rrt,denseweight,balanced-mse --seeds 3 \
      --out results/sts_b-bilstm-more
fi
