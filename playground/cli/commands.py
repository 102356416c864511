"""The command line's file commands: predict, inspect, render, and train's --export / --init-from.

Each raises cli.UsageError (one line, exit status 2) for anything a person got
wrong: a missing or broken file, an unknown format.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from ..core.trainer import Trainer
from ..io.csvdata import PointsFileError, outputs_csv, read_input_points, write_outputs_csv
from ..io.parameters import FORMATS, ParameterFileError, export_parameters, import_parameters


class CommandError(Exception):
    """One line for the person; the CLI turns it into exit status 2."""


def load_model(path: str):
    """A ParameterFile from any parameter format or an experiment file."""
    if Path(path).suffix.lower() == ".playground":
        from ..io.experiment import ExperimentFileError, load_experiment
        from ..io.parameters import ParameterFile

        try:
            trainer = Trainer.from_state(load_experiment(path))
        except (ExperimentFileError, ValueError) as exc:
            raise CommandError(str(exc)) from None
        meta = {"epoch": trainer.epoch, **trainer.metrics.as_dict()}
        return ParameterFile(tuple(trainer.parameters()), trainer.config, meta)
    try:
        return import_parameters(path)
    except ParameterFileError as exc:
        raise CommandError(str(exc)) from None


def trainer_for(model) -> Trainer:
    trainer = Trainer(model.config)
    trainer.load_parameters(list(model.layers))
    return trainer


def run_predict(args) -> int:
    model = load_model(args.model)
    try:
        points = read_input_points(args.input)
    except PointsFileError as exc:
        raise CommandError(str(exc)) from None
    outputs = (
        trainer_for(model).predict(points)
        if len(points)
        else np.zeros((0, model.config.num_outputs))
    )
    if args.output:
        try:
            write_outputs_csv(args.output, outputs)
        except OSError as exc:
            raise CommandError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    else:
        sys.stdout.write(outputs_csv(outputs))
    return 0


def run_inspect(args) -> int:
    model = load_model(args.file)
    cfg = model.config
    print(f"{args.file}")
    print(f"  layers      {' -> '.join(map(str, cfg.layer_sizes))}")
    print(f"  features    {', '.join(cfg.features)}")
    print(f"  activation  {cfg.activation} (hidden), {cfg.output_activation} (output)")
    print(f"  loss        {cfg.loss} ({cfg.problem})")
    for key in ("epoch", "train_loss", "test_loss", "test_accuracy"):
        if key in model.metadata:
            print(f"  {key:<11} {model.metadata[key]}")
    print(f"  {'layer':<6}{'shape':>10}  {'weight mean':>12}{'std':>10}{'min':>10}{'max':>10}"
          f"  {'bias mean':>10}{'std':>10}")  # fmt: skip
    for i, (w, b) in enumerate(model.layers):
        shape = f"{w.shape[0]}x{w.shape[1]}"
        print(f"  {2 * i:<6}{shape:>10}  {w.mean():>12.4g}{w.std():>10.4g}{w.min():>10.4g}"
              f"{w.max():>10.4g}  {b.mean():>10.4g}{b.std():>10.4g}")  # fmt: skip
    return 0


def export_all(paths, trainer: Trainer) -> None:
    """Write every --export file (names checked before training: check_export_paths)."""
    metadata = {"epoch": trainer.epoch, **trainer.metrics.as_dict()}
    for path in paths:
        try:
            export_parameters(path, trainer.parameters(), trainer.config, metadata=metadata)
        except (ValueError, OSError) as exc:  # ParameterFileError is a ValueError
            raise CommandError(f"--export: {exc}") from None


def check_export_paths(paths) -> None:
    for path in paths:
        if Path(path).suffix.lower() not in FORMATS:
            raise CommandError(f"--export: {path} must end in one of {', '.join(FORMATS)}")
        if not Path(path).parent.is_dir():
            raise CommandError(f"--export: cannot write {path}: no folder {Path(path).parent}")


def start_from(path: str, config):
    """The config with the file's architecture, and the file's parameters."""
    model = load_model(path)
    arch = model.config
    fields = {f: getattr(arch, f) for f in ("features", "hidden", "activation", "loss")}
    if arch.num_outputs != config.num_outputs or arch.problem != config.problem:
        raise CommandError(
            f"--init-from: {path} is a {arch.problem} network with {arch.num_outputs} output(s); "
            f"the data here needs {config.problem} with {config.num_outputs}"
        )
    return config.replace(**fields), list(model.layers)


def run_render(trainer: Trainer, out: str, size=(1400, 640)) -> None:
    from ..views.picture import RenderError, render_snapshot

    try:
        render_snapshot(trainer.snapshot(grid_resolution=100), out, size)
    except RenderError as exc:
        raise CommandError(str(exc)) from None
