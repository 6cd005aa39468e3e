"""Pooled RandomStates, re-seeded for an int ``random_state`` rather than built."""

from numbers import Integral

import numpy as np
from sklearn.utils import check_random_state

#: RandomStates to re-seed. ``RandomState(seed)`` first fills its state from
#: OS entropy (about 0.1 ms, as long as a whole small resample) and then
#: overwrites it with the seed; ``RandomState.seed(seed)`` is that second
#: step alone, so a re-seeded one draws exactly the same numbers. A pool
#: (``list.pop`` and ``append`` are atomic) gives concurrent and nested fits
#: each their own.
_RNG_POOL = []


def _random_state(seed):
    """``check_random_state(seed)``, re-seeding a pooled RandomState for an int.

    Returns the RandomState and whether it is pooled, in which case the
    caller appends it to ``_RNG_POOL`` once done with it.
    """
    if not isinstance(seed, Integral):  # None or a RandomState: used as given
        return check_random_state(seed), False
    try:
        rng = _RNG_POOL.pop()
    except IndexError:
        rng = np.random.RandomState()
    try:
        rng.seed(seed)  # a seed outside [0, 2**32) raises as RandomState(seed) does
    except BaseException:
        _RNG_POOL.append(rng)
        raise
    return rng, True
