"""IMDB-WIKI-DIR and NYUD2-DIR from a local copy, on tiny synthetic layouts.

Each fixture writes the reference repository's layout into ``tmp_path``: the
csv listings, a few small images (JPEG faces; JPEG/PNG scenes with 8-bit and
16-bit PNG depth maps) and a small balanced test mask.
"""

import pickle
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from skdir._dense_bins import iter_bins
from skdir.datasets._imdb_wiki import load_imdb_wiki_dir
from skdir.datasets._nyud2 import load_nyud2_dir
from skdir.dense import NYUD2_BIN_EDGES

Image = pytest.importorskip("PIL.Image")

REPO = "YyzHarry/imbalanced-regression"


# ---------------------------------------------------------------- IMDB-WIKI
IMDB_ROWS = [  # age, path, split
    (31, "imdb_crop/01/nm0000001_rm1_1899-5-10_1968.jpg", "train"),
    (2, "imdb_crop/01/nm0000002_rm2_1924-9-16_2004.jpg", "train"),
    (130, "imdb_crop/02/nm0000003_rm3_1860-1-1_1990.jpg", "train"),
    (45, "wiki_crop/17/10000217_1981-05-05_2009.jpg", "train"),
    (31, "imdb_crop/02/nm0000004_rm4_1970-1-1_2001.jpg", "val"),
    (2, "wiki_crop/48/10000548_1925-04-08_1927.jpg", "val"),
    (31, "wiki_crop/48/10000549_1950-04-08_1981.jpg", "test"),
    (45, "wiki_crop/12/100012_1948-07-03_1993.jpg", "test"),
]


def _write_csv(path, rows, header="age,path,split"):
    lines = [header] + [",".join(map(str, row)) for row in rows]
    path.write_text("\n".join(lines) + "\n")


@pytest.fixture
def imdb_home(tmp_path):
    """A reference ``imdb-wiki-dir/data`` folder with 8 faces (20 x 24 JPEGs)."""
    img = Image.fromarray(np.full((24, 20, 3), 200, dtype=np.uint8))
    for _, path, _ in IMDB_ROWS:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        img.save(tmp_path / path, quality=95)
    _write_csv(tmp_path / "imdb_wiki.csv", IMDB_ROWS)
    return tmp_path


def test_imdb_wiki_labels_split_and_bins(imdb_home):
    ds = load_imdb_wiki_dir(imdb_home, images=False)
    assert ds.target.dtype == np.int64
    np.testing.assert_array_equal(ds.target, [r[0] for r in IMDB_ROWS])
    assert [int(np.sum(ds.split == s)) for s in ("train", "val", "test")] == [4, 2, 2]
    assert ds.data[0] == IMDB_ROWS[0][1] and ds.data.dtype == object
    # One bin per integer age 0..120, as AgeDB-DIR (age 130 counts in the last).
    np.testing.assert_array_equal(ds.bin_edges, np.arange(122.0))
    assert ds.data_home == imdb_home.resolve() and "images" not in ds
    assert ds.frame is None and "IMDB-WIKI" in ds.DESCR
    framed = load_imdb_wiki_dir(imdb_home, images=False, as_frame=True)
    assert list(framed.frame.columns) == ["age", "path", "split"]
    assert list(framed.data.columns) == ["path"] and framed.target.name == "age"
    X, y = load_imdb_wiki_dir(str(imdb_home), return_X_y=True)
    np.testing.assert_array_equal(X, ds.data)
    np.testing.assert_array_equal(y, ds.target)


def test_imdb_wiki_images_reuse_the_agedb_dataset(imdb_home):
    torch = pytest.importorskip("torch")
    from skdir.datasets._agedb_images import AgeDBImageDataset

    ds = load_imdb_wiki_dir(imdb_home, img_size=32)
    assert set(ds.images) == {"train", "val", "test"}
    assert [len(ds.images[s]) for s in ("train", "val", "test")] == [4, 2, 2]
    assert all(isinstance(d, AgeDBImageDataset) for d in ds.images.values())
    assert ds.images["train"].train and not ds.images["test"].train
    x, y = ds.images["test"][1]
    assert x.shape == (3, 32, 32) and x.dtype == torch.float32
    assert float(y) == 45.0
    # Evaluation: grey 200 -> (200 / 255 - 0.5) / 0.5, no padding, no randomness.
    assert torch.allclose(x, torch.full_like(x, 200 / 255 * 2 - 1), atol=0.02)
    assert bool((x == ds.images["test"][1][0]).all())


def _drop(path):
    shutil.rmtree(path) if path.is_dir() else path.unlink()


@pytest.mark.parametrize("remove, check_files, message", [
    ("imdb_wiki.csv", "sample",
     r"imdb_wiki.csv is missing: expected .*imdb_wiki.csv'; it is "
     r"imdb-wiki-dir/data/imdb_wiki.csv of the DIR reference repository .*" + REPO),
    ("wiki_crop", "sample",
     (r"IMDB-WIKI image folder '.*wiki_crop' is missing \(imdb_wiki.csv's paths point into "
     r"it\): download imdb_crop.tar and wiki_crop.tar from https://data.vision.ee.ethz.ch/"
     r"cvl/rrothe/imdb-wiki/ .*download_imdb_wiki.py")),
    # The last test image: found by the default sample (first and last per split).
    (IMDB_ROWS[-1][1], "sample",
     (r"1 of the 6 IMDB-WIKI image files checked \(of the 8 listed in imdb_wiki.csv\) are "
     r"missing under data_home=.*100012_1948-07-03_1993.jpg'.*download_imdb_wiki.py.*"
     r"check_files='all' checks every file")),
    # A middle training image: only check_files='all' finds it.
    (IMDB_ROWS[1][1], "all", r"1 of the 8 IMDB-WIKI image files checked .*nm0000002"),
])
def test_imdb_wiki_missing_files(imdb_home, remove, check_files, message):
    _drop(imdb_home / remove)
    with pytest.raises(FileNotFoundError, match=message):
        load_imdb_wiki_dir(imdb_home, images=False, check_files=check_files)


def test_imdb_wiki_check_files_levels(imdb_home):
    (imdb_home / IMDB_ROWS[1][1]).unlink()
    assert len(load_imdb_wiki_dir(imdb_home, images=False).target) == 8  # not sampled
    (imdb_home / IMDB_ROWS[0][1]).unlink()
    load_imdb_wiki_dir(imdb_home, images=False, check_files="none")
    with pytest.raises(FileNotFoundError, match="1 of the 6"):
        load_imdb_wiki_dir(imdb_home, images=False)


@pytest.mark.parametrize("header, rows, message", [
    ("age,file,split", IMDB_ROWS,
     (r"must have the columns age, path, split .*got columns \['age', 'file', 'split'\], "
     r"without path")),
    ("age,path", [r[:2] for r in IMDB_ROWS], "without split"),
    ("age,path,split", [(31, IMDB_ROWS[0][1], "valid")],
     r"split values must be 'train', 'val', 'test'; got 'valid'"),
    ("age,path,split", [(31, IMDB_ROWS[0][1], "")], r"split values .*got '\(empty\)'"),
    ("age,path,split", [(31.5, IMDB_ROWS[0][1], "train")],
     r"ages must be whole numbers >= 0 \(years\); got '31.5' in row 0"),
    ("age,path,split", [(30, IMDB_ROWS[0][1], "train"), ("n/a", IMDB_ROWS[1][1], "val")],
     r"got 'n/a' in row 1 \(1 such rows\)"),
    ("age,path,split", [(-1, IMDB_ROWS[0][1], "train")], "whole numbers >= 0"),
    ("age,path,split", [], "has no rows"),
])
def test_imdb_wiki_malformed_csv(imdb_home, header, rows, message):
    _write_csv(imdb_home / "imdb_wiki.csv", rows, header=header)
    with pytest.raises(ValueError, match=message):
        load_imdb_wiki_dir(imdb_home, images=False)


def test_imdb_wiki_parameter_errors(imdb_home, tmp_path):
    with pytest.raises(ValueError, match=r"data_home must be an existing directory "
                       r"holding imdb_wiki.csv, imdb_crop/ and wiki_crop/; got "
                       r"data_home='.*nope', which is not a directory"):
        load_imdb_wiki_dir(tmp_path / "nope")
    with pytest.raises(TypeError, match="data_home must be a str or path-like"):
        load_imdb_wiki_dir(3)
    with pytest.raises(ValueError, match=r"check_files must be one of 'sample', 'all', "
                       r"'none'; got check_files=True"):
        load_imdb_wiki_dir(imdb_home, check_files=True)
    with pytest.raises(ValueError, match="img_size must be a positive int; got 0"):
        load_imdb_wiki_dir(imdb_home, img_size=0)


def test_imdb_wiki_missing_image_at_read_time_names_imdb_wiki(imdb_home):
    pytest.importorskip("torch")
    from skdir.datasets._agedb_images import AgeDBImageDataset

    (imdb_home / IMDB_ROWS[6][1]).unlink()
    test = load_imdb_wiki_dir(imdb_home, img_size=8, check_files="none").images["test"]
    assert test.name == "IMDB-WIKI"
    with pytest.raises(FileNotFoundError, match=r"^IMDB-WIKI image '.*10000549_1950-04-08_"
                       r"1981.jpg' \(item 0\) is missing under root="):
        test[0]
    # AgeDB's own datasets keep their name by default.
    agedb = AgeDBImageDataset(imdb_home, ["nothing.jpg"], [30.0], img_size=8)
    assert agedb.name == "AgeDB"
    with pytest.raises(FileNotFoundError, match=r"^AgeDB image '.*nothing.jpg' \(item 0\)"):
        agedb[0]


# -------------------------------------------------------------------- NYUD2
TRAIN_PAIRS = [f"kitchen_0001_out/{i}" for i in (1, 2)] + ["bedroom_0020_out/53"]
TEST_IDS = ["00000", "00001"]
#: 8-bit training depth 51 -> 51 / 255 * 10 = 2 m; 16-bit test depth 2500 mm.
TRAIN_DEPTH_8BIT, TEST_DEPTH_MM = 51, 2500
SIZE = (80, 60)  # width, height: scaled by 4 to 320 x 240, then cropped to 304 x 228


@pytest.fixture
def nyud2_home(tmp_path):
    """A reference ``nyud2-dir/data`` folder: 3 training pairs, 2 test pairs, the mask.

    The second training pair's depth is a left-to-right ramp 1..9 m (8-bit
    25..229), to see flips; the others are constant.
    """
    w, h = SIZE
    rgb = Image.fromarray(np.full((h, w, 3), 120, dtype=np.uint8))
    lines = []
    for k, pair in enumerate(TRAIN_PAIRS):
        (tmp_path / "nyu2_train" / pair).parent.mkdir(parents=True, exist_ok=True)
        rgb.save(tmp_path / f"nyu2_train/{pair}.jpg", quality=95)
        depth = np.full((h, w), TRAIN_DEPTH_8BIT, dtype=np.uint8)
        if k == 1:
            depth[:] = np.linspace(25.5, 229.5, w).round().astype(np.uint8)
        Image.fromarray(depth).save(tmp_path / f"nyu2_train/{pair}.png")
        lines.append(f"data/nyu2_train/{pair}.jpg,data/nyu2_train/{pair}.png")
    (tmp_path / "nyu2_train.csv").write_text("\n".join(lines) + "\n")
    (tmp_path / "nyu2_test").mkdir()
    lines = []
    for i in TEST_IDS:
        rgb.save(tmp_path / f"nyu2_test/{i}_colors.png")
        depth = np.full((h, w), TEST_DEPTH_MM, dtype=np.uint16)
        Image.fromarray(depth).save(tmp_path / f"nyu2_test/{i}_depth.png")
        lines.append(f"data/nyu2_test/{i}_colors.png,data/nyu2_test/{i}_depth.png")
    (tmp_path / "nyu2_test.csv").write_text("\n".join(lines) + "\n")
    mask = np.zeros((2, 228, 304), dtype=np.uint8)
    mask[0, 100:110, 50:60] = 1
    mask[1, 0, :] = 1
    np.save(tmp_path / "test_balanced_mask.npy", mask)
    (tmp_path / "nyu2_train_FDS_subset.csv").write_text(
        f"data/nyu2_train/{TRAIN_PAIRS[2]}.jpg,data/nyu2_train/{TRAIN_PAIRS[2]}.png\n")
    return tmp_path


def test_nyud2_listings_bins_and_mask(nyud2_home):
    ds = load_nyud2_dir(nyud2_home, images=False)
    assert [int(np.sum(ds.split == s)) for s in ("train", "test")] == [3, 2]
    # The reference drops the csv paths' first component ('data/').
    assert ds.data[0] == "nyu2_train/kitchen_0001_out/1.jpg"
    assert ds.target[-1] == "nyu2_test/00001_depth.png"
    assert ds.feature_names == ["image"] and ds.target_names == ["depth"]
    # 100 bins of 0.1 m over [0, 10] m.
    assert ds.bin_edges.shape == (101,) and ds.bin_edges[-1] == 10.0
    np.testing.assert_array_equal(ds.bin_edges, NYUD2_BIN_EDGES)  # one definition
    np.testing.assert_allclose(np.diff(ds.bin_edges), 0.1)
    assert isinstance(ds.test_mask, np.memmap) and ds.test_mask.shape == (2, 228, 304)
    assert int(ds.test_mask.sum()) == 100 + 304
    np.testing.assert_array_equal(ds.fds_subset, [2])
    loaded = load_nyud2_dir(nyud2_home, images=False, test_mask="load", as_frame=True)
    assert not isinstance(loaded.test_mask, np.memmap)
    np.testing.assert_array_equal(loaded.test_mask, ds.test_mask)
    assert list(loaded.frame.columns) == ["image", "depth", "split"]
    X, y = load_nyud2_dir(nyud2_home, return_X_y=True)
    np.testing.assert_array_equal(X, ds.data)
    np.testing.assert_array_equal(y, ds.target)
    (nyud2_home / "test_balanced_mask.npy").unlink()
    (nyud2_home / "nyu2_train_FDS_subset.csv").unlink()
    bare = load_nyud2_dir(nyud2_home, images=False, test_mask=None)
    assert bare.test_mask is None and bare.fds_subset is None


def test_nyud2_test_items_in_metres_with_mask(nyud2_home):
    torch = pytest.importorskip("torch")
    ds = load_nyud2_dir(nyud2_home)
    test = ds.images["test"]
    assert len(test) == 2 and len(ds.images["train"]) == 3
    image, depth, mask = test[0]
    assert image.shape == (3, 228, 304) and image.dtype == torch.float32
    assert depth.shape == (1, 228, 304) and depth.dtype == torch.float32
    assert torch.allclose(depth, torch.full_like(depth, 2.5))  # 2500 mm
    assert mask.dtype == torch.bool and mask.shape == (1, 228, 304)
    np.testing.assert_array_equal(mask[0].numpy(), ds.test_mask[0] == 1)
    # ImageNet normalisation of grey 120.
    expected = (120 / 255 - torch.tensor([0.485, 0.456, 0.406])) / torch.tensor(
        [0.229, 0.224, 0.225])
    assert torch.allclose(image.mean(dim=(1, 2)), expected, atol=0.02)
    loader = torch.utils.data.DataLoader(test, batch_size=2)
    images, depths, masks = next(iter(loader))
    assert images.shape == (2, 3, 228, 304) and depths.shape == (2, 1, 228, 304)
    assert masks.shape == (2, 1, 228, 304)
    plain = load_nyud2_dir(nyud2_home, test_mask=None).images["test"][1]
    assert len(plain) == 2  # no mask: (image, depth)


def test_nyud2_train_items_augmented_and_downsampled(nyud2_home):
    torch = pytest.importorskip("torch")
    train = load_nyud2_dir(nyud2_home, test_mask=None).images["train"]
    torch.manual_seed(0)
    image, depth = train[0]
    assert image.shape == (3, 228, 304) and depth.shape == (1, 114, 152)
    # 8-bit depth 51 -> 2 m; the rotation fills corners with 0 (its spline
    # rings a little at that edge; depth is kept >= 0).
    assert abs(float(depth[0, 57, 76]) - 2.0) < 1e-3
    assert float(depth.max()) < 2.2 and float(depth.min()) >= 0.0
    # The ramp (1 m left, 9 m right) is flipped in about half of the draws.
    ramps = [train[1][1][0, 57] for _ in range(16)]
    slopes = [float(r[120] - r[30]) for r in ramps]
    assert all(abs(s) > 2 for s in slopes) and 0 < sum(s < 0 for s in slopes) < 16
    torch.manual_seed(1)
    a = train[0]
    torch.manual_seed(1)
    b = train[0]
    assert all(bool((u == v).all()) for u, v in zip(a, b))  # seeded by torch


def test_nyud2_train_depths_keep_the_8bit_grid(nyud2_home):
    torch = pytest.importorskip("torch")
    # the reference rotates and resizes the uint8 map, then scales it: every
    # training depth is k / 255 * 10 for an integer k
    train = load_nyud2_dir(nyud2_home, test_mask=None).images["train"]
    torch.manual_seed(3)
    for index in (0, 1, 1, 1, 2):
        depth = train[index][1].numpy()
        k = np.round(depth * 25.5).astype(np.uint8)
        np.testing.assert_array_equal(depth, k.astype(np.float32) / np.float32(255) * 10)
        if index == 1:  # the ramp, rotated and resized: many levels, all on the grid
            assert np.unique(k).size > 50
    f64 = load_nyud2_dir(nyud2_home, test_mask=None, depth_dtype="float64").images["train"]
    torch.manual_seed(3)
    depth = f64[1][1].numpy()
    assert depth.dtype == np.float64
    np.testing.assert_array_equal(depth, np.round(depth * 25.5) / 255 * 10)


def test_float64_millimetre_depths_bin_like_the_nyud2_reference():
    raw = np.arange(10001)  # every millimetre value, 0 to 10 m
    # the reference's rule, on its float32 depths
    reference = np.minimum(
        (raw.astype(np.float32) / np.float32(1000) * np.float32(10)).astype(np.intp), 99)
    f64 = np.concatenate([idx for _, idx in iter_bins(raw / 1000.0, NYUD2_BIN_EDGES)])
    np.testing.assert_array_equal(f64, reference)
    # float32 depths: 38 multiples of 100 mm fall one bin lower (as documented)
    f32 = np.concatenate([idx for _, idx in iter_bins(
        raw.astype(np.float32) / np.float32(1000), NYUD2_BIN_EDGES)])
    moved = np.flatnonzero(f32 != reference)
    assert moved.size == 38 and (raw[moved] % 100 == 0).all()
    assert (f32[moved] == reference[moved] - 1).all()
    assert 700 in moved
    # 8-bit training depths k / 255 * 10 bin alike in float32 and float64
    k = np.arange(256)
    eight = (k.astype(np.float32) / np.float32(255)) * np.float32(10)
    reference = np.minimum((eight * np.float32(10)).astype(np.intp), 99)
    for depth in (eight, k / 255 * 10):
        got = np.concatenate([idx for _, idx in iter_bins(depth, NYUD2_BIN_EDGES)])
        np.testing.assert_array_equal(got, reference)


def test_nyud2_float64_test_depths_are_raw_over_1000(nyud2_home):
    torch = pytest.importorskip("torch")
    # 700 mm: float32(0.7) is just below the 0.7 m edge, float64 0.7 is on it
    w, h = SIZE
    Image.fromarray(np.full((h, w), 700, dtype=np.uint16)).save(
        nyud2_home / "nyu2_test/00001_depth.png")
    f32 = load_nyud2_dir(nyud2_home).images["test"][1][1]
    f64 = load_nyud2_dir(nyud2_home, depth_dtype="float64").images["test"][1][1]
    assert f32.dtype == torch.float32 and f64.dtype == torch.float64
    assert (f32 == np.float32(700) / np.float32(1000)).all() and (f64 == 0.7).all()
    with pytest.raises(ValueError, match="depth_dtype must be one of 'float32', 'float64'; "
                                         "got depth_dtype='float16'"):
        load_nyud2_dir(nyud2_home, depth_dtype="float16")
    from skdir.datasets._nyud2_images import NYUD2DepthDataset

    with pytest.raises(ValueError, match=r"depth_dtype must be one of \('float32', "):
        NYUD2DepthDataset(nyud2_home, ["a"], ["b"], depth_dtype=np.float16)


@pytest.mark.parametrize("remove, message", [
    ("nyu2_test.csv",
     r"NYUD2-DIR's test listing nyu2_test.csv is missing: expected '.*nyu2_test.csv'; the "
     r"reference repository .*" + REPO + r" fetches the preprocessed NYU Depth V2 "
     r"\(https://cs.nyu.edu/~silberman/datasets/nyu_depth_v2.html\) .*download_nyud2.py"),
    ("nyu2_train", (r"NYUD2 folder '.*nyu2_train' is missing \(nyu2_train.csv and "
     r"nyu2_test.csv's paths point into it\): .*download_nyud2.py")),
    ("nyu2_test/00001_depth.png",
     r"1 of the 4 NYUD2 files checked .* missing under data_home=.*00001_depth.png'"),
    ("test_balanced_mask.npy",
     (r"NYUD2-DIR's balanced test mask is missing: expected '.*test_balanced_mask.npy'; it "
     r"is nyud2-dir/data/test_balanced_mask.npy of the DIR reference repository .*"
     r"preprocess_nyud2.py.*pass test_mask=None")),
])
def test_nyud2_missing_files(nyud2_home, remove, message):
    _drop(nyud2_home / remove)
    with pytest.raises(FileNotFoundError, match=message):
        load_nyud2_dir(nyud2_home, images=False)


@pytest.mark.parametrize("file, content, message", [
    ("nyu2_train.csv", "data/nyu2_train/a.jpg\n",
     (r"nyu2_train.csv at '.*' must hold two columns and no header \(RGB image path, depth "
     r"map path\); got 1 column\(s\)")),
    ("nyu2_test.csv", "a,b,c\n", r"got 3 column\(s\), first row \['a', 'b', 'c'\]"),
    ("nyu2_test.csv", "00000_colors.png,00000_depth.png\n",
     (r"nyu2_test.csv at .*: paths must start with the folder that holds them, like "
     r"'data/nyu2_test/...' .*got '00000_colors.png' in row 0")),
])
def test_nyud2_malformed_csv(nyud2_home, file, content, message):
    (nyud2_home / file).write_text(content)
    with pytest.raises(ValueError, match=message):
        load_nyud2_dir(nyud2_home, images=False, check_files="none")


def test_nyud2_mask_and_parameter_errors(nyud2_home):
    np.save(nyud2_home / "test_balanced_mask.npy", np.zeros((3, 228, 304), np.uint8))
    with pytest.raises(ValueError, match=r"must be an integer or bool array of shape "
                       r"\(n_test, height, width\) with n_test=2 .*got uint8 of shape "
                       r"\(3, 228, 304\)"):
        load_nyud2_dir(nyud2_home, images=False)
    with pytest.raises(ValueError, match=r"test_mask must be one of 'mmap', 'load'; got "
                       r"test_mask=True"):
        load_nyud2_dir(nyud2_home, test_mask=True)
    with pytest.raises(ValueError, match="data_home must be an existing directory holding "
                       "nyu2_train.csv, nyu2_test.csv, nyu2_train/ and nyu2_test/"):
        load_nyud2_dir(nyud2_home / "nyu2_train.csv")


def test_nyud2_dataset_errors_at_read_time(nyud2_home):
    pytest.importorskip("torch")
    from skdir.datasets._nyud2 import depth_dataset_class
    from skdir.datasets._nyud2_images import NYUD2DepthDataset

    assert depth_dataset_class("test") is NYUD2DepthDataset

    (nyud2_home / "nyu2_test/00000_depth.png").unlink()
    test = load_nyud2_dir(nyud2_home, check_files="none", test_mask=None).images["test"]
    with pytest.raises(FileNotFoundError, match=r"NYUD2 file '.*00000_depth.png' \(item 0\) "
                       r"is missing under root="):
        test[0]
    Image.new("RGB", SIZE).save(nyud2_home / "nyu2_test/00000_depth.png")
    with pytest.raises(ValueError, match=r"must be a one-channel 8-bit .* or 16-bit "
                       r"\(millimetres\) image; got pillow mode 'RGB'"):
        test[0]
    with pytest.raises(ValueError, match=r"mask must have shape \(1, 228, 304\)"):
        NYUD2DepthDataset(nyud2_home, ["a"], ["b"], mask=np.zeros((1, 10, 10)))
    with pytest.raises(ValueError, match="must be 1-D of the same length"):
        NYUD2DepthDataset(nyud2_home, ["a"], ["b", "c"])


def test_nyud2_dataset_pickles_for_workers(nyud2_home, tmp_path_factory):
    """DataLoader workers unpickle the dataset, in a fresh process too, and
    ``import skdir.datasets`` and the loaders with images=False never import
    torch or pillow."""
    pytest.importorskip("torch")
    test = load_nyud2_dir(nyud2_home, test_mask=None).images["test"]
    assert type(test).__module__ == "skdir.datasets._nyud2_images"
    again = pickle.loads(pickle.dumps(test))
    assert type(again) is type(test) and len(again) == 2
    dumped = tmp_path_factory.mktemp("pickle") / "test.pkl"
    dumped.write_bytes(pickle.dumps(test))
    code = (
        "import pickle, sys\n"
        "import skdir.datasets\n"
        "from skdir.datasets._nyud2 import load_nyud2_dir\n"
        "from skdir.datasets._imdb_wiki import load_imdb_wiki_dir\n"
        f"load_nyud2_dir({str(nyud2_home)!r}, images=False)\n"
        "assert 'torch' not in sys.modules, 'torch imported'\n"
        "assert 'PIL' not in sys.modules, 'PIL imported'\n"
        f"ds = pickle.loads(open({str(dumped)!r}, 'rb').read())\n"
        "print(tuple(ds[1][1].shape))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True)
    assert out.stdout.strip() == "(1, 228, 304)"


def test_pandas_reads_paths_as_text(tmp_path, imdb_home):
    # A path that looks like a number or 'NA' stays a string.
    rows = [(31, "imdb_crop/01/NA.jpg", "train")]
    Image.new("RGB", (8, 8)).save(imdb_home / rows[0][1])
    _write_csv(imdb_home / "imdb_wiki.csv", rows)
    ds = load_imdb_wiki_dir(imdb_home, images=False, as_frame=True)
    assert ds.data["path"].iloc[0] == "imdb_crop/01/NA.jpg"
    assert pd.api.types.is_integer_dtype(ds.target)
