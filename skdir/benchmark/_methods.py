"""Methods the benchmark compares: how a base model is trained."""

from ..reweight import LDS, DenseWeight, ReweightedRegressor

__all__ = ["METHODS", "build_method"]


def _weighted(weighter):
    def build(model, data):
        return ReweightedRegressor(model, weighter=weighter(data))

    return build


#: Method name -> (description, builder(model, data) -> estimator).
METHODS = {
    "vanilla": ("plain training", lambda model, data: model),
    "inv": ("inverse-frequency weights",
            _weighted(lambda d: LDS(bins=d.bins, kernel=None, reweight="inverse"))),
    "sqrt_inv": ("square-root inverse-frequency weights",
                 _weighted(lambda d: LDS(bins=d.bins, kernel=None, reweight="sqrt_inv"))),
    "lds": ("SQINV + LDS (gaussian, ks=5, sigma=2)",
            _weighted(lambda d: LDS(bins=d.bins, reweight="sqrt_inv"))),
    "inv+lds": ("INV + LDS (gaussian, ks=5, sigma=2)",
                _weighted(lambda d: LDS(bins=d.bins, reweight="inverse"))),
    "denseweight": ("DenseWeight (alpha=1)", _weighted(lambda d: DenseWeight())),
}


def build_method(name, model, data):
    """The estimator that trains ``model`` with method ``name``."""
    if name not in METHODS:
        raise ValueError(f"method must be one of {sorted(METHODS)}; got {name!r}.")
    return METHODS[name][1](model, data)
