"""The folder each kind of file was last opened from or saved to, remembered between runs.

A person who keeps experiments in one folder and exports pictures to another
should not have to walk there again every time.  A folder that has gone since
falls back to the last folder of any kind, then to the home folder.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

KINDS = ("experiment", "parameters", "image", "data", "animation")
_LAST_ANY = "folders/last"


class RememberedFolders:
    def __init__(self, settings: QSettings) -> None:
        self.settings = settings

    def folder(self, kind: str) -> Path:
        for key in (f"folders/{kind}", _LAST_ANY):
            value = self.settings.value(key, "")
            if isinstance(value, str) and value and Path(value).is_dir():
                return Path(value)
        return Path.home()

    def remember(self, kind: str, path: Path) -> None:
        """`path` (a file) was opened or written: its folder is the one for `kind` now."""
        folder = str(Path(path).resolve().parent)
        self.settings.setValue(f"folders/{kind}", folder)
        self.settings.setValue(_LAST_ANY, folder)
