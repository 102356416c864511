"""The main window: the one place that wires panels -> training session -> views.

The window owns the current `Config`.  Every control change becomes a new
Config sent to the worker thread; what comes back is a `Snapshot`, drawn once
per frame by a GUI timer.  The window never touches the trainer itself.
"""

from __future__ import annotations

import dataclasses
import time
from itertools import pairwise
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from .. import __version__
from ..bridge.session import TrainingSession
from ..core import config as C
from ..core.config import Config, ConfigError
from ..panels.activation_panel import ActivationPanel
from ..panels.data_panel import DataPanel
from ..panels.init_panel import InitPanel
from ..panels.optimizer_panel import OptimizerPanel
from ..panels.regularization_panel import RegularizationPanel
from ..panels.run_controls import RunControls
from ..views.loss_view import LossView
from ..views.network_view import NetworkView
from ..views.output_view import OutputView
from ..views.thumbnails import dataset_icon
from .divergence_banner import DivergenceBanner
from .file_actions import FileActions
from .settings import load_bytes, load_config, load_flag, open_settings, save_config

FRAME_MS = 16  # the GUI draws at most ~60 times a second when idle (hover, edits)
# While training, both threads share one interpreter lock: Qt paints without it,
# but each frame's update runs Python (~1-3 ms) while the trainer waits.  Measured
# with benchmarks/bench_window.py: 33 frames a second keeps in-app training at
# ~0.8x headless; 40 a second costs it ~0.1 more.
TRAINING_FRAME_MS = 30
NEW_LAYER_NEURONS = 2  # as TensorFlow Playground


def grid_resolution_for(config: Config) -> int:
    """Pixels per side of every neuron's picture: TensorFlow Playground's 100 for
    networks of its size; coarser for big ones, whose tiles are small anyway and
    whose pictures would otherwise cost the trainer more than it trains."""
    neurons = sum(config.hidden)
    return 100 if neurons <= 64 else 64 if neurons <= 256 else 40


class MainWindow(QMainWindow):
    def __init__(self, config: Config | None = None, settings: QSettings | None = None) -> None:
        super().__init__()
        self.settings = settings if settings is not None else open_settings()
        self.config = config if config is not None else load_config(self.settings)
        self.setWindowTitle("Neural Playground")
        self.session = TrainingSession(self.config)
        self._frames = 0
        self._fps = 0.0
        self._fps_clock = time.perf_counter()
        self._last_snapshot = None
        self._last_grids = None  # snapshots may come without grids: the newest ones seen
        self.setAcceptDrops(True)  # drop an experiment or a parameter file to open it

        try:
            self._build_views()
            self._build_panels()
            self._build_menus()
            self._build_shortcuts()
            self._connect()
            self._sync_panels()
            self._restore_layout()
        except BaseException:
            # the trainer thread is already running: end it, or Qt aborts the
            # process ("QThread: Destroyed while thread is still running")
            self.session.shutdown()
            raise

        self._frame_timer = QTimer(self)
        self._frame_timer.setInterval(FRAME_MS)
        self._frame_timer.timeout.connect(self.refresh_frame)
        self._frame_timer.start()

    # --- building --------------------------------------------------------------

    def _build_views(self) -> None:
        self.network_view = NetworkView()
        self.banner = DivergenceBanner()
        centre = QWidget()
        layout = QVBoxLayout(centre)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addWidget(self.network_view, 1)
        self.setCentralWidget(centre)

        self.output_view = OutputView()
        self.loss_view = LossView()
        self.loss_view.epoch.hide()  # the run bar shows the epoch already
        self.show_test = QCheckBox("Show test data")
        self.show_test.setToolTip("Draw the test points (dark outline) beside the training points")
        self.discretize = QCheckBox("Discretize output")
        self.discretize.setToolTip("Show only the predicted class instead of the network's output")
        self.log_scale = QCheckBox("Log scale")
        self.log_scale.setToolTip("Plot the losses on a logarithmic axis")
        toggles = QHBoxLayout()
        for box in (self.show_test, self.discretize, self.log_scale):
            toggles.addWidget(box)
        toggles.addStretch(1)
        output = QWidget()
        out_layout = QVBoxLayout(output)
        out_layout.addWidget(self.loss_view)
        out_layout.addWidget(self.output_view, 1)
        out_layout.addLayout(toggles)
        self._dock("Output", output, Qt.DockWidgetArea.RightDockWidgetArea)

        self.status_rate = QLabel()
        self.statusBar().addPermanentWidget(self.status_rate)

    def _build_panels(self) -> None:
        icons = {name: dataset_icon(name, 64, self.config.classes) for name in C.DATASETS}
        self.data_panel = DataPanel(icons)
        self.init_panel = InitPanel()
        self.activation_panel = ActivationPanel()
        self.regularization_panel = RegularizationPanel()
        self.optimizer_panel = OptimizerPanel()
        self.panels = (
            self.data_panel, self.init_panel, self.activation_panel,
            self.regularization_panel, self.optimizer_panel,
        )  # fmt: skip
        self._dock("Data", self.data_panel, Qt.DockWidgetArea.LeftDockWidgetArea)
        bottom = [
            self._dock(title, panel, Qt.DockWidgetArea.BottomDockWidgetArea)
            for title, panel in (
                ("Initialization", self.init_panel),
                ("Activation", self.activation_panel),
                ("Regularization", self.regularization_panel),
                ("Optimizer", self.optimizer_panel),
            )
        ]
        for left, right in pairwise(bottom):
            self.splitDockWidget(left, right, Qt.Orientation.Horizontal)
        self._bottom_docks = bottom

        self.run_controls = RunControls()
        bar = QToolBar("Run")
        bar.setObjectName("run-toolbar")
        bar.setMovable(False)
        bar.addWidget(self.run_controls)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)

    def _dock(self, title: str, widget: QWidget, area) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock-{title.lower()}")  # saveState needs names
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        self.addDockWidget(area, dock)
        return dock

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.files = FileActions(self)
        self.files.build_menu(file_menu)
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        view_menu = self.menuBar().addMenu("&View")
        for dock in self.findChildren(QDockWidget):
            view_menu.addAction(dock.toggleViewAction())

        help_menu = self.menuBar().addMenu("&Help")
        about = QAction("&About Neural Playground", self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

    def _build_shortcuts(self) -> None:
        for key, slot in (
            ("Space", self.toggle_play),
            ("Right", self.step),
            ("R", self.reset),
        ):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.activated.connect(slot)

    def _connect(self) -> None:
        for panel in self.panels:
            panel.changed.connect(self.apply_changes)
        rc = self.run_controls
        rc.play_toggled.connect(self._play_toggled)
        rc.step_clicked.connect(self.step)
        rc.reset_clicked.connect(self.reset)
        rc.speed_changed.connect(self.session.set_speed)
        rc.stop_at_changed.connect(self.session.set_stop_at)
        self.session.set_speed(rc.speed_value())  # the worker starts as the bar shows
        self.session.set_grid_resolution(grid_resolution_for(self.config))

        nv = self.network_view
        nv.feature_toggled.connect(self._toggle_feature)
        nv.layer_added.connect(self._add_layer)
        nv.layer_removed.connect(self._remove_layer)
        nv.neuron_added.connect(lambda i: self._resize_layer(i, +1))
        nv.neuron_removed.connect(lambda i: self._resize_layer(i, -1))
        nv.weight_edited.connect(self.session.set_weight)
        nv.bias_edited.connect(self.session.set_bias)
        nv.weight_edited.connect(self.files.mark_edited)
        nv.bias_edited.connect(self.files.mark_edited)
        nv.neuron_hovered.connect(self.output_view.show_neuron)

        self.show_test.toggled.connect(self.output_view.set_show_test)
        self.discretize.toggled.connect(self.output_view.set_discretize)
        self.log_scale.toggled.connect(self.loss_view.set_log_scale)

        self.session.running_changed.connect(self.run_controls.set_running)
        self.session.running_changed.connect(self._pace_frames)
        self.session.diverged.connect(self._diverged)
        self.session.error.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.banner.lower_rate_clicked.connect(self._lower_learning_rate)
        self.banner.reset_clicked.connect(self.reset)

    # --- commands --------------------------------------------------------------

    def toggle_play(self) -> None:
        self._play_toggled(not self.session.is_running)

    def _play_toggled(self, play: bool) -> None:
        if play:
            self.banner.hide()
            self.session.play()
        else:
            self.session.pause()

    def step(self) -> None:
        self.session.step(1)

    def reset(self) -> None:
        """Epoch 0 with fresh parameters (the next initialization seed)."""
        self.banner.hide()
        self.apply_changes({"init_seed": C.next_seed(self.config.init_seed)})

    def apply_changes(self, changes: dict) -> bool:
        """Make a new Config from the current one; False (and a message) if it is refused."""
        changes = dict(changes)
        if (
            changes.get("dataset") in C.REGRESSION_DATASETS
            or changes.get("problem") == "regression"
        ):
            changes["loss"] = "mse"  # the only loss a regression has
        try:
            new = self.config.replace(**changes)
        except ConfigError as exc:
            self.statusBar().showMessage(str(exc), 8000)
            self._sync_panels()  # put the refused control back
            return False
        if new != self.config:
            self.banner.hide()  # any accepted change clears a divergence stop
            if grid_resolution_for(new) != grid_resolution_for(self.config):
                self.session.set_grid_resolution(grid_resolution_for(new))
            if new.classes != self.config.classes:  # blobs and spirals show K classes
                self.data_panel.set_icons(
                    {name: dataset_icon(name, 64, new.classes) for name in C.MULTICLASS_DATASETS}
                )
            self.config = new
            self.session.set_config(new)
            self._sync_panels()
        return True

    def adopt_config(self, config: Config, send: bool = False) -> None:
        """Take a configuration from a file; send it to the worker unless the
        worker already has it (an opened experiment brings its own)."""
        self.banner.hide()
        if grid_resolution_for(config) != grid_resolution_for(self.config):
            self.session.set_grid_resolution(grid_resolution_for(config))
        self.config = config
        if send:
            self.session.set_config(config)
        self._sync_panels()

    def _toggle_feature(self, name: str) -> None:
        features = set(self.config.features) ^ {name}
        if not features:
            self.statusBar().showMessage("At least one input feature must stay on.", 5000)
            return
        self.apply_changes({"features": tuple(features)})

    def _add_layer(self) -> None:
        if len(self.config.hidden) < C.MAX_HIDDEN_LAYERS:
            self.apply_changes({"hidden": (*self.config.hidden, NEW_LAYER_NEURONS)})

    def _remove_layer(self) -> None:
        if self.config.hidden:
            self.apply_changes({"hidden": self.config.hidden[:-1]})

    def _resize_layer(self, layer: int, delta: int) -> None:
        hidden = list(self.config.hidden)
        if 0 <= layer < len(hidden) and 1 <= hidden[layer] + delta <= C.MAX_NEURONS:
            hidden[layer] += delta
            self.apply_changes({"hidden": tuple(hidden)})

    def _lower_learning_rate(self) -> None:
        self.banner.hide()
        self.apply_changes({"lr": self.config.lr / 10})

    def _pace_frames(self, running: bool) -> None:
        self._frame_timer.setInterval(TRAINING_FRAME_MS if running else FRAME_MS)

    def _diverged(self, message: str) -> None:
        self.banner.show_message(message)
        self.statusBar().showMessage("Training paused: it diverged.", 8000)

    def _sync_panels(self) -> None:
        for panel in self.panels:
            panel.set_config(self.config)

    # --- drawing -----------------------------------------------------------------

    def refresh_frame(self) -> bool:
        """Draw the newest snapshot, if there is one; True when something was drawn."""
        snap = self.session.latest()
        self._count_frame(snap is not None)
        if snap is None:
            return False
        self._last_snapshot = snap
        if snap.grids is not None:
            self._last_grids = snap.grids
        self.files.note_snapshot(snap)
        self.network_view.set_snapshot(snap)
        self.output_view.set_snapshot(snap)
        self.loss_view.set_snapshot(snap)
        self.run_controls.set_epoch(snap.epoch)
        return True

    def last_full_snapshot(self):
        """The newest snapshot with the newest grids of its generation (for pictures)."""
        snap = self._last_snapshot
        if snap is None or snap.grids is not None:
            return snap
        grids = self._last_grids
        return dataclasses.replace(snap, grids=grids) if grids is not None else None

    def _count_frame(self, drew: bool) -> None:
        self._frames += int(drew)
        now = time.perf_counter()
        if now - self._fps_clock >= 1.0:
            self._fps = self._frames / (now - self._fps_clock)
            self._frames, self._fps_clock = 0, now
            if self.session.is_running:
                rate = self.session.epochs_per_second
                self.status_rate.setText(f"{rate:,.0f} epochs/s  ·  {self._fps:.0f} fps")
            else:
                self.status_rate.setText("paused")

    # --- lifetime ----------------------------------------------------------------

    def _restore_layout(self) -> None:
        geometry = load_bytes(self.settings, "window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1440, 900)
        state = load_bytes(self.settings, "window/state")
        if state is None or not self.restoreState(state):
            # first run: the network gets the room, the settings panels just what they need
            # (after the first show: before it, Qt has no sizes to share out)
            docks = self._bottom_docks
            QTimer.singleShot(
                0, lambda: self.resizeDocks(docks, [170] * len(docks), Qt.Orientation.Vertical)
            )
        self.show_test.setChecked(load_flag(self.settings, "view/show_test", False))
        self.discretize.setChecked(load_flag(self.settings, "view/discretize", False))
        self.log_scale.setChecked(load_flag(self.settings, "view/log_scale", False))

    def _save_layout(self) -> None:
        s = self.settings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.setValue("view/show_test", self.show_test.isChecked())
        s.setValue("view/discretize", self.discretize.isChecked())
        s.setValue("view/log_scale", self.log_scale.isChecked())
        save_config(s, self.config)
        s.sync()

    def dragEnterEvent(self, event) -> None:
        if self._dropped_path(event) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        path = self._dropped_path(event)
        if path is not None and self.files.confirm_discard():
            event.acceptProposedAction()
            self.files.open_path(path)

    @staticmethod
    def _dropped_path(event) -> Path | None:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        if len(urls) != 1 or not urls[0].isLocalFile():
            return None
        path = Path(urls[0].toLocalFile())
        known = (".playground", ".safetensors", ".onnx", ".npz", ".json")
        return path if path.suffix.lower() in known else None

    def closeEvent(self, event) -> None:
        if not self.files.confirm_discard():
            event.ignore()
            return
        self._frame_timer.stop()
        self._save_layout()
        self.session.shutdown()  # the thread must be gone before the widgets are
        super().closeEvent(event)

    def _about(self) -> None:
        QMessageBox.about(
            self,
            "About Neural Playground",
            f"<b>Neural Playground {__version__}</b><p>Train small neural networks on "
            "toy 2-D data and watch what weights and biases do.</p>",
        )
