#!/usr/bin/env bash
# Build crmdesk as a one-folder app in dist/crmdesk (Linux), with PyInstaller.
#
#   build_spec/build.sh              # what `make dist` runs
#   build_spec/build.sh --archive    # also dist/crmdesk-<version>-linux-<arch>.tar.gz
#   PYTHON=/path/to/python build_spec/build.sh   # another environment (default .venv)
#
# The environment needs crmdesk and its `build` extra: pip install -e '.[build]'.
# Run dist/crmdesk/crmdesk --self-test afterwards (make dist-check does, and more).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-.venv/bin/python}"
ARCHIVE=0
for arg in "$@"; do
  case "$arg" in
    --archive) ARCHIVE=1 ;;
    *) echo "build.sh: unknown option $arg (--archive)" >&2; exit 2 ;;
  esac
done
if ! "$PYTHON" -c "import PyInstaller" 2>/dev/null; then
  echo "build.sh: PyInstaller is missing; run: $PYTHON -m pip install -e '.[build]'" >&2
  exit 2
fi

started=$(date +%s)
rm -rf dist/crmdesk
"$PYTHON" -m PyInstaller --noconfirm --log-level WARN \
  --distpath dist --workpath build/pyinstaller build_spec/crmdesk.spec

internal=dist/crmdesk/_internal
# A Python built from source (pyenv, CI) keeps its debug symbols: about 30 MB that no one
# needs in an app. Only the interpreter's own files are stripped; the wheels' libraries
# (Qt, numpy, libpq) are left exactly as their makers built them.
if command -v strip >/dev/null; then
  for lib in "$internal"/libpython3*.so* "$internal"/python3*/lib-dynload/*.so; do
    [ -f "$lib" ] && strip --strip-debug "$lib"
  done
fi

# Desktop integration for Linux: the icon and an installer for the menu entry.
cp resources/app/crmdesk-256.png dist/crmdesk/crmdesk.png
cp build_spec/linux/install-desktop-entry.sh dist/crmdesk/
chmod +x dist/crmdesk/install-desktop-entry.sh

version=$(dist/crmdesk/crmdesk --version | awk '{print $2}')
elapsed=$(( $(date +%s) - started ))
size=$(du -sh dist/crmdesk | cut -f1)
echo "build.sh: dist/crmdesk (crmdesk $version): $size, built in ${elapsed} s"

if [ "$ARCHIVE" = 1 ]; then
  name="crmdesk-$version-linux-$(uname -m).tar.gz"
  tar -C dist -czf "dist/$name" crmdesk
  echo "build.sh: dist/$name ($(du -sh "dist/$name" | cut -f1))"
fi
