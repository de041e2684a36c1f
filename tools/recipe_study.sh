#!/usr/bin/env bash
# The recipe study of weights/README.md: equal-CPU-time pilots, one at a time, one thread each,
# the same seed, scored only on the frozen synthetic held-out pairs (mixed and blur-only).
#
#   tools/make_heldout_pairs.py ../shared/data/train_sharp "$HELDOUT/mixed"
#   tools/make_heldout_pairs.py ../shared/data/train_sharp "$HELDOUT/blur_only" --blur-only
#   nohup nice tools/recipe_study.sh > study.log 2>&1 &
#
# Each pilot writes RUNS/NAME/training_log.csv; the last rows per set are the pilot's figures.
set -euo pipefail
SHARED=${SHARED:-../shared}
RUNS=${RUNS:-$HOME/.cache/cnaps-desktop/study}
HELDOUT=${HELDOUT:-$HOME/.cache/cnaps-desktop/heldout}
CPU_MINUTES=${CPU_MINUTES:-10}

common=(
  --data "photos:$SHARED/data/train_sharp" --data "photos:$SHARED/data/photos"
  --heldout "$HELDOUT/mixed" --heldout "$HELDOUT/blur_only"
  --batch 4 --crop 128 --steps 100000 --seed 1234 --threads 1 --precision bf16
  --validate-every 0 --cpu-minutes "$CPU_MINUTES" --fresh
)

pilot() {
  local name=$1
  shift
  if [[ -f "$RUNS/$name/training_log.csv" ]]; then
    echo "== $name: done already"
    return
  fi
  echo "== $name: $*"
  cnaps-desktop train --output "$RUNS/$name" "${common[@]}" "$@"
}

pilot A_mssnet_zero_tails_lr5e-4 --config 16,16,16 --lr 5e-4 --warmup 100
pilot B_mssnet_lr1e-3_warmup300_clip --config 16,16,16 --lr 1e-3 --warmup 300 --clip-grad 1.0
pilot C_mssnet_less_noise_longer_blur --config 16,16,16 --lr 5e-4 --warmup 100 \
  --noise-share 0.3 --jpeg-share 0.3 --travel 5,60
pilot D_nafnet16_small --config nafnet --lr 5e-4 --warmup 100
