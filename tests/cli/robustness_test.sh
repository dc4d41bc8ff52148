#!/usr/bin/env bash
# Determinism and resource limits through the lcodec binary:
#  - encoding and decoding give byte-identical files with 1, 2 and 4 threads;
#  - a header that claims a huge image is refused before anything is
#    allocated, with one line naming the flag that raises the limit, and once
#    the flag is raised, a garbage payload behind it fails in bounded time
#    and memory.
# usage: robustness_test.sh LCODEC_BINARY MODEL IMAGE
set -u
lcodec=$1 model=$2 image=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0 passed=0

check() {  # check DESCRIPTION COMMAND...
  local what=$1; shift
  if "$@"; then passed=$((passed + 1)); else echo "FAIL: $what"; failures=$((failures + 1)); fi
}

# --- Determinism ------------------------------------------------------------
for threads in 1 2 4; do
  "$lcodec" encode -i "$image" -o "$work/t$threads.lc" -m "$model" -q 6 --threads "$threads" >/dev/null
  "$lcodec" decode -i "$work/t1.lc" -o "$work/t$threads.png" -m "$model" --threads "$threads" >/dev/null
  "$lcodec" decode -i "$work/t1.lc" -o "$work/t$threads.ppm" -m "$model" --threads "$threads" >/dev/null
done
for threads in 2 4; do
  check "encoding with $threads threads gives the same stream as with 1" cmp -s "$work/t1.lc" "$work/t$threads.lc"
  check "decoding with $threads threads gives the same PNG as with 1" cmp -s "$work/t1.png" "$work/t$threads.png"
  check "decoding with $threads threads gives the same PPM as with 1" cmp -s "$work/t1.ppm" "$work/t$threads.ppm"
done
"$lcodec" decode -i "$work/t1.lc" -o "$work/again.png" -m "$model" --threads 2 >/dev/null
check "decoding twice gives the same file" cmp -s "$work/t1.png" "$work/again.png"

# --- Crafted headers --------------------------------------------------------
# craft WIDTH HEIGHT OUT: the stream above with another size in HEAD (its CRC
# recomputed), so only the size is wrong: the payload is for 300x200.
craft() {
  /usr/bin/python3 - "$work/t1.lc" "$3" "$1" "$2" <<'EOF'
import struct, sys, zlib
src, dst, width, height = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
b = bytearray(open(src, "rb").read())
length = struct.unpack_from("<I", b, 10)[0]  # HEAD: tag at 6, length at 10, body at 14 (bitstream/SPEC.md)
struct.pack_into("<II", b, 14 + 4, width, height)
struct.pack_into("<I", b, 14 + length, zlib.crc32(bytes(b[6:14 + length])))
open(dst, "wb").write(b)
EOF
}

# measure COMMAND...: runs it; sets rc, out (stdout and stderr), mb (peak RSS) and seconds.
measure() {
  local report
  report=$(/usr/bin/python3 - "$@" <<'EOF'
import resource, subprocess, sys, time
start = time.monotonic()
r = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
print(r.returncode, mb, int(time.monotonic() - start) + 1)
print(r.stdout, end="")
EOF
)
  read -r rc mb seconds <<<"$(head -n 1 <<<"$report")"
  out=$(tail -n +2 <<<"$report")
}

# Baseline: the real 300x200 decode.
measure "$lcodec" decode -i "$work/t1.lc" -o "$work/base.png" -m "$model"
base_mb=$mb

# Over the default limit (2^28 pixels), and over a limit set by flag.
for case in "100000 100000 " "16385 16384 " "4097 4096 --max-pixels=16777216"; do
  read -r w h flag <<<"$case"
  craft "$w" "$h" "$work/huge.lc"
  measure "$lcodec" decode -i "$work/huge.lc" -o "$work/huge.png" -m "$model" $flag
  check "${w}x$h $flag is refused with exit 1 (got $rc: $out)" test "$rc" -eq 1
  check "${w}x$h $flag: one line naming --max-pixels (got: $out)" \
    bash -c '[ "$(wc -l <<<"$1")" -eq 1 ] && grep -q "raise it with --max-pixels" <<<"$1"' _ "$out"
  check "${w}x$h $flag: refused before allocating (peak RSS $mb MB, baseline $base_mb MB)" \
    test "$mb" -le $((base_mb + 64))
  check "${w}x$h $flag: no output" test ! -e "$work/huge.png"
done

# Within the limit (raised by flag for the first), a payload that does not
# fit the claimed size is an error after bounded work, never a huge
# allocation or a long computation.
for case in "100000 100000 --max-pixels=10000000000" "16384 16384 " "4096 4096 "; do
  read -r w h flag <<<"$case"
  craft "$w" "$h" "$work/big.lc"
  measure "$lcodec" decode -i "$work/big.lc" -o "$work/big.png" -m "$model" $flag
  check "${w}x$h $flag with a small payload is corrupt, exit 1 (got $rc: $out)" \
    bash -c '[ "$1" -eq 1 ] && grep -q "corrupt input" <<<"$2"' _ "$rc" "$out"
  check "${w}x$h $flag: peak RSS $mb MB stays under 1 GiB above the baseline ($base_mb MB)" \
    test "$mb" -le $((base_mb + 1024))
  check "${w}x$h $flag: fails within 60 s (took $seconds s)" test "$seconds" -le 60
  check "${w}x$h $flag: no output" test ! -e "$work/big.png"
done

echo "$passed passed, $failures failed"
[ "$failures" -eq 0 ]
