#!/usr/bin/env bash
# The main job: compress a bundled photo and a bundled music clip with the
# models that ship in the repository (models/zoo/image-msh.lcm,
# audio-msh.lcm) at low, middle and high quality, decompress each stream and
# print its size, rate and distortion.
# Outputs go to out/demo/. Run through `bash scripts/dev.sh demo`, which
# installs and builds first.
set -euo pipefail
cd "$(dirname "$0")/.."
lcodec=build/apps/lcodec
out=out/demo
mkdir -p "$out"

# round_trip INPUT NAME EXTENSION MODEL: code INPUT at qualities 1, 4 and 8
# and measure each decoded file against it.
round_trip() {
  local input=$1 name=$2 extension=$3 model=$4
  echo "== lcodec on $input with $model"
  for quality in 1 4 8; do
    local stream="$out/$name-q$quality.lc" decoded="$out/$name-q$quality.$extension"
    "$lcodec" encode -i "$input" -o "$stream" -q "$quality" -y --threads 2 -m "$model"
    "$lcodec" decode -i "$stream" -o "$decoded" -y --threads 2 -m "$model" > /dev/null
    echo "   decoded: $("$lcodec" compare -a "$input" -b "$decoded")"
  done
}

round_trip datasets/ci/images/chelsea.png chelsea png models/zoo/image-msh.lcm
round_trip datasets/ci/audio/music_librosa_trumpet.flac trumpet wav models/zoo/audio-msh.lcm
echo "== the streams and decoded files are in $out/"
