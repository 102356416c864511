"""Where the app's shipped files (icons) are, installed or run from a checkout.

The files live in the top-level `resources/` folder, which pip installs as the
package `playground.resources`.  Run from a source checkout (`python3 -m
playground` in the project folder), Python imports the `playground/` folder
itself, where that package does not exist: then the files are beside it.
"""

from __future__ import annotations

from pathlib import Path


def resource_path(name: str) -> str:
    """Filesystem path of a shipped file, e.g. resource_path("icons/neural-playground.svg")."""
    try:
        # the ignore: mypy reads the checkout, where this package does not exist (see above)
        from .resources import resource_path as installed  # type: ignore[import-not-found]
    except ModuleNotFoundError:
        return str(Path(__file__).resolve().parent.parent / "resources" / name)
    return installed(name)
