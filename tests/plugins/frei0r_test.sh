#!/usr/bin/env bash
# The frei0r filter lcodec.so inside the real ffmpeg: on a lavfi test source,
# each filtered frame must be exactly what `lcodec encode` + `lcodec decode`
# give for the same frame (alpha kept), and the log must hold one line per
# frame with the size of the stream `lcodec encode` writes for it.
# usage: frei0r_test.sh LCODEC_BINARY PLUGIN_FOLDER MODEL
set -u
lcodec=$1 plugins=$2 model=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "$0")/../cli/expect.sh"

ff() { ffmpeg -nostdin -hide_banner -loglevel error "$@"; }
source_args=(-f lavfi -i testsrc=size=128x96:rate=5 -frames:v 3)
mkdir "$work/filtered" "$work/raw" "$work/ref"
FREI0R_PATH=$plugins ff "${source_args[@]}" \
  -vf "frei0r=filter_name=lcodec:filter_params=3.5|$model|$work/log.txt" "$work/filtered/%d.png"
ff "${source_args[@]}" "$work/raw/%d.png"
check "ffmpeg wrote 3 filtered frames" [ "$(ls "$work/filtered" | wc -l)" -eq 3 ]
check "the log has 3 lines" [ "$(wc -l < "$work/log.txt")" -eq 3 ]
for i in 1 2 3; do
  "$lcodec" encode -i "$work/raw/$i.png" -o "$work/ref/$i.lc" -m "$model" -q 3.5 > /dev/null &&
    "$lcodec" decode -i "$work/ref/$i.lc" -o "$work/ref/$i.png" -m "$model" > /dev/null
  # RGBA on both sides: the colour must match and alpha must stay opaque.
  check "frame $i matches lcodec's own round trip" [ "$(ff -i "$work/filtered/$i.png" -pix_fmt rgba -f md5 -)" = \
    "$(ff -i "$work/ref/$i.png" -pix_fmt rgba -f md5 -)" ]
  check "frame $i's log line has its stream size" \
    [ "$(awk -v n="$i" '$1 == n { print $3 }' "$work/log.txt")" = "$(stat -c %s "$work/ref/$i.lc")" ]
done
check "the filter changes the frames" bash -c "! cmp -s '$work/raw/2.png' '$work/filtered/2.png'"

# A model that does not load: one clear line, frames pass through, the log says why.
out=$(FREI0R_PATH=$plugins ff "${source_args[@]}" \
  -vf "frei0r=filter_name=lcodec:filter_params=4|$work/missing.lcm|$work/bad.txt" "$work/bad%d.png" 2>&1)
check "a missing model is reported once" [ "$(grep -c "lcodec frei0r filter: .*missing.lcm" <<<"$out")" -eq 1 ]
check "the log says why" grep -q "^1 .* error: .*missing.lcm" "$work/bad.txt"

finish
