"""Snapshots carrying diagnostics, for the views' tests: the engine's own
(`Trainer.diagnostics()`, the doctor's findings), with a log made up or recorded."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from playground import Trainer
from playground.core.diagnostics_log import DiagnosticsRecorder
from playground.core.diagnostics_types import DiagnosticsLog
from playground.core.doctor import examine
from playground.core.snapshot import Snapshot, frozen


def make_log(rows: int, layers: int, seed: int = 0) -> DiagnosticsLog:
    """A made-up log: gradients a decade apart per layer, a ratio near 1e-3
    (NaN before the first step), weights shrinking and biases growing."""
    rng = np.random.default_rng(seed)
    epochs = np.arange(rows) * 5.0
    decay = np.exp(-np.arange(rows) / 40)[:, None]
    scale = 10.0 ** (-1.0 - np.arange(layers))[None, :]
    grad = scale * (0.2 + decay) * rng.uniform(0.8, 1.2, (rows, layers))
    ratio = 1e-3 * (0.5 + decay) * np.ones((rows, layers))
    ratio[0] = np.nan
    weight = 3 + 2 * decay * np.ones((rows, layers))
    bias = 0.5 + 0.01 * np.arange(rows)[:, None] * np.ones((rows, layers))
    return DiagnosticsLog(*(frozen(a) for a in (epochs, grad, ratio, weight, bias)))


def recorded_log(t: Trainer, rows: int, epochs_between: int = 1) -> DiagnosticsLog:
    """A real log: t trained `rows` times, its diagnostics recorded after each."""
    recorder = DiagnosticsRecorder()
    for _ in range(rows):
        t.train(epochs_between)
        recorder.add(t.generation, t.diagnostics())
    return recorder.log()


def with_diagnostics(
    t: Trainer, snap: Snapshot | None = None, log_rows: int = 60, findings=None
) -> Snapshot:
    """`snap` (or t's snapshot) with t's diagnostics, the doctor's findings on
    them (or `findings`), and a made-up log of `log_rows` rows."""
    snap = snap if snap is not None else t.snapshot(grid_resolution=30)
    diag = t.diagnostics()
    if findings is None:
        findings = examine(diag, snap.history, snap.config, diverged=snap.diverged)
    log = make_log(log_rows, len(diag.layers))
    return replace(snap, diagnostics=diag, diagnostics_log=log, findings=tuple(findings))
