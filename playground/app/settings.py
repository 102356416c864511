"""What the window remembers between runs (QSettings): geometry, layout, last settings."""

from __future__ import annotations

import json

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QCheckBox, QMainWindow

from ..core.config import Config, ConfigError

ORGANIZATION = "Neural Playground"
APPLICATION = "Neural Playground"
DEFAULT_WINDOW_SIZE = (1440, 900)
FRAME_ALLOWANCE = (8, 36)  # px a window manager's borders and title bar usually take


def open_settings() -> QSettings:
    return QSettings(ORGANIZATION, APPLICATION)


def load_config(settings: QSettings) -> Config:
    """The last configuration, or the defaults if there is none or it no longer fits."""
    text = settings.value("config/last", "")
    if not text:
        return Config()
    try:
        return Config.from_dict(json.loads(str(text)))
    except (ValueError, ConfigError, TypeError):
        return Config()  # from an older or newer version: start fresh rather than fail


def save_config(settings: QSettings, config: Config) -> None:
    settings.setValue("config/last", json.dumps(config.to_dict()))


def load_bytes(settings: QSettings, key: str) -> QByteArray | None:
    value = settings.value(key)
    return value if isinstance(value, QByteArray) and not value.isEmpty() else None


def load_flag(settings: QSettings, key: str, default: bool) -> bool:
    value = settings.value(key, default)
    if isinstance(value, str):  # some back ends store booleans as text
        return value.lower() == "true"
    return bool(value)


def restore_window(
    window: QMainWindow, settings: QSettings, switches: dict[str, QCheckBox]
) -> bool:
    """Geometry, dock layout and view switches as last closed; False on a first run
    (no saved layout: the caller lays the docks out itself)."""
    geometry = load_bytes(settings, "window/geometry")
    if geometry is None or not window.restoreGeometry(geometry):
        window.resize(*DEFAULT_WINDOW_SIZE)
    fit_to_screen(window)
    for key, box in switches.items():
        box.setChecked(load_flag(settings, f"view/{key}", False))
    state = load_bytes(settings, "window/state")
    return state is not None and window.restoreState(state)


def save_window(
    window: QMainWindow, settings: QSettings, switches: dict[str, QCheckBox], config: Config
) -> None:
    settings.setValue("window/geometry", window.saveGeometry())
    settings.setValue("window/state", window.saveState())
    for key, box in switches.items():
        settings.setValue(f"view/{key}", box.isChecked())
    save_config(settings, config)
    settings.sync()


def fit_to_screen(window: QMainWindow) -> None:
    """Keep the window within the screen it is on (a classroom projector is often
    1280 x 720; a layout saved on a big monitor must not open past its edges)."""
    # the screen under the window's centre (where restoreGeometry put it); not
    # window.screen(): on a window not yet shown, that one's QScreen was seen to
    # crash later windows (PySide6 6.11, offscreen)
    screen = QGuiApplication.screenAt(window.geometry().center())
    screen = screen or QGuiApplication.primaryScreen()
    if screen is None:
        return
    room = screen.availableGeometry()
    frame = window.frameGeometry().size() - window.geometry().size()  # title bar, borders
    # before the first show the frame is unknown: leave room for a usual title bar
    extra_w, extra_h = (
        max(frame.width(), FRAME_ALLOWANCE[0]),
        max(frame.height(), FRAME_ALLOWANCE[1]),
    )
    width = min(window.width(), room.width() - extra_w)
    height = min(window.height(), room.height() - extra_h)
    if (width, height) != (window.width(), window.height()):
        window.resize(max(width, window.minimumWidth()), max(height, window.minimumHeight()))
    if not room.contains(window.frameGeometry()):
        centre = window.frameGeometry()
        centre.moveCenter(room.center())
        window.move(centre.topLeft())
