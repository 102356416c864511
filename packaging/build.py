#!/usr/bin/env python3
"""Build the installers with one command, from a source checkout:

    python3 packaging/build.py     # Linux: dist/*.deb and dist/*.tar.gz

1. a fresh virtual environment (build/packaging/venv) with the project
   installed from this checkout, not editable, plus PyInstaller (all from PyPI);
2. PyInstaller freezes the app into one folder (packaging/neural-playground.spec)
   in build/packaging/dist/neural-playground, and checks it starts;
3. Linux: dist/neural-playground-<version>-linux-<arch>.tar.gz, that folder;
   dist/neural-playground_<version>_<arch>.deb, that folder under /opt, a
   `neural-playground` command, a menu entry, icons, the .playground file type.
   Windows: dist/neural-playground-<version>-windows-x64-setup.exe (Inno Setup's
   iscc on the PATH).  macOS: dist/neural-playground-<version>-macos-<arch>.dmg
   (hdiutil).  The Windows and macOS steps run only on those systems' CI
   (packaging/ci/build-installers.yml); they are not built or tested on Linux.

Linux needs: python3-venv, binutils (readelf, objdump, strip; PyInstaller needs
them too) and dpkg-deb.  `--python PY` freezes with an environment you already
have (the project installed, not editable, and PyInstaller); `--no-installer`
stops after the frozen folder (and, on Linux, the .tar.gz).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BUILD = ROOT / "build" / "packaging"
DIST = ROOT / "dist"
APP = "neural-playground"
IS_LINUX, IS_WIN, IS_MAC = (sys.platform.startswith(p) for p in ("linux", "win32", "darwin"))
OPT = Path("opt") / APP  # where the .deb puts the frozen folder

# PyInstaller 6.x: the spec uses its 6.x API (hooks.qt, symlinked onedir layout).
# Pillow, on Windows and macOS only: PyInstaller turns the PNG icon into .ico/.icns
# with it (the spec keeps it out of the frozen app).
BUILD_REQUIREMENTS = ["pyinstaller>=6.10,<7", "pyinstaller-hooks-contrib>=2024.8"]
if not sys.platform.startswith("linux"):
    BUILD_REQUIREMENTS.append("pillow")

# The .deb's Depends: each Debian package with the sonames of it that the
# frozen app links.  check_depends() fails the build when a bundled file needs a
# system library that is in none of these, so the list cannot silently rot.
# Qt needs the xcb ones to open a window on X11 (DESIGN.md, "Known hazards"),
# the wayland ones on Wayland; the spec leaves all of them to the system.
# fmt: off
DEPENDS: dict[str, tuple[str, ...]] = {
    "libc6": ("libc.so.6", "libm.so.6", "libdl.so.2", "libpthread.so.0", "librt.so.1",
              "libutil.so.1", "ld-linux"),
    "libgcc-s1": ("libgcc_s.so.1",),
    "libstdc++6": ("libstdc++.so.6",),
    "libglib2.0-0t64 | libglib2.0-0": ("libglib-2.0.so.0", "libgthread-2.0.so.0"),
    "libzstd1": ("libzstd.so.1",),
    "libfontconfig1": ("libfontconfig.so.1",),
    "libfreetype6": ("libfreetype.so.6",),
    "libdbus-1-3": ("libdbus-1.so.3",),
    "libegl1": ("libEGL.so.1",),
    "libgl1": ("libGL.so.1",),
    "libx11-6": ("libX11.so.6",),
    "libx11-xcb1": ("libX11-xcb.so.1",),
    "libxcb1": ("libxcb.so.1",),
    "libxcb-cursor0": ("libxcb-cursor.so.0",),
    "libxcb-glx0": ("libxcb-glx.so.0",),
    "libxcb-icccm4": ("libxcb-icccm.so.4",),
    "libxcb-image0": ("libxcb-image.so.0",),
    "libxcb-keysyms1": ("libxcb-keysyms.so.1",),
    "libxcb-randr0": ("libxcb-randr.so.0",),
    "libxcb-render0": ("libxcb-render.so.0",),
    "libxcb-render-util0": ("libxcb-render-util.so.0",),
    "libxcb-shape0": ("libxcb-shape.so.0",),
    "libxcb-shm0": ("libxcb-shm.so.0",),
    "libxcb-sync1": ("libxcb-sync.so.1",),
    "libxcb-util1": ("libxcb-util.so.1",),
    "libxcb-xfixes0": ("libxcb-xfixes.so.0",),
    "libxcb-xinerama0": ("libxcb-xinerama.so.0",),  # Qt dlopens it for multi-screen X11
    "libxcb-xkb1": ("libxcb-xkb.so.1",),
    "libxkbcommon0": ("libxkbcommon.so.0",),
    "libxkbcommon-x11-0": ("libxkbcommon-x11.so.0",),
    "libwayland-client0": ("libwayland-client.so.0",),
    "libwayland-cursor0": ("libwayland-cursor.so.0",),
    "libwayland-egl1": ("libwayland-egl.so.1",),
}
# fmt: on
# Not needed to run, but they make the menu entry, file type and icon appear.
RECOMMENDS = ["hicolor-icon-theme", "shared-mime-info", "desktop-file-utils"]
ICON_SIZES = (16, 32, 48, 64, 128, 256, 512)


def log(text: str) -> None:
    print(f"== {text}", flush=True)


def run(cmd, **kw) -> subprocess.CompletedProcess:
    print("$", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.run([str(c) for c in cmd], check=True, **kw)


def project_version() -> str:
    """playground.__version__, read as text: the build must not import the app."""
    text = (ROOT / "playground" / "__init__.py").read_text(encoding="utf-8")
    return re.search(r'^__version__ = "([^"]+)"', text, re.M).group(1)


def debian_version(version: str) -> str:
    """PEP 440 to Debian ordering: 1.0rc1 -> 1.0~rc1 and 1.0.dev2 -> 1.0~dev2
    sort before 1.0 (a '~' sorts before anything, even the end of the string)."""
    return re.sub(r"\.?(a|b|rc|dev)(\d*)", r"~\1\2", version)


def debian_arch() -> str:
    try:
        return subprocess.run(
            ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        machine = platform.machine()
        return {"x86_64": "amd64", "aarch64": "arm64"}.get(machine, machine)


# --- 1. the build environment ------------------------------------------------


def make_build_env() -> Path:
    """A throwaway venv: only what the app needs gets frozen, never test tools."""
    venv = BUILD / "venv"
    shutil.rmtree(venv, ignore_errors=True)
    run([sys.executable, "-m", "venv", venv])
    python = venv / ("Scripts/python.exe" if IS_WIN else "bin/python")
    # Non-editable: PyInstaller must see playground.resources where pip puts it.
    run([python, "-m", "pip", "install", "--quiet", ROOT, *BUILD_REQUIREMENTS])
    return python


# --- 2. freeze -----------------------------------------------------------------


def freeze(python: Path, version: str) -> Path:
    frozen = BUILD / "dist" / APP
    # cwd=BUILD: the checkout's own playground/ must not shadow the installed one.
    run(
        [python, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
         "--distpath", BUILD / "dist", "--workpath", BUILD / "work", HERE / f"{APP}.spec"],
        cwd=BUILD,
    )  # fmt: skip
    if IS_LINUX:
        strip_debug_info(frozen)
    # The cheapest proof that the frozen program starts at all.  (A windowed
    # .exe has no stdout on Windows: ask its console twin.)
    program = frozen / (f"{APP}-cli.exe" if IS_WIN else APP)
    out = subprocess.run([program, "--version"], capture_output=True, text=True, check=True)
    if out.stdout.strip() != f"{APP} {version}":
        raise SystemExit(f"build: the frozen app says {out.stdout.strip()!r}, not {version}")
    return frozen


def is_elf(path: Path) -> bool:
    if path.is_symlink() or not path.is_file():
        return False
    with open(path, "rb") as f:
        return f.read(4) == b"\x7fELF"


def elf_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if is_elf(p))


def strip_debug_info(folder: Path) -> None:
    """A Python built from source (pyenv) carries ~20 MB of debug info in
    libpython and lib-dynload; drop it.  Only files that have a .debug_info
    section: wheels' libraries are already stripped, and stripping those that
    auditwheel patched (numpy's OpenBLAS) breaks them.  The executable is left
    alone: its bundled archive is appended after the ELF image."""
    if not shutil.which("strip"):
        print("build: no `strip` (binutils): debug info kept", file=sys.stderr)
        return
    with_debug = [
        p
        for p in elf_files(folder)
        if p.name != APP
        and ".debug_info"
        in subprocess.run(["readelf", "-S", "-W", p], capture_output=True, text=True).stdout
    ]
    if with_debug:
        print(f"strip --strip-debug: {len(with_debug)} files", flush=True)
        subprocess.run(["strip", "--strip-debug", *with_debug], check=True)


# --- 3. the portable archive ---------------------------------------------------


def _root_owned(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    return info


def make_tarball(frozen: Path, version: str, arch: str) -> Path:
    out = DIST / f"{APP}-{version}-linux-{arch}.tar.gz"
    with tarfile.open(out, "w:gz", compresslevel=6) as tar:
        tar.add(frozen, arcname=f"{APP}-{version}", filter=_root_owned)  # symlinks kept
    return out


# --- 4. the .deb -----------------------------------------------------------------


def needed_libraries(files: list[Path]) -> set[str]:
    """Every DT_NEEDED soname of the given ELF files (readelf -d)."""
    names: set[str] = set()
    for p in files:
        out = subprocess.run(["readelf", "-d", "-W", p], capture_output=True, text=True).stdout
        names |= set(re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]", out))
    return names


def glibc_floor(files: list[Path]) -> str:
    """The newest GLIBC_x.y symbol version any bundled file asks for: the
    oldest libc6 the package can run on (the build machine's libc decides)."""
    versions = {(2, 17)}
    for p in files:
        out = subprocess.run(["objdump", "-T", p], capture_output=True, text=True).stdout
        versions |= {tuple(map(int, v.split("."))) for v in re.findall(r"GLIBC_(\d+\.\d+)", out)}
    return ".".join(map(str, max(versions)))


def check_depends(opt: Path) -> str:
    """Fail if a bundled file needs a system library no Depends package ships.

    Returns the libc6 version floor."""
    files = elf_files(opt)
    bundled = {p.name for p in opt.rglob("*")}
    system = sorted(n for n in needed_libraries(files) if n not in bundled)
    declared = [s for sonames in DEPENDS.values() for s in sonames]
    missing = [n for n in system if not any(n.startswith(s) for s in declared)]
    if missing:
        raise SystemExit(
            "build: the frozen app links system libraries that no Depends package ships: "
            + ", ".join(missing)
            + "\n  add the Debian package of each to DEPENDS in packaging/build.py"
        )
    return glibc_floor(files)


def depends_field(glibc: str) -> str:
    return ", ".join(f"{pkg} (>= {glibc})" if pkg == "libc6" else pkg for pkg in DEPENDS)


def control_file(version: str, arch: str, installed_kb: int, glibc: str) -> str:
    maintainer = os.environ.get("DEB_MAINTAINER", "Neural Playground developers <root@localhost>")
    return f"""\
Package: {APP}
Version: {debian_version(version)}
Architecture: {arch}
Maintainer: {maintainer}
Installed-Size: {installed_kb}
Depends: {depends_field(glibc)}
Recommends: {", ".join(RECOMMENDS)}
Section: science
Priority: optional
Description: train small neural networks on toy 2-D data and see inside them
 Neural Playground is a desktop app in the spirit of TensorFlow Playground:
 pick a toy data set, build a small network, press play and watch every
 neuron's picture, the weights and the loss change as it learns.  Experiments
 save to .playground files; parameters export to safetensors and ONNX.
 .
 This package carries its own Python, Qt and NumPy under /opt/{APP}.
"""


def normalize_modes(root: Path) -> None:
    """0755 folders and programs, 0644 the rest, whatever the umask was."""
    for p in [root, *root.rglob("*")]:
        if p.is_symlink():
            continue
        if p.is_dir() or p.stat().st_mode & 0o111:
            p.chmod(0o755)
        else:
            p.chmod(0o644)


def stage_deb(frozen: Path, python: Path, version: str, arch: str) -> Path:
    root = BUILD / "deb-root"
    shutil.rmtree(root, ignore_errors=True)
    opt = root / OPT
    shutil.copytree(frozen, opt, symlinks=True)
    bin_dir = root / "usr" / "bin"
    bin_dir.mkdir(parents=True)
    # A symlink: PyInstaller's bootloader finds its folder through /proc/self/exe.
    (bin_dir / APP).symlink_to(f"/{OPT}/{APP}")

    share = root / "usr" / "share"
    (share / "applications").mkdir(parents=True)
    shutil.copy2(HERE / "linux" / f"{APP}.desktop", share / "applications")
    (share / "mime" / "packages").mkdir(parents=True)
    shutil.copy2(HERE / "linux" / f"{APP}.xml", share / "mime" / "packages")

    # Icons: PNGs drawn from the SVG with the build env's Qt, plus the SVG.
    icons = BUILD / "icons"
    shutil.rmtree(icons, ignore_errors=True)
    run(
        [python, HERE / "make_icons.py", icons],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        stdout=subprocess.DEVNULL,
    )
    hicolor = share / "icons" / "hicolor"
    for size in ICON_SIZES:
        dest = hicolor / f"{size}x{size}" / "apps"
        dest.mkdir(parents=True)
        shutil.copy2(icons / f"{APP}-{size}.png", dest / f"{APP}.png")
    (hicolor / "scalable" / "apps").mkdir(parents=True)
    shutil.copy2(ROOT / "resources" / "icons" / f"{APP}.svg", hicolor / "scalable" / "apps")

    doc = share / "doc" / APP
    doc.mkdir(parents=True)
    (doc / "copyright").write_text(copyright_text(python), encoding="utf-8")

    debian = root / "DEBIAN"
    debian.mkdir()
    for script in ("postinst", "postrm"):
        shutil.copy2(HERE / "linux" / script, debian / script)
        (debian / script).chmod(0o755)  # dpkg-deb refuses scripts that are not executable
    normalize_modes(root)
    glibc = check_depends(opt)
    installed_kb = sum(
        (p.lstat().st_size + 1023) // 1024 for p in root.rglob("*") if "DEBIAN" not in p.parts
    )
    control = control_file(version, arch, installed_kb, glibc)
    (debian / "control").write_text(control, encoding="utf-8")
    return root


# Run by the build environment's Python: the distributions neural-playground
# needs at run time (what gets frozen), each with its licence as declared.
_LICENCES = """
import platform
from importlib.metadata import distribution
from packaging.requirements import Requirement

seen, todo = {}, ["neural-playground"]
while todo:
    dist = distribution(todo.pop())
    name = dist.metadata["Name"]
    if name.lower() in seen:
        continue
    meta = dist.metadata
    lic = meta.get("License-Expression") or (meta.get("License") or "").split("\\n")[0]
    classifiers = [c.split(" :: ")[-1] for c in meta.get_all("Classifier") or []
                   if c.startswith("License ::")]
    lic = lic[:80] or ", ".join(classifiers) or "see its project page"
    seen[name.lower()] = f"{name} {dist.version}: {lic}"
    for text in dist.requires or []:
        req = Requirement(text)
        if req.marker is None or req.marker.evaluate({"extra": ""}):
            todo.append(req.name)
print(f"Python {platform.python_version()}: PSF-2.0")
print("\\n".join(sorted(seen.values(), key=str.lower)))
"""


def copyright_text(python: Path) -> str:
    """What is inside and under which licence: the app (MIT), Python and each
    bundled distribution, read from the build environment's metadata."""
    listing = subprocess.run(
        [python, "-c", _LICENCES], capture_output=True, text=True, check=True, cwd=BUILD
    ).stdout
    return (
        "Neural Playground\nLicense: MIT\n\n"
        f"/{OPT} holds Python and these distributions, each under its own licence:\n"
        + "".join(f"  {line}\n" for line in listing.splitlines())
        + "\nQt (inside PySide6) is used under the LGPL v3, as unmodified shared libraries.\n"
    )


def build_deb(root: Path, version: str, arch: str) -> Path:
    out = DIST / f"{APP}_{debian_version(version)}_{arch}.deb"
    # --root-owner-group: files are root's inside the package whoever builds it.
    # xz (dpkg's default) at -6; -T0 would be faster but is dpkg >= 1.21 only.
    run(["dpkg-deb", "--build", "--root-owner-group", "-Zxz", "-z6", root, out])
    return out


# --- Windows and macOS (run by their CI; not built or tested on Linux) --------


def make_windows_installer(version: str) -> Path:
    """Inno Setup: packaging/windows/neural-playground.iss over the frozen folder."""
    iscc = shutil.which("iscc") or r"C:\Program Files (x86)\Inno Setup 6\ISCC.exe"
    run([iscc, f"/DAppVersion={version}", f"/O{DIST}", HERE / "windows" / f"{APP}.iss"])
    return DIST / f"{APP}-{version}-windows-x64-setup.exe"


def make_dmg(version: str) -> Path:
    """A compressed disk image holding the .app and a link to /Applications."""
    stage = BUILD / "dmg"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir()
    app = "Neural Playground.app"
    run(["ditto", BUILD / "dist" / app, stage / app])  # ditto keeps the signature intact
    (stage / "Applications").symlink_to("/Applications")
    out = DIST / f"{APP}-{version}-macos-{platform.machine()}.dmg"
    run(["hdiutil", "create", "-volname", "Neural Playground", "-srcfolder", stage,
         "-ov", "-format", "UDZO", out])  # fmt: skip
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", type=Path, help="freeze with this environment's Python")
    parser.add_argument(
        "--no-installer", action="store_true", help="stop after the frozen folder (and .tar.gz)"
    )
    args = parser.parse_args()
    started = time.monotonic()
    version = project_version()
    arch = debian_arch() if IS_LINUX else platform.machine()
    BUILD.mkdir(parents=True, exist_ok=True)
    DIST.mkdir(exist_ok=True)

    log(f"build environment (Neural Playground {version}, {sys.platform} {arch})")
    python = args.python or make_build_env()
    log("freeze with PyInstaller")
    frozen = freeze(python, version)
    outputs = []
    if IS_LINUX:
        log("portable archive")
        outputs.append(make_tarball(frozen, version, arch))
    if not args.no_installer:
        log("installer")
        if IS_LINUX:
            outputs.append(build_deb(stage_deb(frozen, python, version, arch), version, arch))
        elif IS_WIN:
            outputs.append(make_windows_installer(version))
        elif IS_MAC:
            outputs.append(make_dmg(version))
    for out in outputs:
        print(f"{out.relative_to(ROOT)}  {out.stat().st_size / 2**20:.1f} MiB")
    print(f"frozen app: {frozen.relative_to(ROOT)}; built in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
