"""Tests of skdir.datasets: shipped data, DIR splits, images, synthetic data."""

import collections
import gzip
import hashlib
import re
import subprocess
import sys
from importlib import resources

import numpy as np
import pandas as pd
import pytest

from skdir._binning import assign_bins
from skdir.datasets import (
    load_abalone,
    load_agedb_dir,
    load_ames,
    load_bike_sharing,
    load_bike_sharing_users,
    load_cps1988,
    load_hotel_rates,
    load_sts_b_dir,
    make_imbalanced_regression,
)

# loader -> (rows, features, target, n_bins, n_per_bin, (train, val, test))
TABULAR = {
    load_abalone: (4177, 8, "rings", 29, 30, (3305, 436, 436)),
    load_bike_sharing: (8645, 12, "bikers", 27, 50, (6697, 974, 974)),
    load_ames: (2930, 73, "Sale_Price", 18, 30, (2422, 254, 254)),
    load_hotel_rates: (15402, 26, "avg_price_per_room", 42, 50, (12740, 1331, 1331)),
    load_cps1988: (28155, 6, "wage", 27, 100, (24817, 1669, 1669)),
}
DATA_DIR = resources.files("skdir.datasets").joinpath("data")


def _sizes(split):
    c = collections.Counter(split)
    return c["train"], c["val"], c["test"]


def _per_bin(y, edges, mask):
    return np.bincount(assign_bins(np.asarray(y, dtype=float)[mask], edges),
                       minlength=len(edges) - 1)


# ------------------------------------------------------------------ tabular
@pytest.mark.parametrize("loader", list(TABULAR), ids=lambda f: f.__name__)
def test_tabular_shapes_split_sizes_and_dtypes(loader):
    rows, n_features, target, n_bins, _, sizes = TABULAR[loader]
    ds = loader()
    assert ds.data.shape == (rows, n_features)
    assert ds.target.shape == (rows,)
    assert np.issubdtype(ds.target.dtype, np.number)
    assert np.all(np.isfinite(ds.target)) and np.all(ds.target > 0)
    assert ds.target_names == [target]
    assert len(ds.feature_names) == n_features and target not in ds.feature_names
    assert ds.frame is None
    assert ds.bin_edges.dtype == np.float64 and ds.bin_edges.shape == (n_bins + 1,)
    # The edges cover the target: no label is clipped into an end bin.
    assert ds.bin_edges[0] <= ds.target.min() and ds.target.max() <= ds.bin_edges[-1]
    assert ds.split.shape == (rows,) and set(ds.split) == {"train", "val", "test"}
    assert _sizes(ds.split) == sizes
    assert "Source:" in ds.DESCR
    assert re.search(r"licen[cs]e|CC BY|public domain", ds.DESCR)


@pytest.mark.parametrize("loader", list(TABULAR), ids=lambda f: f.__name__)
def test_tabular_split_follows_the_dir_rule(loader):
    *_, n_per_bin, _ = TABULAR[loader]
    ds = loader()
    y, e = ds.target, ds.bin_edges
    count = _per_bin(y, e, slice(None))
    val = _per_bin(y, e, ds.split == "val")
    test = _per_bin(y, e, ds.split == "test")
    train = _per_bin(y, e, ds.split == "train")
    expected = np.minimum(count // 3, n_per_bin)
    np.testing.assert_array_equal(val, expected)
    np.testing.assert_array_equal(test, expected)
    assert np.all(train >= count - 2 * expected) and np.all(train * 3 >= count)
    # Held-out sets are flat where bins are full; training stays skewed.
    full = count >= 3 * n_per_bin
    assert full.sum() >= 5 and np.all(test[full] == n_per_bin)
    held = test > 0
    assert train[held].max() / train[held].min() > test[held].max() / test[held].min()
    assert train.max() > 5 * test.max()


@pytest.mark.parametrize("loader", list(TABULAR), ids=lambda f: f.__name__)
def test_tabular_split_is_deterministic_and_frames_agree(loader):
    a = loader()
    b = loader(as_frame=True)
    np.testing.assert_array_equal(a.split, b.split)
    np.testing.assert_array_equal(a.target, b.target.to_numpy())
    assert isinstance(b.data, pd.DataFrame) and isinstance(b.target, pd.Series)
    assert list(b.data.columns) == b.feature_names
    assert b.frame.shape == (a.data.shape[0], a.data.shape[1] + 1)
    # Strings become categoricals in frames, stay strings in arrays.
    for col in b.data.columns:
        assert not pd.api.types.is_string_dtype(b.data[col]) or isinstance(
            b.data[col].dtype, pd.CategoricalDtype)
    X, y = loader(return_X_y=True)
    assert isinstance(X, np.ndarray) and X.shape == a.data.shape
    np.testing.assert_array_equal(y, a.target)


def test_abalone_behaviour_kept():
    ds = load_abalone()
    np.testing.assert_array_equal(ds.bin_edges, np.arange(1.0, 31.0))
    assert set(ds.data[:, 0]) == {"M", "F", "I"}
    assert ds.data.dtype == object


def test_bike_sharing_leaves_out_the_target_parts():
    ds = load_bike_sharing(as_frame=True)
    assert "casual" not in ds.feature_names and "registered" not in ds.feature_names
    assert list(ds.data["mnth"].cat.categories[:3]) == ["Jan", "Feb", "March"]
    assert ds.target.dtype == np.int64


def test_bike_sharing_users_two_skewed_targets_split_on_joint_cells():
    ds = load_bike_sharing_users(as_frame=True)
    whole = load_bike_sharing(as_frame=True)
    assert ds.target_names == ["casual", "registered"]
    assert list(ds.data.columns) == list(whole.data.columns)  # bikers, their sum, left out
    np.testing.assert_array_equal(ds.target.sum(axis=1), whole.target)
    assert ds.target.skew().round(2).tolist() == [2.38, 1.39]
    assert _sizes(ds.split) == (7217, 714, 714)
    y = ds.target.to_numpy(float)
    cells = [assign_bins(y[:, j], ds.bin_edges[j]) for j in range(2)]
    code = cells[0] * (len(ds.bin_edges[1]) - 1) + cells[1]
    total = np.bincount(code, minlength=11 * 23)
    for part in ("val", "test"):
        held = np.bincount(code[ds.split == part], minlength=11 * 23)
        np.testing.assert_array_equal(held, np.minimum(total // 3, 10))
    X, Y = load_bike_sharing_users(return_X_y=True)
    assert X.shape == (8645, 12) and Y.shape == (8645, 2) and Y.dtype == np.int64


def test_ames_none_is_a_level_not_missing():
    ds = load_ames(as_frame=True)
    assert ds.data.isna().sum().sum() == 0
    assert (ds.data["Mas_Vnr_Type"] == "None").sum() == 1775
    assert (ds.data["Misc_Feature"] == "None").sum() == 2824
    # Log bins: every bin spans the same factor.
    ratio = ds.bin_edges[1:] / ds.bin_edges[:-1]
    np.testing.assert_allclose(ratio, 10 ** 0.1)


def test_hotel_and_cps_missing_values_and_categories():
    hotel = load_hotel_rates(as_frame=True)
    assert hotel.data["country"].isna().sum() == 164
    assert hotel.data.drop(columns="country").isna().sum().sum() == 0
    cps = load_cps1988(as_frame=True)
    assert list(cps.data["region"].cat.categories) == [
        "midwest", "northeast", "south", "west"]
    assert cps.data.isna().sum().sum() == 0


# ------------------------------------------------------------------ licenses
def test_every_data_file_has_a_license_entry():
    text = DATA_DIR.joinpath("LICENSES.md").read_text(encoding="utf-8")
    files = [p.name for p in DATA_DIR.iterdir() if p.name != "LICENSES.md"]
    assert len(files) >= 9
    for name in files:
        assert f"`{name}`" in text, name
    for needle in ("CC BY 4.0", "MIT", "public domain", "GPL"):
        assert needle in text


def test_shipped_data_is_small():
    total = sum(len(p.read_bytes()) for p in DATA_DIR.iterdir())
    assert total < 3 * 2 ** 20  # a few MB at most


# README of ../shared/dir-splits: sha256 of the original files.
SHA256 = {
    "agedb.csv.gz": "ab9f8d4c7099a9d74ec5094c42b6fe9f1927a166a48d2ab800a88b2fd6081252",
    "sts_b_dir_train_new.tsv.gz":
        "4da3322ae29f7ad1b7d03cdeafcb2480c276e5df1d08737678a7856697218a9a",
    "sts_b_dir_dev_new.tsv.gz":
        "9ec12d785aa817ffe4b0f88fde442d3bf57161d8cbeaa84aaa1fdf764cca6dd6",
    "sts_b_dir_test_new.tsv.gz":
        "55f90b3c5a0b2947d5ff64c41536191e9e1ba3bb5ffe64aca5465ab25fa8e94c",
}


@pytest.mark.parametrize("name", list(SHA256))
def test_benchmark_files_are_byte_for_byte_copies(name):
    raw = gzip.decompress(DATA_DIR.joinpath(name).read_bytes())
    assert hashlib.sha256(raw).hexdigest() == SHA256[name]


# -------------------------------------------------------------------- STS-B
def test_sts_b_dir_counts_balance_and_shots():
    ds = load_sts_b_dir()
    assert ds.data.shape == (7249, 2) and ds.data.dtype == object
    assert _sizes(ds.split) == (5249, 1000, 1000)
    assert list(ds.split[:5249]) == ["train"] * 5249
    assert ds.target.dtype == np.float64
    assert ds.target.min() == 0.0 and ds.target.max() == 5.0
    assert all(isinstance(s, str) and s for s in ds.data.ravel())
    quarter = np.linspace(0, 5, 21)
    for part in ("val", "test"):
        np.testing.assert_array_equal(_per_bin(ds.target, quarter, ds.split == part),
                                      np.full(20, 50))
    # The paper's shots: 0.1-wide bins, many > 100, few < 30 training pairs.
    train_count = _per_bin(ds.target, ds.bin_edges, ds.split == "train")
    test_bins = assign_bins(ds.target[ds.split == "test"], ds.bin_edges)
    c = train_count[test_bins]
    assert ((c > 100).sum(), ((c >= 30) & (c <= 100)).sum(), (c < 30).sum()) == (
        756, 170, 74)


def test_sts_b_dir_frame_and_return_X_y():
    ds = load_sts_b_dir(as_frame=True)
    assert list(ds.data.columns) == ["sentence1", "sentence2"]
    assert {"genre", "filename", "score"} <= set(ds.frame.columns)
    assert "split" not in ds.frame.columns
    X, y = load_sts_b_dir(return_X_y=True)
    np.testing.assert_array_equal(X, ds.data.to_numpy())
    # Quotes inside sentences are kept as they are (no CSV quoting).
    assert any('"' in s for s in X.ravel())


# -------------------------------------------------------------------- AgeDB
def test_agedb_dir_labels_split_and_shots():
    ds = load_agedb_dir()
    assert ds.data.shape == (16488,) and ds.target.dtype == np.int64
    assert _sizes(ds.split) == (12208, 2140, 2140)
    assert "images" not in ds
    age = ds.target.astype(float)
    count = _per_bin(age, ds.bin_edges, slice(None))
    val = _per_bin(age, ds.bin_edges, ds.split == "val")
    test = _per_bin(age, ds.bin_edges, ds.split == "test")
    np.testing.assert_array_equal(val, test)
    np.testing.assert_array_equal(test, np.minimum(count // 3, 30))
    train_count = _per_bin(age, ds.bin_edges, ds.split == "train")
    c = train_count[assign_bins(age[ds.split == "test"], ds.bin_edges)]
    assert ((c > 100).sum(), ((c >= 20) & (c <= 100)).sum(), (c < 20).sum()) == (
        1530, 448, 162)
    assert all(re.fullmatch(r"AgeDB/\d+_.+_\d+_[mf]\.jpg", p) for p in ds.data[:50])


def test_import_does_not_import_torch():
    code = ("import sys, skdir.datasets as d; d.load_agedb_dir(); d.load_sts_b_dir(); "
            "assert 'torch' not in sys.modules, 'torch imported'")
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.fixture(scope="module")
def agedb_root(tmp_path_factory):
    """A fake AgeDB folder: tiny images for the first 4 rows of each split.

    Image content: a horizontal gradient from dark grey (50) on the left to
    near white (250) on the right, never black, so that flips reverse the
    gradient and the black padding of the random crop is the only -1.
    """
    Image = pytest.importorskip("PIL.Image")
    ds = load_agedb_dir(as_frame=True)
    root = tmp_path_factory.mktemp("agedb")
    (root / "AgeDB").mkdir()
    ramp = np.linspace(50, 250, 20).astype(np.uint8)
    arr = np.repeat(np.broadcast_to(ramp, (24, 20))[:, :, None], 3, axis=2)
    img = Image.fromarray(np.ascontiguousarray(arr))
    rows = {}
    for split in ("train", "val", "test"):
        idx = np.flatnonzero(ds.split == split)[:4]
        rows[split] = idx
        for i in idx:
            img.save(root / ds.data["path"].iloc[i], quality=100)
    return root, rows


def _is_padding(x):
    return x <= -0.99


def test_agedb_images_eval_transform(agedb_root):
    pytest.importorskip("torch")
    root, rows = agedb_root
    ds = load_agedb_dir(root, img_size=32)
    assert set(ds.images) == {"train", "val", "test"}
    assert [len(ds.images[s]) for s in ("train", "val", "test")] == [12208, 2140, 2140]
    x, y = ds.images["test"][0]
    assert x.shape == (3, 32, 32) and str(x.dtype) == "torch.float32"
    assert float(y) == ds.target[rows["test"][0]] and y.ndim == 0
    # Normalised (v / 255 - 0.5) / 0.5: 50 -> -0.61, 250 -> 0.96; no padding.
    assert -0.7 < float(x.min()) < -0.5 and 0.9 < float(x.max()) <= 1.0
    assert not bool(_is_padding(x).any())
    assert bool((x[:, :, 1:] >= x[:, :, :-1] - 0.02).all())  # left to right
    x2, _ = ds.images["test"][0]
    assert bool((x == x2).all())  # no randomness at evaluation


def test_agedb_images_train_transform_crops_and_flips(agedb_root):
    torch = pytest.importorskip("torch")
    root, _ = agedb_root
    ds = load_agedb_dir(root, img_size=32).images["train"]
    torch.manual_seed(0)
    xs = torch.stack([ds[0][0] for _ in range(60)])
    assert xs.shape == (60, 3, 32, 32)
    # Random crop with 16-pixel zero padding: black borders in almost every
    # draw (all but 1 in 33 * 33), at varying offsets.
    pad = _is_padding(xs[:, 0])
    assert int(pad.any(dim=(1, 2)).sum()) >= 55
    assert len({tuple(p.sum(dim=1).tolist()) for p in pad}) > 20
    # Horizontal flip with probability 1/2: the gradient's direction.
    row = xs[:, 0, 16]
    ok = ~_is_padding(row)
    slope = [float(r[m][-1] - r[m][0]) for r, m in zip(row, ok) if int(m.sum()) > 4]
    n_flipped = sum(v < 0 for v in slope)
    assert len(slope) > 40 and 0.2 * len(slope) < n_flipped < 0.8 * len(slope)
    torch.manual_seed(0)
    xs2 = torch.stack([ds[0][0] for _ in range(60)])
    assert bool((xs == xs2).all())  # reproducible through torch's seed


def test_agedb_images_flat_layout_and_dataloader(agedb_root):
    torch = pytest.importorskip("torch")
    root, _ = agedb_root
    ds = load_agedb_dir(root / "AgeDB", img_size=16)
    loader = torch.utils.data.DataLoader(
        torch.utils.data.Subset(ds.images["val"], range(4)), batch_size=4)
    x, y = next(iter(loader))
    assert x.shape == (4, 3, 16, 16) and y.shape == (4,)
    with pytest.raises(FileNotFoundError, match="missing under root"):
        ds.images["val"][100]


def test_agedb_root_errors(tmp_path):
    with pytest.raises(ValueError, match="root must be an existing directory"):
        load_agedb_dir(tmp_path / "nope")
    pytest.importorskip("torch")
    with pytest.raises(FileNotFoundError, match="No AgeDB image found"):
        load_agedb_dir(tmp_path)
    with pytest.raises(ValueError, match="img_size must be a positive int"):
        load_agedb_dir(img_size=0)


# ---------------------------------------------------------------- synthetic
def test_make_imbalanced_regression_shapes_and_determinism():
    X, y = make_imbalanced_regression(n_samples=300, n_features=7, n_informative=3,
                                      random_state=1)
    assert X.shape == (300, 7) and y.shape == (300,)
    assert X.dtype == np.float64 and y.dtype == np.float64
    X2, y2 = make_imbalanced_regression(n_samples=300, n_features=7, n_informative=3,
                                        random_state=1)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    assert y.min() >= 0 and y.max() <= 100


@pytest.mark.parametrize("imbalance", [0.0, 3.0, -3.0])
def test_make_imbalanced_regression_label_density(imbalance):
    _, y = make_imbalanced_regression(n_samples=100_000, n_features=1, n_informative=1,
                                      imbalance=imbalance, target_range=(10, 20),
                                      random_state=0)
    counts = np.histogram(y, bins=10, range=(10, 20))[0]
    # Expected bin probabilities of the truncated exponential density.
    u = np.linspace(0, 1, 11)
    cdf = u if imbalance == 0 else np.expm1(-imbalance * u) / np.expm1(-imbalance)
    expected = 100_000 * np.diff(cdf)
    np.testing.assert_allclose(counts, expected, rtol=0.05)


def test_make_imbalanced_regression_features_carry_signal():
    from sklearn.model_selection import train_test_split
    from sklearn.neighbors import KNeighborsRegressor

    X, y = make_imbalanced_regression(n_samples=3000, n_features=8, n_informative=4,
                                      imbalance=0.0, noise=0.05, random_state=0)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)
    informative = KNeighborsRegressor(10).fit(X_tr[:, :4], y_tr)
    noise_only = KNeighborsRegressor(10).fit(X_tr[:, 4:], y_tr)
    assert informative.score(X_te[:, :4], y_te) > 0.9
    assert noise_only.score(X_te[:, 4:], y_te) < 0.05


def test_make_imbalanced_regression_integer_target():
    _, y = make_imbalanced_regression(n_samples=500, integer_target=True,
                                      target_range=(0, 120), random_state=0)
    np.testing.assert_array_equal(y, np.round(y))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n_features": 2, "n_informative": 3}, "n_informative must be at most"),
        ({"target_range": (5, 5)}, "finite low < high"),
        ({"target_range": ("a", "b")}, "tuple \\(low, high\\) of two numbers"),
        ({"noise": -1.0}, "'noise' parameter"),
        ({"n_samples": 0}, "'n_samples' parameter"),
    ],
)
def test_make_imbalanced_regression_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_imbalanced_regression(**kwargs)
