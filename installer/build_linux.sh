#!/usr/bin/env bash
# Build the Linux bundle of CNAPS Desktop and prove that it works, in one command:
#
#     installer/build_linux.sh
#
# 1. Picks the Python to build with: $PYTHON if set, else the active virtual environment, else
#    ./.venv; if none exists it makes installer/build/venv and installs the app into it with
#    the CPU build of torch ($TORCH_INDEX_URL picks another, e.g. a CUDA one).
#    The bundle carries whatever torch that Python has; the build records which.
# 2. Makes the icons from resources/icons/ and runs PyInstaller on installer/cnaps_desktop.spec
#    (onedir bundle in installer/dist/cnaps-desktop/).
# 3. Packs installer/dist/cnaps-desktop-VERSION-linux-ARCH-FLAVOUR.tar.gz: the bundle, a .desktop
#    file, the icons and install-desktop-entry.sh (adds the menu entry for one user).
# 4. Runs the bundle's --self-test from an empty folder with a clean environment, and writes
#    installer/dist/linux-build-record.md (torch build, sizes, build time, self-test output).
#
# Exit status: 0 only when the build and the self-test both passed.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
build_dir=installer/build
dist_dir=installer/dist
mkdir -p "$build_dir" "$dist_dir"

# ------------------------------------------------------------------ 1. the Python to build with
if [[ -n "${PYTHON:-}" ]]; then
    python=$PYTHON
elif [[ -n "${VIRTUAL_ENV:-}" ]]; then
    python=$VIRTUAL_ENV/bin/python
elif [[ -x .venv/bin/python ]]; then
    python=.venv/bin/python
else
    python=$build_dir/venv/bin/python
    if [[ ! -x $python ]]; then
        echo "== making $build_dir/venv with the app and the CPU build of torch"
        python3 -m venv "$build_dir/venv"
        "$python" -m pip install --quiet --upgrade pip
        "$python" -m pip install --quiet torch \
            --index-url "${TORCH_INDEX_URL:-https://download.pytorch.org/whl/cpu}"
        "$python" -m pip install --quiet -e ".[installer]"
    fi
fi
# spandrel is found, not imported: importing it first needs engine/registry.py's torchvision fix.
if ! "$python" -c "import torch, PySide6, av, pillow_heif, cv2, importlib.util as u
assert u.find_spec('spandrel')" 2>/dev/null; then
    echo "error: $python lacks the app's libraries; install them with" \
        "\`$python -m pip install -e '.[installer]'\` (after the torch build you want)." >&2
    exit 2
fi
if ! "$python" -c "import PyInstaller" 2>/dev/null; then
    echo "== installing PyInstaller (the 'installer' extra of pyproject.toml)"
    "$python" -m pip install --quiet "pyinstaller>=6.6"
fi

version=$("$python" installer/bundle_plan.py version 2>/dev/null)
arch=$(uname -m)
torch_build=$("$python" -c 'import torch; print(torch.__version__)')
torch_flavour=$("$python" -c 'import torch
print("cu" + torch.version.cuda.replace(".", "") if torch.version.cuda else "cpu")')
pyinstaller_version=$("$python" -c 'import PyInstaller; print(PyInstaller.__version__)')
name=cnaps-desktop-$version-linux-$arch-$torch_flavour
echo "== building $name with torch $torch_build, PyInstaller $pyinstaller_version"

# ------------------------------------------------------------------------- 2. icons and bundle
"$python" installer/make_icons.py --out "$build_dir/icons"
started=$(date +%s)
"$python" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$dist_dir" --workpath "$build_dir/pyinstaller" installer/cnaps_desktop.spec
built=$(date +%s)
bundle=$dist_dir/cnaps-desktop

# ------------------------------------------------------------------------------- 3. the tar.gz
stage=$build_dir/stage/$name
rm -rf "$build_dir/stage"
mkdir -p "$stage"
cp -al "$bundle" "$stage/cnaps-desktop"  # hard links: no second copy of 1+ GB
cp -a "$build_dir/icons/hicolor" "$stage/icons"
"$python" installer/bundle_plan.py desktop-entry "$stage/cnaps-desktop.desktop" \
    --exec cnaps-desktop 2>/dev/null
cp installer/linux/install-desktop-entry.sh "$stage/"
chmod +x "$stage/install-desktop-entry.sh"
tarball=$dist_dir/$name.tar.gz
tar -C "$build_dir/stage" -czf "$tarball" "$name"
rm -rf "$build_dir/stage"
packed=$(date +%s)

# ------------------------------------------------------------------------------ 4. self-test
# From an empty folder and without the build's Python on any path, so nothing but the bundle
# can answer; no display, so the window opens offscreen.
selftest_log=$build_dir/self-test.txt
scratch=$(mktemp -d)
set +e
(cd "$scratch" && env -i PATH=/usr/bin:/bin HOME="$scratch" LANG=C.UTF-8 \
    "$repo/$bundle/cnaps-desktop" --self-test) >"$selftest_log" 2>"$build_dir/self-test-stderr.txt"
selftest_status=$?
set -e
rm -rf "$scratch"
tested=$(date +%s)
cat "$selftest_log"

bundle_mb=$(du -sm "$bundle" | cut -f1)
tarball_mb=$(du -m "$tarball" | cut -f1)
record=$dist_dir/linux-build-record.md
{
    echo "Linux build of $(git log -1 --format='%h (%cs)' 2>/dev/null || echo 'this checkout')," \
        "on $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "- machine: $(nproc) CPU cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- \
        | sed 's/^ *//')), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)" \
        "RAM; load average before the build $load_before"
    echo "- python $("$python" -c 'import platform; print(platform.python_version())'), torch" \
        "$torch_build ($torch_flavour), PyInstaller $pyinstaller_version"
    echo "- bundle installer/dist/cnaps-desktop: $bundle_mb MB; $name.tar.gz: $tarball_mb MB"
    echo "- PyInstaller build $((built - started)) s; packing $((packed - built)) s;" \
        "self-test $((tested - packed)) s"
    echo "- self-test exit status: $selftest_status"
    echo
    echo '```'
    cat "$selftest_log"
    echo '```'
} >"$record"
echo "== record written to $record"
cat "$record"
if [[ $selftest_status -ne 0 ]]; then
    echo "self-test FAILED (exit $selftest_status); its stderr is in" \
        "$build_dir/self-test-stderr.txt" >&2
    exit 1
fi
