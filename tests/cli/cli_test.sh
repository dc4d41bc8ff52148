#!/usr/bin/env bash
# The lcodec CLI as a user meets it: a round trip, and one clear line and a
# non-zero exit for each mistake a user can make.
# usage: cli_test.sh LCODEC_BINARY MODEL OTHER_MODEL IMAGE
set -u
lcodec=$1 model=$2 other=$3 image=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "$0")/expect.sh"

expect 0 "bpp" "$lcodec" encode -i "$image" -o "$work/a.lc" -m "$model" -q 2.5
expect 0 '"bytes"' "$lcodec" encode -i "$image" -o "$work/a.lc" -m "$model" -q 2.5 -y --json
expect 0 "test-tiny" "$lcodec" info -i "$work/a.lc"
expect 0 "8-bit" "$lcodec" decode -i "$work/a.lc" -o "$work/a.png" -m "$model"
expect 0 "bpp" "$lcodec" encode -i "$work/a.png" -o "$work/b.lc" -m "$model" --bpp 0.5
expect 0 "bpp" "$lcodec" encode -i "$image" -o "$work/r.lc" -m "$model" -q 2.5 --refine 2
expect 0 "8-bit" "$lcodec" decode -i "$work/r.lc" -o "$work/r.png" -m "$model"
# Mistakes: each gives one clear line and exit 1 (bad command lines exit 2).
expect 1 "pass -y" "$lcodec" encode -i "$image" -o "$work/a.lc" -m "$model"
expect 1 "no such file" "$lcodec" encode -i "$work/missing.png" -o "$work/c.lc" -m "$model"
expect 1 "not an image" "$lcodec" encode -i "$work/a.lc" -o "$work/c.lc" -m "$model"
expect 1 "quality must lie" "$lcodec" encode -i "$image" -o "$work/c.lc" -m "$model" -q 50
expect 1 "test-tiny-other" "$lcodec" decode -i "$work/a.lc" -o "$work/c.png" -m "$other"
expect 1 "not an lcodec model" "$lcodec" decode -i "$work/a.lc" -o "$work/c.png" -m "$image"
head -c 100 "$work/a.lc" > "$work/cut.lc"
expect 1 "truncated" "$lcodec" decode -i "$work/cut.lc" -o "$work/c.png" -m "$model"
expect 1 "not an lcodec container" "$lcodec" info -i "$image"
expect 2 "is required" "$lcodec" encode -i "$image"
expect 2 "'abc' is not a valid value for -q (see --help)" "$lcodec" encode -i "$image" -o "$work/c.lc" -q abc
expect 2 "'lots' is not a valid value for --max-pixels" \
  "$lcodec" decode -i "$work/a.lc" -o "$work/c.png" -m "$model" --max-pixels lots
expect 2 "'x' is not a valid value for --threads" "$lcodec" decode -i "$work/a.lc" -o "$work/c.png" -m "$model" --threads=x
expect 1 "--threads must be" "$lcodec" decode -i "$work/a.lc" -o "$work/c.png" -m "$model" --threads 0
expect 1 "--bpp must be positive" "$lcodec" encode -i "$image" -o "$work/c.lc" -m "$model" --bpp -1
expect 1 "refinement rounds must lie in [0, 64]" "$lcodec" encode -i "$image" -o "$work/c.lc" -m "$model" --refine 65
expect 2 "unknown command" "$lcodec" frobnicate
expect 2 "does not exist (see --help)" "$lcodec" decode -i "$work/a.lc" -o "$work/c.png" -m "$model" --frobnicate
expect 0 "--bpp" "$lcodec" encode --help
# Files that are missing, empty, of the wrong kind, or in the wrong place.
: > "$work/empty"
expect 1 "No such file" "$lcodec" decode -i "$work/missing.lc" -o "$work/c.png" -m "$model"
expect 1 "cannot open model file" "$lcodec" decode -i "$work/a.lc" -o "$work/c.png" -m "$work/missing.lcm"
expect 1 "not an lcodec model file" "$lcodec" decode -i "$work/a.lc" -o "$work/c.png" -m "$work/empty"
expect 1 "truncated" "$lcodec" decode -i "$work/empty" -o "$work/c.png" -m "$model"
expect 1 "use .png, .ppm, .tif or .bmp" "$lcodec" decode -i "$work/a.lc" -o "$work/c.xyz" -m "$model"
expect 1 "the output folder must exist" "$lcodec" decode -i "$work/a.lc" -o "$work/nowhere/c.png" -m "$model"
expect 1 "is a folder; give a file name" "$lcodec" encode -i "$image" -o "$work" -m "$model" -y
expect 1 "names the input file" "$lcodec" decode -i "$work/a.lc" -o "$work/./a.lc" -m "$model" -y
expect 1 "raise it with --max-pixels" "$lcodec" decode -i "$work/a.lc" -o "$work/c.png" -m "$model" --max-pixels 100
if [ ! -e "$(dirname "$0")/../../models/zoo/image-msh.lcm" ]; then  # until a trained model ships
  expect 1 "pass a model file with -m" "$lcodec" encode -i "$image" -o "$work/c.lc"
fi
# Failures leave no output and no temporary file behind.
check "failed commands leave no file behind" \
  bash -c '[ ! -e "$1/c.lc" ] && [ ! -e "$1/c.png" ] && [ ! -e "$1/c.xyz" ] && ! ls -A "$1" | grep -q "\.tmp-"' _ "$work"
finish
