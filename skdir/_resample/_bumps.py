"""Bumps: runs of consecutive labels on the same side of the relevance threshold.

Sorting the labels and cutting wherever the relevance crosses the threshold
gives the "bumps" of Torgo et al. (2013) and Branco et al. (2017): rare
bumps (relevance >= threshold) and normal bumps, each resampled as a group.
How many samples each bump ends with is the sampling strategy.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from numbers import Real

import numpy as np
import pandas as pd

__all__ = ["Bumps", "check_strategy", "find_bumps", "sorted_bumps", "target_sizes"]

#: The strategies that are size multipliers, checkable without the labels.
_FACTORS = (Real, Mapping)


@dataclass
class Bumps:
    order: np.ndarray  # sample indices sorted by label
    starts: np.ndarray  # (n_bumps + 1,) bump boundaries in `order`
    rare: np.ndarray  # (n_bumps,) bool
    y_min: np.ndarray
    y_max: np.ndarray

    @property
    def n_bumps(self):
        return self.rare.shape[0]

    @cached_property
    def sizes(self):
        return self.starts[1:] - self.starts[:-1]

    def members(self, b):
        return self.order[self.starts[b]:self.starts[b + 1]]

    def describe(self, targets):
        return pd.DataFrame({
            "y_min": self.y_min, "y_max": self.y_max, "rare": self.rare,
            "n_samples": self.sizes, "n_resampled": np.asarray(targets, dtype=np.intp),
        })

    def label(self, b):
        kind = "rare" if self.rare[b] else "normal"
        return f"the {kind} bump of labels in [{self.y_min[b]:g}, {self.y_max[b]:g}]"


def find_bumps(y, relevance, threshold):
    """Cut the sorted labels where their relevance crosses ``threshold``.

    Labels none of which is rare make one normal bump (the caller returns
    the data unchanged); labels all of which are rare are refused, since no
    normal sample is left to compare the rare ones with.
    """
    order = np.argsort(y, kind="stable")
    return sorted_bumps(order, y[order], relevance[order], threshold)


def sorted_bumps(order, y_sorted, relevance_sorted, threshold):
    """:func:`find_bumps` from the labels' stable sort ``order``, the sorted
    labels ``y[order]`` and their relevance ``relevance[order]``."""
    is_rare = relevance_sorted >= threshold
    cuts = (is_rare[1:] != is_rare[:-1]).nonzero()[0] + 1
    if not cuts.shape[0] and is_rare[0]:  # no change and rare: all rare
        raise ValueError(
            f"Every label has relevance >= relevance_threshold={threshold!r} (the "
            f"smallest relevance is {relevance_sorted.min():.3g}), so there are no normal "
            "samples to compare the rare ones with. Raise relevance_threshold or "
            "pass another relevance."
        )
    starts = np.empty(cuts.shape[0] + 2, dtype=np.intp)
    starts[0], starts[1:-1], starts[-1] = 0, cuts, y_sorted.shape[0]
    first = starts[:-1]
    return Bumps(order=order, starts=starts, rare=is_rare[first],
                 y_min=y_sorted[first], y_max=y_sorted[starts[1:] - 1])


def _check_factors(f, rare, mode, what):
    """The one rule on size multipliers: finite, > 0, and in the direction
    the sampler can move (an over-sampler grows rare bumps only, an
    under-sampler shrinks normal bumps only)."""
    if not np.all(np.isfinite(f) & (f > 0)):
        raise ValueError(
            f"sampling_strategy multipliers must be finite and > 0; got {f.tolist()} "
            f"for {what}."
        )
    if mode == "over" and (np.any(f < 1) or np.any(f[~rare] != 1)):
        raise ValueError(
            "An over-sampler only adds samples: sampling_strategy multipliers must "
            f"be >= 1 for rare bumps and 1 for normal bumps; got {f.tolist()} for "
            f"{what}."
        )
    if mode == "under" and (np.any(f > 1) or np.any(f[rare] != 1)):
        raise ValueError(
            "An under-sampler only removes samples: sampling_strategy multipliers "
            f"must be <= 1 for normal bumps and 1 for rare bumps; got {f.tolist()} "
            f"for {what}."
        )


def _kind_factors(strategy, mode):
    """Multipliers (rare, normal) of a float or dict strategy, checked."""
    if isinstance(strategy, Mapping):
        unknown = set(strategy) - {"rare", "normal"}
        if unknown:
            raise ValueError(
                f"sampling_strategy as a dict takes the keys 'rare' and 'normal' "
                f"(size multipliers); got unknown key(s) {sorted(map(str, unknown))}."
            )
        pair = (strategy.get("rare", 1.0), strategy.get("normal", 1.0))
    elif mode == "under":  # a float multiplies the bumps the sampler can change
        pair = (1.0, strategy)
    else:
        pair = (strategy, 1.0)
    for value in pair:
        if not isinstance(value, Real) or isinstance(value, bool):
            raise ValueError(
                f"sampling_strategy multipliers must be numbers; got {value!r} in "
                f"{strategy!r}."
            )
    f = np.array(pair, dtype=np.float64)
    _check_factors(f, np.array([True, False]), mode, "the rare and normal bumps")
    return f


def check_strategy(strategy, mode):
    """Refuse a float or dict ``sampling_strategy`` whatever the labels are.

    A sequence is checked against the bumps in :func:`target_sizes`, since
    its length depends on them.
    """
    if isinstance(strategy, _FACTORS):
        _kind_factors(strategy, mode)


def _factors(strategy, bumps, mode):
    """Per-bump multipliers from a float, a dict or a sequence."""
    if isinstance(strategy, _FACTORS):
        rare_f, normal_f = _kind_factors(strategy, mode)
        return np.where(bumps.rare, rare_f, normal_f)
    f = np.asarray(strategy, dtype=np.float64).ravel()
    if f.shape[0] != bumps.n_bumps:
        raise ValueError(
            f"sampling_strategy as a sequence needs one size multiplier per "
            f"bump, in increasing label order; the labels form {bumps.n_bumps} bumps "
            f"(rare: {bumps.rare.tolist()}), got {f.shape[0]} multipliers."
        )
    _check_factors(f, bumps.rare, mode, f"bumps with rare={bumps.rare.tolist()}")
    return f


def target_sizes(strategy, bumps, mode):
    """Number of samples each bump ends with.

    Parameters
    ----------
    strategy : {'auto', 'balance', 'extreme'}, float, dict or sequence
        See the samplers' ``sampling_strategy``; 'auto' is 'balance'.
    bumps : Bumps
    mode : {'both', 'over', 'under'}
        Whether the sampler may grow and shrink bumps, only grow rare bumps,
        or only shrink normal bumps.

    Returns
    -------
    sizes : ndarray of shape (n_bumps,), dtype float64
        Whole numbers >= 1, kept as floats so that the caller can refuse a
        total too large to hold before casting them to integers.
    """
    if isinstance(strategy, str) and strategy != "extreme":
        return _balance_sizes(bumps, mode)
    sizes = bumps.sizes.astype(np.float64)
    rare = bumps.rare
    n, nb = sizes.sum(), sizes.shape[0]
    if isinstance(strategy, str):  # 'extreme': the balance ones returned above
        if mode == "both":
            b = np.round(n / nb)
            inv = b * b / sizes  # inverts the bump frequencies, same total
            t = inv * (nb * b / inv.sum())
        elif mode == "over":
            ref = (sizes[~rare].mean() ** 2) / sizes
            t = np.where(rare, np.maximum(sizes, ref), sizes)
        else:
            ref = (sizes[rare].mean() ** 2) / sizes
            t = np.where(rare, sizes, np.minimum(sizes, ref))
    else:
        with np.errstate(over="ignore"):  # an infinite total is the caller's to refuse
            t = sizes * _factors(strategy, bumps, mode)
    return np.maximum(np.round(t), 1)


def _balance_sizes(bumps, mode):
    """:func:`target_sizes` of ``'balance'`` (and ``'auto'``), the default.

    On Python numbers, there being a handful of bumps: the same IEEE double
    arithmetic as numpy's (sums of whole numbers are exact, ``round``
    rounds half to even as ``np.round`` does) without its per-call cost.
    """
    sizes = bumps.sizes.tolist()
    if mode == "both":
        return np.array([max(float(round(sum(sizes) / len(sizes))), 1.0)] * len(sizes))
    grow = mode == "over"
    # the other kind's total (whole numbers: exact), shared among the bumps
    # the sampler changes: rare ones when it grows them, normal ones else
    changed = [r == grow for r in bumps.rare.tolist()]
    ref = sum(n for n, c in zip(sizes, changed, strict=True) if not c) / sum(changed)
    return np.array([max(float(round(max(n, ref) if grow else min(n, ref))), 1.0) if c
                     else max(float(n), 1.0) for n, c in zip(sizes, changed, strict=True)])
