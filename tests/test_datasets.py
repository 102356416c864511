"""Tests for playground.core.datasets: shapes, determinism, and each formula."""

from __future__ import annotations

import numpy as np
import pytest

from playground.core import config
from playground.core.config import Config
from playground.core.datasets import (
    _GENERATORS,
    Dataset,
    _bump_target,
    generate_points,
    make_dataset,
)

ALL = config.DATASETS
CLASSIFICATION = config.CLASSIFICATION_DATASETS
REGRESSION = config.REGRESSION_DATASETS


def points(name, n=500, noise=0.0, seed=0, classes=3):
    return generate_points(name, n, noise, np.random.default_rng(seed), classes)


def radius(x):
    return np.hypot(x[:, 0], x[:, 1])


# --- every dataset -----------------------------------------------------------


def test_every_config_dataset_has_a_generator():
    assert set(_GENERATORS) == set(ALL)


def test_unknown_name_is_a_value_error():
    with pytest.raises(ValueError, match="unknown dataset"):
        points("donut")


@pytest.mark.parametrize("name", ALL)
def test_shapes_dtypes_and_read_only(name):
    cfg = Config(dataset=name)
    ds = make_dataset(cfg)
    assert isinstance(ds, Dataset)
    n_train, n_test = len(ds.x_train), len(ds.x_test)
    assert n_train + n_test == cfg.points
    assert ds.x_train.shape == (n_train, 2) and ds.x_test.shape == (n_test, 2)
    assert ds.y_train.shape == (n_train,) and ds.y_test.shape == (n_test,)
    assert ds.x_train.dtype == ds.x_test.dtype == np.float64
    label_type = np.float64 if name in REGRESSION else np.int64
    assert ds.y_train.dtype == ds.y_test.dtype == label_type
    assert ds.num_classes == cfg.num_classes
    for arr in (ds.x_train, ds.y_train, ds.x_test, ds.y_test):
        assert not arr.flags.writeable
        with pytest.raises(ValueError):
            arr[0] = 0
    assert np.array_equal(ds.x_all, np.concatenate([ds.x_train, ds.x_test]))
    assert np.array_equal(ds.y_all, np.concatenate([ds.y_train, ds.y_test]))


@pytest.mark.parametrize("noise", [0.0, 0.5, 1.0])
@pytest.mark.parametrize("name", ALL)
def test_points_are_finite_and_in_the_domain(name, noise):
    x, y = points(name, n=2000, noise=noise, classes=5)
    assert np.isfinite(x).all() and np.isfinite(y).all()
    assert (np.abs(x) <= 6.0).all()
    if name == "line":
        assert (x[:, 1] == 0).all()
    elif name in CLASSIFICATION:
        assert set(np.unique(y)) <= set(range(5 if name in ("blobs", "spirals") else 2))


@pytest.mark.parametrize(
    ("n", "ratio", "n_train"),
    [(500, 0.5, 250), (500, 0.9, 450), (1200, 0.1, 120), (7, 0.5, 4), (4, 0.1, 1), (4, 0.9, 3)],
)
def test_split_sizes_follow_train_ratio(n, ratio, n_train):
    ds = make_dataset(Config(dataset="xor", points=n, train_ratio=ratio))
    assert len(ds.x_train) == len(ds.y_train) == n_train
    assert len(ds.x_test) == len(ds.y_test) == n - n_train


@pytest.mark.parametrize("name", ALL)
def test_same_seed_same_bytes_other_seed_other_data(name):
    def arrays(seed):
        ds = make_dataset(Config(dataset=name, noise=0.2, data_seed=seed))
        return [a.tobytes() for a in (ds.x_train, ds.y_train, ds.x_test, ds.y_test)]

    assert arrays(3) == arrays(3)
    assert arrays(3)[0] != arrays(4)[0]


def test_make_dataset_shuffles_the_generated_points_without_changing_them():
    cfg = Config(dataset="spiral", noise=0.3, data_seed=11)
    ds = make_dataset(cfg)
    x, y = points("spiral", n=cfg.points, noise=0.3, seed=11)
    together = np.column_stack([ds.x_all, ds.y_all])
    expected = np.column_stack([x, y])
    assert np.array_equal(np.unique(together, axis=0), np.unique(expected, axis=0))
    # and the generator's class-by-class order is mixed up
    assert not np.array_equal(ds.y_all, y)


@pytest.mark.parametrize("name", ["circle", "xor", "checkerboard", "plane", "multi-gauss", "line"])
def test_noise_moves_labels_not_points(name):
    # These datasets store the clean point, so one seed keeps the same points at any noise.
    quiet = make_dataset(Config(dataset=name, noise=0.0, data_seed=5))
    loud = make_dataset(Config(dataset=name, noise=0.4, data_seed=5))
    assert np.array_equal(quiet.x_train, loud.x_train)
    assert not np.array_equal(quiet.y_train, loud.y_train)


@pytest.mark.parametrize(
    ("name", "exact"),
    [
        ("circle", True),
        ("gauss", True),
        ("spiral", True),
        ("moons", True),
        ("blobs", True),
        ("spirals", True),
        ("xor", False),
        ("checkerboard", False),
    ],
)
def test_classes_are_balanced(name, exact):
    _, y = points(name, n=500)
    k = 3 if name in ("blobs", "spirals") else 2
    counts = np.bincount(y, minlength=k)
    assert len(counts) == k
    if exact:
        # n // k each, the remainder going to the first classes
        assert counts.tolist() == [500 // k + (1 if i < 500 % k else 0) for i in range(k)]
    else:
        assert (np.abs(counts - 500 / k) <= 0.15 * 500 / k).all()


@pytest.mark.parametrize("name", ["blobs", "spirals"])
def test_multiclass_datasets_use_the_classes_setting(name):
    ds = make_dataset(Config(dataset=name, classes=4))
    assert ds.num_classes == 4
    assert set(np.unique(ds.y_all).tolist()) == {0, 1, 2, 3}


@pytest.mark.parametrize("name", REGRESSION)
def test_regression_targets(name):
    for noise in (0.0, 0.5, 1.0):
        _, y = points(name, n=2000, noise=noise)
        if name == "line":
            assert y.min() < -1.0  # house prices are far outside [-1, 1]
        elif name == "plane":  # (x + y) / 10, plus up to 12 * noise / 10 of jitter
            assert (np.abs(y) <= 1.2 * (1 + noise) + 1e-12).all()
            assert y.min() < -0.5 and y.max() > 0.5
        else:
            assert (np.abs(y) <= 1.0).all()
            assert y.min() < -0.5 and y.max() > 0.5


# --- the formula of each dataset -------------------------------------------


def test_circle_geometry_at_noise_zero():
    x, y = points("circle")
    r = radius(x)
    assert (r[y == 1] <= 2.5).all()
    assert (r[y == 0] >= 3.5 - 1e-9).all() and (r[y == 0] <= 5.0 + 1e-9).all()


def test_circle_label_is_read_at_the_noisy_point():
    # noise 0.1 moves the point where the label is read by up to 0.5 per axis (0.71 in all)
    x, y = points("circle", n=4000, noise=0.1)
    r = radius(x)
    assert (y[r >= 3.5 - 1e-9] == 0).all()  # 3.5 - 0.71 is still outside 2.5
    assert (y[r < 2.5 - 0.71] == 1).all()
    edge = (r > 2.5 - 0.71) & (r < 2.5)
    assert 0 < (y[edge] == 0).sum() < edge.sum()  # near the edge some labels flip


def test_xor_geometry_at_noise_zero():
    x, y = points("xor")
    assert np.array_equal(y, (x[:, 0] * x[:, 1] > 0).astype(np.int64))
    assert (np.abs(x) >= 0.3).all() and (np.abs(x) <= 5.3).all()


def test_gauss_means_and_spread():
    x, y = points("gauss")
    assert np.allclose(x[y == 1].mean(axis=0), [2, 2], atol=0.2)
    assert np.allclose(x[y == 0].mean(axis=0), [-2, -2], atol=0.2)
    assert np.allclose(x[y == 1].std(axis=0), np.sqrt(0.5), atol=0.1)
    # noise 0.25 -> variance 0.5 + 7 * 0.25 = 2.25, so a std of 1.5
    x, y = points("gauss", n=4000, noise=0.25)
    assert np.allclose(x[y == 0].std(axis=0), 1.5, atol=0.1)


def test_spiral_arms():
    x, y = points("spiral")
    one, zero = x[y == 1], x[y == 0]
    # radius 5 i / m grows along each arm, from the centre to just under 5
    for arm in (one, zero):
        r = radius(arm)
        assert (np.diff(r) > 0).all() and r[0] == 0 and 4.9 < r[-1] < 5.0
    # class 1: r = 5 i / m, t = 1.75 * 2 pi i / m, at (r sin t, r cos t); class 0 is turned by pi
    i = np.arange(250) / 250
    r, t = 5 * i, 3.5 * np.pi * i
    assert np.allclose(one, np.column_stack([r * np.sin(t), r * np.cos(t)]))
    assert np.allclose(zero, -one)


def test_plane_target_at_noise_zero():
    x, y = points("plane", n=1200)
    s = x[:, 0] + x[:, 1]
    assert np.array_equal(y, s / 10)  # unclamped, as TensorFlow Playground
    assert np.abs(y).max() > 1.0


def test_multi_gauss_bumps():
    centres = np.array([[-4, 2.5], [0, 2.5], [4, 2.5], [-4, -2.5], [0, -2.5], [4, -2.5]])
    assert _bump_target(centres).tolist() == [1, -1, 1, -1, 1, -1]
    # halfway out a bump is half its height; 2 or more from every centre it is 0
    assert np.allclose(_bump_target(np.array([[-3.0, 2.5], [0.0, -1.5]])), [0.5, 0.5])
    assert _bump_target(np.array([[-2.0, 2.5], [0.0, 0.0], [6.0, 6.0]])).tolist() == [0, 0, 0]
    x, y = points("multi-gauss", n=1200)
    assert np.array_equal(y, _bump_target(x))


def test_line_at_noise_zero_and_its_noise():
    x, y = points("line", n=1200)
    assert np.array_equal(y, 2.5 * x[:, 0] - 10)
    x, y = points("line", n=4000, noise=0.2)  # noise * 5 = a std of 1.0
    assert abs(np.std(y - (2.5 * x[:, 0] - 10)) - 1.0) < 0.1


def test_checkerboard_parity_at_noise_zero():
    x, y = points("checkerboard", n=2000)
    cells = np.floor(x / 3).astype(int)
    assert np.array_equal(y, (cells[:, 0] + cells[:, 1]) % 2)
    # a 4 x 4 board: cells -2..1 on each axis
    assert set(np.unique(cells).tolist()) == {-2, -1, 0, 1}
    assert y[(x[:, 0] > 0.1) & (x[:, 0] < 2.9) & (x[:, 1] > 0.1) & (x[:, 1] < 2.9)].min() == 0
    assert y[(x[:, 0] > 3.1) & (x[:, 1] > 0.1) & (x[:, 1] < 2.9)].min() == 1


def test_moons_shape():
    x, y = points("moons")
    # centred and filling about [-5, 5] x [-2.5, 2.5]
    assert np.allclose(x.min(axis=0), [-5, -2.5], atol=0.05)
    assert np.allclose(x.max(axis=0), [5, 2.5], atol=0.05)
    assert x[y == 0, 1].mean() > x[y == 1, 1].mean()  # class 0 is the upper moon
    # noise 0.5 blurs the moons (std 0.25 moon units = 0.83 here) without moving them
    clean, _ = points("moons", n=4000)
    noisy, _ = points("moons", n=4000, noise=0.5)
    assert np.allclose(noisy.mean(axis=0), clean.mean(axis=0), atol=0.05)
    assert abs(np.std(noisy - clean) - 2.5 / 3) < 0.05


@pytest.mark.parametrize("k", [2, 3, 5, 8])
def test_blobs_sit_on_the_circle(k):
    x, y = points("blobs", n=400 * k, classes=k)
    for c in range(k):
        a = 2 * np.pi * c / k
        assert np.allclose(x[y == c].mean(axis=0), [3.5 * np.cos(a), 3.5 * np.sin(a)], atol=0.1)
        assert np.allclose(x[y == c].std(axis=0), 0.5, atol=0.05)


@pytest.mark.parametrize("k", [2, 3, 4, 7])
def test_spirals_are_k_turned_copies_of_one_arm(k):
    x, y = points("spirals", n=50 * k, classes=k)
    first = x[y == 0]
    assert (np.diff(radius(first)) > 0).all()
    for c in range(1, k):
        phi = 2 * np.pi * c / k
        # adding phi to the angle t of (r sin t, r cos t) turns the point clockwise by phi
        turned = np.column_stack(
            [
                first[:, 0] * np.cos(phi) + first[:, 1] * np.sin(phi),
                first[:, 1] * np.cos(phi) - first[:, 0] * np.sin(phi),
            ]
        )
        assert np.allclose(x[y == c], turned)
