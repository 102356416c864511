"""Data in and out of the window: File > Import Data (or a dropped .csv) and
File > Export Data.  A person's own points replace the experiment's data (a new
start, epoch 0, the network kept as it is laid out); exported points carry
their class names and their train/test split, and read back the same.

Failures are one sentence (`tell`) and change nothing; writes are atomic.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from ..core.config import ConfigError
from ..io.data_csv import DataFileError
from ..io.own_data import read_own_data, write_dataset_csv
from ..io.reading import printable_path
from . import file_dialogs
from .experiment import Experiment
from .folders import RememberedFolders

DATA_FILTER = "Points (*.csv)"


class DataFiles(QObject):
    message = Signal(str)  # a short note for the status bar

    def __init__(
        self,
        experiment: Experiment,
        folders: RememberedFolders,
        tell: Callable[[str], None],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.experiment = experiment
        self.folders = folders
        self._parent = parent
        self.tell = tell  # tests answer the questions instead of dialogs
        self.ask_import: Callable[[], str] = self._dialog_import
        self.ask_save: Callable[[str, str, str], str] = self._dialog_save

    def _dialog_import(self) -> str:
        folder = str(self.folders.folder("data"))
        return file_dialogs.open_name(self._parent, "Import data", DATA_FILTER, folder)

    def _dialog_save(self, title: str, filt: str, suggested: str) -> str:
        return file_dialogs.save_name(self._parent, title, filt, suggested)

    # --- in -------------------------------------------------------------------------

    def import_dialog(self) -> bool:
        name = self.ask_import()
        return bool(name) and self.import_from(Path(name))

    def import_from(self, path: Path) -> bool:
        """Train on the file's points from now on (its labels decide the problem)."""
        try:
            config, dataset = read_own_data(path, self.experiment.config)
        except DataFileError as exc:
            self.tell(str(exc))
            return False
        except (ConfigError, ValueError) as exc:
            self.tell(f"{printable_path(path)}: {exc}")
            return False
        refused = self.experiment.use_data(config, dataset)
        if refused is not None:
            self.tell(f"{printable_path(path)}: {refused}")
            return False
        self.folders.remember("data", path)
        n, k = len(dataset.x_train) + len(dataset.x_test), dataset.num_classes
        kinds = f"{k} classes" if k else "regression targets"
        self.message.emit(f"{n} points with {kinds} from {path.name}")
        return True

    # --- out ------------------------------------------------------------------------

    def export_dialog(self) -> bool:
        folder = self.folders.folder("data")
        suggested = str(folder / f"{self.experiment.config.dataset}.csv")
        name = self.ask_save("Export data", DATA_FILTER, suggested)
        return bool(name) and self.export_to(Path(name))

    def export_to(self, path: Path) -> bool:
        """The points as CSV: x1, x2, the label (a class's name), train or test."""
        snap = self.experiment.snapshot
        if snap is None or snap.dataset is None:
            return False
        try:
            write_dataset_csv(path, snap.dataset)
        except OSError as exc:
            self.tell(f"Could not write {printable_path(path)}: {exc.strerror or exc}")
            return False
        self.folders.remember("data", path)
        self.message.emit(f"Points written to {path}")
        return True
