"""A sampler's ``relevance`` parameter: its constraint, its fit on the
validated labels, and the one warning when it finds no rare label."""

import warnings

import numpy as np
from sklearn.base import clone

from .._sklearn import HasMethods
from .._warnings import _user_stacklevel
from ._relevance import (
    BaseRelevance,
    ControlPointRelevance,
    ExtremesRelevance,
    sorted_variant,
)

__all__ = ["fit_relevance", "fit_relevance_sorted", "warn_nothing_rare"]

_RELEVANCE = [None, HasMethods(["fit", "transform"]), "array-like"]


def _fitted_relevance(relevance, labels):
    """The sampler's ``relevance`` fitted on ``labels``, and whether it is
    skdir's own, with its own ``fit`` and ``transform`` (whose ``_transform``
    may then be called on the validated labels)."""
    y = labels.y
    if relevance is None or not hasattr(relevance, "fit"):
        # Built here from a parameter the sampler's constraints validated:
        # the defaults, or control points (checked by the relevance's fit).
        relevance = (ExtremesRelevance() if relevance is None
                     else ControlPointRelevance(relevance))
        fit_sorted = sorted_variant(relevance, "_fit")
        if fit_sorted is not None:
            fit_sorted(labels.sorted)
        else:
            relevance._fit(y)
        return relevance, True
    relevance = clone(relevance)
    cls = type(relevance)
    if (isinstance(relevance, BaseRelevance) and cls.fit is BaseRelevance.fit
            and cls.transform is BaseRelevance.transform):
        # skdir's own relevance with its own fit and transform: its
        # parameters are validated as fit does, but y, validated already,
        # is not checked again, and the box plot does not sort it again
        relevance._fit_checked(y, labels.sorted)
        return relevance, True
    return relevance.fit(y), False


def fit_relevance(relevance, labels):
    """Fit a relevance (None, an object, or control points) on validated labels.

    Parameters
    ----------
    relevance : None, relevance object or array-like
        The sampler's ``relevance`` parameter.
    labels : Labels
        The labels, validated by ``check_labels``, and their sort.

    Returns
    -------
    relevance : relevance object
        The fitted relevance (a clone of an object given).
    phi : ndarray of shape (n_samples,)
        The relevance of ``labels.y``.
    """
    relevance, own = _fitted_relevance(relevance, labels)
    transform_sorted = sorted_variant(relevance, "_transform") if own else None
    if transform_sorted is not None:
        # on the sorted labels each piece of the spline is a slice, which is
        # quicker than a search per label even with the scatter back
        phi = np.empty(labels.y.shape[0])
        phi[labels.order] = transform_sorted(labels.sorted)
        return relevance, phi
    return relevance, (relevance._transform(labels.y) if own
                       else relevance.transform(labels.y))


def fit_relevance_sorted(relevance, labels):
    """:func:`fit_relevance`, with the relevance of ``labels.sorted`` instead."""
    relevance, own = _fitted_relevance(relevance, labels)
    transform_sorted = sorted_variant(relevance, "_transform") if own else None
    if transform_sorted is not None:
        return relevance, transform_sorted(labels.sorted)
    phi = relevance._transform(labels.y) if own else relevance.transform(labels.y)
    return relevance, phi[labels.order]


def warn_nothing_rare(sampler, largest):
    """The one warning of a sampler that finds no rare label.

    The sampler then returns the data unchanged, as an imbalanced-learn
    sampler does when there is nothing to balance, so that a
    cross-validation fold with a mild tail does not abort a search.
    """
    threshold = getattr(sampler, "relevance_threshold", None)
    if threshold is None:  # WERCS: any relevance above 0 is drawn from
        rule, advice = "relevance > 0", "Pass a relevance"
        score = "above 0"
    else:
        rule = f"relevance >= relevance_threshold={threshold!r}"
        advice, score = "Lower relevance_threshold, or pass a relevance", "high"
    warnings.warn(
        f"{type(sampler).__name__} found no rare label: no label has {rule} (the "
        f"largest relevance is {largest:.3g}), so the data are returned unchanged. "
        f"{advice} (e.g. DensityRelevance, or ControlPointRelevance with your own "
        f"points) under which your rare labels score {score}.",
        UserWarning, stacklevel=_user_stacklevel(),
    )
