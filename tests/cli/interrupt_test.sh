#!/usr/bin/env bash
# No lost or partial data: an lcodec run interrupted while it writes its
# output (SIGINT, SIGTERM, SIGHUP), stopped by a full disk (the file size
# limit, ulimit -f) or pointed at a folder it cannot write leaves no partial
# output and no temporary file, keeps an existing output intact, and never
# touches its input. Images are written whole (WriteFileAtomically); audio
# and video outputs are streamed (AtomicOutputFile, written by libsndfile and
# libavformat): both paths are covered.
# usage: interrupt_test.sh LCODEC_BINARY STOP_AT_FSYNC_SHIM MODEL IMAGE AUDIO_MODEL AUDIO
set -u
lcodec=$1 shim=$2 model=$3 image=$4 audio_model=$5 audio=$6
work=$(mktemp -d)
trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
failures=0 passed=0
# The shim is preloaded into binaries built with ASan too.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0

check() {  # check CONDITION_DESCRIPTION COMMAND...
  local what=$1; shift
  if "$@"; then passed=$((passed + 1)); else echo "FAIL: $what"; failures=$((failures + 1)); fi
}

cp "$image" "$work/in.png"
cp "$audio" "$work/in.flac"
"$lcodec" encode -i "$work/in.png" -o "$work/in.lc" -m "$model" >/dev/null || { echo "FAIL: setup encode"; exit 1; }
"$lcodec" encode -i "$work/in.flac" -o "$work/audio.lc" -m "$audio_model" >/dev/null || { echo "FAIL: audio setup"; exit 1; }
ffmpeg -v error -f lavfi -i testsrc=size=48x32:rate=5 -frames:v 2 -c:v ffv1 "$work/in.mkv" &&
  "$lcodec" encode -i "$work/in.mkv" -o "$work/video.lc" -m "$model" >/dev/null || { echo "FAIL: video setup"; exit 1; }
input_sums=$(cd "$work" && sha256sum in.png in.lc in.flac audio.lc in.mkv video.lc)

# The output folder holds exactly the files named.
only() { [ "$(cd "$work/out" && ls -A | sort)" = "$(printf '%s\n' "$@" | sed '/^$/d' | sort)" ]; }
inputs_untouched() { [ "$(cd "$work" && sha256sum in.png in.lc in.flac audio.lc in.mkv video.lc)" = "$input_sums" ]; }

# interrupt SIGNAL OUTPUT COMMAND...: runs COMMAND with the shim, which stops
# it once its output is written to the temporary file but not yet renamed;
# checks that the temporary file exists then, sends SIGNAL and lets it go on.
interrupt() {
  local sig=$1 output=$2; shift 2
  # Background jobs of a script start with SIGINT ignored; give it back its default.
  env --default-signal=INT LD_PRELOAD="$shim" "$@" >/dev/null 2>&1 &
  local pid=$! state="" i
  for i in $(seq 1 600); do
    state=$(ps -o stat= -p "$pid" 2>/dev/null) || break
    [[ $state == T* ]] && break
    sleep 0.1
  done
  check "$sig: the process stops at fsync" test "${state:0:1}" = T
  check "$sig: the temporary file exists while it is stopped" \
    bash -c "ls -A '$work/out' | grep -q '^$(basename "$output")\.tmp-'"
  kill -s "$sig" "$pid"
  kill -s CONT "$pid"
  wait "$pid" 2>/dev/null
  local rc=$?
  check "$sig: the process ends by the signal (exit $rc)" test "$rc" -eq $((128 + $(kill -l "$sig")))
}

mkdir "$work/out"
for sig in INT TERM HUP; do
  # A new output: nothing appears.
  interrupt "$sig" "$work/out/a.png" "$lcodec" decode -i "$work/in.lc" -o "$work/out/a.png" -m "$model"
  check "$sig during decode leaves nothing" only
  interrupt "$sig" "$work/out/a.lc" "$lcodec" encode -i "$work/in.png" -o "$work/out/a.lc" -m "$model"
  check "$sig during encode leaves nothing" only
  # Replacing an output with -y: the old one stays whole.
  echo "old output" > "$work/out/old.png"
  interrupt "$sig" "$work/out/old.png" "$lcodec" decode -i "$work/in.lc" -o "$work/out/old.png" -m "$model" -y
  check "$sig during decode -y keeps the old output" only old.png
  check "$sig during decode -y keeps the old output's bytes" grep -qx "old output" "$work/out/old.png"
  rm -f "$work/out/old.png"
  # Streamed outputs.
  interrupt "$sig" "$work/out/a.wav" "$lcodec" decode -i "$work/audio.lc" -o "$work/out/a.wav" -m "$audio_model"
  check "$sig during audio decode leaves nothing" only
  interrupt "$sig" "$work/out/a.mkv" "$lcodec" decode -i "$work/video.lc" -o "$work/out/a.mkv" -m "$model"
  check "$sig during video decode leaves nothing" only
  interrupt "$sig" "$work/out/a.lc" "$lcodec" encode -i "$work/in.flac" -o "$work/out/a.lc" -m "$audio_model"
  check "$sig during audio encode leaves nothing" only
  check "$sig: inputs untouched" inputs_untouched
done

# Full disk, simulated with the file size limit (1 KiB; the outputs are
# larger). By default the kernel then kills the process with SIGXFSZ...
out=$( (ulimit -f 1; "$lcodec" decode -i "$work/in.lc" -o "$work/out/a.png" -m "$model") 2>&1)
rc=$?
check "SIGXFSZ ends the process (exit $rc)" test "$rc" -eq $((128 + $(kill -l XFSZ)))
check "SIGXFSZ leaves nothing" only
# ...and with SIGXFSZ ignored the write fails with EFBIG: one line, exit 1.
out=$( (ulimit -f 1; env --ignore-signal=XFSZ "$lcodec" decode -i "$work/in.lc" -o "$work/out/a.png" -m "$model") 2>&1)
rc=$?
check "a full disk is exit 1 (got $rc: $out)" test "$rc" -eq 1
check "a full disk is one line saying what to do (got: $out)" \
  bash -c '[ "$(wc -l <<<"$1")" -eq 1 ] && grep -q "File too large; the file size limit (ulimit -f)" <<<"$1"' _ "$out"
check "a full disk leaves nothing" only

# An unwritable folder. Root writes anywhere, so drop that privilege first.
chmod a-w "$work/out"
drop=()
[ "$(id -u)" -eq 0 ] && drop=(setpriv --bounding-set=-dac_override,-dac_read_search)
out=$("${drop[@]}" "$lcodec" encode -i "$work/in.png" -o "$work/out/a.lc" -m "$model" 2>&1)
rc=$?
check "an unwritable folder is exit 1 (got $rc: $out)" test "$rc" -eq 1
check "an unwritable folder is one line saying what to do (got: $out)" \
  bash -c '[ "$(wc -l <<<"$1")" -eq 1 ] && grep -q "Permission denied; write to a folder you have write permission" <<<"$1"' _ "$out"
chmod u+w "$work/out"
check "an unwritable folder leaves nothing" only
check "inputs untouched at the end" inputs_untouched

echo "$passed passed, $failures failed"
[ "$failures" -eq 0 ]
