"""The control panels: small widgets that show a `Config` and propose changes to it.

Each panel has `set_config(cfg)` (shows cfg, emits nothing) and
`changed = Signal(dict)` ({Config field: new value}, always acceptable to
`cfg.replace(**change)`).  `RunControls` is the transport bar.  Panels import
only `playground.core`, never the views or the bridge.
"""

from .activation_panel import ActivationPanel
from .data_panel import DataPanel
from .init_panel import InitPanel
from .optimizer_panel import OptimizerPanel
from .regularization_panel import RegularizationPanel
from .run_controls import RunControls
from .widgets import ConfigPanel

__all__ = [
    "ActivationPanel",
    "ConfigPanel",
    "DataPanel",
    "InitPanel",
    "OptimizerPanel",
    "RegularizationPanel",
    "RunControls",
]
