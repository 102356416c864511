"""A training run's timeline: checkpoints kept as it trains, dense early and
thinning later, within a memory budget.

A `Checkpoint` is everything the trainer needs to train on bit for bit from
the end of one epoch: the parameters, the optimizer's state, the mini-batch
order's random state, the counters, the settings in force and that epoch's
history row.  `rewind(state, checkpoint)` turns a trainer state (core/
checkpoint.py) into the state at the checkpoint, so "continue from here" is
`Trainer.from_state(rewind(...))` and trains on exactly as the run did.

What is kept (`kept`): every epoch up to 2**(bits + 1), then 2**bits evenly
spaced epochs in each doubling of the epoch count ([2**k, 2**(k + 1))), so the
early epochs, where most changes, are dense.  When the store outgrows its
budget (bytes or count) `bits` drops by one, which halves the late
checkpoints; at bits 0 (one per doubling) the oldest go first.  The rule
depends only on the epoch and `bits`, so a ledger that holds no arrays (the
trainer's side) and a store that does (the window's) agree on what they keep.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from .config import DATA_FIELDS, Config
from .snapshot import frozen

DEFAULT_BUDGET = 100 * 2**20  # bytes of checkpoints a window keeps
MAX_CHECKPOINTS = 1000  # however small the network: a timeline needs no more
MAX_BITS = 7  # every epoch up to 256, then 128 per doubling, before thinning


@dataclass(frozen=True, eq=False)
class Checkpoint:
    """The trainer at the end of an epoch (arrays read-only copies)."""

    generation: int  # the trainer's generation it came from
    epoch: int
    steps: int
    config: Config  # the settings in force then (some change while training)
    params: np.ndarray
    optimizer: Mapping  # Optimizer.state_dict(): counts and read-only arrays
    shuffle_rng: Mapping  # the mini-batch order's PCG64 bit_generator.state
    record: np.ndarray  # the epoch's history row: epoch, train/test loss, train/test accuracy

    @property
    def nbytes(self) -> int:
        arrays = [v for v in self.optimizer.values() if isinstance(v, np.ndarray)]
        return self.params.nbytes + sum(a.nbytes for a in arrays) + self.record.nbytes + 400

    def optimizer_state(self) -> dict:
        """The optimizer's state as `Optimizer.load_state_dict` takes it (fresh copies)."""
        return {k: v.copy() if isinstance(v, np.ndarray) else v for k, v in self.optimizer.items()}


def kept(epoch: int, bits: int) -> bool:
    """Whether the keep rule keeps `epoch` at resolution `bits` (see the module)."""
    if epoch < 2 << bits:
        return True
    spacing_bits = epoch.bit_length() - 1 - bits
    return epoch & ((1 << spacing_bits) - 1) == 0


class CheckpointStore:
    """Checkpoints by epoch, thinned to a budget.  With `holds=False` it is a
    ledger: it decides exactly as a store would but keeps only sizes (the
    trainer's side, which sends each checkpoint away)."""

    def __init__(
        self,
        budget: int = DEFAULT_BUDGET,
        max_count: int = MAX_CHECKPOINTS,
        holds: bool = True,
    ) -> None:
        if budget <= 0 or max_count < 2:
            raise ValueError("a checkpoint store needs a positive budget and room for two")
        self.budget = budget
        self.max_count = max_count
        self.holds = holds
        self.bits = MAX_BITS
        self.generation: int | None = None
        self._sizes: dict[int, int] = {}  # epoch -> bytes, in rising epochs
        self._items: dict[int, Checkpoint] = {}
        self.nbytes = 0

    # --- what is kept ------------------------------------------------------------

    def wants(self, epoch: int) -> bool:
        """Whether a checkpoint at the end of `epoch` would be kept (cheap)."""
        return kept(epoch, self.bits) and epoch not in self._sizes

    def add(self, checkpoint: Checkpoint) -> None:
        """Keep `checkpoint`, then thin to the budget.  One from another
        generation replaces those at and after its epoch: they belong to a
        future that is no longer this run's (a reset, or "continue from here")."""
        if checkpoint.generation != self.generation:
            self.truncate(checkpoint.epoch - 1)
            self.generation = checkpoint.generation
        epoch = checkpoint.epoch
        if epoch in self._sizes:
            self._drop(epoch)
        if self._sizes and epoch < next(reversed(self._sizes)):
            self.truncate(epoch - 1)  # epochs rise: a rewound trainer's future goes
        self._sizes[epoch] = size = checkpoint.nbytes
        self.nbytes += size
        if self.holds:
            self._items[epoch] = checkpoint
        self._thin()

    def truncate(self, last_epoch: int) -> None:
        """Forget the checkpoints after `last_epoch`."""
        for epoch in [e for e in self._sizes if e > last_epoch]:
            self._drop(epoch)

    def clear(self) -> None:
        self._sizes.clear()
        self._items.clear()
        self.nbytes = 0
        self.bits = MAX_BITS
        self.generation = None

    def _over(self) -> bool:
        return self.nbytes > self.budget or len(self._sizes) > self.max_count

    def _thin(self) -> None:
        while self._over() and self.bits > 0:
            self.bits -= 1
            for epoch in [e for e in self._sizes if not kept(e, self.bits)]:
                self._drop(epoch)
        epochs = list(self._sizes)
        # one per doubling is still too much (a huge network): the oldest go,
        # but the first (the untrained network) and the newest stay
        for epoch in epochs[1:-1]:
            if not self._over():
                break
            self._drop(epoch)

    def _drop(self, epoch: int) -> None:
        self.nbytes -= self._sizes.pop(epoch)
        self._items.pop(epoch, None)

    # --- reading -----------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._sizes)

    @property
    def epochs(self) -> list[int]:
        return list(self._sizes)

    @property
    def checkpoints(self) -> list[Checkpoint]:
        return list(self._items.values())

    def at(self, epoch: int) -> Checkpoint | None:
        return self._items.get(epoch)

    def nearest(self, epoch: float) -> Checkpoint | None:
        """The held checkpoint closest to `epoch` (the earlier one on a tie)."""
        if not self._items:
            return None
        epochs = np.fromiter(self._items, dtype=np.int64, count=len(self._items))
        i = int(np.argmin(np.abs(epochs - epoch)))
        return self._items[int(epochs[i])]

    def load(self, checkpoints: Iterable[Checkpoint]) -> None:
        """Start again from these (a file's), oldest first, under this budget."""
        self.clear()
        for checkpoint in sorted(checkpoints, key=lambda c: c.epoch):
            self.add(checkpoint)


# --- from a trainer, and back ------------------------------------------------------


def capture(trainer) -> Checkpoint:
    """The trainer's checkpoint now; it must be at an epoch boundary."""
    if trainer.at_epoch_start is False:
        raise ValueError("a checkpoint is taken between epochs, not inside one")
    optimizer = trainer.optimizer.state_dict()  # fresh copies, ours to freeze
    for value in optimizer.values():
        if isinstance(value, np.ndarray):
            value.flags.writeable = False
    return Checkpoint(
        generation=trainer.generation,
        epoch=trainer.epoch,
        steps=trainer.steps,
        config=trainer.config,
        params=frozen(trainer.network.params),
        optimizer=optimizer,
        shuffle_rng=trainer.shuffle_state(),
        record=frozen(trainer.last_record()),
    )


def rewind(state: Mapping, checkpoint: Checkpoint) -> dict:
    """The trainer state (Trainer.state_dict()) at `checkpoint`: its settings,
    parameters, optimizer, batch order and counters, the history up to its
    epoch (its own row last).  The data (points and their settings) are the
    state's: points painted since the checkpoint stay."""
    history = np.asarray(state["history"])
    before = history[history[:, 0] < checkpoint.epoch]
    # the settings in force then, on the state's data (points painted since stay)
    data = Config.from_dict(state["config"])
    config = checkpoint.config.replace(**{f: getattr(data, f) for f in DATA_FIELDS})
    return dict(state) | {
        "config": config.to_dict(),
        "params": checkpoint.params.copy(),
        "optimizer": checkpoint.optimizer_state(),
        "shuffle_rng": _plain(checkpoint.shuffle_rng),
        "epoch": checkpoint.epoch,
        "steps": checkpoint.steps,
        "cursor": 0,
        "order": None,
        "epoch_lr": None,
        "checkpoint": None,
        "history": np.vstack([before, checkpoint.record[None, :]]),
        "diverged": False,
        "message": "",
    }


# --- in a file ---------------------------------------------------------------------


def timeline_to_tree(checkpoints: Iterable[Checkpoint]) -> dict:
    """The checkpoints as JSON values and two arrays, for an experiment file:
    every parameter and optimizer array is a row of `arrays` (entries name
    their rows), the history rows are `records`, and settings shared by many
    checkpoints are written once."""
    checkpoints = list(checkpoints)
    configs: list[Config] = []
    entries: list[dict] = []
    rows: list[np.ndarray] = []
    for c in checkpoints:
        if c.config not in configs:
            configs.append(c.config)
        optimizer: dict = {}
        entries.append(
            {
                "epoch": c.epoch,
                "steps": c.steps,
                "config": configs.index(c.config),
                "shuffle_rng": _plain(c.shuffle_rng),
                "params": len(rows),
                "optimizer": optimizer,
            }
        )
        rows.append(c.params)
        for key, value in c.optimizer.items():
            if isinstance(value, np.ndarray):
                optimizer[key] = {"row": len(rows)}
                rows.append(value)
            else:
                optimizer[key] = int(value)
    size = rows[0].size if rows else 0
    return {
        "configs": [c.to_dict() for c in configs],
        "checkpoints": entries,
        "arrays": np.array(rows, dtype=np.float64).reshape(len(rows), size),
        "records": np.array([c.record for c in checkpoints], dtype=np.float64).reshape(-1, 5),
    }


def timeline_from_tree(tree: object, config: Config, epoch: int) -> list[Checkpoint]:
    """The checkpoints `timeline_to_tree` gave, from a file, for a trainer state
    of `config`'s network at `epoch`: checked as a trainer state is (ValueError,
    one sentence), oldest first."""
    from .checkpoint import MAX_COUNT, check_optimizer_state, check_rng_state, parameter_count

    if not isinstance(tree, Mapping) or set(tree) != {
        "configs",
        "checkpoints",
        "arrays",
        "records",
    }:
        raise ValueError("the timeline must hold exactly configs, checkpoints, arrays and records")
    entries, arrays, records = tree["checkpoints"], tree["arrays"], tree["records"]
    size = parameter_count(config)
    if not isinstance(entries, list) or len(entries) > MAX_CHECKPOINTS:
        raise ValueError(f"the timeline must list at most {MAX_CHECKPOINTS} checkpoints")
    if not entries:
        return []
    if not (
        isinstance(arrays, np.ndarray) and arrays.dtype == np.float64 and arrays.ndim == 2
        and arrays.shape[1] == size and np.isfinite(arrays).all()
    ):  # fmt: skip
        raise ValueError(f"the timeline's arrays must be finite rows of {size} numbers")
    if not (
        isinstance(records, np.ndarray) and records.dtype == np.float64
        and records.shape == (len(entries), 5)
    ):  # fmt: skip
        raise ValueError("the timeline needs one history row of 5 numbers per checkpoint")
    configs = _configs(tree["configs"], config)
    used: set[int] = set()

    def row(value: object) -> np.ndarray:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < len(arrays):
            raise ValueError("a timeline checkpoint names a row its arrays do not have")
        if value in used:
            raise ValueError("two timeline checkpoints share an array row")
        used.add(value)
        return arrays[value].copy()

    out: list[Checkpoint] = []
    for entry in entries:
        if not isinstance(entry, Mapping) or set(entry) != {
            "epoch", "steps", "config", "shuffle_rng", "params", "optimizer",
        }:  # fmt: skip
            raise ValueError(
                "a timeline checkpoint must hold epoch, steps, config, shuffle_rng, "
                "params and optimizer"
            )
        at, steps, which = entry["epoch"], entry["steps"], entry["config"]
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (at, steps, which)):
            raise ValueError(
                "a timeline checkpoint's epoch, steps and config must be whole numbers"
            )
        if not 0 <= at <= epoch or (out and at <= out[-1].epoch) or not 0 <= steps <= MAX_COUNT:
            raise ValueError(f"the timeline's epochs must rise from 0 to at most {epoch}")
        if not 0 <= which < len(configs):
            raise ValueError("a timeline checkpoint names settings the timeline does not have")
        record = records[len(out)]
        if record[0] != at:
            raise ValueError("a timeline checkpoint's history row is of another epoch")
        params = row(entry["params"])
        optimizer_tree = entry["optimizer"]
        if not isinstance(optimizer_tree, Mapping):
            raise ValueError("a timeline checkpoint's optimizer must be a mapping")
        optimizer = {
            key: row(value["row"])
            if isinstance(value, Mapping) and set(value) == {"row"}
            else value
            for key, value in optimizer_tree.items()
        }
        optimizer = check_optimizer_state("a timeline optimizer", optimizer, configs[which], size)
        for value in optimizer.values():
            if isinstance(value, np.ndarray):
                value.flags.writeable = False
        out.append(
            Checkpoint(
                generation=-1,
                epoch=at,
                steps=steps,
                config=configs[which],
                params=frozen(params),
                optimizer=optimizer,
                shuffle_rng=check_rng_state("a timeline shuffle_rng", entry["shuffle_rng"]),
                record=frozen(record),
            )
        )
    if len(used) != len(arrays):
        raise ValueError("the timeline's arrays have rows no checkpoint uses")
    return out


def _configs(values: object, config: Config) -> list[Config]:
    if not isinstance(values, list) or not 0 < len(values) <= MAX_CHECKPOINTS:
        raise ValueError("the timeline's settings must be a list")
    out = []
    for value in values:
        if not isinstance(value, dict):
            raise ValueError("the timeline's settings must be mappings of options")
        try:
            c = Config.from_dict(value)
        except ValueError as exc:  # ConfigError
            raise ValueError(f"the timeline's settings: {exc}") from None
        if c.layer_sizes != config.layer_sizes:
            raise ValueError("the timeline's settings are of another network")
        out.append(c)
    return out


def _plain(value):
    """A deep copy of nested dicts of plain values (a PCG64 state)."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    return value
