"""The keyboard belongs to the window unless a field really needs it.

Space plays and pauses, Right steps, R resets: window shortcuts.  A text field
with the focus takes printable keys for itself, so after typing a learning
rate a person pressing Space used to type a space instead of pausing.  Here:

* Enter and Escape in a field end the edit (Enter keeps the value, Escape puts
  the shown one back) and hand the keyboard back to the window;
* a field for numbers cannot hold a space, so Space ends the edit (keeping
  what was typed, as Enter does) and goes to the window's shortcut;
* buttons, check boxes, lists and sliders take the focus only by Tab, never by
  a click, so clicking one does not make Space toggle it instead of playing.

Each filter watches its own widget only (an application-wide event filter
would run Python for every event of every widget, see docs).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QWidget,
)

ENDING_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape)


class HandBack(QObject):
    """Event filter for one number field (see the module's notes)."""

    def __init__(self, field: QWidget, revert: Callable[[], None] | None) -> None:
        super().__init__(field)
        self.field = field
        self.revert = revert

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            if event.key() != Qt.Key.Key_Space or event.modifiers():
                return False
            # what was typed counts first (leaving the field commits it), then the
            # override, not accepted, lets the window's shortcut have the key
            self._hand_back()
            return True
        if kind == QEvent.Type.KeyPress and _ends_the_edit(event):
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_Escape and self.revert is not None:
                self.revert()
            # after the field has handled the key (Enter commits the value)
            QTimer.singleShot(0, self, self._hand_back)
        return False

    def _hand_back(self) -> None:
        focused = self.field.focusWidget()
        if self.field.hasFocus() or (focused is not None and self.field.isAncestorOf(focused)):
            self.field.window().setFocus(Qt.FocusReason.OtherFocusReason)


_KEYPAD = Qt.KeyboardModifier.KeypadModifier


def _ends_the_edit(event: QEvent) -> bool:
    """Enter (either key) or Escape, with no modifier but the keypad's."""
    return (
        isinstance(event, QKeyEvent)
        and event.key() in ENDING_KEYS
        and not event.modifiers() & ~_KEYPAD
    )


def keys_to_window(root: QWidget, revert: Callable[[], None] | None = None) -> None:
    """Apply the module's rules to `root` and every widget inside it.  Every text
    field in the panels takes numbers; one that can hold a space (a typed
    formula, say) sets the property "takesSpace" and keeps Space for itself."""
    for widget in [root, *root.findChildren(QWidget)]:
        if isinstance(widget, (QAbstractSpinBox, QLineEdit)) or _editable_combo(widget):
            if not widget.property("takesSpace"):
                # the owner and its inner line edit both: either may hold the focus
                widget.installEventFilter(HandBack(widget, revert))
        elif isinstance(widget, (QAbstractButton, QAbstractSlider, QComboBox)):
            widget.setFocusPolicy(Qt.FocusPolicy.TabFocus)


def _editable_combo(widget: QWidget) -> bool:
    return isinstance(widget, QComboBox) and widget.isEditable()
