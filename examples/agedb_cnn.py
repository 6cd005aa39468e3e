"""AgeDB-DIR with a CNN: age estimation from face images, LDS + FDS.

AgeDB images are distributed by their authors on request, so skdir ships the
labels and the DIR split only. Point AGEDB_ROOT at the folder holding
``AgeDB/`` to train on the real images:

    AGEDB_ROOT=/data/agedb python examples/agedb_cnn.py

Without it (and in the test suite) the example writes small synthetic faces
whose brightness follows the age, so that it runs anywhere. The settings are
the paper's for AgeDB-DIR: one bin per year, INV + LDS weights with counts
clipped to (5, 1000), FDS, an L1 loss, a random crop and flip drawn afresh
every epoch (the images are read from disk by the dataset, not held in
memory). The CNN is small; the paper uses a
ResNet-50 on 224-pixel images, which is a GPU job (device="cuda").
"""

import os
from pathlib import Path

import numpy as np
from torch import nn

from skdir.datasets import AgeDBImageDataset, load_agedb_dir
from skdir.estimators import DeepRegressor
from skdir.metrics import shot_metrics
from skdir.reweight import LDS

FAST = os.environ.get("SKDIR_EXAMPLES_FAST") == "1"
IMG = 32


class SmallCNN(nn.Module):
    """Three conv blocks and global average pooling: 64 features per image."""

    out_features = 64

    def __init__(self, width=16):
        super().__init__()
        layers, channels = [], 3
        for out in (width, 2 * width, 64):
            layers += [nn.Conv2d(channels, out, 3, padding=1), nn.BatchNorm2d(out),
                       nn.ReLU(), nn.MaxPool2d(2)]
            channels = out
        self.body = nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten())

    def forward(self, x):
        return self.body(x)


def synthetic_faces(root, paths, ages, seed=0):
    """Write one small image per path whose brightness grows with the age."""
    from PIL import Image

    rng = np.random.RandomState(seed)
    for path, age in zip(paths, ages):
        level = int(40 + 2 * age)
        pixels = np.clip(level + rng.normal(0, 20, size=(IMG, IMG, 3)), 0, 255)
        target = Path(root) / path
        target.parent.mkdir(parents=True, exist_ok=True)
        Image.fromarray(pixels.astype(np.uint8)).save(target)


labels = load_agedb_dir()
rng = np.random.RandomState(0)
subset = {s: np.flatnonzero(labels.split == s) for s in ("train", "val", "test")}
if FAST:
    subset = {s: rng.choice(idx, 300 if s == "train" else 100, replace=False)
              for s, idx in subset.items()}

root = os.environ.get("AGEDB_ROOT")
if root is None:
    root = Path(os.environ.get("SKDIR_EXAMPLES_OUT", ".")) / "synthetic_agedb"
    chosen = np.concatenate(list(subset.values()))
    synthetic_faces(root, labels.data[chosen], labels.target[chosen])

# The paper's INV + LDS weights of the training ages, then a dataset that
# yields (image, age, weight): DeepRegressor.fit reads the ages from its
# `targets` and draws a new random crop and flip of every image each epoch.
y_train = labels.target[subset["train"]]
weights = LDS(bins=labels.bin_edges, reweight="inverse", count_clip=(5, 1000)).fit_transform(
    y_train)
train = AgeDBImageDataset(root, labels.data[subset["train"]], y_train, train=True,
                          img_size=IMG, sample_weight=weights)
test = AgeDBImageDataset(root, labels.data[subset["test"]], labels.target[subset["test"]],
                         img_size=IMG)

net = DeepRegressor(module=SmallCNN, fds=True, fds__bins=labels.bin_edges, loss="l1",
                    max_epochs=2 if FAST else 30, batch_size=128, lr=1e-3, verbose=0,
                    random_state=0, device="auto")
net.fit(train)
table = shot_metrics(test.targets, net.predict(test),
                     y_train=labels.target[labels.split == "train"], bins=labels.bin_edges)
print(table[["mae", "gm", "count"]].round(2))
