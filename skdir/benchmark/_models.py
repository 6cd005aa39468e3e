"""Base models the benchmark trains."""

from sklearn.ensemble import HistGradientBoostingRegressor

__all__ = ["MODELS", "build_model"]


def _hgb(data, seed, device):
    # Categorical columns of a DataFrame are used natively.
    return HistGradientBoostingRegressor(categorical_features="from_dtype", random_state=seed)


#: Model name -> (description, builder(data, seed, device) -> regressor).
MODELS = {
    "hgb": ("HistGradientBoostingRegressor (scikit-learn defaults)", _hgb),
}


def build_model(name, data, seed, device):
    """A fresh base model ``name`` for ``data``."""
    if name not in MODELS:
        raise ValueError(f"model must be one of {sorted(MODELS)}; got {name!r}.")
    return MODELS[name][1](data, seed, device)
