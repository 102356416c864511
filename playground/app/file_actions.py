"""The File menu: experiments, parameters, images and data, in and out.

Kept apart from main_window.py: this is all about files and the questions a
person is asked around them (which file, save first?), none about drawing.
Every failure is one sentence in a dialog (or the status bar) and changes
nothing; every write is atomic (io/atomic.py).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEventLoop, QObject, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from ..core.config import Config
from ..io.csvdata import write_points_csv
from ..io.experiment import ExperimentFileError, load_experiment, save_experiment
from ..io.parameters import FORMATS, ParameterFileError, export_parameters, import_parameters
from ..views.picture import IMAGE_SUFFIXES, RenderError, render_snapshot

EXPERIMENT_SUFFIX = ".playground"
EXPERIMENT_FILTER = "Experiments (*.playground)"
PARAMETER_FILTER = "Parameters (*.safetensors *.onnx *.npz *.json)"
IMAGE_FILTER = "Pictures (*.png *.svg)"
MAX_RECENT = 8
STATE_TIMEOUT_MS = 10_000


class FileActions(QObject):
    """Owns the File menu of a MainWindow and the name of the open experiment."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.path: Path | None = None  # the open experiment
        self._saved = None  # (generation, epoch, step, config) when last saved or opened
        self._edited = False
        # a dialog for each question; tests replace these
        self.ask_open = lambda: _open_name(window, "Open experiment", EXPERIMENT_FILTER)
        self.ask_save = lambda title, filt, suggested: _save_name(window, title, filt, suggested)
        self.ask_discard = lambda: _ask_save_changes(window)
        self.ask_image_size = lambda: _ask_image_size(window)
        self.tell = lambda text: QMessageBox.warning(window, "Neural Playground", text)

    # --- the menu ----------------------------------------------------------------

    def build_menu(self, menu: QMenu) -> None:
        def add(text, slot, shortcut=None):
            action = QAction(text, self.window)
            if shortcut is not None:
                action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(slot)
            menu.addAction(action)
            return action

        add("&Open…", self.open, QKeySequence.StandardKey.Open)
        self.recent_menu = menu.addMenu("Open &Recent")
        self._rebuild_recent()
        add("&Save", self.save, QKeySequence.StandardKey.Save)
        add("Save &As…", self.save_as, QKeySequence.StandardKey.SaveAs)
        menu.addSeparator()
        add("&Import Parameters…", self.import_parameters_dialog)
        add("&Export Parameters…", self.export_parameters_dialog, "Ctrl+E")
        add("Export &Image…", self.export_image_dialog)
        add("Export &Data (CSV)…", self.export_data_dialog)
        menu.addSeparator()

    # --- unsaved work ------------------------------------------------------------

    def mark_edited(self) -> None:
        self._edited = True
        self._update_title()

    def is_dirty(self) -> bool:
        snap = self.window._last_snapshot
        if snap is None:
            return False
        now = (snap.generation, snap.epoch, snap.step, self.window.config)
        if self._saved is None:  # never saved: only trained or edited work counts
            return self._edited or snap.epoch > 0
        return self._edited or now != self._saved

    def confirm_discard(self) -> bool:
        """True when it is fine to drop the current work (saved, or the person said so)."""
        if not self.is_dirty():
            return True
        answer = self.ask_discard()
        if answer == "save":
            return self.save()
        return answer == "discard"

    # --- experiments -------------------------------------------------------------

    def open(self) -> bool:
        if not self.confirm_discard():
            return False
        name = self.ask_open()
        return bool(name) and self.open_path(name)

    def open_path(self, name) -> bool:
        """Open any file the app knows: an experiment, or parameters to import."""
        path = Path(name)
        if path.suffix.lower() in FORMATS:
            return self.import_parameters_from(path)
        try:
            state = load_experiment(path)
            config = Config.from_dict(state["config"])
        except (ExperimentFileError, ValueError, KeyError, TypeError) as exc:
            self.tell(str(exc) if isinstance(exc, ExperimentFileError) else f"{path}: {exc}")
            return False
        self.window.adopt_config(config)
        self.window.session.load_state(state)
        self.path = path
        self._mark_saved(state, config)
        self._remember(path)
        return True

    def save(self) -> bool:
        if self.path is None:
            return self.save_as()
        return self.save_to(self.path)

    def save_as(self) -> bool:
        suggested = str(self.path or Path.home() / f"{self.window.config.dataset}.playground")
        name = self.ask_save("Save experiment", EXPERIMENT_FILTER, suggested)
        if not name:
            return False
        path = Path(name)
        if path.suffix.lower() != EXPERIMENT_SUFFIX:
            path = path.with_name(path.name + EXPERIMENT_SUFFIX)
        return self.save_to(path)

    def save_to(self, path: Path) -> bool:
        state = self._fetch_state()
        if state is None:
            self.tell("The trainer did not answer in time; nothing was saved.")
            return False
        try:
            save_experiment(path, state)
        except (OSError, ValueError) as exc:
            self.tell(f"Could not save {path}: {getattr(exc, 'strerror', None) or exc}")
            return False
        self.path = Path(path)
        self._mark_saved(state, self.window.config)
        self._remember(self.path)
        return True

    def _fetch_state(self) -> dict | None:
        """The worker's state, waiting for its answer (it arrives within a tick)."""
        got: list = []
        loop = QEventLoop()
        session = self.window.session

        def receive(state) -> None:
            got.append(state)
            loop.quit()

        session.state_ready.connect(receive)
        QTimer.singleShot(STATE_TIMEOUT_MS, loop.quit)
        session.request_state()
        if not got:
            loop.exec()
        session.state_ready.disconnect(receive)
        return got[0] if got else None

    def _mark_saved(self, state: dict, config: Config) -> None:
        self._edited = False
        snap = self.window._last_snapshot
        self._saved = (
            (snap.generation if snap else 0),
            int(state.get("epoch", 0)),
            int(state.get("steps", 0)),
            config,
        )
        self._update_title()

    def note_snapshot(self, snap) -> None:
        """A freshly opened experiment's first picture defines 'saved' (its new generation)."""
        saved = self._saved
        if (
            saved is not None
            and snap.generation != saved[0]
            and (snap.epoch, snap.step, snap.config) == (saved[1], saved[2], saved[3])
        ):
            self._saved = (snap.generation, *saved[1:])
        self._update_title()

    def _update_title(self) -> None:
        # called every frame: touch the window only when something changed
        name = f" — {self.path.name}" if self.path else ""
        title, dirty = f"Neural Playground{name}[*]", self.is_dirty()
        if title != self.window.windowTitle():
            self.window.setWindowTitle(title)
        if dirty != self.window.isWindowModified():
            self.window.setWindowModified(dirty)

    # --- parameters, pictures, data ------------------------------------------------

    def import_parameters_dialog(self) -> bool:
        name = _open_name(self.window, "Import parameters", PARAMETER_FILTER)
        return bool(name) and self.import_parameters_from(Path(name))

    def import_parameters_from(self, path: Path) -> bool:
        try:
            loaded = import_parameters(path)
        except ParameterFileError as exc:
            self.tell(str(exc))
            return False
        self.window.adopt_config(self._with_architecture(loaded.config), send=True)
        self.window.session.load_parameters([(w, b) for w, b in loaded.layers])
        self.mark_edited()
        return True

    def _with_architecture(self, arch: Config) -> Config:
        """The current settings with the file's network; its data too if ours cannot fit."""
        current = self.window.config
        fields = {f: getattr(arch, f) for f in ("features", "hidden", "activation", "loss")}
        if (arch.problem, arch.num_outputs) != (current.problem, current.num_outputs):
            return arch  # e.g. a 4-class network: only data with 4 classes fits it
        try:
            return current.replace(**fields)
        except ValueError:
            return arch

    def export_parameters_dialog(self) -> bool:
        suggested = str(Path.home() / f"{self.window.config.dataset}.safetensors")
        name = self.ask_save("Export parameters", PARAMETER_FILTER, suggested)
        return bool(name) and self.export_parameters_to(Path(name))

    def export_parameters_to(self, path: Path) -> bool:
        snap = self.window._last_snapshot
        if snap is None:
            return False
        try:
            layers = list(zip(snap.weights, snap.biases, strict=True))
            export_parameters(path, layers, snap.config, metadata={"epoch": snap.epoch})
        except (ParameterFileError, OSError, ValueError) as exc:
            self.tell(str(exc))
            return False
        self.window.statusBar().showMessage(f"Parameters written to {path}", 5000)
        return True

    def export_image_dialog(self) -> bool:
        suggested = str(Path.home() / f"{self.window.config.dataset}.png")
        name = self.ask_save("Export image", IMAGE_FILTER, suggested)
        if not name:
            return False
        size = self.ask_image_size()
        return size is not None and self.export_image_to(Path(name), size)

    def export_image_to(self, path: Path, size=(1400, 640)) -> bool:
        snap = self.window.last_full_snapshot()
        if snap is None:
            return False
        if path.suffix.lower() not in IMAGE_SUFFIXES:
            path = path.with_name(path.name + ".png")
        try:
            render_snapshot(snap, path, size)
        except (RenderError, OSError) as exc:
            self.tell(str(exc))
            return False
        self.window.statusBar().showMessage(f"Picture written to {path}", 5000)
        return True

    def export_data_dialog(self) -> bool:
        suggested = str(Path.home() / f"{self.window.config.dataset}.csv")
        name = self.ask_save("Export data", "Points (*.csv)", suggested)
        return bool(name) and self.export_data_to(Path(name))

    def export_data_to(self, path: Path) -> bool:
        snap = self.window._last_snapshot
        if snap is None or snap.dataset is None:
            return False
        try:
            write_points_csv(path, snap.dataset)
        except OSError as exc:
            self.tell(f"Could not write {path}: {exc.strerror or exc}")
            return False
        self.window.statusBar().showMessage(f"Points written to {path}", 5000)
        return True

    # --- recent files ---------------------------------------------------------------

    def recent_files(self) -> list[str]:
        value = self.window.settings.value("files/recent", [])
        files = [value] if isinstance(value, str) else list(value or [])
        return [f for f in files if isinstance(f, str) and f][:MAX_RECENT]

    def _remember(self, path: Path) -> None:
        files = [str(path)] + [f for f in self.recent_files() if f != str(path)]
        self.window.settings.setValue("files/recent", files[:MAX_RECENT])
        self._rebuild_recent()

    def _rebuild_recent(self) -> None:
        menu = getattr(self, "recent_menu", None)
        if menu is None:
            return
        menu.clear()
        for name in self.recent_files():
            action = menu.addAction(Path(name).name)
            action.setToolTip(name)
            action.triggered.connect(
                lambda _=False, n=name: self.confirm_discard() and self.open_path(n)
            )
        menu.setEnabled(bool(self.recent_files()))


# --- the dialogs (replaced in tests) -------------------------------------------------


def _open_name(parent, title: str, filt: str) -> str:
    name, _ = QFileDialog.getOpenFileName(
        parent,
        title,
        "",
        f"{filt};;All files known (*.playground *.safetensors *.onnx *.npz *.json)",
    )
    return name


def _save_name(parent, title: str, filt: str, suggested: str) -> str:
    dialog = QFileDialog(parent, title, suggested, filt)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    # the dialog adds the suffix itself, before it asks about overwriting, so
    # typing "keep" cannot silently replace keep.playground
    dialog.setDefaultSuffix(filt.split("*.", 1)[1].split()[0].rstrip(")"))
    return dialog.selectedFiles()[0] if dialog.exec() else ""


IMAGE_SIZES = {  # label: (width, height) in pixels
    "1400 × 640 (screen)": (1400, 640),
    "1920 × 880 (full HD slide)": (1920, 880),
    "2800 × 1280 (print)": (2800, 1280),
    "1000 × 460 (small)": (1000, 460),
}


def _ask_image_size(parent) -> tuple[int, int] | None:
    from PySide6.QtWidgets import QInputDialog

    label, ok = QInputDialog.getItem(
        parent, "Export image", "Picture size:", list(IMAGE_SIZES), 0, False
    )
    return IMAGE_SIZES[label] if ok else None


def _ask_save_changes(parent) -> str:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setText("Save the current experiment first?")
    box.setInformativeText("Training and edits since the last save will be lost otherwise.")
    box.setStandardButtons(
        QMessageBox.StandardButton.Save
        | QMessageBox.StandardButton.Discard
        | QMessageBox.StandardButton.Cancel
    )
    box.setDefaultButton(QMessageBox.StandardButton.Save)
    answer = box.exec()
    return {
        QMessageBox.StandardButton.Save: "save",
        QMessageBox.StandardButton.Discard: "discard",
    }.get(QMessageBox.StandardButton(answer), "cancel")
