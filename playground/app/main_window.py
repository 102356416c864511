"""The main window: where the parts sit and which signal goes where, nothing more.

The experiment model (experiment.py) owns the configuration and the newest
snapshot; panels propose changes to it, views draw what it publishes, the
trainer thread (bridge/) trains.  Menus, docks, dialogs and settings live in
their own modules; see docs/window-architecture.md for the whole picture.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDockWidget, QMainWindow

from ..bridge.session import TrainingSession
from ..core.config import OWN_DATASET, Config
from ..core.snapshot import Snapshot
from ..io.formats import DROPPABLE_SUFFIXES
from ..panels import (
    ActivationPanel,
    DataPanel,
    InitPanel,
    OptimizerPanel,
    RegularizationPanel,
    RunControls,
)
from ..views.diagnostics_view import DiagnosticsView
from ..views.network_view import NetworkView
from ..views.neuron_view import NeuronView
from ..views.thumbnails import dataset_icon
from . import collector
from .animation_export import AnimationExport
from .docks import add_dock, add_row_of_docks, add_tool_bar, column_of, first_run_sizes
from .doctor_bar import DoctorBar
from .experiment import Experiment
from .file_actions import FileActions
from .frame_clock import FrameClock
from .lessons import LessonActions
from .lessons_dock import LessonsDock
from .menus import build_menus
from .output_dock import OutputDock
from .paint_bar import PaintBar
from .painting import Painter
from .runs_menu import RunsActions
from .settings import load_config, open_settings, restore_window, save_window
from .status_line import StatusLine
from .timeline import TimelineController

ICON_PX = 64  # dataset thumbnails are drawn at this size


class MainWindow(QMainWindow):
    def __init__(self, config: Config | None = None, settings: QSettings | None = None) -> None:
        super().__init__()
        self.settings = settings if settings is not None else open_settings()
        config = config if config is not None else load_config(self.settings)
        collector.hold(self)  # no garbage collection in the trainer's threads (collector.py)
        self.session = TrainingSession(config)
        try:
            self.experiment = Experiment(self.session, config, self)
            self.files = FileActions(self.experiment, self.settings, self)
            self.clock = FrameClock(self.session, self.experiment, self)
            self._build()
            self._connect()
            self._show_config(config)
            self._default_layout = self.saveState()  # before the remembered one, for View menu
            if not restore_window(self, self.settings, self.output.switches()):
                first_run_sizes(self, self.bottom_docks, self.output_dock)
        except BaseException:
            # the trainer thread is already running: end it, or Qt aborts the
            # process ("QThread: Destroyed while thread is still running")
            self.session.shutdown()
            collector.release(id(self))
            raise
        self._show_title(None)
        self.setAcceptDrops(True)  # drop an experiment, a parameter file or data (.csv)
        # Closed, the window's C++ side is deleted at once, parents before children.
        # Left to Python's garbage collector, the wrappers' cycles go in any order,
        # and a graphics item deleted after its view crashes the process.
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.clock.start()

    # --- where things sit ----------------------------------------------------------

    def _build(self) -> None:
        self.network_view = NetworkView()
        self.banner = DoctorBar()  # why it is not learning, and what to try
        self.setCentralWidget(column_of(self.banner, self.network_view))

        self.output = OutputDock()
        self.painter = Painter(self.experiment, self)  # points painted on the output
        self.paint_bar = PaintBar(self.painter, self.output.output_view)
        self.output.add_paint_bar(self.paint_bar, self.paint_bar.toggle)
        right = Qt.DockWidgetArea.RightDockWidgetArea
        # not scrolled: the heatmap shrinks with the dock rather than scroll out of sight
        self.output_dock = add_dock(self, "Output", self.output, right, scroll=False)
        self.diagnostics_view = DiagnosticsView()  # behind the Output tab: idle until chosen
        self.diagnostics_dock = add_dock(self, "Diagnostics", self.diagnostics_view, right)
        self.tabifyDockWidget(self.output_dock, self.diagnostics_dock)
        self.neuron_view = NeuronView()  # a clicked neuron's curve and sliders
        self.neuron_dock = add_dock(self, "Neuron", self.neuron_view, right)
        self.tabifyDockWidget(self.diagnostics_dock, self.neuron_dock)
        self.output_dock.raise_()
        self.data_panel = DataPanel(icon_for=_dataset_icon)
        data_dock = add_dock(self, "Data", self.data_panel, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.lessons_view = LessonsDock()  # a lesson's text and steps, beside the Data panel
        self.lessons_dock = add_dock(
            self, "Lessons", self.lessons_view, Qt.DockWidgetArea.LeftDockWidgetArea
        )
        self.tabifyDockWidget(data_dock, self.lessons_dock)
        data_dock.raise_()
        self.init_panel, self.activation_panel = InitPanel(), ActivationPanel()
        self.regularization_panel, self.optimizer_panel = RegularizationPanel(), OptimizerPanel()
        self.bottom_docks = add_row_of_docks(
            self,
            Qt.DockWidgetArea.BottomDockWidgetArea,
            [
                ("Initialization", self.init_panel),
                ("Activation", self.activation_panel),
                ("Regularization", self.regularization_panel),
                ("Optimizer", self.optimizer_panel),
            ],
        )
        self.panels = (
            self.data_panel, self.init_panel, self.activation_panel,
            self.regularization_panel, self.optimizer_panel,
        )  # fmt: skip

        self.run_controls = RunControls()
        add_tool_bar(self, "Run", self.run_controls)
        self.status = StatusLine(self.statusBar())
        self.lessons = LessonActions(
            self, self.experiment, self.lessons_dock, self.lessons_view,
            self.files.confirm_discard, self.files.tell_now,
        )  # fmt: skip
        self.files.open_lesson = self.lessons.open_path
        self.timeline = TimelineController(
            self.experiment, self.output.timeline_bar, self.output.loss_view, self
        )
        self.runs = RunsActions(self.experiment, self.timeline, self)
        self.animation = AnimationExport(self.files, self)
        build_menus(
            self, self.files, self.restore_default_layout, self.lessons.fill_menu,
            self.runs.fill_menu, self.animation.dialog,
        )  # fmt: skip
        for key, slot in (("Space", self.toggle_play), ("Right", self.step)):
            QShortcut(QKeySequence(key), self).activated.connect(slot)
        QShortcut(QKeySequence("R"), self).activated.connect(self.experiment.reset)
        self.paint_bar.attach_shortcuts(self)

    # --- which signal goes where ------------------------------------------------------

    def _connect(self) -> None:
        ex, session, nv = self.experiment, self.session, self.network_view
        for panel in self.panels:
            panel.changed.connect(self._propose)
        ex.config_changed.connect(self._show_config)
        ex.config_changed.connect(self.paint_bar.follow)
        self.painter.preview.connect(self.output.output_view.show_dataset)
        self.painter.said.connect(self.status.say)
        ex.snapshot_changed.connect(self.banner.follow)
        ex.refused.connect(self._refused)
        ex.snapshot_changed.connect(nv.set_snapshot)
        ex.snapshot_changed.connect(self.output.set_snapshot)
        ex.snapshot_changed.connect(self.diagnostics_view.set_snapshot)
        ex.snapshot_changed.connect(self._show_epoch)
        ex.snapshot_changed.connect(self._show_origin)
        ex.snapshot_changed.connect(self._follow_lesson)
        self.lessons.said.connect(self.status.say)
        ex.snapshot_changed.connect(self.status.follow)
        ex.dirty_changed.connect(self.setWindowModified)
        ex.path_changed.connect(self._show_title)

        nv.feature_toggled.connect(ex.toggle_feature)
        nv.layer_added.connect(ex.add_layer)
        nv.layer_removed.connect(ex.remove_layer)
        nv.neuron_added.connect(ex.add_neuron)
        nv.neuron_removed.connect(ex.remove_neuron)
        nv.weight_edited.connect(ex.edit_weight)
        nv.bias_edited.connect(ex.edit_bias)
        nv.neuron_hovered.connect(self.output.output_view.show_neuron)
        nv.neuron_selected.connect(self.neuron_view.select)
        self.neuron_view.weight_moved.connect(ex.edit_weight)
        self.neuron_view.bias_moved.connect(ex.edit_bias)
        ex.snapshot_changed.connect(self.neuron_view.set_snapshot)
        self.output.output_view.probed.connect(nv.set_probe)  # a node's sum, worked out there

        rc = self.run_controls
        rc.play_toggled.connect(self.set_playing)
        rc.step_clicked.connect(self.step)
        rc.reset_clicked.connect(ex.reset)
        rc.speed_changed.connect(session.set_speed)
        rc.stop_at_changed.connect(session.set_stop_at)
        session.set_speed(rc.speed_value())  # the worker starts as the bar shows
        session.running_changed.connect(rc.set_running)
        session.diverged.connect(self._diverged)
        session.error.connect(self.status.say)
        self.banner.remedy_chosen.connect(ex.apply_remedy)
        self.banner.more_wanted.connect(self.show_diagnostics)
        self.files.message.connect(self.status.say)
        self.timeline.said.connect(self.status.say)
        self.runs.said.connect(self.status.say)
        self.clock.rate_text.connect(self.status.show_rate)

    def _follow_lesson(self, snap: Snapshot) -> None:
        if self.experiment.past is None:  # a look back at a checkpoint is no progress
            self.lessons_view.follow(snap)

    def _show_origin(self, snap: Snapshot) -> None:
        """Own points: the Data panel says whether they were painted or read from a file."""
        if snap.dataset is not None and snap.config.dataset == OWN_DATASET:
            self.data_panel.show_origin(snap.dataset.origin)

    # --- commands ------------------------------------------------------------------------

    def toggle_play(self) -> None:
        self.set_playing(not self.session.is_running)

    def set_playing(self, play: bool) -> None:
        if play and self.painter.pending:  # the trainer's points are not the ones shown
            self.status.say("Paint at least 4 points, one of them for testing, to train.")
            self.run_controls.set_running(False)
            return
        if play:
            self.experiment.leave_past()  # training goes on from the live run
            self.session.play()
        else:
            self.session.pause()

    def step(self) -> None:
        if not self.painter.pending:
            self.experiment.leave_past()
            self.session.step(1)

    def show_diagnostics(self) -> None:
        """The Diagnostics dock in front, opened again if it was closed."""
        self.diagnostics_dock.show()
        self.diagnostics_dock.raise_()

    def restore_default_layout(self) -> None:
        """View > Restore Default Layout: every dock back where a first run puts it."""
        self.restoreState(self._default_layout)
        for dock in self.findChildren(QDockWidget):
            dock.show()
        for box in self.output.switches().values():
            box.setChecked(False)
        first_run_sizes(self, self.bottom_docks, self.output_dock)

    def _propose(self, changes: dict) -> None:
        before = self.experiment.config
        if self.experiment.propose(changes) and self.experiment.config is before:
            self._show_config(before)  # nothing changed after all: the panel shows it again

    # --- showing -------------------------------------------------------------------------

    def _show_config(self, config: Config) -> None:
        for panel in self.panels:
            panel.set_config(config)

    def _show_epoch(self, snapshot: Snapshot) -> None:
        self.run_controls.set_epoch(snapshot.epoch)

    def _refused(self, message: str) -> None:
        self._show_config(self.experiment.config)  # put the refused control back
        self.status.say(message)

    def _diverged(self, message: str) -> None:
        self.status.say("Training paused: it diverged.")  # the doctor's bar says why

    def _show_title(self, path: Path | None) -> None:
        name = f" — {path.name}" if path is not None else ""
        self.setWindowTitle(f"Neural Playground{name}[*]")

    # --- files dropped, closing ------------------------------------------------------------

    def dragEnterEvent(self, event) -> None:
        if _dropped_path(event) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        path = _dropped_path(event)
        if path is not None:
            event.acceptProposedAction()
            self.files.open_requested(str(path))

    def closeEvent(self, event) -> None:
        if not self.files.confirm_discard():
            event.ignore()
            return
        self.clock.stop()
        self.timeline.stop()
        self.runs.shutdown()  # the seeds' processes, if any
        save_window(self, self.settings, self.output.switches(), self.experiment.config)
        self.session.shutdown()  # the thread must be gone before the widgets are
        collector.release(id(self))  # (and again, harmlessly, when it is destroyed)
        super().closeEvent(event)


def _dropped_path(event) -> Path | None:
    """The one local file of a known kind being dragged in, if that is what it is."""
    urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
    if len(urls) != 1 or not urls[0].isLocalFile():
        return None
    path = Path(urls[0].toLocalFile())
    return path if path.suffix.lower() in DROPPABLE_SUFFIXES else None


def _dataset_icon(name: str, classes: int):
    return dataset_icon(name, ICON_PX, classes)
