"""Lessons: a preset experiment, a few sentences, and one to three steps whose
goals are checked live against the snapshots the window already receives.

A goal is data (a kind and its parameters), not code, so a lesson is a plain
file anyone can write (io/lesson_file.py reads and validates it; the format is
in docs/lessons.md).  Each kind below is a small pure function of snapshots:
no Qt, no files, no state, so the window can ask on every picture and a test
can ask of a trainer's snapshot.

`since` is the snapshot from when the step became current, for goals about
change ("train 100 more epochs", "the weights shrank by a third").
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .config import Config
from .snapshot import Snapshot

GOAL_KINDS = (
    "setting", "metric", "parameter", "dead_units", "identical_units", "no_findings",
    "norms", "epochs", "all",
)  # fmt: skip
METRICS = ("train_loss", "test_loss", "train_accuracy", "test_accuracy")
# the docks a lesson may show, by the names the window gives them (lowercase titles)
PANELS = (
    "data", "initialization", "activation", "regularization", "optimizer", "output",
    "diagnostics",
)  # fmt: skip
# Where a step may point a person: a dock, or one place in the window.  The
# window decides how to light it up; an unknown name could only be a typo, so
# the reader refuses it rather than let the highlight silently not appear.
LOOK_AT = (
    *(f"panel:{name}" for name in PANELS),
    "network",  # the graph in the middle
    "output",  # the output picture with its points
    "loss",  # the loss curves and read-outs
    "doctor",  # the doctor's bar over the network
    "run",  # the Run tool bar: play, step, reset
)
MAX_PROGRESS = 160  # characters: a line under the step, whatever a formula setting holds
NO_FINDINGS_EPOCHS = 50  # the doctor needs some training before "nothing wrong" means much


@dataclass(frozen=True)
class Goal:
    kind: str  # one of GOAL_KINDS
    params: Mapping[str, object]  # read-only; "all" holds its subgoals as a tuple of Goal


@dataclass(frozen=True)
class Step:
    text: str
    goal: Goal
    look_at: str = ""  # one of LOOK_AT, or "" for nowhere in particular


@dataclass(frozen=True)
class Lesson:
    title: str
    text: tuple[str, ...]  # 2 to 5 paragraphs
    preset: Config  # what the window starts the lesson from
    panels: tuple[str, ...]  # docks to show (PANELS names); () leaves the window as it is
    steps: tuple[Step, ...]  # 1 to 3, done in order


def goal_met(goal: Goal, snap: Snapshot, since: Snapshot | None = None) -> bool:
    """Whether `snap` (with `since`, the step's first snapshot) shows the goal reached.

    Anything a goal needs and the snapshot lacks (diagnostics not taken yet, a
    parameter the network no longer has, accuracy of a regression) means not met.
    """
    return _KINDS[goal.kind][0](goal.params, snap, since)


def goal_progress(goal: Goal, snap: Snapshot, since: Snapshot | None = None) -> str:
    """One short line of where things stand, e.g. 'test accuracy 83 % (goal 97 %)'."""
    line = " ".join(_KINDS[goal.kind][1](goal.params, snap, since).split())
    return line if len(line) <= MAX_PROGRESS else line[: MAX_PROGRESS - 1] + "…"


# --- setting ---------------------------------------------------------------------


def _same(a: object, b: object) -> bool:
    """Equal settings; numbers to a relative 1e-9, as a typed 0.1 may arrive as 0.1000000001."""
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, bool) or isinstance(b, bool):  # True is not 1 here
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=1e-9)
    return a == b


def _wanted(params) -> tuple:
    return tuple(params["in"]) if "in" in params else (params["is"],)


def _setting_met(params, snap: Snapshot, since) -> bool:
    value = getattr(snap.config, str(params["field"]))
    return any(_same(value, w) for w in _wanted(params))


def _shown(field: str, value: object) -> str:
    if value is None:
        return "full" if field == "batch_size" else "automatic"
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, tuple):
        return ", ".join(_shown(field, v) for v in value) or "none"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _setting_progress(params, snap: Snapshot, since) -> str:
    field = str(params["field"])
    wanted = [_shown(field, w) for w in _wanted(params)]
    goal = wanted[0] if len(wanted) == 1 else "one of " + " | ".join(wanted)
    return f"{field} {_shown(field, getattr(snap.config, field))} (goal {goal})"


# --- metric ----------------------------------------------------------------------


def _metric(params, snap: Snapshot) -> float | None:
    return getattr(snap.metrics, str(params["name"]))


def _metric_met(params, snap: Snapshot, since) -> bool:
    value = _metric(params, snap)
    if value is None or snap.epoch < params.get("epochs_at_least", 0):
        return False
    if "at_least" in params:
        return value >= params["at_least"]
    return value <= params["at_most"]


def _figure(name: str, value: float | None) -> str:
    """A metric for a person; accuracy rounded down, so 96.96 % never reads as a met 97 %."""
    if value is None:
        return "none (regression)"
    if name.endswith("accuracy"):
        return f"{math.floor(value * 1000 + 1e-9) / 10:g} %" if math.isfinite(value) else str(value)
    return f"{value:.4g}"


def _metric_progress(params, snap: Snapshot, since) -> str:
    name = str(params["name"])
    bound, sign = ("at_least", "≥") if "at_least" in params else ("at_most", "≤")
    line = f"{name.replace('_', ' ')} {_figure(name, _metric(params, snap))}"
    line += f" (goal {sign} {_figure(name, params[bound])})"
    if params.get("epochs_at_least"):
        line += f", epoch {snap.epoch} of {params['epochs_at_least']}"
    return line


# --- parameter -------------------------------------------------------------------


def _parameter(params, snap: Snapshot) -> float | None:
    """The weight or bias the goal names, None if this network has none there
    (a person may have changed the layers since the lesson began)."""
    layer, row, col = params["layer"], params["row"], params["col"]
    if not 0 <= layer < len(snap.weights):
        return None
    weights = snap.weights[layer]
    if not 0 <= row < weights.shape[0]:
        return None
    if col == "bias":
        return float(snap.biases[layer][row])
    return float(weights[row, col]) if 0 <= col < weights.shape[1] else None


def _parameter_met(params, snap: Snapshot, since) -> bool:
    value = _parameter(params, snap)
    return value is not None and abs(value - params["near"]) <= params["within"]


def _parameter_progress(params, snap: Snapshot, since) -> str:
    col = params["col"]
    where = f"layer {params['layer']} " + (
        f"bias [{params['row']}]" if col == "bias" else f"weight [{params['row']}, {col}]"
    )
    value = _parameter(params, snap)
    now = "not in this network" if value is None else f"{value:.4g}"
    return f"{where} {now} (goal {params['near']:g} ± {params['within']:g})"


# --- inside the network: dead and identical units, the doctor ----------------------


def _dead_share(snap: Snapshot) -> tuple[int, int] | None:
    """(dead hidden units, hidden units), None without diagnostics."""
    d = snap.diagnostics
    if d is None:
        return None
    return d.dead_units, sum(len(layer.units.dead) for layer in d.layers[:-1])


def _dead_met(params, snap: Snapshot, since) -> bool:
    share = _dead_share(snap)
    return share is not None and share[1] > 0 and share[0] >= params["share_at_least"] * share[1]


def _dead_progress(params, snap: Snapshot, since) -> str:
    share, goal = _dead_share(snap), f"goal ≥ {params['share_at_least']:.0%}"
    if share is None:
        return f"dead units not measured yet ({goal})"
    dead, units = share
    return f"dead units {dead} of {units} ({dead / max(units, 1):.0%}; {goal})"


def _largest_group(snap: Snapshot) -> int | None:
    """The most hidden units of one layer that are copies of each other (1: none alike)."""
    d = snap.diagnostics
    if d is None:
        return None
    sizes = [len(g) for layer in d.layers[:-1] for g in layer.units.symmetric_groups]
    return max(sizes, default=1)


def _identical_met(params, snap: Snapshot, since) -> bool:
    largest = _largest_group(snap)
    return largest is not None and largest >= params["at_least"]


def _identical_progress(params, snap: Snapshot, since) -> str:
    largest, goal = _largest_group(snap), f"goal {params['at_least']}"
    if largest is None:
        return f"identical units not measured yet ({goal})"
    return f"largest group of identical units {largest} ({goal})"


def _doctor_epochs(params) -> int:
    return int(params.get("epochs_at_least", NO_FINDINGS_EPOCHS))


def _no_findings_met(params, snap: Snapshot, since) -> bool:
    # the findings are the doctor's word on snap.diagnostics: without those it has
    # not looked (an empty tuple then means nothing), and the epoch that counts is
    # the one it looked at
    d = snap.diagnostics
    return d is not None and not snap.findings and d.epoch >= _doctor_epochs(params)


def _no_findings_progress(params, snap: Snapshot, since) -> str:
    goal = f"goal none after {_doctor_epochs(params)} epochs"
    if snap.diagnostics is None:
        return f"the doctor has not looked yet ({goal})"
    n = len(snap.findings)
    said = "no findings" if n == 0 else f"{n} finding{'s' * (n != 1)}"
    return f"doctor: {said} at epoch {snap.diagnostics.epoch} ({goal})"


# --- change since the step began: norms, epochs ----------------------------------


def _norms(snap: Snapshot) -> tuple[float, float]:
    """Weight and bias norms summed over layers: the diagnostics' figures (Frobenius
    norm per layer), but from the snapshot's own parameters, which every snapshot
    has and which are never older than the snapshot (diagnostics may be)."""
    return (
        sum(math.sqrt(float(w.ravel() @ w.ravel())) for w in snap.weights),
        sum(math.sqrt(float(b @ b)) for b in snap.biases),
    )


def _start_norms(snap: Snapshot, since: Snapshot | None) -> tuple[float, float] | None:
    """The norms the fall is measured from: the step's start, or, after a reset or
    rebuild since (new weights), the new run's first diagnostics; None if neither."""
    if since is None:
        return None
    if since.generation == snap.generation:
        return _norms(since)
    log = snap.diagnostics_log  # always of snap's own generation: it starts afresh with one
    if log is None or len(log) == 0:
        return None
    return float(log.weight_norm[0].sum()), float(log.bias_norm[0].sum())


def _norm_changes(snap: Snapshot, since: Snapshot | None) -> tuple[float, float] | None:
    """(fraction the weight norm fell by, fraction the bias norm changed by), or
    None when there is nothing to compare with."""
    start = _start_norms(snap, since)
    if start is None or start[0] == 0:
        return None
    (w0, b0), (w1, b1) = start, _norms(snap)
    bias_change = abs(b1 - b0) / b0 if b0 else (0.0 if b1 == 0 else math.inf)
    return (w0 - w1) / w0, bias_change


def _norms_met(params, snap: Snapshot, since) -> bool:
    changes = _norm_changes(snap, since)
    if changes is None:
        return False
    fell, bias = changes
    return fell >= params["weight_fell_by"] and bias <= params.get("bias_changed_at_most", math.inf)


def _norms_progress(params, snap: Snapshot, since) -> str:
    goal = f"goal {-params['weight_fell_by']:+.0%}"
    changes = _norm_changes(snap, since)
    if changes is None:
        return f"weight norm {_norms(snap)[0]:.3g}, nothing to compare with yet ({goal})"
    fell, bias = changes
    line = f"weight norm {-fell:+.0%} ({goal})"
    if "bias_changed_at_most" in params:
        line += f", bias norm changed {bias:.0%} (goal ≤ {params['bias_changed_at_most']:.0%})"
    return line


def _epochs_since(snap: Snapshot, since: Snapshot | None) -> int:
    """Epochs trained since the step began.  After a reset or rebuild (a new
    generation) every epoch of the new run came after the step began."""
    if since is None or since.generation != snap.generation:
        return snap.epoch
    return snap.epoch - since.epoch


def _epochs_met(params, snap: Snapshot, since) -> bool:
    return _epochs_since(snap, since) >= params["at_least"]


def _epochs_progress(params, snap: Snapshot, since) -> str:
    words = "epoch" if since is None else "epochs since this step began:"
    return f"{words} {_epochs_since(snap, since)} (goal {params['at_least']})"


# --- all of several ----------------------------------------------------------------


def _all_met(params, snap: Snapshot, since) -> bool:
    return all(goal_met(g, snap, since) for g in params["goals"])


def _all_progress(params, snap: Snapshot, since) -> str:
    # the ones still to do: a line of four complete progresses would not fit a dock
    left = [g for g in params["goals"] if not goal_met(g, snap, since)]
    return "; ".join(goal_progress(g, snap, since) for g in left) or "all met"


_Check = Callable[[Mapping, Snapshot, "Snapshot | None"], bool]
_Progress = Callable[[Mapping, Snapshot, "Snapshot | None"], str]
_KINDS: dict[str, tuple[_Check, _Progress]] = {
    "setting": (_setting_met, _setting_progress),
    "metric": (_metric_met, _metric_progress),
    "parameter": (_parameter_met, _parameter_progress),
    "dead_units": (_dead_met, _dead_progress),
    "identical_units": (_identical_met, _identical_progress),
    "no_findings": (_no_findings_met, _no_findings_progress),
    "norms": (_norms_met, _norms_progress),
    "epochs": (_epochs_met, _epochs_progress),
    "all": (_all_met, _all_progress),
}
assert tuple(_KINDS) == GOAL_KINDS
