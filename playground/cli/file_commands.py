"""`predict` and `inspect`: a saved network's outputs for points, and what a file holds."""

from __future__ import annotations

import argparse
import sys

import numpy as np

from ..core.datasets import with_made_data
from ..core.trainer import Trainer
from ..io.csvdata import PointsFileError, outputs_csv, read_input_points, write_outputs_csv
from ..io.reading import printable_path
from .errors import UsageError
from .model_files import load_model


def run_predict(args: argparse.Namespace) -> int:
    model = load_model(args.model)
    try:
        points = read_input_points(args.input)
    except PointsFileError as exc:
        raise UsageError(str(exc)) from None
    if len(points):
        trainer = Trainer(with_made_data(model.config))
        trainer.load_parameters(list(model.layers))
        outputs = trainer.predict(points, model.scaling)  # in the units it was trained in
    else:
        outputs = np.zeros((0, model.config.num_outputs))
    if args.output:
        try:
            write_outputs_csv(args.output, outputs)
        except OSError as exc:
            why = exc.strerror or exc
            raise UsageError(f"cannot write {printable_path(args.output)}: {why}") from None
    else:
        sys.stdout.write(outputs_csv(outputs))
    return 0


def run_inspect(args: argparse.Namespace) -> int:
    model = load_model(args.file)
    cfg = model.config
    print(printable_path(args.file))
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
