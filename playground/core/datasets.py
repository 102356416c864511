"""The toy 2-D datasets: TensorFlow Playground's six, plus a few more.

Each dataset has one small generator below.  Generators draw only from the
`rng` they are given, so one seed gives bit-identical data.  They also draw
the same random numbers whatever the noise, so with one seed, moving the
noise slider shakes the same points instead of making new ones.

Points lie in [-6, 6]^2, the area TF Playground shows.  Binary labels follow
TF with +1 as class 1 and -1 as class 0.  `noise` is on TF's 0..0.5 scale;
larger values use the same formulas.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from playground.core.config import CUSTOM_DATASET, OWN_DATASET, REGRESSION_DATASETS, Config
from playground.core.features import (  # built-ins: [-DOMAIN, DOMAIN]^2
    DOMAIN,
    Extent,
    InputScaling,
    extent_of,
)
from playground.core.formula import formula_points


@dataclass(frozen=True, eq=False)
class Dataset:
    """One generated dataset, split into train and test.  Arrays are read-only.

    x arrays are (n, 2) float64.  y arrays hold int64 class indices 0..K-1
    for classification and float64 targets for regression.  eq=False makes
    datasets compare by identity, because `==` on arrays has no single truth
    value.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    num_classes: int  # 0 for regression
    # what a person calls the classes (own data: the labels of a file); () for 0, 1, ...
    class_names: tuple[str, ...] = ()
    origin: str = ""  # own data: where it came from ("file moons.csv", "painted")

    @property
    def x_all(self) -> np.ndarray:
        """Train points followed by test points (a new array)."""
        return np.concatenate([self.x_train, self.x_test])

    @property
    def y_all(self) -> np.ndarray:
        """Train labels followed by test labels (a new array)."""
        return np.concatenate([self.y_train, self.y_test])


Points = tuple[np.ndarray, np.ndarray]


def _class_sizes(n: int, k: int) -> list[int]:
    """Split n among k classes as evenly as possible; the first classes get the extras."""
    return [n // k + (1 if i < n % k else 0) for i in range(k)]


def _class_labels(sizes: list[int]) -> np.ndarray:
    return np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)


def _polar(r: np.ndarray, t: np.ndarray) -> np.ndarray:
    # TF Playground measures angles from the y axis: (r sin t, r cos t).
    return np.column_stack([r * np.sin(t), r * np.cos(t)])


def _arm(m: int, offset: float) -> np.ndarray:
    """m points on a spiral arm: radius 0 to 5 while the angle turns 1.75 times."""
    i = np.arange(m) / max(m, 1)
    return _polar(5.0 * i, 1.75 * 2.0 * np.pi * i + offset)


# --- TensorFlow Playground's datasets ---------------------------------------
# For circle, xor, checkerboard and plane the noise moves the place where the
# label is read, not the stored point (as in TF).


def _circle(n: int, noise: float, rng: np.random.Generator, classes: int) -> Points:
    # Class 1 lies within radius 2.5, class 0 in the ring from 3.5 to 5.  TF draws
    # the radius uniformly, so the inner disc is densest near its centre.
    n0, n1 = _class_sizes(n, 2)
    r = np.concatenate([rng.uniform(3.5, 5.0, n0), rng.uniform(0.0, 2.5, n1)])
    points = _polar(r, rng.uniform(0.0, 2.0 * np.pi, n))
    noisy = points + rng.uniform(-5.0, 5.0, (n, 2)) * noise
    return points, (np.hypot(noisy[:, 0], noisy[:, 1]) < 2.5).astype(np.int64)


def _xor(n: int, noise: float, rng: np.random.Generator, classes: int) -> Points:
    # Each coordinate is pushed 0.3 away from its axis so that at noise 0 no
    # point sits on the class boundary.
    points = rng.uniform(-5.0, 5.0, (n, 2))
    points += np.where(points > 0, 0.3, -0.3)
    noisy = points + rng.uniform(-5.0, 5.0, (n, 2)) * noise
    return points, (noisy[:, 0] * noisy[:, 1] >= 0).astype(np.int64)


def _gauss(n: int, noise: float, rng: np.random.Generator, classes: int) -> Points:
    # TF maps noise 0..0.5 linearly to a variance of 0.5..4.
    sizes = _class_sizes(n, 2)
    labels = _class_labels(sizes)
    centres = np.array([[-2.0, -2.0], [2.0, 2.0]])[labels]
    return centres + rng.standard_normal((n, 2)) * np.sqrt(0.5 + 7.0 * noise), labels


def _spiral(n: int, noise: float, rng: np.random.Generator, classes: int) -> Points:
    # TF's arm starting at angle 0 is +1 (class 1); the arm turned by pi is class 0.
    n0, n1 = _class_sizes(n, 2)
    points = np.concatenate([_arm(n0, np.pi), _arm(n1, 0.0)])
    return points + rng.uniform(-1.0, 1.0, (n, 2)) * noise, _class_labels([n0, n1])


def _plane(n: int, noise: float, rng: np.random.Generator, classes: int) -> Points:
    points = rng.uniform(-DOMAIN, DOMAIN, (n, 2))
    noisy = points + rng.uniform(-DOMAIN, DOMAIN, (n, 2)) * noise
    # As TF: x + y mapped linearly from [-10, 10] to [-1, 1], unclamped, so the
    # far corners reach +-1.2 (and more with noise).
    return points, noisy.sum(axis=1) / 10.0


# (x, y, sign) of the six bumps: a 3 x 2 grid with alternating signs.
_BUMPS = np.array(
    [(-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1)],
    dtype=np.float64,
)


def _bump_target(points: np.ndarray) -> np.ndarray:
    """The multi-gauss target: the largest-magnitude bump value at each point.

    Each bump falls linearly from its sign (+-1) at the centre to 0 at distance 2.
    """
    d = np.hypot(points[:, :1] - _BUMPS[:, 0], points[:, 1:] - _BUMPS[:, 1])  # (n, 6)
    values = _BUMPS[:, 2] * np.clip(1.0 - d / 2.0, 0.0, 1.0)
    pick = np.argmax(np.abs(values), axis=1)
    return values[np.arange(len(points)), pick]


def _multi_gauss(n: int, noise: float, rng: np.random.Generator, classes: int) -> Points:
    points = rng.uniform(-DOMAIN, DOMAIN, (n, 2))
    noisy = points + rng.uniform(-DOMAIN, DOMAIN, (n, 2)) * noise
    return points, _bump_target(noisy)


# --- the others --------------------------------------------------------------

_MOON_SCALE = 10.0 / 3.0  # sklearn's moons span 3 x 1.5 units; this makes them 10 x 5


def _moons(n: int, noise: float, rng: np.random.Generator, classes: int) -> Points:
    # Like sklearn's make_moons: evenly spaced along two interleaved half
    # circles, then Gaussian jitter.  The jitter's std is noise / 2 in moon units,
    # so noise 0.5 matches sklearn's noise=0.25: the tips overlap but it can be learned.
    n0, n1 = _class_sizes(n, 2)
    t0, t1 = np.linspace(0.0, np.pi, n0), np.linspace(0.0, np.pi, n1)
    upper = np.column_stack([np.cos(t0), np.sin(t0)])
    lower = np.column_stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)])
    points = np.concatenate([upper, lower]) + rng.standard_normal((n, 2)) * (noise / 2.0)
    return (points - [0.5, 0.25]) * _MOON_SCALE, _class_labels([n0, n1])


def _checkerboard(n: int, noise: float, rng: np.random.Generator, classes: int) -> Points:
    # A 4 x 4 board of 3-unit squares; neighbouring squares have opposite classes.
    points = rng.uniform(-DOMAIN, DOMAIN, (n, 2))
    noisy = points + rng.uniform(-3.0, 3.0, (n, 2)) * noise
    cells = np.floor(noisy / 3.0).astype(np.int64)
    return points, cells.sum(axis=1) % 2


def _blobs(n: int, noise: float, rng: np.random.Generator, classes: int) -> Points:
    # One round blob per class, centres evenly spaced on a circle of radius 3.5.
    labels = _class_labels(_class_sizes(n, classes))
    angles = 2.0 * np.pi * np.arange(classes) / classes
    centres = 3.5 * np.column_stack([np.cos(angles), np.sin(angles)])
    return centres[labels] + rng.standard_normal((n, 2)) * (0.5 + 2.0 * noise), labels


def _spirals(n: int, noise: float, rng: np.random.Generator, classes: int) -> Points:
    # TF's spiral with one arm per class, each turned 2 pi / K from the last
    # (like the CS231n spiral).
    sizes = _class_sizes(n, classes)
    arms = [_arm(m, 2.0 * np.pi * k / classes) for k, m in enumerate(sizes)]
    points = np.concatenate(arms) + rng.uniform(-1.0, 1.0, (n, 2)) * noise
    return points, _class_labels(sizes)


def _line(n: int, noise: float, rng: np.random.Generator, classes: int) -> Points:
    # The seed article's single-neuron regression: price = 2.5 * size - 10.
    # x2 is a constant 0 input.  These targets are not in [-1, 1], on purpose.
    x1 = rng.uniform(-DOMAIN, DOMAIN, n)
    target = 2.5 * x1 - 10.0 + rng.standard_normal(n) * (5.0 * noise)
    return np.column_stack([x1, np.zeros(n)]), target


_GENERATORS: dict[str, Callable[[int, float, np.random.Generator, int], Points]] = {
    "circle": _circle,
    "xor": _xor,
    "gauss": _gauss,
    "spiral": _spiral,
    "moons": _moons,
    "checkerboard": _checkerboard,
    "blobs": _blobs,
    "spirals": _spirals,
    "plane": _plane,
    "multi-gauss": _multi_gauss,
    "line": _line,
}


def generate_points(
    name: str, n: int, noise: float, rng: np.random.Generator, classes: int = 3
) -> tuple[np.ndarray, np.ndarray]:
    """n points (n, 2) float64 in [-6, 6]^2 and their labels (n,).

    The points come class by class, not shuffled.  Labels are int64 class
    indices, or float64 targets for regression datasets.  Only blobs and
    spirals use `classes`.
    """
    if name not in _GENERATORS:
        raise ValueError(f"unknown dataset {name!r}; choose one of {', '.join(_GENERATORS)}")
    points, labels = _GENERATORS[name](n, noise, rng, classes)
    # Heavy noise can push a few points past the edge; clipping keeps them in view.
    points = np.clip(points, -DOMAIN, DOMAIN).astype(np.float64)
    kind = np.float64 if name in REGRESSION_DATASETS else np.int64
    return points, labels.astype(kind)


def input_scaling(cfg: Config, dataset: Dataset) -> InputScaling | None:
    """How the network sees the points: mapped onto the usual square when the
    config says rescale (the map follows from the points), else as they are."""
    return InputScaling.covering(dataset.x_all) if cfg.rescale else None


def view_extent(cfg: Config, dataset: Dataset) -> Extent:
    """The square of the input plane the pictures show: a built-in's usual square,
    moved with its points; for own points one that covers them."""
    if cfg.dataset == OWN_DATASET:
        return extent_of(np.concatenate([dataset.x_train, dataset.x_test]))
    dx, dy = cfg.shift
    return Extent(float(dx), float(dy), DOMAIN)


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.array(a)  # own the data, so nothing else can write to it
    a.flags.writeable = False
    return a


def train_size(cfg: Config) -> int:
    """How many of cfg's points are for training (at least one, and one left to test)."""
    n = cfg.points
    assert n is not None  # Config fills in the default for its problem
    return min(max(round(n * cfg.train_ratio), 1), n - 1)


def make_dataset(cfg: Config) -> Dataset:
    """Generate cfg's data from cfg.data_seed, shuffle it, and split it into train and test.

    Built-in data is made around the origin and then moved by cfg.shift; a
    custom dataset labels uniform points by cfg.formula.  Own data (painted or
    imported) cannot be made from settings: it comes with the Trainer.
    """
    if cfg.dataset == OWN_DATASET:
        raise ValueError("own data comes with its points; no setting can make it again")
    rng = np.random.default_rng(cfg.data_seed)
    n = cfg.points
    assert n is not None  # Config fills in the default for its problem
    if cfg.dataset == CUSTOM_DATASET:  # the formula reads the points where they lie
        points, labels = formula_points(cfg.formula, n, cfg.noise, rng, DOMAIN, cfg.shift)
    else:
        points, labels = generate_points(cfg.dataset, n, cfg.noise, rng, cfg.classes)
        if cfg.shift != (0.0, 0.0):
            points = points + np.asarray(cfg.shift, dtype=np.float64)
    # The generators emit points class by class, so shuffle before the split.
    order = rng.permutation(n)
    n_train = train_size(cfg)
    train, test = order[:n_train], order[n_train:]
    return Dataset(
        x_train=_frozen(points[train]),
        y_train=_frozen(labels[train]),
        x_test=_frozen(points[test]),
        y_test=_frozen(labels[test]),
        num_classes=cfg.num_classes,
    )


MAX_CLASS_NAME_CHARS = 40
MAX_COORDINATE = 1e6  # own points beyond this overflow the squared features


def check_coordinates(x: np.ndarray) -> None:
    """Own points must be finite and within MAX_COORDINATE (ValueError, one sentence)."""
    if len(x) and not np.abs(x).max() <= MAX_COORDINATE:
        worst = x[np.argmax(np.max(np.nan_to_num(np.abs(x), nan=np.inf), axis=1))]
        raise ValueError(
            f"a point lies at ({worst[0]:.3g}, {worst[1]:.3g}); x1 and x2 must be finite "
            f"and within ±{MAX_COORDINATE:.0e}"
        )


def own_dataset(
    x: np.ndarray,
    labels: np.ndarray,
    *,
    num_classes: int,
    class_names: tuple[str, ...] = (),
    train: np.ndarray | None = None,
    train_ratio: float = 0.5,
    seed: int = 0,
    origin: str = "",
) -> Dataset:
    """A Dataset of points a person brings (painted or read from a file): `train`
    marks the training points, or they are drawn (seeded) by train_ratio, and at
    least one point is kept on each side."""
    x = np.asarray(x, dtype=np.float64).reshape(-1, 2)
    kind = np.int64 if num_classes else np.float64
    labels = np.asarray(labels).astype(kind)
    n = len(x)
    check_coordinates(x)
    if n < 2 or len(labels) != n:
        raise ValueError("own data needs at least 2 points, each with its label")
    if train is None:
        order = np.random.default_rng(seed).permutation(n)
        train = np.zeros(n, dtype=bool)
        train[order[: min(max(round(n * train_ratio), 1), n - 1)]] = True
    for name in class_names:  # they travel in experiment files, which check the same
        if not (0 < len(name) <= MAX_CLASS_NAME_CHARS and name.isprintable()):
            raise ValueError(
                f"a class name must be printable text of 1 to {MAX_CLASS_NAME_CHARS} "
                f"characters (got {name[:MAX_CLASS_NAME_CHARS]!r}…)"
            )
    train = np.asarray(train, dtype=bool)
    if train.all() or not train.any():
        raise ValueError("own data needs at least one training point and one test point")
    return Dataset(
        x_train=_frozen(x[train]),
        y_train=_frozen(labels[train]),
        x_test=_frozen(x[~train]),
        y_test=_frozen(labels[~train]),
        num_classes=num_classes,
        class_names=tuple(class_names),
        origin=origin,
    )


def with_made_data(config: Config) -> Config:
    """The config, or for own points (which only an experiment holds) one of
    generated data with the same outputs, for where the network is all that counts
    (predicting, a parameter file's network on other data)."""
    if config.dataset != OWN_DATASET:
        return config
    if config.problem == "regression":
        return config.replace(dataset="plane")
    if config.num_classes > 2:
        return config.replace(dataset="blobs", classes=config.num_classes)
    return config.replace(dataset="circle")
