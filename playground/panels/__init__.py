"""The control panels: widgets built from tables of Config fields that show a
`Config` and propose changes to it.

Each settings panel is a `ConfigPanel`: `set_config(cfg)` shows cfg and emits
nothing; `changed = Signal(dict)` proposes {Config field: new value}, which
the window validates (it answers with `set_config`, the new Config or the old
one); `config` is the Config shown.  The rows are declared once, in a table
(fields.py), which builds, connects, shows and enables them.  `RunControls`
is the transport bar.  Panels import only `playground.core`, never the views
or the bridge.
"""

from .activation_panel import ActivationPanel
from .data_panel import DataPanel
from .form import ConfigPanel
from .init_panel import InitPanel
from .optimizer_panel import OptimizerPanel
from .regularization_panel import RegularizationPanel
from .run_controls import RunControls

__all__ = [
    "ActivationPanel",
    "ConfigPanel",
    "DataPanel",
    "InitPanel",
    "OptimizerPanel",
    "RegularizationPanel",
    "RunControls",
]
