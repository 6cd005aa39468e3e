"""STS-B-DIR: sentence-pair similarity as imbalanced regression, LDS + FDS.

The paper's kind of model: token ids -> frozen word vectors -> 2-layer BiLSTM
-> pair features [u, v, |u-v|, u*v] -> FDS -> linear head, trained with MSE
on the standardised scores (the estimator's default; the paper divides them
by 5). INV + LDS weights come from ReweightedRegressor. The
shot regions use 0.1-wide score bins, many > 100 and few < 30 training pairs,
as the paper. Needs the text extra: pip install "scikit-dir[text]".
"""

import os

import numpy as np

from skdir.datasets import load_sts_b_dir
from skdir.estimators import DeepRegressor
from skdir.metrics import shot_metrics
from skdir.reweight import LDS, ReweightedRegressor
from skdir.text import BiLSTMPairEncoder, tokenize_pairs

FAST = os.environ.get("SKDIR_EXAMPLES_FAST") == "1"

ds = load_sts_b_dir()
ids = tokenize_pairs(ds.data, max_len=64)
train, test = ds.split == "train", ds.split == "test"
X_train, y_train, X_test, y_test = ids[train], ds.target[train], ids[test], ds.target[test]
many, few = 100, 30  # the paper's STS-B thresholds
if FAST:  # the rows are sorted by score: take a spread-out subset, scale the thresholds
    rng = np.random.RandomState(0)
    keep = rng.choice(len(y_train), 600, replace=False)
    X_train, y_train = X_train[keep], y_train[keep]
    many, few = 100 * 600 / 5249, 30 * 600 / 5249

for name, fds in [("vanilla", False), ("INV + LDS + FDS", True)]:
    net = DeepRegressor(module=BiLSTMPairEncoder, module__hidden_size=8 if FAST else 128,
                        fds=fds, fds__clip=(0.5, 2.0), fds__bins=ds.bin_edges,
                        max_epochs=1 if FAST else 10, batch_size=128, verbose=0, random_state=0)
    model = net if not fds else ReweightedRegressor(
        net, weighter=LDS(bins=ds.bin_edges, reweight="inverse"))
    model.fit(X_train, y_train)
    table = shot_metrics(y_test, model.predict(X_test), y_train=y_train, bins=ds.bin_edges,
                         many_shot_threshold=many, few_shot_threshold=few)
    print(f"{name}\n{table[['mse', 'mae', 'pearson', 'spearman', 'count']].round(3)}\n")
