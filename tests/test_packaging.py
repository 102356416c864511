"""The installer's files agree with the app and with each other (fast: nothing is built).

The slow proof, building the .deb and running the installed program, is
packaging/build.py followed by packaging/smoke_test.sh (CI runs both).
"""

import ast
import configparser
import contextlib
import importlib.util
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from playground import __version__

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "packaging"
DESKTOP = PKG / "linux" / "neural-playground.desktop"
MIME_XML = PKG / "linux" / "neural-playground.xml"
SPEC = PKG / "neural-playground.spec"
MIME_TYPE = "application/x-neural-playground"

pytestmark = pytest.mark.skipif(not PKG.is_dir(), reason="run from a source checkout")


def _build_module():
    """packaging/build.py, imported under a name no installed package uses."""
    spec = importlib.util.spec_from_file_location("np_packaging_build", PKG / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # keys are case-sensitive
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


def _console_script() -> str:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    section = text.split("[project.scripts]", 1)[1]
    return re.search(r'^"?([\w-]+)"?\s*=\s*"playground\.cli:main"', section, re.M).group(1)


# --- the menu entry and the file type ------------------------------------------


def test_desktop_entry_runs_the_console_script_with_the_file():
    entry = _desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Neural Playground"
    assert entry["Exec"] == f"{_console_script()} %f"  # %f: the double-clicked file
    assert entry["Icon"] == "neural-playground"
    assert entry["Terminal"] == "false"
    assert MIME_TYPE in entry["MimeType"].split(";")


@pytest.mark.skipif(not shutil.which("desktop-file-validate"), reason="no desktop-file-utils")
def test_desktop_entry_validates():
    out = subprocess.run(["desktop-file-validate", DESKTOP], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_mime_type_matches_the_experiment_format(tmp_path):
    from playground import Config, Trainer
    from playground.io.experiment import SUFFIX, save_experiment

    ns = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    mime = ET.parse(MIME_XML).getroot().find("m:mime-type", ns)
    assert mime.get("type") == MIME_TYPE
    assert mime.find("m:glob", ns).get("pattern") == f"*{SUFFIX}"
    assert mime.find("m:sub-class-of", ns).get("type") == "application/zip"

    # The magic (ZIP signature, then the first member's name) fits a real file.
    path = tmp_path / f"e{SUFFIX}"
    trainer = Trainer(Config(dataset="xor", hidden=(2,), points=50))
    trainer.train(2)
    save_experiment(path, trainer.state_dict())
    head = path.read_bytes()[:64]
    outer = mime.find("m:magic/m:match", ns)
    inner = outer.find("m:match", ns)
    assert outer.get("value") == r"PK\003\004" and head[:4] == b"PK\x03\x04"
    offset, value = int(inner.get("offset")), inner.get("value").encode()
    assert head[offset : offset + len(value)] == value


# --- the PyInstaller spec ----------------------------------------------------------


def _spec_names(name: str) -> list[str]:
    """The string constants in the spec's top-level assignment to `name`."""
    tree = ast.parse(SPEC.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            return [
                n.value
                for n in ast.walk(node.value)
                if isinstance(n, ast.Constant) and isinstance(n.value, str)
            ]
    raise AssertionError(f"the spec assigns no {name}")


def test_spec_collects_the_modules_imported_by_name():
    hidden = _spec_names("hiddenimports")
    assert "playground" in hidden  # collect_submodules("playground"): io formats by name
    # Every Qt module pyqtgraph imports with importlib is a hidden import.
    import pyqtgraph

    source = "\n".join(
        p.read_text(encoding="utf-8")
        for p in Path(pyqtgraph.__file__).parent.rglob("*.py")
        if "examples" not in p.parts and "opengl" not in p.parts
    )
    dynamic = set(re.findall(r"import_module\(f['\"]\{QT_LIB\}\.(Qt\w+)['\"]\)", source))
    assert dynamic, "pyqtgraph's dynamic Qt imports were not found"
    assert {f"PySide6.{m}" for m in dynamic} <= set(hidden)


def test_spec_excludes_nothing_the_app_imports():
    excluded = set(_spec_names("excludes"))
    imported = set()
    for path in (ROOT / "playground").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        imported |= set(re.findall(r"^\s*from (PySide6\.\w+|pyqtgraph[\w.]*) import", text, re.M))
        imported |= set(re.findall(r"^\s*import (pyqtgraph|numpy|onnx|safetensors)\b", text, re.M))
    assert imported, "no imports found"
    assert not imported & excluded


def test_spec_entry_script_and_icon_exist():
    text = SPEC.read_text(encoding="utf-8")
    assert '"launcher.py"' in text and (PKG / "launcher.py").is_file()
    assert "console=False" in text  # windowed
    assert (ROOT / "resources" / "icons" / "neural-playground.svg").is_file()


# --- versions and the .deb's control data ------------------------------------------


def test_versions_agree():
    build = _build_module()
    assert build.project_version() == __version__
    from importlib.metadata import PackageNotFoundError, version

    with contextlib.suppress(PackageNotFoundError):  # an uninstalled checkout has no metadata
        assert version("neural-playground") == __version__
    iss = (PKG / "windows" / "neural-playground.iss").read_text(encoding="utf-8")
    assert "AppVersion={#AppVersion}" in iss  # passed in by build.py, never written twice


@pytest.mark.parametrize(
    ("pep440", "debian"),
    [("0.1.0", "0.1.0"), ("1.0rc1", "1.0~rc1"), ("1.0.dev2", "1.0~dev2"), ("2.1b3", "2.1~b3")],
)
def test_debian_version(pep440, debian):
    assert _build_module().debian_version(pep440) == debian


def test_depends_lists_what_qt_needs_on_x11_and_wayland():
    depends = _build_module().DEPENDS
    # DESIGN.md's "Known hazards" (X11), then what the wayland platform plugin links
    needed = [
        "libxcb-cursor0", "libxcb-icccm4", "libxcb-image0", "libxcb-keysyms1", "libxcb-randr0",
        "libxcb-render-util0", "libxcb-shape0", "libxcb-xinerama0", "libxcb-xkb1",
        "libxkbcommon-x11-0", "libegl1", "libgl1", "libfontconfig1", "libdbus-1-3",
        "libwayland-client0", "libwayland-cursor0", "libwayland-egl1",
    ]  # fmt: skip
    assert not [p for p in needed if p not in depends]


def test_control_file_is_well_formed():
    build = _build_module()
    control = build.control_file(__version__, "amd64", 123456, "2.35")
    fields = dict(re.findall(r"^([A-Za-z-]+): (.*)$", control, re.M))
    for key in ("Package", "Version", "Architecture", "Maintainer", "Installed-Size",
                "Depends", "Description"):  # fmt: skip
        assert fields.get(key), key
    assert fields["Package"] == "neural-playground"
    assert "libc6 (>= 2.35)" in fields["Depends"]
    body = control.split("Description:", 1)[1].splitlines()[1:]
    assert body and all(line.startswith(" ") and line.strip() for line in body)


# --- scripts -------------------------------------------------------------------------


@pytest.mark.parametrize("script", ["postinst", "postrm"])
def test_maintainer_scripts(script):
    path = PKG / "linux" / script
    assert path.read_text(encoding="utf-8").startswith("#!/bin/sh\n")
    assert path.stat().st_mode & 0o111, f"{script} is not executable"
    assert subprocess.run(["sh", "-n", path]).returncode == 0


def test_smoke_test_script_parses():
    path = PKG / "smoke_test.sh"
    assert subprocess.run(["bash", "-n", path]).returncode == 0
    if shutil.which("shellcheck"):
        out = subprocess.run(["shellcheck", path], capture_output=True, text=True)
        assert out.returncode == 0, out.stdout


def test_make_icons_draws_the_svg(qapp, tmp_path):
    from PySide6.QtGui import QImage

    spec = importlib.util.spec_from_file_location("np_make_icons", PKG / "make_icons.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    paths = module.make_icons(tmp_path, sizes=(16, 64))
    assert [p.name for p in paths] == ["neural-playground-16.png", "neural-playground-64.png"]
    image = QImage(str(paths[1]))
    assert (image.width(), image.height()) == (64, 64)
    assert image.pixelColor(32, 32).alpha() == 255  # drawn, not a blank square
    assert image.pixelColor(0, 0).alpha() < 255  # the rounded corner stays transparent


def test_ci_workflow_builds_and_smoke_tests():
    text = (PKG / "ci" / "build-installers.yml").read_text(encoding="utf-8")
    assert "python packaging/build.py" in text
    assert "packaging/smoke_test.sh" in text
    assert text.count("--self-test") >= 2  # Windows and macOS check their frozen app too
