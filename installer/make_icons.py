"""Make every icon the installers need from ONE source image in resources/icons/.

The source is ``resources/icons/cnaps-desktop.svg`` (drawn with Qt's SVG renderer) or a square
PNG of at least 1024 px beside it. Out come (in installer/build/icons/ unless told otherwise):

- ``cnaps-desktop.ico``   Windows: 16, 24, 32, 48, 64, 128 and 256 px in one file
- ``cnaps-desktop.icns``  macOS: 16 to 1024 px (Retina sizes included)
- ``hicolor/NxN/apps/cnaps-desktop.png``  Linux: the freedesktop icon-theme sizes, 16 to 512 px

Usage: ``python installer/make_icons.py [--source FILE] [--out DIR]``. The spec runs it when the
icons are missing or older than the source.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from io import BytesIO
from pathlib import Path

from PIL import Image

REPO_ROOT = Path(__file__).resolve().parent.parent
ICON_NAME = "cnaps-desktop"
SOURCE_NAMES = (f"{ICON_NAME}.svg", f"{ICON_NAME}.png")
DEFAULT_OUT = REPO_ROOT / "installer" / "build" / "icons"
MASTER_SIZE = 1024
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)
HICOLOR_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def default_source() -> Path:
    """The one source image in resources/icons/, found through the bundle locator."""
    sys.path.insert(0, str(REPO_ROOT))
    from cnaps_desktop.resources import resource_path

    candidates = [resource_path("icons", name) for name in SOURCE_NAMES]
    found = next((p for p in candidates if p.is_file()), None)
    if found is None:
        raise FileNotFoundError(
            f"no icon source: expected {candidates[0]} (or a 1024 px {candidates[1].name})."
        )
    return found


def icon_outputs(out_dir: Path) -> dict[str, Path]:
    return {
        "ico": out_dir / f"{ICON_NAME}.ico",
        "icns": out_dir / f"{ICON_NAME}.icns",
        **{
            f"png{size}": out_dir / "hicolor" / f"{size}x{size}" / "apps" / f"{ICON_NAME}.png"
            for size in HICOLOR_SIZES
        },
    }


def up_to_date(source: Path, out_dir: Path) -> bool:
    outputs = icon_outputs(out_dir).values()
    return all(p.is_file() and p.stat().st_mtime >= source.stat().st_mtime for p in outputs)


def make_icons(source: Path, out_dir: Path) -> dict[str, Path]:
    """Write the .ico, the .icns and the hicolor PNGs from ``source``; returns their paths."""
    master = load_master(source)
    outputs = icon_outputs(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    sized = {size: resized(master, size) for size in {*ICO_SIZES, *ICNS_SIZES, *HICOLOR_SIZES}}
    largest_ico = sized[ICO_SIZES[-1]]
    largest_ico.save(
        outputs["ico"],
        format="ICO",
        sizes=[(s, s) for s in ICO_SIZES],
        append_images=[sized[s] for s in ICO_SIZES[:-1]],
    )
    master.save(outputs["icns"], format="ICNS", append_images=[sized[s] for s in ICNS_SIZES[:-1]])
    for size in HICOLOR_SIZES:
        path = outputs[f"png{size}"]
        path.parent.mkdir(parents=True, exist_ok=True)
        sized[size].save(path, format="PNG")
    return outputs


def load_master(source: Path) -> Image.Image:
    """The source as a square RGBA image of MASTER_SIZE px."""
    if source.suffix.lower() == ".svg":
        return render_svg(source, MASTER_SIZE)
    image = Image.open(source)
    image.load()
    if image.width != image.height or image.width < MASTER_SIZE:
        raise ValueError(
            f"{source} is {image.width}x{image.height}; expected a square PNG of at least "
            f"{MASTER_SIZE} px (or an SVG)."
        )
    return resized(image.convert("RGBA"), MASTER_SIZE)


def render_svg(source: Path, size: int) -> Image.Image:
    """Draw an SVG at ``size`` x ``size`` px with Qt (offscreen), keeping its transparency."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(source))
    if not renderer.isValid():
        raise ValueError(f"{source} is not an SVG image Qt can draw.")
    canvas = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    canvas.fill(0)
    painter = QPainter(canvas)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    canvas.save(buffer, "PNG")
    buffer.close()
    image = Image.open(BytesIO(bytes(data.data())))
    image.load()
    return image.convert("RGBA")


def resized(image: Image.Image, size: int) -> Image.Image:
    if image.size == (size, size):
        return image.copy()
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, help="the source image (default: resources/icons)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument("--force", action="store_true", help="remake even when up to date")
    args = parser.parse_args(argv)
    source = args.source or default_source()
    if not args.force and up_to_date(source, args.out):
        print(f"icons in {args.out} are up to date with {source}")
        return 0
    outputs = make_icons(source, args.out)
    print(f"made {len(outputs)} icon files in {args.out} from {source}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
