"""Scratches: long, thin, roughly straight ridges that are not the picture's own structure.

A scratch on a print is a line 1-3 px wide, brighter (or darker) than *both* of its sides, long
compared with the picture, and alone. Photos are full of thin lines too (wires, twigs, frames,
horizons, printed rules, mortar, wood grain), so a line must pass every test below to count:

1. **Ridge pixels** (Steger, "An unbiased detector of curvilinear structures", IEEE PAMI 20(2),
   1998): the Hessian at a 1 px scale has one large eigenvalue across a line and a small one
   along it. Each candidate must also stand out from both sides, sampled 4 px away across the
   line: a ridge, not an edge (an edge is darker on one side only).
2. **Straight pieces**: the probabilistic Hough transform (Matas, Galambos and Kittler, "Robust
   detection of lines using the progressive probabilistic Hough transform", CVIU 78(1), 2000) on
   each polarity's ridge pixels; collinear pieces with short gaps are joined into lines.
3. **Along the whole line**, on the pixels themselves (averaged in 5 px blocks along the line, so
   grain averages out): the median contrast against both sides, the width at half height, how
   much of the length is a ridge, and whether the two sides match (a scratch crosses the picture;
   the edge of a thin object separates two different things).
4. **Structure is rejected**: lines within 3 degrees of level or plumb (horizons, frames, shelves,
   text lines), and lines with more than one parallel piece elsewhere in the picture (printed
   rules, mortar, wood grain, blinds, cables).

Thresholds were tuned on scratches drawn on the sharp photos of ``shared/data/train_sharp`` (see
BENCHMARKS.md, "Photo diagnosis"): precision first, so many short or faint scratches are missed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

RIDGE_SCALE = 1.0  # px: the Gaussian scale of the Hessian, for lines 1-3 px wide
SIDE_OFFSET = 4.0  # px across the line where its sides are sampled
CANDIDATE_CONTRAST = 12.0  # 8-bit levels a ridge pixel must stand above (below) both sides
#: |Hessian eigenvalue| across a line, at least: a ridge 1-3 px wide gives about 1.3-1.5 per
#: level of contrast at RIDGE_SCALE (OpenCV's 3x3 Sobel), so this keeps ridges of ~9 levels up.
MIN_CURVATURE = 12.0
MIN_CONTRAST = 20.0  # levels: the median contrast of a whole scratch, at least ...
NOISE_CONTRAST = 4.0  # ... and this many noise sigmas
MIN_LENGTH = 0.3  # of the picture's long side
MAX_WIDTH = 4  # px at half height
MIN_COVERAGE = 0.6  # share of the length that is a ridge
MAX_SIDE_MISMATCH = 0.35  # |left - right| over the contrast: sides of a scratch match
MAX_PARALLELS = 1  # more parallel pieces than this make a family: structure, not damage
AXIS_MARGIN_DEG = 3.0  # lines this close to level or plumb are horizons and frames
PIECE_LENGTH = 0.05  # of the long side: the shortest straight piece the Hough step keeps
JOIN_GAP = 0.05  # of the long side: the longest gap joined between collinear pieces
JOIN_OFFSET = 3.0  # px: how far off each other's line two joined pieces may lie
PARALLEL_DEG = 5.0
PARALLEL_OFFSET = 6.0  # px: a parallel piece lies at least this far off the line
MAX_PIECES = 600  # more straight pieces than this: a picture of lines (text, fabric, grass)
_BLOCK = 5  # px along the line averaged into one profile
_HALF = 7  # px each side of the line in a profile


@dataclass(frozen=True)
class LineMeasure:
    """What one candidate line looks like along its length."""

    length: float
    contrast: float
    """Median contrast against both sides, 8-bit levels (positive for the line's polarity)."""
    width: float
    """Median width at half height, px."""
    coverage: float
    side_mismatch: float
    """Median |left side - right side| over the contrast."""


def find_scratches(grey: np.ndarray, noise_sigma: float) -> list[np.ndarray]:
    """The scratches ``grey`` (8-bit levels, the working copy) shows, each (x0, y0, x1, y1)."""
    if min(grey.shape) < 8 * _HALF:
        return []
    long_side = max(grey.shape)
    pieces = {polarity: _straight_pieces(mask, long_side) for polarity, mask in _ridges(grey)}
    every_piece = np.concatenate([*pieces.values(), np.zeros((0, 4))])
    if len(every_piece) > MAX_PIECES:
        return []
    min_contrast = max(MIN_CONTRAST, NOISE_CONTRAST * noise_sigma)
    found = []
    for polarity, polarity_pieces in pieces.items():
        for line in _join_collinear(polarity_pieces, long_side):
            if _length(line) < MIN_LENGTH * long_side or _near_axis(line):
                continue
            if _parallel_pieces(line, every_piece) > MAX_PARALLELS:
                continue
            if _looks_like_a_scratch(measure_line(grey, line, polarity), min_contrast):
                found.append(line)
    return found


def measure_line(grey: np.ndarray, line: np.ndarray, polarity: int) -> LineMeasure:
    """Profiles across ``line`` (x0, y0, x1, y1) every px along it; ``polarity`` +1 bright, -1
    dark."""
    strip = _strip(grey, line) * polarity
    blocks = strip.shape[0] // _BLOCK
    if blocks == 0:
        return LineMeasure(_length(line), 0.0, 99.0, 0.0, 99.0)
    # Average along the line in short blocks: grain averages out, the scratch does not.
    profiles = strip[: blocks * _BLOCK].reshape(blocks, _BLOCK, -1).mean(axis=1)
    # The Hough line may sit a pixel or two off the scratch: centre each block on its peak.
    peak = profiles[:, _HALF - 2 : _HALF + 3].argmax(axis=1) + _HALF - 2
    rows = np.arange(blocks)
    centre = profiles[rows, peak]
    left = np.mean([profiles[rows, peak - k] for k in (3, 4, 5)], axis=0)
    right = np.mean([profiles[rows, peak + k] for k in (3, 4, 5)], axis=0)
    contrast = np.minimum(centre - left, centre - right)
    median_contrast = float(np.median(contrast))
    half_height = (left + right) / 2 + 0.5 * (centre - (left + right) / 2)
    window = peak[:, None] + np.arange(-4, 5)[None, :]
    width = (profiles[rows[:, None], window] > half_height[:, None]).sum(axis=1)
    standing = contrast > 0
    return LineMeasure(
        length=_length(line),
        contrast=median_contrast,
        width=float(np.median(width[standing])) if standing.any() else 99.0,
        coverage=float(np.mean(contrast > 0.5 * max(median_contrast, 1e-3))),
        side_mismatch=float(np.median(np.abs(left - right))) / max(median_contrast, 1.0),
    )


def _looks_like_a_scratch(line: LineMeasure, min_contrast: float) -> bool:
    return (
        line.contrast >= min_contrast
        and line.width <= MAX_WIDTH
        and line.coverage >= MIN_COVERAGE
        and line.side_mismatch < MAX_SIDE_MISMATCH
    )


def _ridges(grey: np.ndarray) -> list[tuple[int, np.ndarray]]:
    """[(+1, bright ridge mask), (-1, dark ridge mask)], uint8 0/255."""
    import cv2

    smooth = cv2.GaussianBlur(grey, (0, 0), RIDGE_SCALE)
    xx = cv2.Sobel(smooth, cv2.CV_32F, 2, 0, ksize=3)
    yy = cv2.Sobel(smooth, cv2.CV_32F, 0, 2, ksize=3)
    xy = cv2.Sobel(smooth, cv2.CV_32F, 1, 1, ksize=3)
    # Hessian eigenvalues mean +- root: the larger in size is across the line, the other along.
    mean = cv2.add(xx, yy) * 0.5
    root = cv2.magnitude(cv2.subtract(xx, yy) * 0.5, xy)
    across = cv2.add(cv2.absdiff(mean, 0), root)  # |eigenvalue across|
    along = cv2.absdiff(cv2.absdiff(mean, 0), root)  # |eigenvalue along|
    # Line-like (not a blob, not flat): strong curvature across, little along.
    ys, xs = np.nonzero((across > MIN_CURVATURE) & (along < 0.5 * across))
    # The eigenvector of the larger eigenvalue (mean + root when mean >= 0) is the normal.
    upper_angle = 0.5 * np.arctan2(2 * xy[ys, xs], xx[ys, xs] - yy[ys, xs])
    normal = np.where(mean[ys, xs] >= 0, upper_angle, upper_angle + np.pi / 2)
    # Keep the line's centre only (non-maximum suppression across it, as in Canny's detector):
    # fewer pixels for the Hough step, and the pieces sit on the middle of the line.
    step_x = np.rint(np.cos(normal)).astype(np.intp)
    step_y = np.rint(np.sin(normal)).astype(np.intp)
    height, width = grey.shape
    ahead = across[np.clip(ys + step_y, 0, height - 1), np.clip(xs + step_x, 0, width - 1)]
    behind = across[np.clip(ys - step_y, 0, height - 1), np.clip(xs - step_x, 0, width - 1)]
    centre_line = (across[ys, xs] >= ahead) & (across[ys, xs] >= behind)
    ys, xs, normal = ys[centre_line], xs[centre_line], normal[centre_line]
    nx, ny = SIDE_OFFSET * np.cos(normal), SIDE_OFFSET * np.sin(normal)
    centre = smooth[ys, xs]
    side_a = _bilinear(smooth, xs + nx, ys + ny)
    side_b = _bilinear(smooth, xs - nx, ys - ny)
    bright = np.minimum(centre - side_a, centre - side_b)
    dark = np.minimum(side_a - centre, side_b - centre)
    masks = []
    for polarity, contrast in ((1, bright), (-1, dark)):
        stands_out = contrast > CANDIDATE_CONTRAST
        mask = np.zeros(grey.shape, np.uint8)
        mask[ys[stands_out], xs[stands_out]] = 255
        masks.append((polarity, mask))
    return masks


def _straight_pieces(mask: np.ndarray, long_side: int) -> np.ndarray:
    """Straight runs of ridge pixels, N x 4 (x0, y0, x1, y1)."""
    import cv2

    shortest = max(12, int(PIECE_LENGTH * long_side))
    lines = cv2.HoughLinesP(
        mask, 1, np.pi / 180, threshold=max(10, shortest // 2), minLineLength=shortest, maxLineGap=4
    )
    return np.zeros((0, 4)) if lines is None else lines.reshape(-1, 4).astype(np.float64)


def _join_collinear(pieces: np.ndarray, long_side: int) -> list[np.ndarray]:
    """Join pieces lying on one line with gaps under ``JOIN_GAP`` of the long side."""
    waiting = pieces.copy()
    lines = []
    while len(waiting):
        line, waiting = waiting[-1], waiting[:-1]
        while len(waiting):
            joins = _joinable(line, waiting, JOIN_GAP * long_side)
            if not joins.any():
                break
            line = _span(np.vstack([line[None, :], waiting[joins]]), line)
            waiting = waiting[~joins]
        lines.append(line)
    return lines


def _joinable(line: np.ndarray, others: np.ndarray, max_gap: float) -> np.ndarray:
    """Which of ``others`` (N x 4) are collinear with ``line`` and close to it along it."""
    angles = np.degrees(np.arctan2(-(others[:, 3] - others[:, 1]), others[:, 2] - others[:, 0]))
    difference = np.abs((angles - _angle(line)) % 180.0)
    same_angle = np.minimum(difference, 180.0 - difference) <= 4.0
    others_off_line = np.maximum(_offsets(line, others[:, :2]), _offsets(line, others[:, 2:]))
    line_off_others = np.maximum(
        _offsets_from_each(others, line[:2]), _offsets_from_each(others, line[2:])
    )
    on_line = np.minimum(others_off_line, line_off_others) <= JOIN_OFFSET
    direction = (line[2:] - line[:2]) / max(_length(line), 1e-9)
    start, end = sorted(((line[:2] - line[:2]) @ direction, (line[2:] - line[:2]) @ direction))
    first = (others[:, :2] - line[:2]) @ direction
    second = (others[:, 2:] - line[:2]) @ direction
    gap = np.maximum(np.minimum(first, second) - end, start - np.maximum(first, second))
    return same_angle & on_line & (gap <= max_gap)


def _span(group: np.ndarray, line: np.ndarray) -> np.ndarray:
    """The line from the first to the last of ``group``'s ends along ``line``."""
    ends = np.vstack([group[:, :2], group[:, 2:]])
    along = (ends - line[:2]) @ (line[2:] - line[:2])
    return np.concatenate([ends[np.argmin(along)], ends[np.argmax(along)]])


def _parallel_pieces(line: np.ndarray, pieces: np.ndarray) -> int:
    """Pieces at the line's angle that lie off it: a family of lines is structure."""
    if len(pieces) == 0:
        return 0
    angles = np.degrees(np.arctan2(-(pieces[:, 3] - pieces[:, 1]), pieces[:, 2] - pieces[:, 0]))
    difference = np.abs((angles - _angle(line)) % 180.0)
    same_angle = np.minimum(difference, 180.0 - difference) < PARALLEL_DEG
    middles = (pieces[:, :2] + pieces[:, 2:]) / 2
    return int(np.sum(same_angle & (_offsets(line, middles) > PARALLEL_OFFSET)))


def _near_axis(line: np.ndarray) -> bool:
    angle = _angle(line) % 90.0
    return min(angle, 90.0 - angle) < AXIS_MARGIN_DEG


def _strip(grey: np.ndarray, line: np.ndarray) -> np.ndarray:
    """Samples across ``line``: one row per px along it, 2 * _HALF + 1 columns across."""
    length = _length(line)
    steps = np.linspace(0.0, 1.0, max(2, int(length)))
    unit = (line[2:] - line[:2]) / max(length, 1e-9)
    normal = np.array([-unit[1], unit[0]])
    across = np.arange(-_HALF, _HALF + 1)
    points = line[:2] + steps[:, None, None] * (line[2:] - line[:2])
    points = points + across[None, :, None] * normal
    return _bilinear(grey, points[..., 0], points[..., 1])


def _bilinear(plane: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``plane`` at fractional (x, y), clamped to the picture."""
    height, width = plane.shape
    x = np.clip(x, 0.0, width - 1.001)
    y = np.clip(y, 0.0, height - 1.001)
    x0, y0 = x.astype(np.intp), y.astype(np.intp)
    fx, fy = (x - x0).astype(np.float32), (y - y0).astype(np.float32)
    top = plane[y0, x0] * (1 - fx) + plane[y0, x0 + 1] * fx
    bottom = plane[y0 + 1, x0] * (1 - fx) + plane[y0 + 1, x0 + 1] * fx
    return top * (1 - fy) + bottom * fy


def _length(line: np.ndarray) -> float:
    return float(np.hypot(line[2] - line[0], line[3] - line[1]))


def _angle(line: np.ndarray) -> float:
    """Degrees counter-clockwise from the horizontal as seen, 0-180."""
    return float(np.degrees(np.arctan2(-(line[3] - line[1]), line[2] - line[0])) % 180.0)


def _angle_between(a: float, b: float) -> float:
    difference = abs(a - b) % 180.0
    return min(difference, 180.0 - difference)


def _offsets_from_each(lines: np.ndarray, point: np.ndarray) -> np.ndarray:
    """Distances of one ``point`` from each infinite line through ``lines`` (N x 4)."""
    dx, dy = lines[:, 2] - lines[:, 0], lines[:, 3] - lines[:, 1]
    cross = dx * (lines[:, 1] - point[1]) - (lines[:, 0] - point[0]) * dy
    return np.abs(cross) / np.maximum(np.hypot(dx, dy), 1e-9)


def _offsets(line: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Distances of ``points`` (N x 2) from the infinite line through ``line``."""
    dx, dy = line[2] - line[0], line[3] - line[1]
    cross = dx * (line[1] - points[:, 1]) - (line[0] - points[:, 0]) * dy
    return np.abs(cross) / max(float(np.hypot(dx, dy)), 1e-9)
