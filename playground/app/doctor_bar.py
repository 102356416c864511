"""A bar above the network that says, in plain words, why it is not learning and
what to try: the doctor's first finding, with its remedies as buttons.

It follows the snapshots: a finding shows while the newest snapshot reports it
and goes when it no longer does (after a remedy, a reset, another file).  A
divergence comes first, and Reset is its first remedy: the parameters training
fell back to were taken just before the blow-up and may already be huge (every
ReLU dead, a loss stuck far up), so carrying on from them with a smaller rate
often learns nothing.  "Not now" hides a finding until the findings change.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
)

from ..core.diagnostics_types import Finding, Remedy
from ..core.snapshot import Snapshot

WHY_RESET = (
    "The weights it fell back to may already be too large to learn from: "
    "Reset starts over from fresh ones."
)
MAX_REMEDIES = 3  # buttons on the bar; the Diagnostics dock lists every finding
ICONS = {"diverged": "⚠"}  # others: the staff of Asclepius (fonts have it; not emoji)
STYLE = (
    "#doctor-bar { background: #fff3cd; border-bottom: 1px solid #e0b84c; }"
    "#doctor-bar QLabel { color: #4a3500; }"
)


def divergence_finding(snapshot: Snapshot) -> Finding:
    """What the bar says after a divergence when the doctor has not spoken yet."""
    lr = snapshot.config.lr
    return Finding(
        kind="diverged",
        message=f"{snapshot.message}  {WHY_RESET}",
        remedies=(
            Remedy("Reset", reset=True, why="Start over with fresh weights (R)"),
            Remedy(
                "Learning rate ÷ 10",
                {"lr": lr / 10},
                why="Carry on from the weights training fell back to, at a tenth of the rate",
            ),
        ),
    )


def first_finding(snapshot: Snapshot) -> Finding | None:
    """The one finding to show: a divergence first, then the doctor's order."""
    if snapshot.diverged:
        doctors = [f for f in snapshot.findings if f.kind == "diverged"]
        return doctors[0] if doctors else divergence_finding(snapshot)
    return snapshot.findings[0] if snapshot.findings else None


class DoctorBar(QFrame):
    remedy_chosen = Signal(object)  # Remedy
    more_wanted = Signal()  # "+N more in Diagnostics" was clicked

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("doctor-bar")
        self.setStyleSheet(STYLE)  # dark text on amber: readable in light and dark themes
        self.icon = QLabel("⚕")
        self.icon.setFixedWidth(self.icon.fontMetrics().horizontalAdvance("⚠⚕") // 2 + 4)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.more = QLabel()
        self.more.linkActivated.connect(self.more_wanted)
        self.buttons = [QPushButton() for _ in range(MAX_REMEDIES)]
        self.dismiss = QToolButton()
        self.dismiss.setText("Not now")
        self.dismiss.setAutoRaise(True)
        self.dismiss.setToolTip("Hide this until the findings change")
        # the words across the whole width, the buttons under them: beside each
        # other the words wrapped into a tall column on a 1280-wide screen
        words = QHBoxLayout()
        words.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        words.addWidget(self.text, 1)
        actions = QHBoxLayout()
        actions.addSpacing(self.icon.sizeHint().width() + 6)
        for button in self.buttons:
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # Space stays play/pause
            button.clicked.connect(self._chosen)
            actions.addWidget(button)
        actions.addWidget(self.more)
        actions.addStretch(1)
        actions.addWidget(self.dismiss)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 6, 8, 6)
        layout.setSpacing(4)
        layout.addLayout(words)
        layout.addLayout(actions)
        self.dismiss.clicked.connect(self._dismiss)
        self._shown: Finding | None = None
        self._remedies: tuple[Remedy, ...] = ()
        self._kinds: tuple[str, ...] = ()  # of the findings now
        self._dismissed: tuple[str, ...] | None = None  # the findings' kinds when hidden
        self.hide()

    def follow(self, snapshot: Snapshot) -> None:
        """Show the snapshot's first finding, or hide when it reports none."""
        finding = first_finding(snapshot)
        kinds = tuple(f.kind for f in snapshot.findings) or (("diverged",) if finding else ())
        self._kinds = kinds
        if self._dismissed is not None and kinds != self._dismissed:
            self._dismissed = None  # the findings changed: speak up again
        if finding is None or self._dismissed is not None:
            self._shown = None
            self.hide()
            return
        if finding == self._shown:
            return  # called every frame: touch the widgets only when something changed
        self._shown = finding
        self._show(finding, extra=len(snapshot.findings) - 1)

    def _show(self, finding: Finding, extra: int) -> None:
        self.icon.setText(ICONS.get(finding.kind, "⚕"))
        self.text.setText(finding.message)
        self._remedies = finding.remedies[:MAX_REMEDIES]
        for button, remedy in zip(self.buttons, self._remedies, strict=False):
            button.setText(remedy.label)
            button.setToolTip(remedy.why)
        for i, button in enumerate(self.buttons):
            button.setVisible(i < len(self._remedies))
        self.buttons[0].setDefault(True)
        self.more.setText(f'<a href="#diagnostics">+{extra} more in Diagnostics</a>')
        self.more.setVisible(extra > 0)
        self.show()

    def _chosen(self) -> None:
        button = self.sender()
        for candidate, remedy in zip(self.buttons, self._remedies, strict=False):
            if candidate is button:
                self.remedy_chosen.emit(remedy)

    def _dismiss(self) -> None:
        self._dismissed = self._kinds
        self._shown = None
        self.hide()
