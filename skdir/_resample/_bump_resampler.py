"""``BumpResampler``, the base of the samplers that resample the bumps of rare
and normal labels, with the parameter constraints and helpers they share."""

from numbers import Real

import numpy as np

from .._sklearn import Interval, StrOptions
from ._base import BaseResampler, Plan, built_on_read
from ._bumps import check_strategy, sorted_bumps, target_sizes
from ._output_rows import check_output_rows
from ._sampler_relevance import fit_relevance_sorted, warn_nothing_rare

__all__ = ["BumpResampler", "merge_plans", "spread_seeds", "undersample"]

# 0 is left out: every relevance is >= 0, so no label would be normal.
_THRESHOLD = [Interval(Real, 0, 1, closed="right")]
_STRATEGY = [StrOptions({"auto", "balance", "extreme"}),
             Interval(Real, 0, None, closed="neither"), dict, list, tuple, np.ndarray]


class BumpResampler(BaseResampler):
    """Samplers that resample the bumps of rare and normal labels.

    Subclasses set ``_mode`` ('both', 'over' or 'under') and implement
    ``_resample_bumps(data, y, bumps, targets, rng) -> Plan``. Labels none
    of which is rare are returned unchanged, with one warning.
    """

    _mode = "both"

    def _plan(self, data, labels, rng):
        check_strategy(self.sampling_strategy, self._mode)
        y = labels.y
        self.relevance_, phi_sorted = fit_relevance_sorted(self.relevance, labels)
        bumps = sorted_bumps(labels.order, labels.sorted, phi_sorted,
                             self.relevance_threshold)
        nothing_rare = not bumps.rare.any()
        if nothing_rare:
            warn_nothing_rare(self, phi_sorted.max())
            targets = bumps.sizes.astype(np.float64)
        else:
            targets = target_sizes(self.sampling_strategy, bumps, self._mode)
            check_output_rows(
                self, targets.sum(), data,
                asked=lambda: f"sampling_strategy={self.sampling_strategy!r} on bumps "
                              f"of {bumps.sizes.tolist()} samples",
                fix="Lower sampling_strategy: 'auto' returns at most twice as many "
                    "rows as it is given, a number multiplies the size of the rare "
                    "bumps.")
        targets = targets.astype(np.intp)
        # bumps_ is built from these when first read: a DataFrame costs more
        # than the rest of a small resample, and most fits never look at it
        self._bumps_table = (bumps, targets)
        self.__dict__.pop("_built_bumps_", None)
        self.sampling_strategy_ = targets / bumps.sizes
        if nothing_rare:
            return Plan(kept=np.arange(y.shape[0]))
        return self._resample_bumps(data, y, bumps, targets, rng)

    @property
    def bumps_(self):
        """One row per bump (see the class's *Attributes*), built on first read."""
        return built_on_read(self, "bumps_", "_bumps_table",
                             lambda table: table[0].describe(table[1]))


def undersample(members, target, rng):
    """``target`` of ``members`` drawn uniformly without replacement."""
    if target >= members.shape[0]:
        return members
    return rng.choice(members, size=target, replace=False)


def spread_seeds(n_members, n_new, rng):
    """Local seed index of each new sample: every member ``n_new // n_members``
    times, plus ``n_new % n_members`` distinct members once more (UBL's rule)."""
    base, extra = divmod(n_new, n_members)
    seeds = np.repeat(np.arange(n_members), base)
    if extra:
        seeds = np.concatenate([seeds, rng.choice(n_members, size=extra, replace=False)])
    return seeds


def merge_plans(kept_parts, synth_parts):
    """One Plan from per-bump kept rows and synthetic blocks."""
    kept = np.sort(np.concatenate(kept_parts)) if kept_parts else np.empty(0, np.intp)
    if not synth_parts:
        return Plan(kept=kept)
    fields = ("seed", "neighbor", "gap", "numeric", "codes", "y")
    return Plan(kept=kept, **{f: np.concatenate([p[f] for p in synth_parts])
                              for f in fields})
