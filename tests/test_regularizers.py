"""Regularisers against their formulas written pair by pair."""

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("skorch")

from skdir.regularizers import ConR, Regularizer  # noqa: E402

RNG = np.random.RandomState(0)
FEATURES = RNG.normal(size=(12, 5))
# three tight label clusters, two loners; threshold 0.1
Y = np.array([0.0, 0.04, 0.07, 1.0, 1.03, 1.06, 2.0, 2.05, 3.0, 3.5, 5.0, 7.0])
# predictions that confuse some far labels with the anchors' own predictions
Y_PRED = np.array([0.0, 0.05, 1.02, 0.03, 1.0, 2.02, 2.0, 3.03, 3.02, 0.06, 7.0, 4.0])
WEIGHT = RNG.uniform(0.1, 3, size=12)


def _conr_by_pairs(features, y, y_pred, weight=None, *, scale=1.0, temperature=0.2,
                   threshold=0.1, pushing=1.0):
    """ConR written anchor by anchor and pair by pair; also the number of counting anchors."""
    n = len(y)
    z = features / np.linalg.norm(features, axis=1, keepdims=True)
    if weight is None or np.mean(weight) == 0:
        eta = [pushing] * n
    else:
        eta = [pushing * w / np.mean(weight) for w in weight]
    total, counted = 0.0, 0
    for j in range(n):
        pos = [i for i in range(n) if i != j and abs(y[j] - y[i]) <= threshold]
        neg = [i for i in range(n) if i != j and abs(y[j] - y[i]) > threshold
               and abs(y_pred[j] - y_pred[i]) <= threshold]
        if not pos or not neg:
            continue
        counted += 1
        sim = {i: float(z[j] @ z[i]) / temperature for i in pos + neg}
        denominator = sum(math.exp(sim[p]) for p in pos)
        denominator += sum(eta[j] * abs(y[j] - y[k]) / threshold * math.exp(sim[k]) for k in neg)
        total += -sum(sim[i] - math.log(denominator) for i in pos) / len(pos)
    return scale * total / n, counted


def _t(a, **kwargs):
    return torch.tensor(a, dtype=torch.float64, **kwargs)


@pytest.mark.parametrize("weight", [None, WEIGHT, np.zeros(12)], ids=["none", "w", "zero-w"])
@pytest.mark.parametrize("params", [{}, {"weight": 0.5, "temperature": 0.7, "pushing": 2.0},
                                    {"pushing": 0.0}, {"threshold": 0.2}])
def test_conr_matches_its_pairwise_formula(weight, params):
    expected, counted = _conr_by_pairs(
        FEATURES, Y, Y_PRED, weight, scale=params.get("weight", 1.0),
        **{k: v for k, v in params.items() if k != "weight"})
    assert 0 < counted < len(Y)  # some anchors count and some do not
    w = None if weight is None else _t(weight)
    got = ConR(**params)(_t(FEATURES), _t(Y), _t(Y_PRED), sample_weight=w)
    assert got.shape == () and got.dtype == torch.float64
    assert float(got) == pytest.approx(expected, rel=1e-10, abs=1e-12)


def test_conr_takes_column_labels_and_float32():
    expected, _ = _conr_by_pairs(FEATURES, Y, Y_PRED)
    got = ConR()(torch.tensor(FEATURES, dtype=torch.float32), _t(Y).reshape(-1, 1),
                 _t(Y_PRED).reshape(-1, 1))
    assert got.dtype == torch.float32 and float(got) == pytest.approx(expected, rel=1e-5)


def test_conr_gradient_reaches_the_features_and_the_extractor():
    features = _t(FEATURES, requires_grad=True)
    ConR()(features, _t(Y), _t(Y_PRED, requires_grad=True)).backward()
    assert features.grad.abs().sum() > 0 and torch.isfinite(features.grad).all()

    torch.manual_seed(0)
    extractor = torch.nn.Linear(5, 3)
    X = torch.tensor(FEATURES, dtype=torch.float32)
    ConR(weight=2.0)(extractor(X), _t(Y), _t(Y_PRED)).backward()
    assert extractor.weight.grad.abs().sum() > 0 and torch.isfinite(extractor.weight.grad).all()


def test_conr_without_counting_anchors_is_zero_and_differentiable():
    features = _t(FEATURES, requires_grad=True)
    y = _t(np.arange(12.0))  # no two labels within the threshold: no positives
    value = ConR()(features, y, y)
    assert float(value.detach()) == 0.0
    value.backward()
    assert torch.equal(features.grad, torch.zeros_like(features))
    # predictions all right: positives, but no confused pair
    assert float(ConR()(_t(FEATURES), _t(Y), _t(Y))) == 0.0


def test_conr_weight_zero_and_eta_of_a_zero_weight_anchor():
    assert float(ConR(weight=0.0)(_t(FEATURES), _t(Y), _t(Y_PRED))) == 0.0
    weight = WEIGHT.copy()
    weight[:3] = 0.0  # these anchors push their negatives with weight 0
    expected, _ = _conr_by_pairs(FEATURES, Y, Y_PRED, weight)
    got = ConR()(_t(FEATURES), _t(Y), _t(Y_PRED), sample_weight=_t(weight))
    assert float(got) == pytest.approx(expected, rel=1e-10)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"weight": -1.0}, r"weight must be a finite float >= 0; got -1.0"),
        ({"weight": float("inf")}, "weight must be a finite float >= 0"),
        ({"temperature": 0}, r"temperature must be a finite float > 0; got 0\."),
        ({"threshold": float("nan")}, "threshold must be a finite float > 0; got nan"),
        ({"threshold": "0.1"}, "threshold must be a finite float > 0; got '0.1'"),
        ({"pushing": -0.5}, r"pushing must be a finite float >= 0; got -0.5"),
        ({"pushing": True}, "pushing must be a finite float >= 0; got True"),
    ],
)
def test_conr_bad_parameters_are_named(params, match):
    with pytest.raises(ValueError, match=match):
        ConR(**params)


def test_conr_bad_shapes():
    with pytest.raises(ValueError, match=r"features must be a 2-D tensor \(batch, n_features\)"):
        ConR()(_t(Y), _t(Y), _t(Y))
    with pytest.raises(ValueError, match="y and y_pred must hold one value per row of features; "
                                         "got 11 and 12 for 12 rows"):
        ConR()(_t(FEATURES), _t(Y[:11]), _t(Y_PRED))


class FeatureL2(Regularizer):
    """The docstring's example of a custom regulariser."""

    def __init__(self, weight=1e-3):
        super().__init__()
        self.weight = weight

    def forward(self, features, y, y_pred, sample_weight=None):
        return self.weight * features.pow(2).sum(dim=1).mean()


def test_a_custom_regularizer_follows_the_contract():
    features = _t(FEATURES, requires_grad=True)
    value = FeatureL2(weight=0.5)(features, _t(Y), _t(Y_PRED), sample_weight=_t(WEIGHT))
    assert value.shape == ()
    expected = 0.5 * (FEATURES**2).sum(axis=1).mean()
    assert float(value.detach()) == pytest.approx(expected, rel=1e-12)
    value.backward()
    np.testing.assert_allclose(features.grad.numpy(), FEATURES / 12, rtol=1e-12)
    assert isinstance(FeatureL2(), torch.nn.Module)
    with pytest.raises(NotImplementedError):
        Regularizer()(features, _t(Y), _t(Y_PRED))
