"""What the window remembers between runs (QSettings): geometry, layout, last settings."""

from __future__ import annotations

import json

from PySide6.QtCore import QByteArray, QSettings

from ..core.config import Config, ConfigError

ORGANIZATION = "Neural Playground"
APPLICATION = "Neural Playground"


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
