"""Render the before/after strip of weights/README.md: three crops, the input above the output.

    python tools/make_before_after.py --checkpoint weights/Deblur-MSSNet-CNAPS.pt \
        --data ../shared/data --output weights/before_after.jpg

Each crop is restored with the engine's restore_region (the same call the window's preview
makes: the crop plus surrounding context), then the input is shown above the output at
--side pixels (nearest-neighbour, so no resampling softens or sharpens either).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# (file under the data folder, left, top, side): real motion blur, real blur, an old photo
CROPS = (
    ("real_blurry/kwentar_106_NIKON-D3400_motion.jpg", 700, 350, 320),
    ("real_blurry/srn-deblur_4c6.png", 300, 150, 300),
    ("old_photos/bopbtl_old_b.png", 100, 60, 300),
)
GAP = 6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", default="default")
    parser.add_argument("--data", type=Path, required=True, help="the shared data folder")
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--side", type=int, default=300, help="shown size of each crop")
    args = parser.parse_args()

    import cv2
    import numpy as np

    from cnaps_desktop import load_model, read_image
    from cnaps_desktop.engine.restore import restore_region

    model = load_model(args.checkpoint, device="cpu", precision="fp32")
    height = 2 * args.side + GAP
    width = len(CROPS) * args.side + (len(CROPS) - 1) * GAP
    strip = np.full((height, width, 3), 255, np.uint8)
    for column, (name, left, top, side) in enumerate(CROPS):
        pixels = read_image(args.data / name).pixels
        pixels = np.dstack([pixels] * 3) if pixels.ndim == 2 else pixels[:, :, :3]
        box = (left, top, left + side, top + side)
        before = pixels[top : top + side, left : left + side]
        after = restore_region(model, pixels, box)
        x = column * (args.side + GAP)
        for row, crop in enumerate((before, after)):
            shown = cv2.resize(crop, (args.side, args.side), interpolation=cv2.INTER_NEAREST)
            y = row * (args.side + GAP)
            strip[y : y + args.side, x : x + args.side] = shown
        print(f"{name}: crop {side} px at ({left}, {top})")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    temporary = args.output.with_suffix(".tmp.jpg")
    cv2.imwrite(str(temporary), strip[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, 92])
    temporary.replace(args.output)


if __name__ == "__main__":
    main()
