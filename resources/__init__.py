"""Icons and other files the app ships (installed as playground.resources)."""

from importlib.resources import files


def resource_path(name: str) -> str:
    """Filesystem path of a shipped file, e.g. resource_path("icons/neural-playground.svg")."""
    return str(files(__name__).joinpath(name))
