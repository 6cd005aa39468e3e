"""skdir.plot: what the axes show."""

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from skdir.plot import plot_error_along_target, plot_label_density  # noqa: E402
from skdir.reweight import LDS  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_label_density_draws_one_bar_per_bin_on_a_linear_axis():
    lds = LDS().fit(np.repeat([1.0, 2.0, 3.0, 6.0], [10, 5, 2, 1]))
    ax = plot_label_density(lds)
    assert len(ax.patches) == lds.bin_counts_.size
    assert ax.get_xscale() == "linear"


@pytest.mark.parametrize("y, scale", [(np.random.RandomState(0).lognormal(3, 1, 500), "log"),
                                      (np.r_[np.zeros(40), np.arange(1.0, 400.0)], "symlog")])
def test_log_bins_get_a_log_label_axis(y, scale):
    lds = LDS(bins="log").fit(y)
    ax = plot_label_density(lds)
    assert ax.get_xscale() == scale
    # the bars cover the bins exactly, so they look equally wide on this axis
    lefts = np.array([p.get_x() for p in ax.patches])
    np.testing.assert_allclose(lefts, lds.bin_edges_[:-1])

    ax = plot_error_along_target(y, {"m": y * 1.1}, y_train=y, bins="log")
    assert ax.get_xscale() == scale
    assert plot_error_along_target(y, {"m": y * 1.1}, y_train=y).get_xscale() == "linear"
