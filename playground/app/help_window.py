"""Help > Neural Playground Help (F1): a short guide, and the README when it is at hand.

The guide (resources/help.html) says what the keys do and what the colours,
widths, squares and tiles mean.  Its links to the README's sections open the
README tab at that section: the README ships beside the program in a checkout
and in the installers, not in a plain pip install (the guide then says where).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QDialog, QTabWidget, QTextBrowser, QVBoxLayout, QWidget

from ..assets import resource_path

README_LINK = "readme:"  # the guide's links to a README section: readme:Command line
NO_README = (
    "<p>The README is not installed with this copy of the app. It is the "
    "<i>README.md</i> file of the project's source.</p>"
)


def find_readme() -> Path | None:
    """The README beside the program: shipped in resources, or a checkout's."""
    for candidate in (
        Path(resource_path("README.md")),
        Path(__file__).resolve().parents[2] / "README.md",
    ):
        if candidate.is_file():
            return candidate
    return None


class HelpWindow(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Neural Playground Help")
        self.resize(640, 620)
        self.guide = QTextBrowser()
        self.guide.setOpenLinks(False)  # README links are ours; others go nowhere
        self.guide.setHtml(_read(Path(resource_path("help.html"))))
        self.guide.anchorClicked.connect(self._follow)
        self.readme = QTextBrowser()
        self.readme.setOpenExternalLinks(True)
        readme = find_readme()
        if readme is None:
            self.readme.setHtml(NO_README)
        else:
            self.readme.setMarkdown(_read(readme))
        self.tabs = QTabWidget()
        self.tabs.addTab(self.guide, "Guide")
        self.tabs.addTab(self.readme, "README")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)

    def _follow(self, url: QUrl) -> None:
        link = url.toString()
        if link.startswith(README_LINK):
            self.show_readme_section(link[len(README_LINK) :])

    def show_readme_section(self, heading: str) -> bool:
        """Open the README tab at the heading; False if there is none such."""
        self.tabs.setCurrentWidget(self.readme)
        document = self.readme.document()
        block = document.begin()
        while block.isValid():
            if block.blockFormat().headingLevel() and block.text().strip() == heading:
                self.readme.scrollToAnchor("")  # from the top
                cursor = self.readme.textCursor()
                cursor.setPosition(block.position())
                self.readme.setTextCursor(cursor)
                self.readme.ensureCursorVisible()
                bar = self.readme.verticalScrollBar()
                top = int(document.documentLayout().blockBoundingRect(block).top())
                bar.setValue(min(top, bar.maximum()))
                return True
            block = block.next()
        return False


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return f"<p>{path.name} is missing from this copy of the app.</p>"
