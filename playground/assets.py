"""Where the app's shipped files (icons) are, installed or run from a checkout.

The files live in the top-level `resources/` folder, which pip installs as the
package `playground.resources`.  Run from a source checkout (`python3 -m
playground` in the project folder), Python imports the `playground/` folder
itself, where that package does not exist: then the files are beside it.
"""

from __future__ import annotations

import importlib
from pathlib import Path


def resource_path(name: str) -> str:
    """Filesystem path of a shipped file, e.g. resource_path("icons/neural-playground.svg")."""
    try:
        # imported by name: the package exists only once installed, so a static
        # import would type-check differently in a checkout and in an install
        installed = importlib.import_module(f"{__package__}.resources")
    except ModuleNotFoundError:
        return str(Path(__file__).resolve().parent.parent / "resources" / name)
    return str(installed.resource_path(name))
