"""Optimizers and learning-rate schedules, following PyTorch's update rules.

The engine keeps every parameter in one flat float64 array and the gradient
in another of the same size, so an optimizer updates the whole network with
a handful of whole-array NumPy calls.  Each one writes through `out=` into
buffers made once in `__init__`: a step allocates nothing, and on the small
networks this app trains the cost of a step is mostly the number of calls
(about 0.3 us each), which is why the updates below are arranged to need few
of them and take their scalars as 0-d arrays (see `_scalar`).

The gradient given to `step` is already regularized, and the learning rate
is passed in each step because schedules live outside (`learning_rate`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from playground.core.config import Config

# An optimizer's state_dict: step counts (int) and state arrays, by name.
OptimizerState = dict[str, np.ndarray | int]


def _scalar() -> np.ndarray:
    # A 0-d float64 array holding a hyper-parameter.  NumPy converts a Python
    # float operand anew on every call; a 0-d array it takes as is, which on
    # small networks makes a call about a third faster.  Same numbers.
    return np.zeros(())


class Optimizer:
    """Base class: holds the state buffers and checks saved state."""

    name = ""
    _arrays: tuple[str, ...] = ()  # attributes holding state, each a (size,) array
    _nonnegative: tuple[str, ...] = ()  # of those, the ones that average squares
    _counts: tuple[str, ...] = ()  # integer attributes of state (step counts)

    def __init__(self, size: int, cfg: Config) -> None:
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 0:
            raise ValueError(f"an optimizer needs a parameter count of 0 or more (got {size!r})")
        self.size = int(size)
        # scratch for the update term; each step's last call subtracts it, so it
        # holds the last step's update (NaN until a step: see `last_update`)
        self._buf = np.full(self.size, np.nan)
        self._lr = _scalar()  # the step's learning rate, written in each step
        self._make_buffers()
        self.set_config(cfg)

    def _make_buffers(self) -> None:
        """Allocate the state and scratch arrays (once, before set_config)."""

    def set_config(self, cfg: Config) -> None:
        """Take new hyper-parameters from cfg, keeping the state so far.

        The kind of optimizer is not changed: a new `cfg.optimizer` needs
        `make_optimizer`.
        """

    def step(self, params: np.ndarray, grads: np.ndarray, lr: float) -> None:
        """Update `params` in place from `grads` (both flat, float64, `size` long)."""
        raise NotImplementedError

    @property
    def last_update(self) -> np.ndarray:
        """What the last step subtracted from the parameters (flat, read it only);
        NaN before the first step and after `load_state_dict`.  Kept for free:
        it is the scratch buffer every step ends with."""
        return self._buf

    def state_dict(self) -> OptimizerState:
        """A copy of the state, e.g. {"t": 3, "m": ..., "v": ...} for Adam."""
        state: OptimizerState = {k: int(getattr(self, k)) for k in self._counts}
        state.update({k: getattr(self, k).copy() for k in self._arrays})
        return state

    def load_state_dict(self, state: Mapping) -> None:
        """Restore state saved by `state_dict`; ValueError if it does not fit."""
        if not isinstance(state, Mapping):
            raise ValueError(f"{self.name} state must be a mapping of names to values")
        expected = set(self._counts) | set(self._arrays)
        if set(state) != expected:
            want = ", ".join(sorted(expected)) or "no entries"
            got = ", ".join(sorted(map(str, state))) or "none"
            raise ValueError(f"{self.name} state needs {want} (got {got})")
        counts = {k: self._checked_count(k, state[k]) for k in self._counts}
        arrays = {k: self._checked_array(k, state[k]) for k in self._arrays}
        # everything checked first, so a bad state leaves the optimizer as it was
        for k, count in counts.items():
            setattr(self, k, count)
        for k, array in arrays.items():
            np.copyto(getattr(self, k), array)  # into the buffers: views stay valid
        self._buf.fill(np.nan)  # no step of this state has been seen

    def _checked_count(self, key: str, value) -> int:
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
            raise ValueError(f"{self.name} state {key!r} must be a whole number of 0 or more")
        return int(value)

    def _checked_array(self, key: str, value) -> np.ndarray:
        try:
            array = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"{self.name} state {key!r} must be an array of numbers") from None
        if array.shape != (self.size,):
            raise ValueError(
                f"{self.name} state {key!r} must have shape ({self.size},) (got {array.shape})"
            )
        if not np.all(np.isfinite(array)):
            raise ValueError(f"{self.name} state {key!r} must hold only finite numbers")
        if key in self._nonnegative and np.any(array < 0):
            raise ValueError(
                f"{self.name} state {key!r} averages squares, so it cannot be negative"
            )
        return array


class Sgd(Optimizer):
    """w -= lr*g.  2 NumPy calls per step."""

    name = "sgd"

    def step(self, params, grads, lr):
        self._lr[()] = lr
        np.multiply(grads, self._lr, out=self._buf)
        np.subtract(params, self._buf, out=params)


class Momentum(Optimizer):
    """torch SGD with momentum (dampening 0): v = mu*v + g; w -= lr*v.  4 calls.

    v starts at 0, so the first step sets v = g exactly as torch does.
    """

    name = "momentum"
    _arrays = ("v",)

    def _make_buffers(self) -> None:
        self.v = np.zeros(self.size)
        self._mu = _scalar()

    def set_config(self, cfg: Config) -> None:
        self.momentum = float(cfg.momentum)
        self._mu[()] = self.momentum

    def _update_velocity(self, grads) -> None:
        np.multiply(self.v, self._mu, out=self.v)
        np.add(self.v, grads, out=self.v)

    def step(self, params, grads, lr):
        self._lr[()] = lr
        self._update_velocity(grads)
        np.multiply(self.v, self._lr, out=self._buf)
        np.subtract(params, self._buf, out=params)


class Nesterov(Momentum):
    """torch SGD with nesterov=True: v = mu*v + g; w -= lr*(g + mu*v).  6 calls."""

    name = "nesterov"

    def step(self, params, grads, lr):
        self._lr[()] = lr
        self._update_velocity(grads)
        buf = self._buf
        np.multiply(self.v, self._mu, out=buf)
        np.add(buf, grads, out=buf)
        np.multiply(buf, self._lr, out=buf)
        np.subtract(params, buf, out=params)


class RmsProp(Optimizer):
    """torch RMSprop (not centered, no momentum).  9 calls.

    s = a*s + (1-a)*g^2;  w -= lr*g / (sqrt(s) + eps)
    """

    name = "rmsprop"
    _arrays = ("s",)
    _nonnegative = ("s",)

    def _make_buffers(self) -> None:
        self.s = np.zeros(self.size)
        self._alpha, self._one_minus_alpha, self._eps = _scalar(), _scalar(), _scalar()

    def set_config(self, cfg: Config) -> None:
        self.alpha, self.eps = float(cfg.rmsprop_alpha), float(cfg.eps)
        self._alpha[()] = self.alpha
        self._one_minus_alpha[()] = 1.0 - self.alpha
        self._eps[()] = self.eps

    def step(self, params, grads, lr):
        self._lr[()] = lr
        s, buf = self.s, self._buf
        np.multiply(grads, self._one_minus_alpha, out=buf)
        np.multiply(buf, grads, out=buf)
        np.multiply(s, self._alpha, out=s)
        np.add(s, buf, out=s)
        np.sqrt(s, out=buf)
        np.add(buf, self._eps, out=buf)
        np.divide(grads, buf, out=buf)
        np.multiply(buf, self._lr, out=buf)
        np.subtract(params, buf, out=params)


class Adam(Optimizer):
    """torch Adam (no weight decay, no amsgrad).  11 calls.

    t += 1;  m = b1*m + (1-b1)*g;  v = b2*v + (1-b2)*g^2
    w -= lr * (m / (1-b1^t)) / (sqrt(v / (1-b2^t)) + eps)
    """

    name = "adam"
    _arrays = ("m", "v")
    _nonnegative = ("v",)
    _counts = ("t",)

    def _make_buffers(self) -> None:
        self.m, self.v, self.t = np.zeros(self.size), np.zeros(self.size), 0
        self._beta1, self._beta2 = _scalar(), _scalar()
        self._one_minus_beta1, self._beta_ratio = _scalar(), _scalar()
        self._eps_c2, self._step_size = _scalar(), _scalar()  # set each step

    def set_config(self, cfg: Config) -> None:
        self.beta1, self.beta2 = float(cfg.beta1), float(cfg.beta2)
        self.eps = float(cfg.eps)
        self._beta1[()], self._beta2[()] = self.beta1, self.beta2
        self._one_minus_beta1[()] = 1.0 - self.beta1
        # config keeps beta1 <= 0.999999, so this never divides by zero
        self._beta_ratio[()] = (1.0 - self.beta2) / (1.0 - self.beta1)

    def step(self, params, grads, lr):
        self.t += 1
        m, v, buf = self.m, self.v, self._buf
        np.multiply(grads, self._one_minus_beta1, out=buf)  # (1-b1)*g
        np.multiply(m, self._beta1, out=m)
        np.add(m, buf, out=m)
        # (1-b2)*g^2 from the (1-b1)*g already at hand: a call fewer than anew
        np.multiply(buf, grads, out=buf)
        np.multiply(buf, self._beta_ratio, out=buf)
        np.multiply(v, self._beta2, out=v)
        np.add(v, buf, out=v)
        # With c1 = 1-b1^t and c2 = sqrt(1-b2^t) the update is
        #   lr*(m/c1) / (sqrt(v)/c2 + eps) = (lr*c2/c1) * m / (sqrt(v) + eps*c2),
        # the same number in two calls fewer.
        c1 = 1.0 - self.beta1**self.t
        c2 = math.sqrt(1.0 - self.beta2**self.t)
        self._eps_c2[()] = self.eps * c2
        self._step_size[()] = lr * c2 / c1
        np.sqrt(v, out=buf)
        np.add(buf, self._eps_c2, out=buf)
        np.divide(m, buf, out=buf)
        np.multiply(buf, self._step_size, out=buf)
        np.subtract(params, buf, out=params)


_OPTIMIZERS: dict[str, type[Optimizer]] = {
    cls.name: cls for cls in (Sgd, Momentum, Nesterov, RmsProp, Adam)
}


def make_optimizer(cfg: Config, size: int) -> Optimizer:
    """The optimizer `cfg.optimizer` names, for `size` parameters."""
    try:
        cls = _OPTIMIZERS[cfg.optimizer]
    except KeyError:
        raise ValueError(f"unknown optimizer {cfg.optimizer!r}") from None
    return cls(size, cfg)


def learning_rate(cfg: Config, epoch: int) -> float:
    """The learning rate after `epoch` completed epochs (0 for the first one).

    Closed forms of torch's StepLR, ExponentialLR and CosineAnnealingLR.  The
    cosine one is periodic like torch's closed form: it reaches lr_min at
    epoch lr_period and climbs back to lr at twice that.
    """
    if isinstance(epoch, bool) or not isinstance(epoch, (int, np.integer)) or epoch < 0:
        raise ValueError(f"epoch must be a whole number of 0 or more (got {epoch!r})")
    lr, gamma, period = cfg.lr, cfg.effective_lr_gamma, cfg.lr_period
    if cfg.schedule == "constant":
        return float(lr)
    if cfg.schedule == "step":
        return float(lr * gamma ** (epoch // period))
    if cfg.schedule == "exponential":
        return float(lr * gamma**epoch)
    if cfg.schedule == "cosine":
        return cfg.lr_min + (lr - cfg.lr_min) * (1.0 + math.cos(math.pi * epoch / period)) / 2.0
    raise ValueError(f"unknown learning-rate schedule {cfg.schedule!r}")
