#!/usr/bin/env bash
# docs/sweep.png, the README's sweep plot: how the scale of normal initial
# weights decides whether tanh layers learn the spiral (4 scales x 5 seeds,
# 300 epochs; about 10 s on two cores).
#
#     bash docs/make_sweep_plot.sh        (from anywhere in the checkout)
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 -m playground sweep --init normal --grid init-scale=0.01,0.1,1,4 --seeds 5 \
    --dataset spiral --features x1,x2,x1sq,x2sq,x1x2,sinx1,sinx2 --hidden 8,8 --epochs 300 \
    --out "$work/sweep.csv" --plot docs/sweep.png
cat "$work/sweep.csv"
