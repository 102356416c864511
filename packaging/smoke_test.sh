#!/usr/bin/env bash
# Install a built .deb and run the INSTALLED, frozen program the ways a person
# would, so that a module or Qt plugin the freeze left out fails here:
#
#     bash packaging/smoke_test.sh dist/neural-playground_<version>_<arch>.deb [--keep]
#
# As root with apt: a real `apt-get install ./the.deb` (which also proves the
# Depends resolve), the checks, then `apt-get purge` (proves postrm), unless
# --keep.  Otherwise, or if apt cannot install it: `dpkg -x` into a temporary
# folder and the same checks on the program there.  Exits non-zero on any failure.
set -euo pipefail

deb="${1:?usage: smoke_test.sh PATH.deb [--keep]}"
keep="${2:-}"
[ -f "$deb" ] || { echo "smoke_test: no such file: $deb" >&2; exit 2; }
deb="$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")"
pkg="$(dpkg-deb -f "$deb" Package)"
version="$(dpkg-deb -f "$deb" Version)"

work="$(mktemp -d)"
installed_with_apt=""
cleanup() {
    if [ -n "$installed_with_apt" ] && [ "$keep" != "--keep" ]; then
        apt-get purge -y -qq "$pkg" >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
# A person's PATH, not a virtual environment's, which may hold a `neural-playground`
# installed from source (.ci/run's does); and nothing here may read or write the
# person's (or CI's) own settings.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
unset PYTHONPATH PYTHONHOME
export HOME="$work/home" XDG_CONFIG_HOME="$work/config" XDG_RUNTIME_DIR="$work/run"
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"

checks=0
step() { echo "== smoke test: $*"; checks=$((checks + 1)); }
fail() { echo "smoke_test: FAILED: $*" >&2; exit 1; }

# --- install ---------------------------------------------------------------------
prefix=""
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    step "apt-get install $deb"
    # A fresh machine may have no package lists yet; a failed update is not
    # fatal (the lists may be recent enough), a failed install falls back.
    apt-get update -qq >/dev/null 2>&1 || echo "smoke_test: apt-get update failed; trying anyway"
    # --reinstall: the same version left installed by an earlier run is replaced too
    if DEBIAN_FRONTEND=noninteractive apt-get install --reinstall -y -qq "$deb" \
        >"$work/apt.log" 2>&1; then
        installed_with_apt=1
    else
        tail -n 20 "$work/apt.log" >&2
        echo "smoke_test: apt-get could not install it; falling back to dpkg -x" >&2
    fi
fi
if [ -z "$installed_with_apt" ]; then
    step "dpkg -x $deb (not installed system-wide: no menu or file-type checks)"
    prefix="$work/root"
    dpkg-deb -x "$deb" "$prefix"
fi
opt="$prefix/opt/neural-playground"
if [ -n "$installed_with_apt" ]; then
    app="neural-playground"  # found on the PATH, through /usr/bin, as a person would
    [ "$(command -v neural-playground)" = /usr/bin/neural-playground ] \
        || fail "neural-playground is not /usr/bin/neural-playground on the PATH"
else
    app="$opt/neural-playground"
fi

# --- the files around the program ------------------------------------------------
step "installed files"
for f in usr/share/applications/neural-playground.desktop \
         usr/share/mime/packages/neural-playground.xml \
         usr/share/icons/hicolor/scalable/apps/neural-playground.svg \
         usr/share/icons/hicolor/48x48/apps/neural-playground.png \
         usr/share/icons/hicolor/256x256/apps/neural-playground.png; do
    [ -s "$prefix/$f" ] || fail "missing /$f"
done
if command -v desktop-file-validate >/dev/null; then
    desktop-file-validate "$prefix/usr/share/applications/neural-playground.desktop" \
        || fail "the .desktop file does not validate"
fi
if [ -n "$installed_with_apt" ] && command -v update-mime-database >/dev/null; then
    # postinst (or shared-mime-info's trigger) ran update-mime-database
    grep -q '^[0-9]*:application/x-neural-playground:\*\.playground' /usr/share/mime/globs2 \
        || fail ".playground is not registered in /usr/share/mime/globs2"
    grep -q '^[0-9]*:application/x-neural-playground-lesson:\*\.lesson' /usr/share/mime/globs2 \
        || fail ".lesson is not registered in /usr/share/mime/globs2"
fi
if [ -n "$installed_with_apt" ] && command -v update-desktop-database >/dev/null; then
    # ...and update-desktop-database made the app the handler of that type
    grep -q '^application/x-neural-playground=.*neural-playground\.desktop' \
        /usr/share/applications/mimeinfo.cache \
        || fail "the app is not the handler of .playground files (mimeinfo.cache)"
fi

step "every bundled library resolves (the Depends are complete)"
# The bootloader puts _internal on the library path at run time; so does this.
missing="$(find "$opt" -type f -name '*.so*' -print0 \
    | LD_LIBRARY_PATH="$opt/_internal" xargs -0 -n 50 ldd 2>/dev/null \
    | grep 'not found' | sort -u || true)"
[ -z "$missing" ] || fail "libraries not found:"$'\n'"$missing"

# --- the program -----------------------------------------------------------------
cd "$work"
step "$app --version"
out="$("$app" --version)"
# Debian spells pre-releases with '~' (0.2.0~rc1 is 0.2.0rc1): compare without '~' and '.'
norm() { printf '%s' "$1" | tr -d '~.'; }
[ "$(norm "$out")" = "$(norm "neural-playground $version")" ] \
    || fail "--version said '$out', expected '$version'"

step "headless train, export .safetensors and .onnx, predict from both"
"$app" train --dataset xor --features x1,x2,x1x2 --epochs 100 --seed 3 --quiet \
    --export model.safetensors --export model.onnx --export-data points.csv
for f in model.safetensors model.onnx points.csv; do [ -s "$f" ] || fail "train did not write $f"; done
"$app" predict model.safetensors points.csv -o from-safetensors.csv
"$app" predict model.onnx points.csv -o from-onnx.csv
rows="$(($(wc -l <points.csv) - 1))"
[ "$(($(wc -l <from-onnx.csv) - 1))" = "$rows" ] || fail "predict wrote the wrong number of rows"
cmp -s from-safetensors.csv from-onnx.csv || fail "the .safetensors and .onnx predictions differ"
"$app" inspect model.onnx >/dev/null

step "the window, offscreen: --self-test"
QT_QPA_PLATFORM=offscreen timeout 180 "$app" --self-test shot.png \
    || fail "--self-test (offscreen) failed"
[ "$(head -c 4 shot.png | od -An -c | tr -d ' ')" = "211PNG" ] || fail "shot.png is not a PNG"

if command -v xvfb-run >/dev/null; then
    # A real X server: proves the xcb platform plugin and its system libraries.
    step "the window on X11 (Xvfb): --self-test"
    QT_QPA_PLATFORM=xcb timeout 180 xvfb-run -a -s "-screen 0 1600x1000x24" \
        "$app" --self-test shot-x11.png || fail "--self-test (xcb under Xvfb) failed"
else
    echo "smoke_test: no xvfb-run: the X11 window check is skipped"
fi

# --- remove ----------------------------------------------------------------------
if [ -n "$installed_with_apt" ] && [ "$keep" != "--keep" ]; then
    step "apt-get purge $pkg"
    apt-get purge -y -qq "$pkg" >/dev/null
    installed_with_apt=""
    [ ! -e /usr/bin/neural-playground ] && [ ! -e /opt/neural-playground ] \
        || fail "files left behind after removal"
    if command -v update-mime-database >/dev/null; then
        ! grep -q 'application/x-neural-playground' /usr/share/mime/globs2 \
            || fail ".playground still registered after removal"
    fi
fi
echo "smoke_test: all $checks checks passed ($pkg $version)"
