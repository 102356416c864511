"""Model files for the commands: any parameter format or an experiment in, parameters out.

`load_model` serves predict, inspect and --init-from; `check_export_paths` and
`export_all` serve train's --export.  A missing or broken file, or an unknown
format, is a UsageError: one line, exit status 2.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..core.config import Config
from ..core.trainer import Trainer
from ..io.experiment import ExperimentFileError, load_experiment
from ..io.formats import EXPERIMENT_SUFFIX, OPENABLE_SUFFIXES, PARAMETER_SUFFIXES
from ..io.parameter_file import SCALING_KEY
from ..io.parameters import (
    ParameterFile,
    ParameterFileError,
    export_parameters,
    import_parameters,
)
from ..io.reading import printable_path
from .errors import UsageError


def load_model(path: str) -> ParameterFile:
    """A ParameterFile from any parameter format or an experiment file."""
    suffix = Path(path).suffix.lower()
    if suffix not in OPENABLE_SUFFIXES:
        raise UsageError(
            f"{printable_path(path)}: the file name must end in {', '.join(OPENABLE_SUFFIXES)}"
        )
    if suffix == EXPERIMENT_SUFFIX:
        try:
            trainer = Trainer.from_state(load_experiment(path))
        except (ExperimentFileError, ValueError) as exc:
            raise UsageError(str(exc)) from None
        meta: dict[str, object] = {"epoch": trainer.epoch, **trainer.metrics.as_dict()}
        if trainer.scaling is not None:
            meta[SCALING_KEY] = trainer.scaling.as_dict()
        return ParameterFile(tuple(trainer.parameters()), trainer.config, meta)
    try:
        return import_parameters(path)
    except ParameterFileError as exc:
        raise UsageError(str(exc)) from None


def start_from(path: str, config: Config) -> tuple[Config, list[tuple[np.ndarray, np.ndarray]]]:
    """--init-from: the config with the file's architecture, and the file's parameters."""
    model = load_model(path)
    arch = model.config
    fields = {f: getattr(arch, f) for f in ("features", "hidden", "activation", "loss", "use_bias")}
    if arch.num_outputs != config.num_outputs or arch.problem != config.problem:
        raise UsageError(
            f"--init-from: {printable_path(path)} is a {arch.problem} network with "
            f"{arch.num_outputs} output(s); the data here needs {config.problem} with "
            f"{config.num_outputs}"
        )
    # a network that saw its data rescaled sees this data rescaled too (the same
    # map when it is the same data: the map follows from the points)
    rescale = {"rescale": True} if model.scaling is not None else {}
    return config.replace(**fields, **rescale), list(model.layers)


def check_export_paths(paths: Sequence[str]) -> None:
    """--export names, checked before training so that no work is lost to a typo."""
    for path in paths:
        name, folder = printable_path(path), Path(path).parent
        if Path(path).suffix.lower() not in PARAMETER_SUFFIXES:
            raise UsageError(f"--export: {name} must end in one of {', '.join(PARAMETER_SUFFIXES)}")
        if not folder.is_dir():
            raise UsageError(f"--export: cannot write {name}: no folder {printable_path(folder)}")
        if Path(path).is_dir():
            raise UsageError(f"--export: {name} is a folder, not a file")


def export_all(paths: Sequence[str], trainer: Trainer) -> None:
    """Write every --export file (names checked before training: check_export_paths)."""
    metadata: dict[str, object] = {"epoch": trainer.epoch, **trainer.metrics.as_dict()}
    if trainer.scaling is not None:  # exported models take the data's own units
        metadata[SCALING_KEY] = trainer.scaling.as_dict()
    for path in paths:
        try:
            export_parameters(path, trainer.parameters(), trainer.config, metadata=metadata)
        except OSError as exc:  # a folder made at `path` meanwhile, a full disk
            why = exc.strerror or exc
            raise UsageError(f"--export: cannot write {printable_path(path)}: {why}") from None
        except ValueError as exc:  # ParameterFileError
            raise UsageError(f"--export: {exc}") from None
