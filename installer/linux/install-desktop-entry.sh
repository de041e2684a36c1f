#!/bin/sh
# Add CNAPS Desktop to your applications menu (for you alone; no root needed), with its icon and
# "Open with CNAPS Desktop" for photos and videos. Run it from the unpacked folder:
#
#     ./install-desktop-entry.sh            add the menu entry
#     ./install-desktop-entry.sh --remove   take it away again (the app folder stays as it is)
#
# Your models live in your own data folder and are never touched by this script.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
entry=$data/applications/cnaps-desktop.desktop
exe=$here/cnaps-desktop/cnaps-desktop

refresh_caches() {
    if command -v update-desktop-database >/dev/null 2>&1; then
        update-desktop-database "$data/applications" >/dev/null 2>&1 || true
    fi
    if command -v gtk-update-icon-cache >/dev/null 2>&1; then
        gtk-update-icon-cache -q -t "$data/icons/hicolor" >/dev/null 2>&1 || true
    fi
}

if [ "${1:-}" = "--remove" ]; then
    rm -f "$entry"
    for size_dir in "$here"/icons/*/; do
        rm -f "$data/icons/hicolor/$(basename "$size_dir")/apps/cnaps-desktop.png"
    done
    refresh_caches
    echo "Removed the CNAPS Desktop menu entry."
    exit 0
fi

if [ ! -x "$exe" ]; then
    echo "error: $exe is missing; run this script from the unpacked CNAPS Desktop folder." >&2
    exit 1
fi
for size_dir in "$here"/icons/*/; do
    size=$(basename "$size_dir")
    mkdir -p "$data/icons/hicolor/$size/apps"
    cp "$size_dir/apps/cnaps-desktop.png" "$data/icons/hicolor/$size/apps/cnaps-desktop.png"
done
mkdir -p "$data/applications"
sed -e "s|^Exec=.*|Exec=\"$exe\" %F|" -e "s|^TryExec=.*|TryExec=$exe|" \
    "$here/cnaps-desktop.desktop" >"$entry"
refresh_caches
echo "Added CNAPS Desktop to your applications menu ($entry)."
