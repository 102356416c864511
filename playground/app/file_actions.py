"""The File menu's work: experiments, parameters, pictures and data, in and out.

Everything here goes through the `Experiment` (what is open, what is saved,
the newest snapshot), never through the window.  Every failure is one
sentence (`tell`) and changes nothing; every write is atomic (io/atomic.py).
The questions asked of a person are attributes (`ask_open`, `ask_import`,
`ask_save`, `ask_discard`, `ask_image_size`, `tell`) that tests replace with
answers.  Dialogs start in the folder last used for their kind of file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtWidgets import QWidget

from ..core.config import Config
from ..core.datasets import input_scaling, with_made_data
from ..io.experiment import ExperimentFileError, read_experiment, save_experiment
from ..io.formats import DATA_SUFFIX, EXPERIMENT_SUFFIX, LESSON_SUFFIX, PARAMETER_SUFFIXES
from ..io.parameter_file import SCALING_KEY
from ..io.parameters import ParameterFileError, export_parameters, import_parameters
from ..views.picture import DEFAULT_SIZE, IMAGE_SUFFIXES, RenderError, render_snapshot
from . import file_dialogs
from .data_files import DataFiles
from .experiment import Experiment
from .folders import RememberedFolders

EXPERIMENT_FILTER = f"Experiments (*{EXPERIMENT_SUFFIX})"
PARAMETER_FILTER = "Parameters ({})".format(" ".join(f"*{s}" for s in PARAMETER_SUFFIXES))
IMAGE_FILTER = "Pictures ({})".format(" ".join(f"*{s}" for s in IMAGE_SUFFIXES))
MAX_RECENT = 8
SHOWN_MS = 5000  # how long a "written to" note stays in the status bar


class FileActions(QObject):
    """Opens, saves, imports and exports for one experiment."""

    message = Signal(str)  # a short note for the status bar
    recent_changed = Signal()  # the list of recent experiments changed

    def __init__(self, experiment: Experiment, settings: QSettings, parent: QWidget) -> None:
        super().__init__(parent)
        self.experiment = experiment
        self.settings = settings
        self.folders = RememberedFolders(settings)
        self._parent = parent
        # the questions asked of a person; tests and the self-test answer them instead
        self.ask_open: Callable[[], str] = self._dialog_open
        self.ask_import: Callable[[], str] = self._dialog_import
        self.ask_save: Callable[[str, str, str], str] = self._dialog_save
        self.ask_discard: Callable[[], str] = self._dialog_discard
        self.ask_image_size: Callable[[], tuple[int, int] | None] = self._dialog_image_size
        self.tell: Callable[[str], None] = self._dialog_tell
        # own points in and out (File > Import Data, Export Data, a dropped .csv)
        self.data = DataFiles(experiment, self.folders, self.tell_now, parent)
        self.data.message.connect(self.message)
        self.open_lesson: Callable[[Path], bool] | None = None  # the window's lessons

    def _dialog_open(self) -> str:
        folder = str(self.folders.folder("experiment"))
        return file_dialogs.open_name(self._parent, "Open experiment", EXPERIMENT_FILTER, folder)

    def _dialog_import(self) -> str:
        folder = str(self.folders.folder("parameters"))
        return file_dialogs.open_name(self._parent, "Import parameters", PARAMETER_FILTER, folder)

    def _dialog_save(self, title: str, filt: str, suggested: str) -> str:
        return file_dialogs.save_name(self._parent, title, filt, suggested)

    def _dialog_discard(self) -> str:
        return file_dialogs.save_changes(self._parent)

    def _dialog_image_size(self) -> tuple[int, int] | None:
        return file_dialogs.image_size(self._parent)

    def _dialog_tell(self, text: str) -> None:
        file_dialogs.warn(self._parent, text)

    def tell_now(self, text: str) -> None:
        """`tell` as it is when called: for the data and lesson actions, which say
        things about files too (tests replace `tell` after building)."""
        self.tell(text)

    # --- unsaved work ------------------------------------------------------------------

    def is_dirty(self) -> bool:
        return self.experiment.is_dirty()

    def confirm_discard(self) -> bool:
        """True when it is fine to drop the current work (saved, or the person said so)."""
        if not self.is_dirty():
            return True
        answer = self.ask_discard()
        if answer == "save":
            return self.save()
        return answer == "discard"

    # --- experiments -------------------------------------------------------------------

    def new(self) -> bool:
        """File > New: a fresh experiment with the default settings (after asking)."""
        if not self.confirm_discard():
            return False
        refused = self.experiment.new(Config())
        if refused is not None:
            self.tell(refused)
            return False
        return True

    def open(self) -> bool:
        if not self.confirm_discard():
            return False
        name = self.ask_open()
        return bool(name) and self.open_path(name)

    def open_requested(self, name: str) -> bool:
        """Open a file named from outside (Open Recent, a drop, the system), once
        unsaved work is dealt with."""
        return self.confirm_discard() and self.open_path(name)

    def open_path(self, name: str | Path) -> bool:
        """Open any file the app knows: an experiment, parameters or data to import."""
        path = Path(name)
        if path.suffix.lower() in PARAMETER_SUFFIXES:
            return self.import_parameters_from(path)
        if path.suffix.lower() == DATA_SUFFIX:
            return self.data.import_from(path)
        if path.suffix.lower() == LESSON_SUFFIX and self.open_lesson is not None:
            return self.open_lesson(path)
        try:
            opened = read_experiment(path)
            state = opened.state
            Config.from_dict(state["config"])
        except (ExperimentFileError, ValueError, KeyError, TypeError) as exc:
            self.tell(str(exc) if isinstance(exc, ExperimentFileError) else f"{path}: {exc}")
            return False
        refused = self.experiment.open_state(path, state, opened.timeline, opened.pins)
        if refused is not None:
            self.tell(f"{_shown(path)}: {refused}")
            return False
        self._remember(path)
        self.folders.remember("experiment", path)
        return True

    def save(self) -> bool:
        path = self.experiment.path
        return self.save_as() if path is None else self.save_to(path)

    def save_as(self) -> bool:
        suggested = self._suggested("experiment", EXPERIMENT_SUFFIX, self.experiment.path)
        name = self.ask_save("Save experiment", EXPERIMENT_FILTER, suggested)
        if not name:
            return False
        path = Path(name)
        if path.suffix.lower() != EXPERIMENT_SUFFIX:
            path = path.with_name(path.name + EXPERIMENT_SUFFIX)
        return self.save_to(path)

    def save_to(self, path: Path) -> bool:
        state = self.experiment.fetch_state()
        if state is None:
            self.tell("The trainer has stopped; nothing was saved.")
            return False
        try:
            records = self.experiment.records
            save_experiment(path, state, timeline=records.timeline_of(state), pins=records.pins)
        except (OSError, ValueError) as exc:
            self.tell(f"Could not save {path}: {getattr(exc, 'strerror', None) or exc}")
            return False
        self.experiment.mark_saved(Path(path), state)
        self._remember(Path(path))
        self.folders.remember("experiment", Path(path))
        return True

    # --- parameters, pictures, data ------------------------------------------------------

    def import_parameters_dialog(self) -> bool:
        name = self.ask_import()
        return bool(name) and self.import_parameters_from(Path(name))

    def import_parameters_from(self, path: Path) -> bool:
        try:
            loaded = import_parameters(path)
        except ParameterFileError as exc:
            self.tell(str(exc))
            return False
        config = _with_architecture(self.experiment.config, loaded.config)
        if loaded.scaling is not None:  # it saw its data rescaled: so it sees this data
            config = config.replace(rescale=True)
        refused = self.experiment.import_parameters(config, [(w, b) for w, b in loaded.layers])
        if refused is not None:
            self.tell(f"{_shown(path)}: {refused}")
            return False
        self.folders.remember("parameters", path)
        return True

    def export_parameters_dialog(self) -> bool:
        suggested = self._suggested("parameters", PARAMETER_SUFFIXES[0])
        name = self.ask_save("Export parameters", PARAMETER_FILTER, suggested)
        return bool(name) and self.export_parameters_to(Path(name))

    def export_parameters_to(self, path: Path) -> bool:
        snap = self.experiment.shown  # a checkpoint on show: its parameters
        if snap is None:
            return False
        try:
            layers = list(zip(snap.weights, snap.biases, strict=True))
            metadata: dict[str, object] = {"epoch": snap.epoch}
            scaling = input_scaling(snap.config, snap.dataset) if snap.dataset else None
            if scaling is not None:  # exported models take the data's own units
                metadata[SCALING_KEY] = scaling.as_dict()
            export_parameters(path, layers, snap.config, metadata=metadata)
        except (ParameterFileError, OSError, ValueError) as exc:
            self.tell(str(exc))
            return False
        self.folders.remember("parameters", path)
        self.message.emit(f"Parameters written to {path}")
        return True

    def export_image_dialog(self) -> bool:
        suggested = self._suggested("image", IMAGE_SUFFIXES[0])
        name = self.ask_save("Export image", IMAGE_FILTER, suggested)
        if not name:
            return False
        size = self.ask_image_size()
        return size is not None and self.export_image_to(Path(name), size)

    def export_image_to(self, path: Path, size: tuple[int, int] = DEFAULT_SIZE) -> bool:
        snap = self.experiment.shown
        if snap is None:
            return False
        if path.suffix.lower() not in IMAGE_SUFFIXES:
            path = path.with_name(path.name + IMAGE_SUFFIXES[0])
        try:
            render_snapshot(snap, path, size)
        except (RenderError, OSError) as exc:
            self.tell(str(exc))
            return False
        self.folders.remember("image", path)
        self.message.emit(f"Picture written to {path}")
        return True

    def _suggested(self, kind: str, suffix: str, current: Path | None = None) -> str:
        """The file name a save dialog offers: the open file, else one named after
        the dataset in the folder last used for this kind of file."""
        name = f"{self.experiment.config.dataset}{suffix}"
        return str(current or self.folders.folder(kind) / name)

    # --- recent files --------------------------------------------------------------------

    def recent_files(self) -> list[str]:
        value = self.settings.value("files/recent", [])
        files = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        return [f for f in files if isinstance(f, str) and f][:MAX_RECENT]

    def _remember(self, path: Path) -> None:
        files = [str(path)] + [f for f in self.recent_files() if f != str(path)]
        self.settings.setValue("files/recent", files[:MAX_RECENT])
        self.recent_changed.emit()


def _with_architecture(current: Config, arch: Config) -> Config:
    """The current settings with the file's network; its data too if ours cannot fit."""
    fields = {f: getattr(arch, f) for f in ("features", "hidden", "activation", "loss", "use_bias")}
    if (arch.problem, arch.num_outputs) != (current.problem, current.num_outputs):
        return with_made_data(arch)  # e.g. a 4-class network: only data with 4 classes fits it
    try:
        return current.replace(**fields)
    except ValueError:
        return with_made_data(arch)


def _shown(path: Path) -> str:
    """A path as one line, whatever characters its name holds."""
    text = str(path)
    return text if text.isprintable() else repr(text)[1:-1]
