"""A bar above the network that says, in plain words, why it is not learning and
what to try: the doctor's findings, one at a time (‹ 1 of 3 ›), each with its
remedies as buttons.

It follows the snapshots: a finding shows while the newest snapshot reports it
and goes when it no longer does (after a remedy, a reset, another file).  A
divergence comes first, and Reset is its first remedy: the parameters training
fell back to were taken just before the blow-up and may already be huge (every
ReLU dead, a loss stuck far up), so carrying on from them with a smaller rate
often learns nothing.  "Not now" hides the bar until the findings change.
The bar never widens the window: its buttons shorten, the words wrap.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
)

from ..core.diagnostics_types import Finding, Remedy
from ..core.snapshot import Snapshot

WHY_RESET = (
    "The weights it fell back to may already be too large to learn from: "
    "Reset starts over from fresh ones."
)
MAX_REMEDIES = 4  # buttons a finding gets on the bar
BUTTON_CHARS = 22  # a remedy's label is shortened past this (its tooltip says it all)
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


def findings_of(snapshot: Snapshot) -> tuple[Finding, ...]:
    """What the bar has to say: the doctor's findings, a divergence first (made
    up from the trainer's message if the doctor has not spoken yet)."""
    found = snapshot.findings
    if snapshot.diverged and not any(f.kind == "diverged" for f in found):
        found = (divergence_finding(snapshot), *found)
    return tuple(sorted(found, key=lambda f: f.kind != "diverged"))  # stable: doctor's order


def first_finding(snapshot: Snapshot) -> Finding | None:
    found = findings_of(snapshot)
    return found[0] if found else None


class DoctorBar(QFrame):
    remedy_chosen = Signal(object)  # Remedy
    more_wanted = Signal()  # "Diagnostics" was clicked: show that dock

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("doctor-bar")
        self.setStyleSheet(STYLE)  # dark text on amber: readable in light and dark themes
        # however long its words and buttons, the bar takes the width it is given
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.icon = QLabel("⚕")
        self.icon.setFixedWidth(self.icon.fontMetrics().horizontalAdvance("⚠⚕") // 2 + 4)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.buttons = [QPushButton() for _ in range(MAX_REMEDIES)]
        self.previous, self.next = _arrow("‹", "The previous finding"), _arrow("›", "The next")
        self.page = QLabel()
        self.more = QLabel('<a href="#diagnostics">Diagnostics</a>')
        self.more.setToolTip("Show the Diagnostics dock: histograms, gradients, every finding")
        self.more.linkActivated.connect(self.more_wanted)
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
        actions.addSpacing(self.icon.width() + 6)
        for button in self.buttons:
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # Space stays play/pause
            button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
            button.setMinimumWidth(0)
            button.clicked.connect(self._chosen)
            actions.addWidget(button)
        actions.addStretch(1)
        for widget in (self.previous, self.page, self.next, self.more, self.dismiss):
            actions.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 6, 8, 6)
        layout.setSpacing(4)
        layout.addLayout(words)
        layout.addLayout(actions)
        self.previous.clicked.connect(self._previous)
        self.next.clicked.connect(self._next)
        self.dismiss.clicked.connect(self._dismiss)
        self._findings: tuple[Finding, ...] = ()
        self._at = 0  # which finding shows
        self._remedies: tuple[Remedy, ...] = ()
        self._dismissed: tuple[str, ...] | None = None  # the findings' kinds when hidden
        self.hide()

    def follow(self, snapshot: Snapshot) -> None:
        """Show the snapshot's findings, or hide when it reports none."""
        findings = findings_of(snapshot)
        kinds = tuple(f.kind for f in findings)
        if self._dismissed is not None and kinds != self._dismissed:
            self._dismissed = None  # the findings changed: speak up again
        if not findings or self._dismissed is not None:
            self._findings = ()
            self.hide()
            return
        if findings == self._findings:
            return  # called every frame: touch the widgets only when something changed
        # stay on the finding being read if it is still there (by kind and layer)
        shown = self._findings[self._at] if self._findings else None
        same = [i for i, f in enumerate(findings) if shown and _same(f, shown)]
        self._findings, self._at = findings, same[0] if same else 0
        self._show()

    def _show(self) -> None:
        finding, count = self._findings[self._at], len(self._findings)
        self.icon.setText(ICONS.get(finding.kind, "⚕"))
        self.text.setText(finding.message)
        self._remedies = finding.remedies[:MAX_REMEDIES]
        for button, remedy in zip(self.buttons, self._remedies, strict=False):
            label = remedy.label
            short = label if len(label) <= BUTTON_CHARS else label[: BUTTON_CHARS - 1] + "…"
            button.setText(short)
            button.setToolTip(f"{label}: {remedy.why}" if remedy.why else label)
        self._fit_buttons()
        self.buttons[0].setDefault(True)
        self.page.setText(f"{self._at + 1} of {count}")
        for widget in (self.previous, self.page, self.next):
            widget.setVisible(count > 1)
        self.previous.setEnabled(self._at > 0)
        self.next.setEnabled(self._at < count - 1)
        self.show()

    def _fit_buttons(self) -> None:
        """As many remedies as fit whole, the likeliest first (a squeezed button
        cut its words: "e initializatio"); always the first."""
        others = (self.previous, self.page, self.next, self.more, self.dismiss)
        right = sum(w.sizeHint().width() + 6 for w in others if w.isVisibleTo(self))
        room = self.width() - 20 - self.icon.width() - 6 - right
        used = 0
        for i, button in enumerate(self.buttons):
            wanted = button.sizeHint().width() + 6
            fits = i < len(self._remedies) and (i == 0 or used + wanted <= room)
            button.setVisible(fits)
            used += wanted if fits else 0

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._remedies:
            self._fit_buttons()

    def _previous(self) -> None:
        self._at = max(0, self._at - 1)
        self._show()

    def _next(self) -> None:
        self._at = min(len(self._findings) - 1, self._at + 1)
        self._show()

    def _chosen(self) -> None:
        button = self.sender()
        for candidate, remedy in zip(self.buttons, self._remedies, strict=False):
            if candidate is button:
                self.remedy_chosen.emit(remedy)

    def _dismiss(self) -> None:
        self._dismissed = tuple(f.kind for f in self._findings)
        self._findings = ()
        self.hide()


def _same(a: Finding, b: Finding) -> bool:
    return (a.kind, a.layer) == (b.kind, b.layer)


def _arrow(text: str, tip: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setAutoRaise(True)
    button.setToolTip(tip)
    button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    return button
