"""The questions the File menu asks a person: which file, what size, save first?

Plain functions of a parent widget, so `FileActions` can be tested with its
questions answered by lambdas instead of modal dialogs.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

from ..io.formats import DROPPABLE_SUFFIXES
from ..views.picture import DEFAULT_SIZE

KNOWN_FILES = "All files known ({})".format(" ".join(f"*{s}" for s in DROPPABLE_SUFFIXES))

IMAGE_SIZES = {  # label: (width, height) in pixels; the first is offered first
    "{} × {} (screen)".format(*DEFAULT_SIZE): DEFAULT_SIZE,
    "1920 × 880 (full HD slide)": (1920, 880),
    "2800 × 1280 (print)": (2800, 1280),
    "1000 × 460 (small)": (1000, 460),
}


def open_name(parent: QWidget, title: str, filt: str, folder: str = "") -> str:
    name, _ = QFileDialog.getOpenFileName(parent, title, folder, f"{filt};;{KNOWN_FILES}")
    return name


def save_name(parent: QWidget, title: str, filt: str, suggested: str) -> str:
    dialog = QFileDialog(parent, title, suggested, filt)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    # the dialog adds the suffix itself, before it asks about overwriting, so
    # typing "keep" cannot silently replace keep.playground
    dialog.setDefaultSuffix(filt.split("*.", 1)[1].split()[0].rstrip(")"))
    return dialog.selectedFiles()[0] if dialog.exec() else ""


def image_size(parent: QWidget) -> tuple[int, int] | None:
    label, ok = QInputDialog.getItem(
        parent, "Export image", "Picture size:", list(IMAGE_SIZES), 0, False
    )
    return IMAGE_SIZES[label] if ok else None


def save_changes(parent: QWidget) -> str:
    """'save', 'discard' or 'cancel'."""
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


def warn(parent: QWidget, text: str) -> None:
    QMessageBox.warning(parent, "Neural Playground", text)
