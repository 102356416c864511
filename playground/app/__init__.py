"""The shell: the application, the main window and what it owns (the experiment
model, file actions, settings).  The only package that imports all the others."""

from .application import make_application, open_requested, run_app

__all__ = ["make_application", "open_requested", "run_app"]
