"""Measure the photo diagnosis on synthetic cases made from sharp photos (BENCHMARKS.md, "Photo
diagnosis"): how often each finding the window shows is claimed, on pictures that have it and on
pictures that do not.

    python tools/measure_diagnosis.py ../shared/data/train_sharp [--draw 0] [--only marks|blur]

For the i-th photo (sorted by name) everything is drawn from the seed [draw, i], so the same
draw gives the same figures on every machine and another draw gives fresh marks on the same
photos. Cases:

- marks: the photo clean; with grain (noise sigma 3-8, then JPEG quality 70-92); with 1-3
  scratches (1-3 px wide, 20-90 % of the long side, bright or dark, nearly straight, fading along
  their length) plus grain; with dust (35-170 specks 2-6 px across per megapixel, half bright and
  half dark) plus grain; as an aged colour print (colours weakened to 35-80 %, blacks lifted to
  35-80 levels, whites dulled to 205-245, tinted) plus grain; as an aged black-and-white print
  (the same from the grey photo); as a toned (sepia or cyanotype) black-and-white print; and with
  a strong colour cast (every colour shifted 12-25 CIELAB units towards one hue).
- blur: the photo sharp, blurred by the training synthesis (cnaps_desktop.engine.training.
  synthesis: curved camera shake or a random-walk kernel, 8-40 px of travel), and defocused (a
  disc of radius 2-6 px); each with noise sigma 1.5 and JPEG quality 90.

Pictures are judged by `diagnose_pixels`, the same call the window and the CLI make.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

MARK_CASES = ("clean", "grain", "scratches", "dust", "aged colour", "aged grey", "toned", "cast")
CAST_HUES = {"red": 15, "orange": 55, "yellow": 90, "green": 150, "cyan": 220, "blue": 270}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="sharp photos (JPEG or PNG)")
    parser.add_argument("--draw", type=int, default=0, help="which random draw of the cases")
    parser.add_argument("--only", choices=("marks", "blur"), default=None)
    args = parser.parse_args()
    photos = sorted(p for p in args.folder.iterdir() if p.suffix.lower() in {".jpg", ".png"})
    if not photos:
        sys.exit(f"{args.folder} holds no .jpg or .png photos; expected a folder of sharp photos.")
    if args.only in (None, "marks"):
        report_marks(photos, args.draw)
    if args.only in (None, "blur"):
        report_blur(photos, args.draw)


# ------------------------------------------------------------------------------------- marks
def report_marks(photos: list[Path], draw: int) -> None:
    import numpy as np

    from cnaps_desktop.engine.diagnosis import diagnose_pixels
    from cnaps_desktop.engine.diagnosis.checkpoint_task import task_for

    task = task_for("default")
    claims: dict[str, Counter[str]] = {case: Counter() for case in MARK_CASES}
    for index, path in enumerate(photos):
        rng = np.random.default_rng([draw, index])
        for case, picture in marked_versions(read_rgb(path), rng).items():
            found = diagnose_pixels(picture, task)
            claims[case].update(
                name
                for name, said in (
                    ("scratches", found.scratches),
                    ("dust", found.dust),
                    ("faded", found.faded),
                    ("cast", found.colour_cast is not None),
                )
                if said
            )
    total = len(photos)
    print(f"Old-print findings claimed, {total} photos, draw {draw} (pictures claimed / {total}):")
    print("| case | scratches | dust | faded | colour cast |")
    print("|---|---|---|---|---|")
    for case in MARK_CASES:
        row = " | ".join(str(claims[case][name]) for name in ("scratches", "dust", "faded", "cast"))
        print(f"| {case} | {row} |")
    false_claims = {
        name: claims["clean"][name] + claims["grain"][name]
        for name in ("scratches", "dust", "faded", "cast")
    }
    for name, case in (("scratches", "scratches"), ("dust", "dust"), ("faded", "aged colour")):
        found = claims[case][name]
        precision = found / max(found + false_claims[name], 1)
        print(
            f"{name}: recall {found}/{total} on '{case}', {false_claims[name]} false on the "
            f"{2 * total} clean and grainy pictures (precision {precision:.2f})"
        )


def marked_versions(rgb, rng) -> dict:
    """Every mark case of one photo (uint8 RGB), drawn from ``rng``."""
    import numpy as np

    grey = np.repeat(rgb.mean(axis=2, keepdims=True), 3, axis=2).astype(np.uint8)
    return {
        "clean": rgb,
        "grain": grain(rgb, rng),
        "scratches": grain(draw_scratches(rgb, rng), rng),
        "dust": grain(draw_dust(rgb, rng), rng),
        "aged colour": grain(age(rgb, rng), rng),
        "aged grey": grain(age(grey, rng), rng),
        "toned": tone(grey, rng),
        "cast": cast(rgb, rng),
    }


def grain(picture, rng):
    """Noise of sigma 3-8 levels, then JPEG at quality 70-92."""
    import cv2
    import numpy as np

    noisy = picture.astype(np.float32) + rng.normal(0, rng.uniform(3, 8), picture.shape)
    quality = int(rng.integers(70, 93))
    _, data = cv2.imencode(
        ".jpg", np.clip(noisy, 0, 255).astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, quality]
    )
    return cv2.imdecode(data, cv2.IMREAD_UNCHANGED)


def draw_scratches(picture, rng):
    """1-3 nearly straight scratches, anti-aliased at 4x, their strength varying along them."""
    import cv2
    import numpy as np

    height, width = picture.shape[:2]
    out = picture.astype(np.float32)
    for _ in range(int(rng.integers(1, 4))):
        length = rng.uniform(0.2, 0.9) * max(height, width)
        angle = rng.uniform(0, math.pi)
        centre = np.array([rng.uniform(0.2, 0.8) * width, rng.uniform(0.2, 0.8) * height])
        half = np.array([math.cos(angle), math.sin(angle)]) * length / 2
        bend = rng.uniform(-0.015, 0.015) * length * np.array([-math.sin(angle), math.cos(angle)])
        t = np.linspace(-1, 1, 60)[:, None]
        points = centre + t * half + (1 - t**2) * bend
        mask = np.zeros((height * 4, width * 4), np.float32)
        thickness = int(rng.integers(1, 4)) * 4
        cv2.polylines(
            mask, [np.round(points * 4).astype(np.int32)], False, 1.0, thickness, cv2.LINE_AA
        )
        mask = cv2.resize(mask, (width, height), interpolation=cv2.INTER_AREA)
        wobble = cv2.GaussianBlur(
            rng.uniform(0.6, 1.0, (height, width)).astype(np.float32), (0, 0), 8
        )
        alpha = np.clip(mask * rng.uniform(0.5, 1.0) * wobble / wobble.max() * 1.3, 0, 1)[..., None]
        level = rng.uniform(225, 255) if rng.random() < 0.7 else rng.uniform(10, 40)
        out = out * (1 - alpha) + level * alpha
    return np.clip(out, 0, 255).astype(np.uint8)


def draw_dust(picture, rng):
    """35-170 specks per megapixel, 2-6 px across, round-ish, half bright and half dark."""
    import cv2
    import numpy as np

    height, width = picture.shape[:2]
    out = picture.astype(np.float32)
    for _ in range(int(rng.integers(25, 120) * height * width / 0.7e6)):
        x, y = rng.uniform(0, width), rng.uniform(0, height)
        left, top = int(max(0, x - 6)), int(max(0, y - 6))
        right, bottom = int(min(width, x + 7)), int(min(height, y + 7))
        # The speck is drawn 4x larger in its own patch and reduced: anti-aliased, sub-pixel.
        patch = np.zeros(((bottom - top) * 4, (right - left) * 4), np.float32)
        radius = rng.uniform(1.0, 3.0) * 4
        axes = (max(1, int(radius)), max(1, int(radius * rng.uniform(0.6, 1.0))))
        centre = (int((x - left) * 4), int((y - top) * 4))
        cv2.ellipse(patch, centre, axes, rng.uniform(0, 180), 0, 360, 1.0, -1, cv2.LINE_AA)
        patch = cv2.resize(patch, (right - left, bottom - top), interpolation=cv2.INTER_AREA)
        alpha = (patch * rng.uniform(0.6, 1.0))[..., None]
        level = rng.uniform(220, 255) if rng.random() < 0.5 else rng.uniform(5, 35)
        region = out[top:bottom, left:right]
        out[top:bottom, left:right] = region * (1 - alpha) + level * alpha
    return np.clip(out, 0, 255).astype(np.uint8)


def age(picture, rng):
    """An aged print: colours weakened, blacks lifted, whites dulled, tinted warm or magenta."""
    import numpy as np

    levels = picture.astype(np.float32)
    grey = levels.mean(axis=2, keepdims=True)
    weak = grey + (levels - grey) * rng.uniform(0.35, 0.8)
    lift, top = rng.uniform(35, 80), rng.uniform(205, 245)
    faded = lift + weak * (top - lift) / 255.0
    gains = {
        "yellow": (1.0, 0.95, 0.65),
        "orange": (1.0, 0.85, 0.6),
        "red": (1.0, 0.8, 0.8),
        "magenta": (1.0, 0.78, 1.0),
    }[str(rng.choice(["yellow", "orange", "red", "magenta"]))]
    tint = 1 + rng.uniform(0.3, 0.8) * (np.array(gains) - 1)
    return np.clip(faded * tint / tint.max(), 0, 255).astype(np.uint8)


def tone(grey, rng):
    """A toned black-and-white print: sepia (warm) or cyanotype (blue), 30-100 % strength."""
    import numpy as np

    strength = rng.uniform(0.3, 1.0)
    if rng.random() < 0.5:
        gains, offset = np.array([1.0, 0.86, 0.66]), np.array([18.0, 10.0, 0.0])
    else:
        gains, offset = np.array([0.7, 0.9, 1.0]), np.array([0.0, 10.0, 25.0])
    toned = grey.astype(np.float32) * (1 + strength * (gains - 1)) + strength * offset
    return np.clip(toned, 0, 255).astype(np.uint8)


def cast(picture, rng):
    """Every colour shifted 12-25 CIELAB units towards one hue (less in the shadows)."""
    import cv2
    import numpy as np

    lab = cv2.cvtColor(picture.astype(np.float32) / 255, cv2.COLOR_RGB2LAB)
    hue = math.radians(CAST_HUES[str(rng.choice(list(CAST_HUES)))])
    shift = rng.uniform(12, 25) * (0.3 + 0.7 * lab[..., :1] / 100)
    lab[..., 1:2] += shift * math.cos(hue)
    lab[..., 2:3] += shift * math.sin(hue)
    rgb = cv2.cvtColor(lab, cv2.COLOR_LAB2RGB)
    return np.clip(rgb * 255 + 0.5, 0, 255).astype(np.uint8)


# -------------------------------------------------------------------------------------- blur
def report_blur(photos: list[Path], draw: int) -> None:
    import numpy as np

    from cnaps_desktop.engine.diagnosis import diagnose_pixels
    from cnaps_desktop.engine.diagnosis.checkpoint_task import task_for

    task = task_for("default")
    table: Counter[tuple[str, str]] = Counter()
    for index, path in enumerate(photos):
        rng = np.random.default_rng([draw, index, 1])
        for truth, picture in blurred_versions(read_rgb(path), rng).items():
            table[(truth, diagnose_pixels(picture, task).blur)] += 1
    print(f"\nBlur on {len(photos)} photos, draw {draw} (true \\ predicted):")
    print("| true \\ predicted | sharp | motion | defocus |")
    print("|---|---|---|---|")
    for truth in ("motion", "defocus", "sharp"):
        row = " | ".join(str(table[(truth, found)]) for found in ("sharp", "motion", "defocus"))
        print(f"| {truth} | {row} |")
    right = sum(table[(kind, kind)] for kind in ("sharp", "motion", "defocus"))
    print(f"right: {right}/{3 * len(photos)}")


def blurred_versions(rgb, rng) -> dict:
    import cv2
    import numpy as np

    from cnaps_desktop.engine.training import synthesis

    sharp = rgb.astype(np.float32) / 255
    travel = rng.uniform(8, 40)
    if rng.random() < 0.5:
        count = max(int(rng.integers(7, 16)), math.ceil(travel / 2.5) + 1)
        motion = synthesis.shake_blur(sharp, rng, travel, count)
    else:
        motion = synthesis.kernel_blur(sharp, synthesis.random_walk_kernel(rng, travel))
    defocus = synthesis.kernel_blur(sharp, synthesis.defocus_kernel(rng.uniform(2, 6)))
    out = {}
    for truth, picture in (("sharp", sharp), ("motion", motion), ("defocus", defocus)):
        noisy = np.clip(picture * 255 + rng.normal(0, 1.5, picture.shape), 0, 255)
        _, data = cv2.imencode(".jpg", noisy.astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, 90])
        out[truth] = cv2.imdecode(data, cv2.IMREAD_UNCHANGED)
    return out


def read_rgb(path: Path):
    import cv2

    bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if bgr is None:
        sys.exit(f"{path} could not be read; expected a JPEG or PNG photo.")
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


if __name__ == "__main__":
    main()
