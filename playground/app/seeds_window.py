"""Try 5 seeds: copies of the current setup, each from another initialization
seed, trained side by side in processes of their own while the window goes on.

Each copy's card shows its output and final test loss as it finishes (the
best in bold); clicking a card adopts that copy: the window trains on from
exactly where it ended.  Closing the window (or this one) ends the copies'
processes; none is left behind.
"""

from __future__ import annotations

import math
import multiprocessing
import os
from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..core import Trainer
from ..core.runs import ignore_interrupts, run_job, seeds_after
from ..core.snapshot import Snapshot
from ..views.loss_numbers import format_loss
from ..views.run_thumbnail import output_thumbnail, thumbnail_pixmap
from .experiment import Experiment, grid_resolution_for

CARD_PICTURE = 140
POLL_MS = 100


class SeedsWindow(QDialog):
    said = Signal(str)

    def __init__(self, experiment: Experiment, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Try 5 Seeds")
        self.experiment = experiment
        self._pool: Any = None  # a multiprocessing Pool while copies train
        self._jobs: list = []  # (seed, AsyncResult)
        self._states: dict[int, dict] = {}
        self._cards: list[QToolButton] = []
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self._grid = QGridLayout()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.again = buttons.addButton("Try Again", QDialogButtonBox.ButtonRole.ActionRole)
        self.again.clicked.connect(self.start)
        buttons.rejected.connect(self.close)
        column = QVBoxLayout(self)
        column.addWidget(self.heading)
        column.addLayout(self._grid)
        column.addWidget(buttons)
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)

    # --- running -----------------------------------------------------------------------

    def start(self) -> None:
        """Train 5 copies of the live setup from the 5 seeds after its own."""
        live = self.experiment.snapshot
        if live is None or live.dataset is None:
            return
        self.stop()
        config = live.config
        epochs = live.epoch if live.epoch > 0 else config.epochs
        seeds = seeds_after(config.init_seed)
        self.heading.setText(
            f"<b>{len(seeds)} copies of this setup</b>, each from another initialization "
            f"seed, trained for {epochs:,} epochs in parallel processes. "
            "Click one to train on from it.<br>This run (seed "
            f"{config.init_seed}): test loss {format_loss(live.metrics.test_loss)} "
            f"at epoch {live.epoch:,}."
        )
        context = multiprocessing.get_context("spawn")  # as the trainer's own process
        workers = max(1, min(len(seeds), os.cpu_count() or 1))
        # run_job gives each worker one BLAS thread; Ctrl+C in a terminal is the window's
        self._pool = context.Pool(workers, initializer=ignore_interrupts)
        copies = [config.replace(init_seed=seed, epochs=epochs) for seed in seeds]
        self._jobs = [
            (seed, self._pool.apply_async(run_job, (copy, live.dataset), {"keep_state": True}))
            for seed, copy in zip(seeds, copies, strict=True)
        ]
        self._states.clear()
        self._build_cards(seeds)
        self._timer.start()

    def stop(self) -> None:
        """End the copies' processes (finished or not) and wait for them."""
        self._timer.stop()
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None

    @property
    def running(self) -> bool:
        return self._pool is not None

    def _poll(self) -> None:
        for i, (seed, job) in enumerate(self._jobs):
            if seed in self._states or not job.ready():
                continue
            try:
                run = job.get(0)
                failure = run.error
            except Exception as exc:  # the process itself failed
                failure = str(exc) or type(exc).__name__
            if failure or run.state is None:
                self._states[seed] = {}
                self._cards[i].setText(f"seed {seed}\nfailed")
                self._cards[i].setToolTip(failure or "the copy sent no state back")
                continue
            state = self._states[seed] = run.state
            self._show_card(i, seed, state)
        if len(self._states) == len(self._jobs):
            self.stop()
            self._mark_best()

    # --- the cards ---------------------------------------------------------------------

    def _build_cards(self, seeds: list[int]) -> None:
        for card in self._cards:
            card.deleteLater()
        self._cards = []
        for i, seed in enumerate(seeds):
            card = QToolButton()
            card.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
            card.setIconSize(QSize(CARD_PICTURE, CARD_PICTURE))
            card.setText(f"seed {seed}\ntraining…")
            card.setEnabled(False)
            card.setMinimumWidth(CARD_PICTURE + 16)
            lines = card.fontMetrics().lineSpacing()
            card.setMinimumHeight(CARD_PICTURE + 2 * lines + 20)  # the picture and two lines
            card.clicked.connect(self._adopt_from(seed))
            self._grid.addWidget(card, 0, i)
            self._cards.append(card)

    def _adopt_from(self, seed: int):
        def adopt() -> None:
            self.adopt(seed)

        return adopt

    def _show_card(self, i: int, seed: int, state: dict) -> None:
        snap = _picture(state)
        card = self._cards[i]
        card.setIcon(thumbnail_pixmap(output_thumbnail(snap, CARD_PICTURE)))
        m = snap.metrics
        words = f"seed {seed}\ntest loss {format_loss(m.test_loss)}"
        if state.get("diverged"):
            words = f"seed {seed}\ndiverged"
        card.setText(words)
        card.setToolTip(f"Train on from this copy (epoch {m.epoch:,})")
        card.setEnabled(True)

    def _mark_best(self) -> None:
        losses = []
        for seed, _ in self._jobs:
            state = self._states.get(seed) or {}
            history = state.get("history")
            loss = float(history[-1, 2]) if history is not None else math.inf
            losses.append(loss if math.isfinite(loss) else math.inf)
        if losses and min(losses) < math.inf:
            best = self._cards[losses.index(min(losses))]
            font = best.font()
            font.setBold(True)
            best.setFont(font)

    def adopt(self, seed: int) -> None:
        """Train on from the copy of `seed`: it replaces the live run (and its timeline)."""
        state = self._states.get(seed)
        if not state:
            return
        refused = self.experiment.go_on_from(state, keep_timeline=False)
        if refused is not None:
            self.said.emit(f"Cannot take seed {seed}: {refused}")
            return
        self.said.emit(f"Now training on from seed {seed}'s run.")
        self.close()

    def done(self, result: int) -> None:
        """Closed by Close, Esc or the window's frame: the copies' processes end."""
        self.stop()
        super().done(result)

    def closeEvent(self, event) -> None:
        self.stop()
        super().closeEvent(event)


def _picture(state: dict) -> Snapshot:
    """The copy's snapshot with its neurons' pictures (for its card)."""
    trainer = Trainer.from_state(state)
    return trainer.snapshot(grid_resolution=grid_resolution_for(trainer.config))
