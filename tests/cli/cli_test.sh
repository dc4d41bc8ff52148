#!/usr/bin/env bash
# The lcodec CLI as a user meets it: a round trip, and one clear line and a
# non-zero exit for each mistake a user can make.
# usage: cli_test.sh LCODEC_BINARY MODEL OTHER_MODEL IMAGE
set -u
lcodec=$1 model=$2 other=$3 image=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0 passed=0

# expect EXIT_CODE "text the output must contain" -- command...
expect() {
  local code=$1 text=$2; shift 2
  local out rc
  out=$("$@" 2>&1); rc=$?
  if [ "$rc" -ne "$code" ] || ! grep -qF -- "$text" <<<"$out"; then
    echo "FAIL: $* -> exit $rc (want $code), output: $out"
    failures=$((failures + 1))
  else
    passed=$((passed + 1))
  fi
}

expect 0 "bpp" "$lcodec" encode -i "$image" -o "$work/a.lc" -m "$model" -q 2.5
expect 0 '"bytes"' "$lcodec" encode -i "$image" -o "$work/a.lc" -m "$model" -q 2.5 -y --json
expect 0 "test-tiny" "$lcodec" info -i "$work/a.lc"
expect 0 "8-bit" "$lcodec" decode -i "$work/a.lc" -o "$work/a.png" -m "$model"
expect 0 "bpp" "$lcodec" encode -i "$work/a.png" -o "$work/b.lc" -m "$model" --bpp 0.5
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
expect 2 "see --help" "$lcodec" encode -i "$image" -o "$work/c.lc" -q abc
expect 1 "--threads must be" "$lcodec" decode -i "$work/a.lc" -o "$work/c.png" -m "$model" --threads 0
expect 2 "unknown command" "$lcodec" frobnicate
expect 0 "--bpp" "$lcodec" encode --help
# Failures leave no output behind.
[ ! -e "$work/c.lc" ] && [ ! -e "$work/c.png" ] && ! ls "$work"/*.XXXXXX* >/dev/null 2>&1 \
  && passed=$((passed + 1)) || { echo "FAIL: a failed command left a file"; failures=$((failures + 1)); }

echo "$passed passed, $failures failed"
[ "$failures" -eq 0 ]
