"""Per-pixel LDS and FDS on a synthetic depth set.

Monocular depth estimation in the manner of NYUD2-DIR (one label per pixel,
whose depths are imbalanced), on *synthetic* data: the rooms of
``make_synthetic_depth`` are generated, not measured, so that the example
runs anywhere in seconds to minutes on a CPU. Most of their pixels lie
2-4 m away; near and far pixels are rare.

A small encoder-decoder CNN is trained three times, from the same seed and
on the same batches: with the plain per-pixel MSE, with per-pixel LDS
weights in that MSE (``DenseLDS`` + ``weighted_pixel_loss``), and with LDS
weights plus FDS on the decoder's last features (``DenseFDS``). The held-out
maps are scored over all pixels and over the many-, medium- and few-shot
pixels (``dense_shot_metrics``). The NYUD2-DIR benchmark itself trains a
ResNet-50 encoder-decoder on 50,688 maps of 228 x 304 pixels: a GPU job.
"""

import os

import pandas as pd
import torch
from torch import nn

from skdir.datasets import make_synthetic_depth
from skdir.dense import DenseFDS, DenseLDS, dense_shot_metrics, weighted_pixel_loss

FAST = os.environ.get("SKDIR_EXAMPLES_FAST") == "1"
N_MAPS, HEIGHT, WIDTH = (24, 24, 32) if FAST else (600, 48, 64)
EPOCHS, BATCH = (2, 8) if FAST else (20, 8)
CHANNELS = 16  # C: the decoder features FDS calibrates, one C-vector per pixel
SEED = 0

rooms = make_synthetic_depth(N_MAPS, height=HEIGHT, width=WIDTH, random_state=SEED)
# half the maps held out: far pixels come from the few deep rooms, and with
# fewer test maps the few-shot row would be the score of one or two rooms
n_train = N_MAPS // 2
X_train, X_test = torch.from_numpy(rooms.data[:n_train]), torch.from_numpy(rooms.data[n_train:])
y_train, y_test = rooms.target[:n_train], rooms.target[n_train:]

# The NYUD2-DIR settings: 0.1 m bins, counts smoothed with mirrored ends.
# No depth is generated below 0.5 m, so the empty bins below it are merged
# into its bin (the reference's bucket_start) rather than mirrored into the
# smoothing. The default square-root reweighting, not the reference's
# 'inverse': on a few hundred maps the far bins hold a handful of pixels, and
# inverse counts would weigh them hundreds of times the typical pixel
# (count_clip=(low, high) would cap them too, as for LDS).
lds = DenseLDS(bins="nyud2", clamp_below=0.5, mode="reflect").fit(y_train)
pixel_weights = torch.from_numpy(lds.transform(y_train)).unsqueeze(1)
targets = torch.from_numpy(y_train).unsqueeze(1)  # (n, 1, H, W), the shape of the output

# Pixel counts grow with the number and size of the maps, so the regions'
# thresholds are the NYUD2-DIR ones (2.6e7 and 1e7 pixels) taken as shares
# of its 50,688 x 228 x 304 training pixels, applied to ours: a bin holding
# over 0.74 % of the training pixels is many-shot, under 0.285 % few-shot.
NYUD2_PIXELS = 50_688 * 228 * 304
train_pixels = y_train.size
MANY, FEW = 2.6e7 / NYUD2_PIXELS * train_pixels, 1e7 / NYUD2_PIXELS * train_pixels


def conv(c_in, c_out, stride=1, dilation=1):
    return nn.Sequential(nn.Conv2d(c_in, c_out, 3, stride=stride, padding=dilation,
                                   dilation=dilation, bias=False),
                         nn.BatchNorm2d(c_out), nn.ReLU())


class DepthNet(nn.Module):
    """Encoder-decoder: one stride-2 downsampling, one upsampling with a skip."""

    def __init__(self, fds=None):
        super().__init__()
        self.enc = conv(3, 16)
        # dilated convolutions at half resolution: a pixel's depth depends on
        # where the floor and the wall meet, tens of pixels away, and one
        # downsampling alone sees too little of the room
        self.down = nn.Sequential(conv(16, 32, stride=2), conv(32, 32, dilation=2),
                                  conv(32, 32, dilation=4))
        self.up = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False)
        self.dec = conv(32 + 16, CHANNELS)  # full resolution: one feature per depth pixel
        self.fds = fds
        self.head = nn.Conv2d(CHANNELS, 1, 1)
        # start from the mean depth, so that the first epochs learn the scene,
        # not the offset of ~2.8 m
        nn.init.constant_(self.head.bias, float(y_train.mean()))

    def forward(self, x, bins=None):
        skip = self.enc(x)
        z = self.dec(torch.cat([self.up(self.down(skip)), skip], dim=1))
        if self.fds is not None:
            z = self.fds(z, bins)  # identity in eval mode or without bins
        return self.head(z)


def train(lds_weights, fds):
    # the same seed for every method: same initial weights, same batches
    torch.manual_seed(SEED)
    net = DepthNet(fds)
    optimizer = torch.optim.Adam(net.parameters(), lr=3e-3)
    # a decaying rate, so that the scores are not those of the last noisy steps
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, EPOCHS)
    order = torch.Generator().manual_seed(SEED)
    # the bins of every training pixel, once: DenseFDS.bin_index bins in numpy
    bins = fds.bin_index(y_train) if fds is not None else None
    for _ in range(EPOCHS):
        net.train()
        for idx in torch.randperm(n_train, generator=order).split(BATCH):
            pred = net(X_train[idx], None if bins is None else bins[idx])
            weight = pixel_weights[idx] if lds_weights else None
            loss = weighted_pixel_loss(pred, targets[idx], weight)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        schedule.step()
        if fds is not None:
            # with update='online' the forward passes above gathered this
            # epoch's raw features per bin; fold them in, and from epoch
            # start_smooth on, the next epoch's features are calibrated
            fds.end_epoch()
    net.eval()
    with torch.no_grad():
        pred = torch.cat([net(x) for x in X_test.split(64)])
    # the depth metrics take logarithms and ratios: keep predictions positive
    return pred[:, 0].clamp_min(1e-3).numpy()


methods = {
    "MSE": (False, None),
    "LDS": (True, None),
    # the reference clips the variance ratio to (0.2, 5); the statistics
    # are gathered from the epoch's own forward passes (update='online'), not
    # from an extra pass over a subset of training maps as in the reference
    "LDS + FDS": (True, DenseFDS.from_dense_lds(lds, CHANNELS, clip=(0.2, 5.0))),
}
tables = {}
for name, (lds_weights, fds) in methods.items():
    y_pred = train(lds_weights, fds)
    table = dense_shot_metrics(y_test, y_pred, train=lds, many_shot_threshold=MANY,
                               few_shot_threshold=FEW)
    tables[name] = table[["rmse", "mae", "delta1", "count"]]

print(f"synthetic depth: {n_train} training and {N_MAPS - n_train} test maps of "
      f"{HEIGHT} x {WIDTH}, {EPOCHS} epochs")
print(pd.concat(tables, names=["method"]).round(3).to_string())
