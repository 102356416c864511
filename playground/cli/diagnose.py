"""`diagnose FILE` and `train --diagnose`: the doctor's findings, as text or JSON.

The data is the experiment's own (a .playground file), or made again from the
settings a parameter file records; data flags (--dataset, --points, --seed, ...)
change it, as long as the network still fits it.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..core.config import MAX_SEED, OWN_DATASET, Config, ConfigError
from ..core.diagnostics_types import Diagnostics, Finding, LayerDiagnostics
from ..core.doctor import examine_trainer
from ..core.trainer import DATA_FIELDS, Trainer
from ..io.experiment import ExperimentFileError, load_experiment
from ..io.formats import EXPERIMENT_SUFFIX
from ..io.reading import printable_path
from .errors import UsageError
from .model_files import load_model


def run_diagnose(args: argparse.Namespace) -> int:
    trainer = _trainer_for(args.file, _data_changes(args))
    diagnostics, findings = diagnose(trainer)
    if args.json:
        print(json.dumps(report_json(diagnostics, findings), allow_nan=False))
    else:
        print(f"{printable_path(args.file)}: {_headline(trainer, diagnostics)}")
        print(report_text(diagnostics, findings))
    return 0


def diagnose(trainer: Trainer) -> tuple[Diagnostics, tuple[Finding, ...]]:
    d = trainer.diagnostics()
    return d, examine_trainer(trainer, d)


# --- the network and its data ---------------------------------------------------


def _data_changes(args: argparse.Namespace) -> dict[str, Any]:
    flags = vars(args)
    changes = {f: flags[f] for f in DATA_FIELDS if f in flags}
    seed = flags.get("seed")
    if seed is not None:
        if not 0 <= seed <= MAX_SEED:
            raise UsageError(f"argument --seed: must be from 0 to {MAX_SEED} (got {seed})")
        changes.setdefault("data_seed", seed)
    return changes


def _trainer_for(path: str, changes: dict[str, Any]) -> Trainer:
    if Path(path).suffix.lower() == EXPERIMENT_SUFFIX:
        try:
            trainer = Trainer.from_state(load_experiment(path))
        except (ExperimentFileError, ValueError) as exc:
            raise UsageError(str(exc)) from None
        if not changes:
            return trainer  # its own data, history and divergence state
        config, layers = trainer.config, trainer.parameters()
    else:
        model = load_model(path)
        config, layers = _recorded_data(model.config, model.metadata), list(model.layers)
        if config.dataset == OWN_DATASET and "dataset" not in changes:
            raise UsageError(
                f"{printable_path(path)} was trained on its own points, which a parameter file "
                "does not hold: diagnose its .playground experiment, or give --dataset"
            )
    new = _with_data(path, config, changes)
    trainer = Trainer(new)
    trainer.load_parameters(layers)
    return trainer


def _recorded_data(config: Config, metadata: Mapping) -> Config:
    """The full config the file records (data, initializer, learning rate: what the
    remedies start from) if it builds this network; else the file's architecture
    with the data settings it records, if they fit; else the architecture alone."""
    recorded = metadata.get("config")
    if not isinstance(recorded, dict):
        return config
    arch = ("features", "hidden", "activation", "loss", "problem")
    try:
        full = Config.from_dict(recorded)
        if all(getattr(full, f) == getattr(config, f) for f in arch):
            return _same_network(config, full)
    except (ConfigError, TypeError, ValueError, UsageError):
        pass
    values = {f: recorded[f] for f in DATA_FIELDS if f in recorded}
    try:
        return _same_network(config, config.replace(**values))
    except (ConfigError, TypeError, ValueError, UsageError):
        return config


def _with_data(path: str, config: Config, changes: dict[str, Any]) -> Config:
    try:
        new = config.replace(**changes)
    except ConfigError as exc:
        flag = f"argument --{exc.field.replace('_', '-')}: " if exc.field else ""
        raise UsageError(f"{flag}{exc}") from None
    try:
        return _same_network(config, new)
    except UsageError as exc:
        raise UsageError(f"{printable_path(path)}: {exc}") from None


def _same_network(old: Config, new: Config) -> Config:
    """`new`, if the saved network still fits its data (same sizes, head and loss)."""
    if (new.layer_sizes, new.problem, new.loss) != (old.layer_sizes, old.problem, old.loss):
        raise UsageError(
            f"the network is for {old.problem} with {old.num_outputs} output(s) and "
            f"{old.loss}; the data asked for needs {new.problem} with {new.num_outputs} "
            f"and {new.loss}"
        )
    return new


# --- reports -------------------------------------------------------------------


def _headline(trainer: Trainer, d: Diagnostics) -> str:
    cfg = trainer.config
    sizes = " -> ".join(map(str, cfg.layer_sizes))
    # a parameter file's network starts at epoch 0 here, whatever it was trained for
    when = f", epoch {d.epoch}" if d.epoch else ""
    return f"{sizes} {d.activation}{when}, {d.points} training points ({cfg.dataset})"


def _feeds(i: int, layers: int) -> str:
    return "output" if i == layers - 1 else f"hidden {i + 1}"


def _number(x: float) -> str:
    return "-" if not math.isfinite(x) else f"{x:.3g}"


def report_text(d: Diagnostics, findings: tuple[Finding, ...]) -> str:
    rows = [
        f"  {'into':<10}{'units':>6}{'dead':>6}{'satur.':>7}{'ident.':>7}"
        f"{'grad norm':>11}{'update/param':>14}{'weight norm':>13}{'bias norm':>11}"
    ]
    for i, layer in enumerate(d.layers):
        u = layer.units
        k = len(u.dead)
        hidden = i < len(d.layers) - 1
        sat = "-" if u.saturated is None else str(int((u.saturated >= 0.95).sum()))
        ident = str(sum(len(g) for g in u.symmetric_groups)) if hidden else "-"
        dead = str(int(u.dead.sum())) if u.active is not None else "-"
        rows.append(
            f"  {_feeds(i, len(d.layers)):<10}{k:>6}{dead:>6}{sat:>7}{ident:>7}"
            f"{_number(layer.gradient_norm):>11}{_number(layer.update_ratio):>14}"
            f"{_number(layer.weight_norm):>13}{_number(layer.bias_norm):>11}"
        )
    if not findings:
        rows.append("No findings: nothing here looks like a network that cannot learn.")
    for f in findings:
        rows.append(f"{f.kind}: {f.message}")
        for r in f.remedies:
            said = ["reset"] * r.reset + [f"{k}={_flag(v)}" for k, v in r.changes.items()]
            rows.append(f"    try: {r.label} ({', '.join(said)})")
    return "\n".join(rows)


def _flag(value: object) -> str:
    if isinstance(value, tuple):
        return ",".join(map(str, value))
    return f"{value:g}" if isinstance(value, float) else str(value)


def _plain(value: Any) -> Any:
    """JSON-ready: arrays and tuples as lists, NaN and infinity as null."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "tolist"):  # NumPy arrays and scalars
        return _plain(value.tolist())
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def finding_json(f: Finding) -> dict[str, Any]:
    return _plain(
        {
            "kind": f.kind,
            "layer": f.layer,
            "units": list(f.units),
            "message": f.message,
            "evidence": dict(f.evidence),
            "remedies": [
                {"label": r.label, "changes": dict(r.changes), "reset": r.reset, "why": r.why}
                for r in f.remedies
            ],
        }
    )


def layer_json(i: int, layer: LayerDiagnostics) -> dict[str, Any]:
    u = layer.units
    return _plain(
        {
            "layer": i,
            "units": len(u.dead),
            "gradient_norm": layer.gradient_norm,
            "update_ratio": layer.update_ratio,
            "weight_norm": layer.weight_norm,
            "bias_norm": layer.bias_norm,
            "dead": [int(k) for k in u.dead.nonzero()[0]],
            "symmetric_groups": u.symmetric_groups,
            "active": u.active,
            "saturated": u.saturated,
            "mean": u.mean,
            "low": u.low,
            "high": u.high,
            "histograms": {
                q: {"edges": h.edges, "counts": h.counts} for q, h in layer.histograms.items()
            },
        }
    )


def report_json(d: Diagnostics, findings: tuple[Finding, ...]) -> dict[str, Any]:
    return {
        "findings": [finding_json(f) for f in findings],
        "layers": [layer_json(i, layer) for i, layer in enumerate(d.layers)],
    }
