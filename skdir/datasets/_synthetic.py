"""Synthetic regression data with a skewed target."""

from numbers import Integral, Real

import numpy as np
from sklearn.utils import check_random_state

from .._sklearn import Interval, validate_params

__all__ = ["make_imbalanced_regression"]


def _skewed_uniform(rng, n, imbalance):
    """Draw u in [0, 1] with density proportional to exp(-imbalance * u)."""
    r = rng.uniform(size=n)
    if abs(imbalance) < 1e-12:
        return r
    # Inverse CDF of the truncated exponential, stable for small |imbalance|.
    u = -np.log1p(r * np.expm1(-imbalance)) / imbalance
    return np.clip(u, 0.0, 1.0)


@validate_params(
    {
        "n_samples": [Interval(Integral, 1, None, closed="left")],
        "n_features": [Interval(Integral, 1, None, closed="left")],
        "n_informative": [Interval(Integral, 1, None, closed="left")],
        "imbalance": [Interval(Real, None, None, closed="neither")],
        "target_range": [tuple],
        "noise": [Interval(Real, 0, None, closed="left")],
        "integer_target": ["boolean"],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_imbalanced_regression(n_samples=1000, n_features=10, *, n_informative=5,
                               imbalance=3.0, target_range=(0.0, 100.0), noise=0.5,
                               integer_target=False, random_state=None):
    """Generate a regression problem whose target distribution is skewed.

    The labels are drawn first and the features from the labels, so that the
    conditional ``p(x | y)`` is the same everywhere and only ``p(y)`` is
    imbalanced, as in the DIR benchmarks (the same faces age the same way,
    there are just fewer old faces):

    1. ``u`` in [0, 1] has density proportional to ``exp(-imbalance * u)``:
       uniform for ``imbalance=0``, most frequent at 0 and ``exp(imbalance)``
       times rarer at 1 for ``imbalance > 0`` (mirrored for negative values).
       The target is ``y = low + (high - low) * u``, rounded to integers if
       ``integer_target``.
    2. Informative feature ``j < n_informative`` is a smooth, in general
       non-monotone function of ``u`` plus Gaussian noise:
       ``x_j = w_j * u + a_j * sin(2 pi f_j u + phi_j) + noise * e_j`` with
       ``w_j ~ N(0, 1)``, ``a_j ~ U(0.5, 1)``, ``f_j ~ U(0.5, 1.5)``,
       ``phi_j ~ U(0, 2 pi)`` drawn once per call and ``e_j ~ N(0, 1)`` per
       sample.
    3. The other ``n_features - n_informative`` features are pure ``N(0, 1)``
       noise.

    The informative features come first. Rare targets are hard to predict
    because few samples show how the features look there, not because the
    mapping is noisier there.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of samples.
    n_features : int, default=10
        Number of features.
    n_informative : int, default=5
        Number of features that depend on the target, at most ``n_features``.
    imbalance : float, default=3.0
        Log of the ratio between the densities of the most and the least
        frequent target (``3.0``: about 20 times); 0 gives a uniform target,
        a negative value makes high targets the frequent ones.
    target_range : tuple of two floats, default=(0.0, 100.0)
        ``(low, high)``, ``low < high``: the range of the target.
    noise : float, default=0.5
        Standard deviation of the Gaussian noise added to the informative
        features (their signal spans about 1 to 3). With the default, a
        gradient-boosting model trained on 4,000 samples (``imbalance=4``)
        errs about three times more on few-shot than on many-shot targets;
        with ``noise=0.1`` the mapping is almost deterministic and every
        region is easy.
    integer_target : bool, default=False
        If True, the target is rounded to integers (like ages or counts).
    random_state : int, RandomState instance or None, default=None
        Seed of every random draw (the feature mapping and the samples).

    Returns
    -------
    X : ndarray of shape (n_samples, n_features), float64
        Features.
    y : ndarray of shape (n_samples,), float64
        Skewed target.

    Examples
    --------
    >>> import numpy as np
    >>> from skdir.datasets import make_imbalanced_regression
    >>> X, y = make_imbalanced_regression(n_samples=2000, n_features=4,
    ...                                   n_informative=2, random_state=0)
    >>> X.shape, y.shape
    ((2000, 4), (2000,))
    >>> np.histogram(y, bins=5, range=(0, 100))[0]
    array([953, 500, 272, 169, 106])

    A bin-balanced test set drawn from the same data:

    >>> from skdir.model_selection import dir_train_test_split
    >>> X_tr, X_te, y_tr, y_te = dir_train_test_split(
    ...     X, y, y=y, bins=np.linspace(0, 100, 6), n_per_bin=30, random_state=0)
    >>> np.histogram(y_te, bins=5, range=(0, 100))[0]
    array([30, 30, 30, 30, 30])
    """
    if n_informative > n_features:
        raise ValueError(
            f"n_informative must be at most n_features={n_features}; got "
            f"n_informative={n_informative}."
        )
    try:
        low, high = (float(v) for v in target_range)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"target_range must be a tuple (low, high) of two numbers; got "
            f"{target_range!r}."
        ) from exc
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise ValueError(
            f"target_range must be (low, high) with finite low < high; got "
            f"{target_range!r}."
        )
    rng = check_random_state(random_state)
    imbalance = float(imbalance)

    # The mapping is drawn before the samples so that it depends on the seed
    # only, not on n_samples.
    w = rng.normal(size=n_informative)
    amp = rng.uniform(0.5, 1.0, size=n_informative)
    freq = rng.uniform(0.5, 1.5, size=n_informative)
    phase = rng.uniform(0.0, 2 * np.pi, size=n_informative)

    u = _skewed_uniform(rng, n_samples, imbalance)
    signal = w * u[:, None] + amp * np.sin(2 * np.pi * freq * u[:, None] + phase)
    X = np.empty((n_samples, n_features))
    X[:, :n_informative] = signal + noise * rng.normal(size=signal.shape)
    X[:, n_informative:] = rng.normal(size=(n_samples, n_features - n_informative))

    y = low + (high - low) * u
    if integer_target:
        y = np.round(y)
    return X, y
