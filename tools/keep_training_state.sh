#!/usr/bin/env bash
# Copy the long run's state into weights/training_state/ so that it survives this machine: the
# next session's tools/train_in_background.sh carries on from it. last.pt is the whole training
# state (weights, Adam's moments, step, CPU-hours); best.pt keeps only its weights and figures
# (it is what an export is judged from). Commit the folder afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
RUN=${RUN:-$HOME/.cache/cnaps-desktop/runs/mssnet16d}
KEPT=weights/training_state
mkdir -p "$KEPT"
cp "$RUN/last.pt" "$RUN/training_log.csv" "$KEPT/"
if [[ -f "$RUN/best.pt" ]]; then
  python - "$RUN/best.pt" "$KEPT/best.pt" <<'PY'
import sys

import torch

saved = torch.load(sys.argv[1], map_location="cpu", weights_only=True)
saved.pop("optimizer_state_dict", None)
torch.save(saved, sys.argv[2])
PY
fi
cp "$RUN/training_log.csv" weights/training_log.csv
ls -l "$KEPT"
