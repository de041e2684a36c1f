"""Export a before/after comparison to share: side by side (PNG, JPEG) or an animated wipe (GIF,
MP4), chosen by the file's suffix.

The file is written to a temporary file in the target folder and renamed into place
(:func:`~cnaps_desktop.engine.files.atomic_writer`), so a failed export leaves no half-written
file, and it gets a normal file's mode under the umask. A path that is one of the comparison's
inputs is refused: an export never replaces a photo.

Animations are made smaller than the pictures when those are large: a GIF holds 256 colours per
frame and compresses poorly, and an MP4 larger than about 1080p plays badly on phones and takes
long to encode on a laptop CPU.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from fractions import Fraction
from pathlib import Path
from typing import BinaryIO

import numpy as np

from cnaps_desktop.engine.compare.frames import (
    DIVIDER_CORE,
    DIVIDER_EDGE,
    side_by_side,
    wipe_frame,
    wipe_positions,
    with_label,
)
from cnaps_desktop.engine.compare.pair import resized_to, rgb8
from cnaps_desktop.engine.errors import OutputError
from cnaps_desktop.engine.files import atomic_writer, normal_file_mode

#: Suffix -> what is written.
COMPARISON_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF", ".mp4": "MP4"}
#: One sweep of the divider, right to left and back.
WIPE_SECONDS = 3.0
#: GIF counts time in hundredths of a second: 20 frames a second is exactly 5 each.
GIF_FRAME_RATE = 20
MP4_FRAME_RATE = 30
#: Longest side of an animation's frames; larger pictures are reduced (area averaging).
GIF_LONG_SIDE = 800
MP4_LONG_SIDE = 1920
#: GIF palette: picture colours, then the divider's edge and core.
_GIF_PICTURE_COLOURS = 254
_GIF_EDGE_INDEX, _GIF_CORE_INDEX = 254, 255
#: Side-by-side JPEG quality (Pillow's scale), as for restored photos.
_JPEG_QUALITY = 95
#: x264 quality (lower is better; 18-23 is visually lossless to good) and speed.
_MP4_CRF = "20"
_MP4_PRESET = "veryfast"


def export_comparison(
    path: str | Path,
    before: np.ndarray,
    after: np.ndarray,
    *,
    inputs: Iterable[str | Path] = (),
    labels: bool = True,
) -> Path:
    """Write ``before`` and ``after`` to ``path`` as the suffix says; return the path written.

    ``before`` and ``after`` are the pictures as shown (H x W or H x W x C; uint8, uint16 or
    float 0-1; alpha is left out); a smaller before of the same aspect ratio (an upscaler's input)
    is resized to the after's size. ``inputs`` are the files the pictures came from: writing onto
    any of them is refused. ``labels`` draws small "Before" and "After" captions.

    Raises :class:`~cnaps_desktop.engine.errors.OutputError` with one sentence naming the file.
    """
    path = Path(path).expanduser()
    kind = COMPARISON_FORMATS.get(path.suffix.lower())
    if kind is None:
        raise OutputError(
            f"{path.name} has no comparison format; expected .png or .jpg (side by side), "
            ".gif or .mp4 (animated wipe).",
            path=path,
        )
    refuse_inputs(path, inputs)
    after_rgb = rgb8(after, "after")
    before_rgb = resized_to(rgb8(before, "before"), after_rgb.shape[:2])
    if kind == "MP4":
        _check_h264(path)
    with atomic_writer(path, mode=normal_file_mode()) as file:
        if kind == "GIF":
            write_wipe_gif(file, before_rgb, after_rgb, labels)
        elif kind == "MP4":
            write_wipe_mp4(file, before_rgb, after_rgb, labels, path)
        else:
            write_side_by_side(file, before_rgb, after_rgb, labels, kind)
    return path


def refuse_inputs(path: Path, inputs: Iterable[str | Path]) -> None:
    """Raise :class:`OutputError` when ``path`` is (or links to) one of ``inputs``."""
    target = path.resolve()
    for given in inputs:
        source = Path(given).expanduser()
        same = source.resolve() == target
        if not same and target.exists() and source.exists():
            with contextlib.suppress(OSError):  # a hard link to the input is the input too
                same = source.samefile(target)
        if same:
            raise OutputError(
                f"{path.name} is an input of this comparison; choose another file name so the "
                "input is kept.",
                path=path,
            )


def write_side_by_side(
    file: BinaryIO, before: np.ndarray, after: np.ndarray, labels: bool, pil_format: str
) -> None:
    """before | after as a PNG or JPEG (``pil_format``) at the pictures' own size."""
    from PIL import Image as PILImage

    picture = PILImage.fromarray(side_by_side(before, after, labels))
    options = {"quality": _JPEG_QUALITY} if pil_format == "JPEG" else {}
    picture.save(file, format=pil_format, **options)


def write_wipe_gif(file: BinaryIO, before: np.ndarray, after: np.ndarray, labels: bool) -> None:
    """An endlessly looping GIF of the wipe (frames at most GIF_LONG_SIDE)."""
    from PIL import Image as PILImage

    before, after = reduced(before, GIF_LONG_SIDE), reduced(after, GIF_LONG_SIDE)
    if labels:
        before, after = with_label(before, "Before", "left"), with_label(after, "After", "right")
    # One palette for both pictures, each quantized (and dithered) once: every frame is then
    # cut from the same two index pictures, so nothing flickers between frames.
    both = PILImage.fromarray(np.concatenate([before, after], axis=1))
    palette_picture = both.quantize(colors=_GIF_PICTURE_COLOURS)
    before_indices = np.asarray(PILImage.fromarray(before).quantize(palette=palette_picture))
    after_indices = np.asarray(PILImage.fromarray(after).quantize(palette=palette_picture))
    palette = palette_picture.getpalette() or []
    palette = palette[: 3 * _GIF_PICTURE_COLOURS]
    palette += [0] * (3 * _GIF_PICTURE_COLOURS - len(palette)) + [*DIVIDER_EDGE, *DIVIDER_CORE]
    height, width = after_indices.shape
    frames = []
    for x in wipe_positions(width, round(WIPE_SECONDS * GIF_FRAME_RATE)):
        indices = wipe_frame(before_indices, after_indices, x, _GIF_CORE_INDEX, _GIF_EDGE_INDEX)
        frame = PILImage.frombytes("P", (width, height), indices.tobytes())
        frame.putpalette(palette)
        frames.append(frame)
    frames[0].save(
        file,
        format="GIF",
        save_all=True,
        append_images=frames[1:],
        duration=1000 // GIF_FRAME_RATE,
        loop=0,
    )


def write_wipe_mp4(
    file: BinaryIO, before: np.ndarray, after: np.ndarray, labels: bool, path: Path
) -> None:
    """An H.264 MP4 (yuv420p, BT.709, even size) of the wipe; ``path`` names it in errors."""
    import av

    before, after = reduced(before, MP4_LONG_SIDE), reduced(after, MP4_LONG_SIDE)
    # 4:2:0 chroma needs even sizes: drop the last row or column rather than stretch.
    height, width = after.shape[0] // 2 * 2, after.shape[1] // 2 * 2
    if height == 0 or width == 0:
        raise OutputError(
            f"{path.name} cannot be written: an MP4 needs at least 2x2 pixels.", path=path
        )
    before, after = before[:height, :width], after[:height, :width]
    if labels:
        before, after = with_label(before, "Before", "left"), with_label(after, "After", "right")
    try:
        with av.open(file, mode="w", format="mp4") as container:
            stream = container.add_stream("libx264", rate=MP4_FRAME_RATE)
            stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
            stream.options = {"crf": _MP4_CRF, "preset": _MP4_PRESET}
            # Say what the frames hold: the BT.709 matrix, primaries and transfer (those of sRGB
            # photos) in limited range, as converted below; players guess untagged video apart.
            context, bt709, limited_range = stream.codec_context, 1, 1
            context.color_primaries = context.color_trc = context.colorspace = bt709
            context.color_range = limited_range
            positions = wipe_positions(width, round(WIPE_SECONDS * MP4_FRAME_RATE))
            for number, x in enumerate(positions):
                rgb = wipe_frame(before, after, x, DIVIDER_CORE, DIVIDER_EDGE)
                frame = av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(
                    format="yuv420p",
                    dst_colorspace="ITU709",
                    src_color_range="JPEG",
                    dst_color_range="MPEG",
                )
                frame.pts, frame.time_base = number, Fraction(1, MP4_FRAME_RATE)
                container.mux(stream.encode(frame))
            container.mux(stream.encode(None))
    except av.FFmpegError as error:
        raise OutputError(
            f"{path.name} cannot be written: the H.264 encoder refused these frames "
            f"({width}x{height}).",
            path=path,
        ) from error


def _check_h264(path: Path) -> None:
    import av

    if "libx264" not in av.codecs_available:
        raise OutputError(
            f"{path.name} cannot be written: this PyAV build has no H.264 encoder (libx264); "
            "export a GIF instead.",
            path=path,
        )


def reduced(rgb: np.ndarray, long_side: int) -> np.ndarray:
    """``rgb`` reduced (area averaging) so its longer side is at most ``long_side``."""
    import cv2

    height, width = rgb.shape[:2]
    scale = long_side / max(height, width)
    if scale >= 1.0:
        return rgb
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
