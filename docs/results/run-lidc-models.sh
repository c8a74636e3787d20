#!/usr/bin/env bash
# Issue-5 smoke runs: every model variant trains from the CLI on the LIDC dev data (fold 0 of
# 10, 2-minute budget each, CPU-sized filters) and is evaluated on its held-out patients.
set -euo pipefail
cd "$(dirname "$0")/../.."
MINUTES=${MINUTES:-2}
OUT=${OUT:-/tmp/flowseg-lidc-models}
[ -d /tmp/lidc-png-prepared ] || node bin/flowseg.js prepare --format lidc-png ../shared/data/lidc-png --out /tmp/lidc-png-prepared
run() { # name, flags...
  local name=$1; shift
  rm -rf "$OUT/$name"
  node bin/flowseg.js train --data /tmp/lidc-png-prepared "$@" --fold 0 --folds 10 --out "$OUT/$name" \
    --max-minutes "$MINUTES" --filters 16,32,64,96 --batch-size 16 --lr 5e-4 --max-val-images 32 --json
  node bin/flowseg.js evaluate --checkpoint "$OUT/$name" -n 16 --examples 2
}
run detunet --model detunet
run cplanar2 --model probunet --flow cplanar --flow-steps 2
run cglow2 --model probunet --flow cglow --flow-steps 2
