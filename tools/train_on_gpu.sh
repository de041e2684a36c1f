#!/usr/bin/env bash
# One lease of a GPU machine, run from the repository root there (issue 14): the engine's CUDA
# tests, `bench` in fp16 and bf16 at 720p, then training on the GPU until the time is up,
# fine-tuning the weight average of the committed run (weights/training_state/last.pt).
# Everything it reports goes to $OUT: the log, the curve, the bench figures, and the final
# state split in two files under 16 MiB (tools/join_gpu_state.py puts them back together).
#
# It needs, in .carry/shared, the data it trains on (data/train_sharp, data/photos) and the
# golden files (mssnet/golden), and in .whl the wheels that machine lacks (platformdirs,
# spandrel). Knobs: BUDGET (seconds in all), BATCH, CROP, LR, DEVICE, WORKERS, THREADS, CHECKS (0: train
# only, for a dry run on a CPU), TRAIN (0: the checks only).
set -uo pipefail
start=$(date +%s)
BUDGET=${BUDGET:-540}
DEVICE=${DEVICE:-cuda}
BATCH=${BATCH:-16}
CROP=${CROP:-256}
LR=${LR:-4e-4}
WORKERS=${WORKERS:-$(($(nproc) - 2))}
OUT=${OUT:-/tmp/gpu-out}
RUN=/tmp/gpu-run
PROBE=/tmp/gpu-probe
mkdir -p "$OUT"
rm -rf "$RUN" "$PROBE"
export PYTHONUNBUFFERED=1 PYTHONPATH=$PWD CNAPS_SHARED=$PWD/.carry/shared
export CNAPS_DESKTOP_HOME=/tmp/cnaps-home
if compgen -G ".whl/*.whl" > /dev/null; then
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --target /tmp/site \
    .whl/*.whl && export PYTHONPATH=$PYTHONPATH:/tmp/site
fi
DATA=$CNAPS_SHARED/data
left() { echo $((start + BUDGET - $(date +%s))); }
cli() { python3 -m cnaps_desktop "$@"; }

nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.cuda.is_available())'
echo "cores: $(nproc)"

if [[ ${CHECKS:-1} != 0 ]]; then
echo "== CUDA tests"
printf '[pytest]\npythonpath = .\n' > /tmp/pytest.ini
timeout 150 python3 -m pytest -c /tmp/pytest.ini --rootdir . -q -s -rs -p no:cacheprovider \
  -p no:pytest-qt tests/engine/test_cuda.py tests/engine/test_mssnet_golden.py \
  tests/engine/test_device.py tests/engine/test_tiling.py

echo "== bench at 720p ($(left) s left)"
for precision in fp16 bf16; do
  timeout 45 python3 -m cnaps_desktop bench --checkpoint weights/Deblur-MSSNet-CNAPS.pt --size 1280x720 \
    --device "$DEVICE" --precision "$precision" --repeat 5 --json > "$OUT/bench_$precision.json"
  cat "$OUT/bench_$precision.json"
done
timeout 45 python3 -m cnaps_desktop bench --variant base --size 1280x720 --device "$DEVICE" --precision fp16 \
  --repeat 5 --json > "$OUT/bench_official_size_fp16.json"
cat "$OUT/bench_official_size_fp16.json"
fi

train() {
  cli train --data "photos:$DATA/train_sharp" --data "photos:$DATA/photos" \
    --init weights/training_state/last.pt --config 16,16,16 --batch "$BATCH" --crop "$CROP" \
    --lr "$LR" --warmup 200 --clip-grad 1.0 --device "$DEVICE" --precision bf16 \
    --highlight-share 0.1 --travel 1,40 --workers "$WORKERS" --threads "${THREADS:-2}" --seed 2026 "$@"
}

[[ ${TRAIN:-1} == 0 ]] && exit 0

echo "== probe: the steady seconds per step ($(left) s left)"
train --output "$PROBE" --steps 150 --validate-every 0 2>&1 | grep --line-buffered -v libpng | tee /tmp/probe.log
rate=$(python3 - /tmp/probe.log <<'EOF'
import re, sys
# The log gives the mean seconds per step since the start; two of them give the steady rate.
points = [(int(s), float(r)) for s, r in re.findall(r"step (\d+)/\d+ .* ([\d.]+) s/step", open(sys.argv[1]).read())]
(a, ra), (b, rb) = points[2], points[-1]
print(f"{(rb * b - ra * a) / (b - a):.4f}" if b > a else "0.1")
EOF
) || rate=0.1
minutes=$(python3 -c "print(max(1.0, ($(left) - 45) / 60))")
steps=$(python3 -c "print(int(($minutes * 60 - 20) / max($rate, 1e-3)))")
echo "steady $rate s/step: $steps steps in $minutes min"

echo "== training ($(left) s left)"
train --output "$RUN" --steps "$steps" --minutes "$minutes" --validate-every 500 2>&1 |
  grep --line-buffered -v -e libpng -e "validating " | tee "$OUT/train.log"

python3 - "$RUN/last.pt" "$OUT" <<'EOF'
import sys, torch
state = torch.load(sys.argv[1], map_location="cpu", weights_only=False)
torch.save({"optimizer_state_dict": state.pop("optimizer_state_dict")}, f"{sys.argv[2]}/gpu_optimizer.pt")
torch.save(state, f"{sys.argv[2]}/gpu_weights.pt")
EOF
cp "$RUN/training_log.csv" "$OUT/"
ls -la "$OUT"
echo "done with $(left) s to spare"
