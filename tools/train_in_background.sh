#!/usr/bin/env bash
# Start, or resume, the long training run of weights/README.md in the background, the way every
# working session should in its first minutes (issue 14): one torch thread, nice, its state kept
# outside the work tree and saved every 10 minutes.
#
#   tools/train_in_background.sh            # start or resume; prints where the log is
#   tools/keep_training_state.sh            # before stopping: copy the state into the repo
#
# The run is the fourth one of weights/README.md ("The fourth run"): the shipped file fine-tuned
# with the third run's synthesis (fewer boosted highlights, shakes from 1 px) and less noise
# (--noise-share 0.4), to see whether fine texture (fur) stops being smoothed as noise.
# Where its state is looked for, newest first: $RUN (this machine's run folder), then
# weights/training_state/ (the state as last committed, so a new machine carries on the curve
# instead of starting again); with neither, it starts from the bundled weights. The frozen
# held-out sets are made when missing (the same on every machine: fixed seeds, fixed settings).
# A finished schedule says so and stops; to go further, raise --steps below (the cosine then
# follows the new length).
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${SHARED:-../shared}
RUN=${RUN:-$HOME/.cache/cnaps-desktop/runs/mssnet16d}
HELDOUT=${HELDOUT:-$HOME/.cache/cnaps-desktop/heldout}
KEPT=weights/training_state

if pgrep -f "cnaps-desktop train .*--output $RUN" > /dev/null; then
  echo "The run in $RUN is already training (log: $RUN/train.out)."
  exit 0
fi
for kind in mixed blur_only mild; do
  flag=()
  [[ $kind == blur_only ]] && flag=(--blur-only)
  [[ $kind == mild ]] && flag=(--mild)
  [[ -d "$HELDOUT/$kind/blur" ]] ||
    python tools/make_heldout_pairs.py "$SHARED/data/train_sharp" "$HELDOUT/$kind" "${flag[@]}"
done

mkdir -p "$RUN"
if [[ ! -f "$RUN/last.pt" && -f "$KEPT/last.pt" ]]; then
  echo "No state in $RUN: carrying on from the committed state in $KEPT."
  cp "$KEPT/last.pt" "$KEPT/training_log.csv" "$RUN/"
  [[ -f "$KEPT/best.pt" ]] && cp "$KEPT/best.pt" "$RUN/"
fi

# The recipe of weights/README.md ("The fourth run"); --init only counts when nothing is resumed.
nohup nice -n 5 cnaps-desktop train \
  --data "photos:$SHARED/data/train_sharp" --data "photos:$SHARED/data/photos" \
  --heldout "$HELDOUT/mixed" --heldout "$HELDOUT/blur_only" --heldout "$HELDOUT/mild" \
  --output "$RUN" --init weights/Deblur-MSSNet-CNAPS.pt \
  --config 16,16,16 --batch 4 --crop 128 --lr 1e-4 --warmup 200 --clip-grad 1.0 --steps 6000 \
  --highlight-share 0.1 --travel 1,40 --noise-share 0.4 \
  --validate-every 1000 --threads 1 --precision bf16 --seed 2028 >> "$RUN/train.out" 2>&1 &
echo "Training in the background (pid $!); log: $RUN/train.out, curve: $RUN/training_log.csv"
