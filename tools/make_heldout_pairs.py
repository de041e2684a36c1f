"""Write the synthetic validation pairs of weights/README.md: the held-out photos, blurred once.

    python tools/make_heldout_pairs.py ../shared/data/train_sharp OUT_DIR [--blur-only | --mild]

Takes the folder's held-out tenth by the training hold-out rule (sorted by name, indices 0, 10,
20, ...), blurs each whole photo with the training synthesis (cnaps_desktop.engine.training.
synthesis) drawn from the seed [2026, i] for the i-th held-out photo, and writes
OUT_DIR/blur/NAME.png and OUT_DIR/sharp/NAME.png (lossless), ready for
`cnaps-desktop eval --pairs OUT_DIR`. The same inputs give the same pairs on every machine.

The yardstick is frozen: the synthesis settings are written out below (frozen_synthesis, the
training defaults of December 2026), so changing the training defaults never moves it.
--blur-only draws the same blur from the same seed but adds no defocus, noise or JPEG: what the
model gains there is deblurring alone.
--mild draws a short shake (2 to 8 px) with no highlight boost, defocus, noise or JPEG: nearly
sharp photos, which a model must not harm (it caught a model that dimmed bright cloud rims,
having learnt from boosted highlights that bright areas should shrink).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SEED = 2026
HOLDOUT_EVERY = 10


def frozen_synthesis(kind: str = "mixed"):  # -> SynthesisOptions (imported late: numpy, cv2)
    """The settings of one frozen set: "mixed", "blur_only" or "mild"."""
    from cnaps_desktop.engine.training.synthesis import SynthesisOptions

    mixed = SynthesisOptions(
        travel_px=(3.0, 40.0),
        subframes=(7, 15),
        max_gap_px=2.5,
        kernel_share=0.3,
        highlight_share=0.5,
        defocus_share=0.15,
        defocus_radius_px=(0.5, 2.0),
        noise_share=0.7,
        jpeg_share=0.6,
        jpeg_quality=(55, 95),
    )
    if kind == "mixed":
        return mixed
    from dataclasses import replace

    clean = replace(mixed, defocus_share=0.0, noise_share=0.0, jpeg_share=0.0)
    return replace(clean, travel_px=(2.0, 8.0), highlight_share=0.0) if kind == "mild" else clean


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("photos", type=Path, help="folder of sharp photos (e.g. train_sharp)")
    parser.add_argument("output", type=Path, help="folder to write blur/ and sharp/ into")
    kind = parser.add_mutually_exclusive_group()
    kind.add_argument(
        "--blur-only", action="store_true", help="the same blur, without defocus, noise or JPEG"
    )
    kind.add_argument(
        "--mild",
        action="store_true",
        help="nearly sharp: 2-8 px of shake, no highlight boost, defocus, noise or JPEG",
    )
    args = parser.parse_args()

    import cv2
    import numpy as np

    from cnaps_desktop.engine.training.data import list_photos, read_rgb, split_holdout
    from cnaps_desktop.engine.training.synthesis import synthesize_blur

    _, held = split_holdout(list_photos(args.photos), HOLDOUT_EVERY)
    settings = frozen_synthesis("mild" if args.mild else "blur_only" if args.blur_only else "mixed")
    for kind in ("blur", "sharp"):
        (args.output / kind).mkdir(parents=True, exist_ok=True)
    for index, path in enumerate(held):
        sharp = read_rgb(path).astype(np.float32) / 255.0
        rng = np.random.default_rng([SEED, index])
        blurred = synthesize_blur(sharp, rng, settings)
        name = path.stem + ".png"
        for kind, pixels in (("blur", blurred), ("sharp", sharp)):
            eight_bit = np.clip(np.rint(pixels * 255.0), 0, 255).astype(np.uint8)
            cv2.imwrite(str(args.output / kind / name), eight_bit[:, :, ::-1])
        print(f"{index + 1}/{len(held)} {name} {sharp.shape[1]}x{sharp.shape[0]}")


if __name__ == "__main__":
    main()
