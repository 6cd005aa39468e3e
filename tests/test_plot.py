"""skdir.plot: what the axes show."""

import matplotlib
import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.container import BarContainer

from skdir.metrics import shot_metrics
from skdir.plot import (
    plot_error_along_target,
    plot_label_density,
    plot_shot_errors,
)
from skdir.reweight import LDS, DenseWeight

Y_TRAIN = np.repeat([1.0, 2.0, 3.0], [150, 50, 5])
Y_TEST = np.array([1.0, 1.0, 2.0, 2.0, 3.0, 3.0])


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _table(shift):
    return shot_metrics(Y_TEST, Y_TEST + np.array([0.5, -0.5, 0.0, 1.0, 2.0, -1.0]) * shift,
                        y_train=Y_TRAIN)


def _bars(ax):
    return [c for c in ax.containers if isinstance(c, BarContainer)]


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


# ------------------------------------------------------------------ target name
def test_label_density_of_several_outputs_is_refused_with_the_way_out():
    y = np.column_stack([np.arange(40) % 7, np.arange(40) % 5])
    lds = LDS(bins=(7, 5)).fit(y)
    with pytest.raises(ValueError, match=r"draws the density of one output; this LDS was "
                                         r"fitted on labels of 2 outputs .* Fit an LDS on "
                                         r"each output"):
        plot_label_density(lds)


def test_target_name_labels_the_x_axis():
    lds = LDS().fit(Y_TRAIN)
    assert plot_label_density(lds).get_xlabel() == "label"
    assert plot_label_density(lds, target_name="age").get_xlabel() == "age"
    assert plot_error_along_target(Y_TEST, Y_TEST).get_xlabel() == "label"
    ax = plot_error_along_target(Y_TEST, Y_TEST, y_train=Y_TRAIN, target_name="price (USD)")
    assert ax.get_xlabel() == "price (USD)"


def test_target_name_must_be_a_string():
    with pytest.raises(TypeError, match="'target_name' parameter .* must be an instance of 'str'"):
        plot_label_density(LDS().fit(Y_TRAIN), target_name=3)


# ------------------------------------------------------------------ error bars
def test_several_tables_per_model_draw_the_mean_and_the_std_as_error_bars():
    seeds = [_table(s) for s in (0.5, 1.0, 2.0)]
    single = _table(1.0)
    ax = plot_shot_errors({"seeds": seeds, "single": single})
    by_seed = np.column_stack([t.loc[["all", "many", "medium", "few"], "mae"] for t in seeds])
    mean, std = by_seed.mean(axis=1), by_seed.std(axis=1, ddof=1)
    assert np.all(std > 0)  # so that the check below tells ddof=1 from 0

    seeded, alone = _bars(ax)
    np.testing.assert_allclose([p.get_height() for p in seeded], mean)
    segments = seeded.errorbar.lines[2][0].get_segments()
    np.testing.assert_allclose([s[0, 1] for s in segments], mean - std)
    np.testing.assert_allclose([s[1, 1] for s in segments], mean + std)
    # the bar of a single table is its value, without an error bar
    np.testing.assert_allclose([p.get_height() for p in alone],
                               single.loc[["all", "many", "medium", "few"], "mae"])
    assert alone.errorbar is None
    assert ax.get_ylabel() == "MAE (mean ± std)"
    assert plot_shot_errors({"single": single}).get_ylabel() == "MAE"


def test_error_bars_are_over_the_tables_where_the_value_is_defined():
    # a split without few-shot test samples (NaN) does not hide the others
    tables = [_table(s) for s in (0.5, 1.0, 2.0)]
    tables[0].loc["few", "mae"] = np.nan
    (bars,) = _bars(plot_shot_errors({"m": tables}, metric="mae"))
    few = [tables[1].loc["few", "mae"], tables[2].loc["few", "mae"]]
    assert bars[3].get_height() == pytest.approx(np.mean(few))
    low, high = bars.errorbar.lines[2][0].get_segments()[3][:, 1]
    assert (high - low) / 2 == pytest.approx(np.std(few, ddof=1))


def test_other_metrics_are_plotted_from_their_column():
    tables = [_table(1.0), _table(2.0)]
    (bars,) = _bars(plot_shot_errors({"m": tables}, metric="mse"))
    expected = (tables[0]["mse"] + tables[1]["mse"]).loc[["all", "many", "medium", "few"]] / 2
    np.testing.assert_allclose([p.get_height() for p in bars], expected)


# ------------------------------------------------------------------ legends
def _inside(inner, outer, tol=1.0):
    return (inner.x0 >= outer.x0 - tol and inner.y0 >= outer.y0 - tol
            and inner.x1 <= outer.x1 + tol and inner.y1 <= outer.y1 + tol)


def _all_plots(legend):
    lds = LDS().fit(Y_TRAIN)
    return [plot_label_density(lds, legend=legend),
            plot_shot_errors({"a": _table(1.0), "b": [_table(1.0), _table(2.0)]},
                             legend=legend),
            plot_error_along_target(Y_TEST, {"a": Y_TEST + 1, "b": Y_TEST}, legend=legend),
            plot_error_along_target(Y_TEST, {"a": Y_TEST + 1, "b": Y_TEST}, y_train=Y_TRAIN,
                                    legend=legend)]


@pytest.mark.parametrize("legend", ["outside", "inside"])
def test_legend_placement(legend):
    for ax in _all_plots(legend):
        ax.get_figure().draw_without_rendering()
        box = ax.get_legend().get_window_extent()
        axes = ax.get_window_extent()
        if legend == "inside":
            assert _inside(box, axes)
        else:
            assert box.x0 >= axes.x1
            assert box.y1 == pytest.approx(axes.y1, abs=15)  # at the top


def test_outside_legend_clears_the_second_axis_labels():
    ax = plot_error_along_target(Y_TEST, {"a": Y_TEST + 1}, y_train=np.repeat(Y_TRAIN, 1000))
    ax.get_figure().draw_without_rendering()
    (twin,) = [other for other in ax.get_figure().axes if other is not ax]
    assert ax.get_legend().get_window_extent().x0 > twin.yaxis.get_tightbbox().x1


def test_no_legend():
    for ax in _all_plots(None):
        assert ax.get_legend() is None


@pytest.mark.parametrize("legend", ["best", "right", True])
def test_unknown_legend_names_the_choices(legend):
    with pytest.raises(ValueError, match="'legend' parameter.*'inside'.*None"):
        plot_shot_errors({"a": _table(1.0)}, legend=legend)


# ------------------------------------------------------------------ layout
def test_own_figures_keep_legends_and_labels_inside_the_saved_image(tmp_path):
    long_names = {"a model with a rather long name": Y_TEST + 1, "another long name": Y_TEST}
    lds = LDS().fit(Y_TRAIN)
    axes = [plot_label_density(lds, target_name="a target"),
            plot_shot_errors({name: _table(1.0) for name in long_names}),
            plot_error_along_target(Y_TEST, long_names, y_train=np.repeat(Y_TRAIN, 1000),
                                    target_name="a target")]
    for i, ax in enumerate(axes):
        fig = ax.get_figure()
        fig.savefig(tmp_path / f"{i}.png")  # no bbox_inches="tight"
        assert (tmp_path / f"{i}.png").stat().st_size > 0
        page = fig.bbox
        labels = [ax.xaxis.label, ax.yaxis.label]
        labels += [other.yaxis.label for other in fig.axes if other is not ax]  # the twin's
        for artist in [ax.get_legend()] + [t for t in labels if t.get_text()]:
            assert _inside(artist.get_window_extent(), page), artist


# ------------------------------------------------------------------ inputs
def test_predictions_may_be_one_array():
    as_array = plot_error_along_target(Y_TEST, Y_TEST + [0, 1, 0, 2, 0, 3])
    as_dict = plot_error_along_target(Y_TEST, {"m": Y_TEST + [0, 1, 0, 2, 0, 3]})
    (line,) = as_array.lines
    assert line.get_label() == "model"
    np.testing.assert_allclose(line.get_ydata(), as_dict.lines[0].get_ydata())
    np.testing.assert_allclose(line.get_ydata(), [0.5, 1.0, 1.5])


def test_predictions_of_the_wrong_length_are_refused():
    with pytest.raises(ValueError, match=r"predictions\['m'\] must have one prediction per "
                                         r"label of y_true \(6\); got 5"):
        plot_error_along_target(Y_TEST, {"m": Y_TEST[:5]})
    with pytest.raises(ValueError, match=r"^predictions must have one prediction"):
        plot_error_along_target(Y_TEST, Y_TEST[:5])
    with pytest.raises(ValueError, match="non-empty mapping"):
        plot_error_along_target(Y_TEST, {})
    assert not plt.get_fignums()  # refused before a figure was made


def test_unfitted_lds_raises_not_fitted():
    with pytest.raises(NotFittedError, match="LDS instance is not fitted"):
        plot_label_density(LDS())
    with pytest.raises(TypeError, match="'lds' parameter .* must be an instance of"):
        plot_label_density(DenseWeight().fit(Y_TRAIN))
    assert not plt.get_fignums()


def test_unknown_metric_names_the_choices():
    with pytest.raises(ValueError, match="'metric' parameter") as info:
        plot_shot_errors({"a": _table(1.0)}, metric="rmse")
    for choice in ["mae", "mse", "gm", "pearson", "spearman", "count"]:
        assert repr(choice) in str(info.value)
    assert "'rmse'" in str(info.value)
    assert not plt.get_fignums()


def test_tables_that_are_not_shot_tables_are_refused():
    table = _table(1.0)
    with pytest.raises(ValueError, match="non-empty mapping"):
        plot_shot_errors({})
    with pytest.raises(ValueError, match=r"tables\['a'\] is an empty sequence"):
        plot_shot_errors({"a": []})
    with pytest.raises(TypeError, match=r"tables\['a'\]\[1\] must be a shot table"):
        plot_shot_errors({"a": [table, "seed 1"]})
    with pytest.raises(TypeError, match=r"tables\['a'\] must be a shot table or a sequence"):
        plot_shot_errors({"a": 3.0})
    with pytest.raises(ValueError, match=r"tables\['a'\] has no 'gm' column; its columns "
                                         r"are \['mae'\]"):
        plot_shot_errors({"a": table[["mae"]]}, metric="gm")
    with pytest.raises(ValueError, match=r"tables\['a'\]\[0\] must have one row per region"):
        plot_shot_errors({"a": [table.drop(index="few")]})
    with pytest.raises(TypeError, match="'tables' parameter"):
        plot_shot_errors([table])
    assert not plt.get_fignums()


def test_a_sequence_of_one_table_has_no_error_bar():
    (bars,) = _bars(plot_shot_errors({"a": [_table(1.0)]}))
    np.testing.assert_allclose([p.get_height() for p in bars],
                               _table(1.0).loc[["all", "many", "medium", "few"], "mae"])
    # a standard deviation of one value is undefined: no error bar is drawn
    assert bars.errorbar is None


def test_plots_draw_on_given_axes():
    _, (left, right) = plt.subplots(1, 2)
    assert plot_shot_errors({"a": _table(1.0)}, ax=left) is left
    assert plot_label_density(LDS().fit(Y_TRAIN), ax=right) is right
    assert len(plt.get_fignums()) == 1
