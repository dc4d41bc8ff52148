#!/usr/bin/env bash
# The main job: compress a bundled photo with the model that ships in the
# repository (models/zoo/image-msh.lcm) at low, middle and high quality,
# decompress each stream and print its size, bits per pixel and PSNR.
# Outputs go to out/demo/. Run through `bash scripts/dev.sh demo`, which
# installs and builds first.
set -euo pipefail
cd "$(dirname "$0")/.."
lcodec=build/apps/lcodec
photo=datasets/ci/images/chelsea.png
out=out/demo
mkdir -p "$out"
echo "== lcodec on $photo with models/zoo/image-msh.lcm"
for quality in 1 4 8; do
  stream="$out/chelsea-q$quality.lc"
  decoded="$out/chelsea-q$quality.png"
  "$lcodec" encode -i "$photo" -o "$stream" -q "$quality" -y --threads 2
  "$lcodec" decode -i "$stream" -o "$decoded" -y --threads 2 > /dev/null
  echo "   decoded: $("$lcodec" compare -a "$photo" -b "$decoded")"
done
echo "== the streams and decoded images are in $out/"
