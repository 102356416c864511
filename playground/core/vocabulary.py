"""The words and numbers a `Config` may hold: every choice, every range, once.

The command line, the panels and the validation in config.py all read these
tables, so a limit changed here changes everywhere.
"""

from __future__ import annotations

FEATURES = ("x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2", "cosx1", "cosx2")
ACTIVATIONS = (
    "relu", "leaky_relu", "elu", "gelu", "tanh", "sigmoid", "linear", "softplus", "swish", "sine",
)  # fmt: skip
LOSSES = ("mse", "cross-entropy")
REGRESSION_LOSSES = ("mse",)  # cross-entropy needs classes
PROBLEMS = ("classification", "regression")
CLASSIFICATION_DATASETS = (
    "circle", "xor", "gauss", "spiral", "moons", "checkerboard", "blobs", "spirals",
)  # fmt: skip
REGRESSION_DATASETS = ("plane", "multi-gauss", "line")
DATASETS = CLASSIFICATION_DATASETS + REGRESSION_DATASETS  # the built-in ones
# Data a person brings: "custom" labels random points by a typed formula (its
# kind follows the formula), "own" points come with the experiment (painted or
# imported), so no setting can make them again.
CUSTOM_DATASET, OWN_DATASET = "custom", "own"
ALL_DATASETS = (*DATASETS, CUSTOM_DATASET, OWN_DATASET)
DOMAIN = 6.0  # built-in points lie in [-DOMAIN, DOMAIN]^2, as in TensorFlow Playground
MAX_SHIFT = 100.0  # how far a dataset may move off the origin, each way
DATASETS_OF = {"classification": CLASSIFICATION_DATASETS, "regression": REGRESSION_DATASETS}
MULTICLASS_DATASETS = ("blobs", "spirals")  # the ones whose class count is --classes
WEIGHT_INITS = (
    "zeros", "constant", "uniform", "normal", "tf_playground",
    "xavier_uniform", "xavier_normal", "he_uniform", "he_normal",
    "lecun_uniform", "lecun_normal", "orthogonal", "torch_default",
)  # fmt: skip
BIAS_INITS = ("zeros", "constant", "torch_default")
OPTIMIZERS = ("sgd", "momentum", "nesterov", "rmsprop", "adam")
SCHEDULES = ("constant", "step", "exponential", "cosine")
REGULARIZATIONS = ("none", "l1", "l2", "elastic")

# Which choice makes which setting count (Config.applies reads these).
SCALED_INITS = ("constant", "uniform", "normal")  # init_scale is their c, a or sigma
GAIN_INITS = ("xavier_uniform", "xavier_normal", "he_uniform", "he_normal", "orthogonal")
MOMENTUM_OPTIMIZERS = ("momentum", "nesterov")
GAMMA_SCHEDULES = ("step", "exponential")
PERIOD_SCHEDULES = ("step", "cosine")

# The scale a scheme uses when the person gives none: c for constant, the
# half-width a for uniform, the standard deviation for normal.
DEFAULT_INIT_SCALE = {"constant": 0.1, "uniform": 0.5, "normal": 0.1}
# How fast the learning rate decays when no gamma is given.
DEFAULT_LR_GAMMA = {"step": 0.5, "exponential": 0.99}

MAX_HIDDEN_LAYERS = 16
MAX_NEURONS = 64
MIN_POINTS, MAX_POINTS = 4, 100_000
MIN_CLASSES, MAX_CLASSES = 2, 8
MAX_EPOCHS = 10_000_000
MAX_SEED = 2**63 - 1
MIN_GRID_RESOLUTION, MAX_GRID_RESOLUTION = 2, 400  # pixels per side of a neuron's picture
# Per-epoch history rows kept in full (40 MB); past this, older rows thin out two
# to one, so a run left going for hours stays small enough to save.
MAX_HISTORY_ROWS = 1 << 20

# Every numeric field: (lowest, highest, whole numbers only).  Optional fields
# (None = automatic) are checked only when they hold a number.
RANGES: dict[str, tuple[float, float, bool]] = {
    "classes": (MIN_CLASSES, MAX_CLASSES, True),
    "points": (MIN_POINTS, MAX_POINTS, True),
    "noise": (0.0, 1.0, False),
    "train_ratio": (0.1, 0.9, False),
    "data_seed": (0, MAX_SEED, True),
    "shift": (-MAX_SHIFT, MAX_SHIFT, False),  # each of dx, dy
    "init_seed": (0, MAX_SEED, True),
    "init_scale": (-1e6, 1e6, False),
    "init_gain": (0.0, 1e6, False),
    "bias_value": (-1e6, 1e6, False),
    "lr": (0.0, 100.0, False),
    "momentum": (0.0, 0.999999, False),
    "rmsprop_alpha": (0.0, 0.999999, False),
    "beta1": (0.0, 0.999999, False),
    "beta2": (0.0, 0.999999999, False),
    "eps": (1e-300, 1.0, False),
    "lr_gamma": (0.0, 1.0, False),
    "lr_period": (1, MAX_EPOCHS, True),
    "lr_min": (0.0, 100.0, False),
    "reg_rate": (0.0, 100.0, False),
    "batch_size": (1, MAX_POINTS, True),
    "epochs": (0, MAX_EPOCHS, True),
}


def next_seed(seed: int) -> int:
    """The seed after `seed`, wrapping to 0 past the largest."""
    return 0 if seed >= MAX_SEED else seed + 1
