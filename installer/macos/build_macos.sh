#!/usr/bin/env bash
# Build the macOS app of CNAPS Desktop (Apple Silicon; torch uses the GPU through MPS) and its
# .dmg, and prove that they work:
#
#     installer/macos/build_macos.sh
#
# 1. PyInstaller: installer/dist/CNAPS Desktop.app (Info.plist: document types for images and
#    video, high resolution, dark mode; see installer/bundle_plan.py), then its --self-test.
# 2. installer/macos/make_dmg.sh: installer/dist/CNAPS-Desktop-VERSION-macos-ARCH.dmg, signed and
#    notarised when the environment asks for it, then the app on the mounted .dmg is self-tested.
#
# Environment: PYTHON (default python3), and for signing and notarisation the variables that
# make_dmg.sh and cnaps_desktop.spec document (MACOS_CODESIGN_IDENTITY, APPLE_*).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$repo"
python=${PYTHON:-python3}
"$python" -c "import PyInstaller, torch, PySide6, av, pillow_heif, importlib.util as u
assert u.find_spec('spandrel')" || {
    echo "error: install the app and PyInstaller first: $python -m pip install -e '.[installer]'" >&2
    exit 2
}
version=$("$python" installer/bundle_plan.py version)
arch=$(uname -m)
echo "== CNAPS Desktop $version for macOS $arch, torch $("$python" -c 'import torch; print(torch.__version__)')"

"$python" installer/make_icons.py --out installer/build/icons
"$python" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath installer/dist --workpath installer/build/pyinstaller installer/cnaps_desktop.spec
app="installer/dist/CNAPS Desktop.app"
"$app/Contents/MacOS/cnaps-desktop" --self-test
if [[ -n "${MACOS_CODESIGN_IDENTITY:-}" ]]; then
    codesign --verify --deep --strict --verbose=2 "$app"
fi
echo "== app: $(du -sm "$app" | cut -f1) MB"

dmg="installer/dist/CNAPS-Desktop-$version-macos-$arch.dmg"
installer/macos/make_dmg.sh "$app" "$dmg"

# The app as people get it: from the (signed, notarised) disk image.
mount_point=$(mktemp -d)
hdiutil attach -nobrowse -readonly -mountpoint "$mount_point" "$dmg" >/dev/null
trap 'hdiutil detach "$mount_point" -force >/dev/null 2>&1 || true' EXIT
"$mount_point/CNAPS Desktop.app/Contents/MacOS/cnaps-desktop" --self-test
echo "== $dmg: $(du -m "$dmg" | cut -f1) MB, self-tested from the mounted image"
