"""Methods the benchmark compares: how a base model is trained."""

import numpy as np

from ..reweight import LDS, DenseWeight, ReweightedRegressor

__all__ = ["METHODS", "build_method", "check_methods"]


def _lds(data, reweight):
    # gaussian, ks=5, sigma=2 on the dataset's bins, without count clipping
    # (for INV + LDS that is the reference setting of STS-B-DIR)
    return LDS(bins=data.bins, reweight=reweight)


def _weighted(make_weighter):
    def build(model, data, seed):
        return ReweightedRegressor(model, weighter=make_weighter(data))

    return build


def _resampled(sampler_name):
    def build(model, data, seed):
        from .. import resample

        params = {}
        if "relevance_bins" in data.info:
            # bounded labels without box-plot outliers (STS-B scores): the
            # default relevance finds no rare label (and would leave the data
            # as they are); rarity by smoothed density
            params["relevance"] = resample.DensityRelevance(bins=data.info["relevance_bins"])
        sampler = getattr(resample, sampler_name)(**params)
        # the wrapper's seed goes to the sampler, whose own is left at None
        return resample.ResampledRegressor(model, sampler=sampler, random_state=seed)

    build.resamples = True  # interpolates rows: needs complete features
    return build


def _deep(**params):
    """A deep-only variant: set parameters of the DeepModel (and its net).

    :func:`check_methods` refuses it for a model that is not a network.
    """

    def build(model, data, seed):
        values = {k: (v(data) if callable(v) else v) for k, v in params.items()}
        if values.get("net__fds") and "fds_clip" in data.info:
            values["net__fds__clip"] = data.info["fds_clip"]
        return model.set_params(**values)

    build.deep_only = True
    return build


def _then(first, second):
    def build(model, data, seed):
        return second(first(model, data, seed), data, seed)

    build.deep_only = _deep_only(first) or _deep_only(second)
    return build


def _deep_only(builder):
    return getattr(builder, "deep_only", False)


_FDS = _deep(net__fds=True)


def _conr_regularizer(data):
    from ..regularizers import ConR

    return [ConR()]


_CONR = _deep(net__regularizers=_conr_regularizer)


def _balanced_mse(model, data, seed):
    # Ren et al. start at 1.0 on ages, about a tenth of their std; one unit
    # on STS-B scores / 5 (std 0.3) let the loss reward stretched predictions
    # (test MSE 18.5). The net takes the scale in label units when it
    # standardises the target, else in the units of the divided labels.
    std = float(np.std(data.y_train))
    if getattr(model, "target_scale", "standard") != "standard":
        std /= float(model.target_scale)
    return _deep(net__loss="balanced_mse",
                 net__criterion__init_noise_sigma=0.1 * std)(model, data, seed)


_balanced_mse.deep_only = True


#: Method name -> (description, builder(model, data, seed) -> estimator).
METHODS = {
    "vanilla": ("plain training", lambda model, data, seed: model),
    "inv": ("inverse-frequency weights",
            _weighted(lambda d: LDS(bins=d.bins, kernel=None, reweight="inverse"))),
    "sqrt_inv": ("square-root inverse-frequency weights",
                 _weighted(lambda d: LDS(bins=d.bins, kernel=None, reweight="sqrt_inv"))),
    "lds": ("SQINV + LDS (gaussian, ks=5, sigma=2)", _weighted(lambda d: _lds(d, "sqrt_inv"))),
    "inv+lds": ("INV + LDS (gaussian, ks=5, sigma=2)", _weighted(lambda d: _lds(d, "inverse"))),
    "denseweight": ("DenseWeight (alpha=1)", _weighted(lambda d: DenseWeight())),
    "smoter": ("SMOTER oversampling (skdir.resample defaults; density relevance on STS-B)",
               _resampled("SMOTER")),
    "smogn": ("SMOGN oversampling (skdir.resample defaults; density relevance on STS-B)",
              _resampled("SMOGN")),
    "fds": ("FDS (gaussian, ks=5, sigma=2), deep models only", _FDS),
    "lds+fds": ("SQINV + LDS and FDS, deep models only",
                _then(_FDS, _weighted(lambda d: _lds(d, "sqrt_inv")))),
    "inv+lds+fds": ("INV + LDS and FDS, deep models only",
                    _then(_FDS, _weighted(lambda d: _lds(d, "inverse")))),
    "focal-r": ("Focal-R loss (focal L1, beta=0.2, gamma=1), deep models only",
                _deep(net__loss="focal_l1")),
    "balanced-mse": ("Balanced MSE (batch Monte-Carlo; initial noise scale a tenth of "
                     "the training label std), deep models only", _balanced_mse),
    "rrt": ("RRT: retrain the head with SQINV + LDS weights, deep models only",
            _deep(rrt=lambda d: LDS(bins=d.bins))),
    "conr": ("ConR contrastive regulariser (weight 1, temperature 0.2, threshold 0.1 "
             "trained units), deep models only", _CONR),
    "dist": ("Dist Loss (MSE + sorted predictions against pseudo-labels), deep models only",
             _deep(net__loss="dist")),
    "lds+fds+conr": ("SQINV + LDS, FDS and ConR, deep models only",
                     _then(_then(_FDS, _CONR), _weighted(lambda d: _lds(d, "sqrt_inv")))),
}


def check_methods(methods, *, deep):
    """Refuse, before any fit, method lists that cannot run.

    Parameters
    ----------
    methods : sequence of str
        Names in :data:`METHODS`, each once.
    deep : bool
        Whether the base model is a network (FDS, losses and RRT need one).

    Returns
    -------
    methods : list of str
        The methods.
    """
    methods = list(methods)
    if not methods:
        raise ValueError("methods must name at least one method; got none.")
    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        raise ValueError(f"method must be one of {sorted(METHODS)}; got {unknown}.")
    twice = sorted({m for m in methods if methods.count(m) > 1})
    if twice:
        raise ValueError(f"methods must each be given once; {twice} given more than once.")
    if not deep:
        need_net = [m for m in methods if _deep_only(METHODS[m][1])]
        if need_net:
            raise ValueError(
                f"methods {need_net} change how a network is trained (FDS, loss, RRT, "
                "regulariser): "
                "use a deep model (--model mlp, or bilstm for sts_b)."
            )
    return methods


def build_method(name, model, data, seed=0):
    """The estimator that trains ``model`` with method ``name``."""
    if name not in METHODS:
        raise ValueError(f"method must be one of {sorted(METHODS)}; got {name!r}.")
    return METHODS[name][1](model, data, seed)
