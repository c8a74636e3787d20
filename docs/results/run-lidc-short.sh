#!/usr/bin/env bash
# The short-budget valiuddin2021 protocol on the LIDC dev data in ../shared/data (60 patients,
# 1,021 slices): vanilla PU-Net vs 2-step planar vs 2-step radial, 10-fold CV by patient,
# folds 0–2, 16 samples, on a 2-core CPU. Writes exp/ and docs/results/lidc-short/.
set -euo pipefail
cd "$(dirname "$0")/../.."
MINUTES=${MINUTES:-4}
EXP=${EXP:-/tmp/flowseg-lidc-exp}
node bin/flowseg.js prepare --format lidc-png ../shared/data/lidc-png --out /tmp/lidc-png-prepared --overwrite --json
for fold in 0 1 2; do
  for flow in none planar radial; do
    steps=2; [ "$flow" = none ] && steps=0
    variant=probunet; [ "$flow" != none ] && variant="probunet+${flow}2"
    dir="$EXP/$variant/fold_$fold"
    [ -f "$dir/eval/summary.json" ] && continue
    rm -rf "$dir"
    node bin/flowseg.js train --data /tmp/lidc-png-prepared --model probunet --flow "$flow" --flow-steps "$steps" \
      --fold "$fold" --folds 10 --out "$dir" --max-minutes "$MINUTES" --filters 16,32,64,96 --batch-size 16 --lr 5e-4 --max-val-images 64
    node bin/flowseg.js evaluate --checkpoint "$dir" -n 16
    touch "$dir/done"
  done
done
node bin/flowseg.js report "$EXP" --out docs/results/lidc-short
