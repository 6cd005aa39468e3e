"""Base models the benchmark trains."""

from sklearn.ensemble import HistGradientBoostingRegressor

from .._extras import require_extras

__all__ = ["MODELS", "build_model", "check_model"]

#: Training length of the deep models, per model (CPU-sized defaults).
DEEP_SETTINGS = {
    "mlp": {"max_epochs": 60, "batch_size": 256, "lr": 1e-3, "hidden_sizes": (128, 128)},
    # the paper's optimiser settings but lr (1e-4 there, with up to 200 epochs)
    "bilstm": {"max_epochs": 12, "batch_size": 128, "lr": 1e-3, "hidden_size": 64,
               "dropout": 0.2, "weight_decay": 1e-5, "clip": 5.0, "patience": None},
}


def _hgb(data, seed, device, params):
    if data.info.get("kind") == "text":
        raise ValueError("model 'hgb' needs numeric features: use sts_b_embed for STS-B.")
    # Categorical columns of a DataFrame are used natively.
    return HistGradientBoostingRegressor(categorical_features="from_dtype", random_state=seed)


def _deep_model(net, data, **kwargs):
    from ._deep import DeepModel

    # the paper's model selection, where the data has a validation split
    validation = None if data.X_val is None else (data.X_val, data.y_val)
    return DeepModel(net, bins=data.bins, validation=validation, **kwargs)


def _mlp(data, seed, device, params):
    from ..estimators import DeepRegressor

    net = DeepRegressor(**params, device=device, random_state=seed, verbose=0)
    kind = data.info.get("kind", "tabular")
    if kind == "text":
        raise ValueError("model 'mlp' needs numeric features: use sts_b_embed, or "
                         "model 'bilstm' for the token ids of sts_b.")
    # STS-B features are trained on scores / 5, as the paper; tabular targets standardised
    scale = 5.0 if data.name.startswith("sts_b") else "standard"
    return _deep_model(net, data, tabular=kind == "tabular", target_scale=scale)


def _bilstm(data, seed, device, params):
    from ..estimators import DeepRegressor
    from ..text import BiLSTMPairEncoder

    if data.info.get("kind") != "text":
        raise ValueError(f"model 'bilstm' needs a text dataset (sts_b); got {data.name!r}.")
    from skorch.callbacks import GradientNormClipping

    params = dict(params)
    patience = params.pop("patience")
    net = DeepRegressor(module=BiLSTMPairEncoder, module__hidden_size=params.pop("hidden_size"),
                        module__dropout=params.pop("dropout"),
                        optimizer__weight_decay=params.pop("weight_decay"),
                        callbacks=[("clip", GradientNormClipping(params.pop("clip")))],
                        **params, device=device, random_state=seed, verbose=0)
    # the paper trains on scores / 5
    return _deep_model(net, data, tabular=False, target_scale=5.0, patience=patience)


#: Model name -> (description, builder(data, seed, device, params) -> regressor).
MODELS = {
    "hgb": ("HistGradientBoostingRegressor (scikit-learn defaults)", _hgb),
    "mlp": ("DeepRegressor MLP 128-128 on standardised features and target; "
            "best validation epoch", _mlp),
    "bilstm": ("DeepRegressor over BiLSTMPairEncoder (frozen word vectors, 2-layer "
               "BiLSTM, hidden 64, dropout 0.2), scores / 5; Adam with weight decay 1e-5, "
               "gradient-norm clip 5; best validation epoch", _bilstm),
}


def model_params(name, overrides=None):
    """Training settings of model ``name`` (see DEEP_SETTINGS) with overrides."""
    params = dict(DEEP_SETTINGS.get(name, {}))
    unknown = set(overrides or {}) - set(params)
    if unknown:
        raise ValueError(
            f"model_params for {name!r} must be among {sorted(params)}; got "
            f"{sorted(unknown)}."
        )
    params.update(overrides or {})
    return params


#: Extras each model needs beyond the base install.
MODEL_EXTRAS = {"mlp": ("deep",), "bilstm": ("deep", "text")}


def check_model(name, overrides=None):
    """Refuse, before any fit, an unknown model, unknown settings or a missing extra.

    Returns
    -------
    deep : bool
        Whether the model is a network.
    """
    if name not in MODELS:
        raise ValueError(f"model must be one of {sorted(MODELS)}; got {name!r}.")
    model_params(name, overrides)
    require_extras(f"model {name!r}", *MODEL_EXTRAS.get(name, ()))
    return name in DEEP_SETTINGS


def build_model(name, data, seed, device, overrides=None):
    """A fresh base model ``name`` for ``data``, settings overridden by ``overrides``."""
    if name not in MODELS:
        raise ValueError(f"model must be one of {sorted(MODELS)}; got {name!r}.")
    return MODELS[name][1](data, seed, device, model_params(name, overrides))
