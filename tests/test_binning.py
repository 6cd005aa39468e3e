import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from skdir._binning import AUTO_N_BINS, _edge_tolerance, assign_bins, bin_edges, check_labels


def test_auto_integer_labels_get_one_bin_per_integer():
    edges = bin_edges(np.array([3.0, 5.0, 5.0, 9.0]))
    np.testing.assert_array_equal(edges, np.arange(3.0, 11.0))


def test_auto_float_labels_get_fixed_equal_width_bins():
    y = np.array([0.0, 0.25, 1.7, 5.0])
    edges = bin_edges(y)
    assert edges.size == AUTO_N_BINS + 1
    np.testing.assert_allclose(edges[[0, -1]], [0.0, 5.0])
    np.testing.assert_allclose(np.diff(edges), 0.1)


def test_auto_wide_integer_range_falls_back_to_equal_width():
    y = np.array([0.0, 1000.0, 5.0])
    assert bin_edges(y).size == AUTO_N_BINS + 1


def test_int_bins_span_the_range():
    np.testing.assert_allclose(bin_edges(np.array([1.0, 3.0]), 4), [1, 1.5, 2, 2.5, 3])


def test_explicit_edges_are_kept():
    edges = bin_edges(np.array([0.5]), [0, 1, 2])
    np.testing.assert_array_equal(edges, [0.0, 1.0, 2.0])


def test_label_on_an_edge_belongs_to_the_bin_starting_there():
    # np.arange(0, 1, 0.1)[3] is 0.30000000000000004; the label 0.3 is on it.
    edges = np.arange(0, 1.05, 0.1)
    assert edges[3] != 0.3
    idx = assign_bins(np.array([0.3, 0.1 * 3, 0.29999, 0.0, 1.0]), edges)
    np.testing.assert_array_equal(idx, [3, 3, 2, 0, 9])


def test_out_of_range_labels_take_the_edge_bins():
    edges = np.array([0.0, 1.0, 2.0])
    np.testing.assert_array_equal(assign_bins(np.array([-5.0, 7.0]), edges), [0, 1])
    np.testing.assert_array_equal(
        assign_bins(np.array([-5.0, 7.0, 2.0]), edges, clip=False), [-1, 2, 1]
    )


@pytest.mark.parametrize(
    "bins, message",
    [
        (1, "at least 2 bins"),
        ([0, 1], "at least 3 values"),
        ([0, 2, 1], "strictly increasing"),
        ([0, np.nan, 1], "finite"),
        ("fd", "must be 'auto'"),
        ([[0, 1, 2]], "1-D"),
    ],
)
def test_bad_bins(bins, message):
    with pytest.raises(ValueError, match=message):
        bin_edges(np.array([0.0, 1.0]), bins)


def test_constant_labels_cannot_be_binned():
    with pytest.raises(ValueError, match="y is constant"):
        bin_edges(np.array([2.0, 2.0]))


@pytest.mark.parametrize(
    "y, message",
    [
        ([1.0, np.nan], "y contains NaN"),
        ([1.0, np.inf], "y contains infinity"),
        ([], "minimum of 1 is required"),
        (np.ones((3, 2)), r"1-D array of shape \(n_samples,\); got an array of shape \(3, 2\)"),
    ],
)
def test_bad_labels(y, message):
    with pytest.raises(ValueError, match=message):
        check_labels(y)


@settings(max_examples=60, deadline=None)
@given(
    arrays(np.float64, st.integers(2, 60), elements=st.floats(-1e6, 1e6)),
    st.integers(2, 30),
)
def test_every_label_lands_in_the_bin_that_contains_it(y, n_bins):
    if np.ptp(y) == 0:
        return
    edges = bin_edges(y, n_bins)
    idx = assign_bins(y, edges)
    assert idx.min() >= 0 and idx.max() < n_bins
    width = np.diff(edges).min()
    tol = 1e-6 * width
    assert np.all(edges[idx] <= y + tol)
    assert np.all((y < edges[idx + 1] + tol) | (idx == n_bins - 1))


@settings(max_examples=100, deadline=None)
@given(
    y=arrays(np.float64, st.integers(1, 80),
             elements=st.sampled_from([0.0, 0.1, 0.2, 0.3, 0.7, 1.0, 2.5, 3.0, -1.0, 9.99])
             | st.floats(-2, 12)),
    kind=st.sampled_from(["arange", "linspace", "integers"]),
)
def test_equal_width_fast_path_equals_searchsorted(y, kind):
    edges = {"arange": np.arange(0, 10.05, 0.1), "linspace": np.linspace(0, 10, 101),
             "integers": np.arange(0.0, 11.0)}[kind]
    tol = _edge_tolerance(edges)
    expected = np.searchsorted(edges[1:-1] - tol, y, side="right")
    np.testing.assert_array_equal(assign_bins(y, edges), expected)
    # and with clip=False, out-of-range labels are flagged
    flagged = assign_bins(y, edges, clip=False)
    assert np.all(flagged[y < edges[0] - tol] == -1)
    assert np.all(flagged[y > edges[-1] + tol] == edges.size - 1)


# ------------------------------------------------------------------ bins='log'
def test_log_bins_are_equal_width_on_a_log_scale():
    y = np.array([2.5, 40.0, 7.1, 1000.0])
    edges = bin_edges(y, "log")
    assert edges.size == AUTO_N_BINS + 1
    np.testing.assert_allclose(edges[[0, -1]], [2.5, 1000.0])
    np.testing.assert_allclose(np.diff(np.log(edges)), np.log(1000.0 / 2.5) / AUTO_N_BINS)


def test_log_bins_take_zeros_with_the_smallest_positive_label_as_offset():
    y = np.array([0.0, 0.0, 0.02, 0.5, 30.0])
    edges = bin_edges(y, "log")
    np.testing.assert_allclose(edges[[0, -1]], [0.0, 30.0])
    np.testing.assert_allclose(np.diff(np.log(edges + 0.02)), np.log(30.02 / 0.02) / AUTO_N_BINS)
    idx = assign_bins(y, edges)
    assert idx[0] == idx[1] == 0 and idx[2] > 0  # zeros have a bin of their own


def test_log_bins_of_integer_labels_have_integer_edges_and_no_empty_gaps():
    y = np.r_[np.zeros(50), np.arange(1, 978)]  # counts with zeros, like rentals
    edges = bin_edges(y, "log")
    assert np.all(edges == np.round(edges))
    assert edges[0] == 0 and edges[-1] == 978  # the last bin closes at max + 1
    np.testing.assert_array_equal(edges[:8], np.arange(8))  # one bin per low count
    counts = np.bincount(assign_bins(y, edges), minlength=edges.size - 1)
    assert counts.min() >= 1  # every bin holds at least one integer label
    assert edges.size - 1 <= AUTO_N_BINS


def test_log_bins_refuse_negative_labels():
    with pytest.raises(ValueError, match=r"bins='log' needs non-negative labels; y has a "
                                         r"minimum of -1.0"):
        bin_edges(np.array([-1.0, 2.0, 5.0]), "log")


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.integers(2, 60),
              elements=st.floats(0, 1e6) | st.integers(0, 5000).map(float)))
def test_log_bins_hold_every_label(y):
    if np.ptp(y) == 0:
        return
    edges = bin_edges(y, "log")
    assert np.all(np.diff(edges) > 0)
    idx = assign_bins(y, edges, clip=False)
    assert idx.min() >= 0 and idx.max() < edges.size - 1


# ------------------------------------------------------ crowded 'auto' bins
def test_crowded_auto_bins_suggest_log_once():
    from skdir.reweight import LDS

    y = np.random.RandomState(0).lognormal(4.0, 1.3, size=2000)  # a price-like tail
    with pytest.warns(UserWarning, match=r"bins='auto' put more than half of the labels "
                                         r"into one of its 50 equal-width bins.*bins='log'"):
        LDS().fit(y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        LDS().fit(y)  # once per session
        LDS(bins="log").fit(y)


@pytest.mark.parametrize("y", [np.r_[np.zeros(900), np.arange(1, 101)],  # one per integer
                               np.linspace(0.0, 1.0, 500)])  # spread out
def test_no_crowding_warning_where_bins_cannot_or_need_not_be_split(y):
    from skdir.reweight import LDS

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        LDS().fit(y)


@pytest.mark.filterwarnings("ignore:No test sample falls")  # the table's empty regions
def test_log_bins_are_accepted_wherever_labels_are_binned():
    from skdir.metrics import make_shot_scorer, shot_error, shot_metrics
    from skdir.model_selection import dir_split
    from skdir.resample import DensityRelevance
    from skdir.reweight import LDS

    y = np.round(np.random.RandomState(0).lognormal(3.0, 1.0, size=600))
    edges = bin_edges(y, "log")
    np.testing.assert_array_equal(LDS(bins="log").fit(y).bin_edges_, edges)
    table = shot_metrics(y, y + 1.0, y_train=y, bins="log")
    assert table.loc["all", "count"] == 600
    assert shot_error(y, y + 1.0, y_train=y, bins="log", shot="all") == 1.0
    assert repr(make_shot_scorer(bins="log")).startswith("make_shot_scorer")
    train, test = dir_split(y, bins="log", random_state=0)
    assert train.size + test.size == 600
    np.testing.assert_array_equal(DensityRelevance(bins="log").fit(y).lds_.bin_edges_, edges)


def test_log_bins_reach_fds():
    pytest.importorskip("torch")
    from skdir.estimators import DeepRegressor
    from skdir.fds import FDS

    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 3)).astype(np.float32)
    y = np.round(np.exp(1.5 + X[:, 0]))
    net = DeepRegressor(hidden_sizes=(8,), fds=True, fds__bins="log", max_epochs=1,
                        verbose=0, random_state=0).fit(X, y)
    np.testing.assert_array_equal(net.fds_bin_edges_, bin_edges(y, "log"))
    assert FDS.from_labels(y, 4, bins="log").n_bins == bin_edges(y, "log").size - 1


@pytest.mark.parametrize("y", [[1e8, 1e8 + 3e-6, 1e8 + 1e-5], [0.0, 5e-324, 1e-323, 1.0],
                               [0.0, 1e-300, 2e-300, 1.0], [0.0, 1.0, 1e17]])
def test_log_bins_stay_strictly_increasing_at_the_limits_of_float64(y):
    edges = bin_edges(np.array(y), "log")
    assert edges.size >= 3 and np.all(np.diff(edges) > 0)


def test_log_bins_refuse_labels_too_close_for_two_bins():
    with pytest.raises(ValueError, match="bins='log' cannot form two bins"):
        bin_edges(np.array([1e15, 1e15 + 0.125]), "log")


def test_crowding_is_judged_on_the_rule_not_on_the_widths():
    from skdir.reweight import LDS

    # float labels spanning exactly 50: equal-width bins of width 1, not one per integer
    y = np.r_[np.full(600, 0.5), np.linspace(0.0, 50.0, 400)]
    with pytest.warns(UserWarning, match="bins='auto' put more than half"):
        LDS().fit(y)


def test_the_crowding_warning_points_at_the_users_line():
    from skdir.reweight import LDS

    y = np.random.RandomState(0).lognormal(4.0, 1.3, size=2000)
    with pytest.warns(UserWarning, match="bins='auto' put more than half") as record:
        LDS().fit(y)
    assert record[0].filename == __file__
