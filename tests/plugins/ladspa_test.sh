#!/usr/bin/env bash
# The LADSPA filters ladspa/lcodec.so inside the real ffmpeg: the output must
# be bit for bit what `lcodec encode` + `lcodec decode` give for the same
# samples followed by the plugin's reported latency in zeros (what FFmpeg
# feeds it to push out the last samples), cut to the input's length.
#   * lcodec_stereo at 48 kHz with af_ladspa's latency=1 (the input must be
#     longer than the latency: ffmpeg 5.1 hangs otherwise, see ladspa_lcodec.cc),
#     at a quality (c0) and at a bitrate (c1, against `lcodec encode -b`);
#   * lcodec_mono at 44.1 kHz (resampled inside the codec) on a short input,
#     delayed by hand with apad + atrim, the form that works for any length.
# usage: ladspa_test.sh LCODEC_BINARY PLUGIN_FOLDER MODEL
set -u
lcodec=$1 plugins=$2 model=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "$0")/../cli/expect.sh"
export LADSPA_PATH=$plugins
unset LCODEC_LADSPA_MODEL  # the plugin's default model is the shipped one, as $model

ff() { timeout 240 ffmpeg -nostdin -hide_banner -loglevel error -y "$@"; }
frames() { ffprobe -v error -show_entries stream=duration_ts -of csv=p=0 "$1"; }
# The latency the plugin reports, from af_ladspa's verbose log of its output controls.
reported_latency() { sed -n 's/.*latency \[.*(value \([0-9]*\)\.0*)\].*/\1/p' "$1" | head -n 1; }
# reference INPUT LATENCY OUT_RAW RATE_OPTION...: lcodec's round trip of
# INPUT followed by LATENCY zeros, cut to INPUT's length, as raw 32-bit
# floats, coded with RATE_OPTION (-q 4, -b 64k); the encoder's --json
# summary goes to $work/reference.json.
reference() {
  local input=$1 latency=$2 out=$3; shift 3
  ff -i "$input" -af "apad=pad_len=$latency" -c:a pcm_f32le "$work/padded.wav" &&
    "$lcodec" encode -i "$work/padded.wav" -o "$work/padded.lc" -m "$model" "$@" --json -y > "$work/reference.json" &&
    "$lcodec" decode -i "$work/padded.lc" -o "$work/decoded.wav" -m "$model" -y > /dev/null &&
    ff -i "$work/decoded.wav" -af "atrim=end_sample=$(frames "$input")" -f f32le "$out"
}
# stereo_filter CONTROLS NAME: $work/stereo.wav through lcodec_stereo with
# latency=1 into $work/NAME.raw, ffmpeg's verbose log in $work/NAME.log.
stereo_filter() {
  timeout 240 ffmpeg -nostdin -hide_banner -loglevel verbose -y -i "$work/stereo.wav" \
    -af "ladspa=file=lcodec:plugin=lcodec_stereo:controls=$1:latency=1" -c:a pcm_f32le "$work/$2.wav" \
    > "$work/$2.log" 2>&1
  ff -i "$work/$2.wav" -f f32le "$work/$2.raw"
}

# Stereo: a tone on the left and noise on the right, so that mid and side
# both matter; 14 s, longer than the bitrate's latency (its 10 s prefix).
ff -filter_complex "sine=frequency=440:sample_rate=48000:duration=14[l];
  anoisesrc=sample_rate=48000:duration=14:amplitude=0.1:seed=7[r];[l][r]join=inputs=2:channel_layout=stereo" \
  -c:a pcm_f32le "$work/stereo.wav"
stereo_filter c0=4 stereo-out
latency=$(reported_latency "$work/stereo-out.log")
check "the stereo plugin reports a latency" [ -n "$latency" ]
check "ffmpeg kept the input's length" [ "$(frames "$work/stereo-out.wav")" = "$(frames "$work/stereo.wav")" ]
ff -i "$work/stereo.wav" -f f32le "$work/stereo-in.raw"
reference "$work/stereo.wav" "${latency:-0}" "$work/stereo-ref.raw" -q 4
check "stereo output matches lcodec's round trip" cmp -s "$work/stereo-out.raw" "$work/stereo-ref.raw"
check "the filter changes the audio" bash -c "! cmp -s '$work/stereo-in.raw' '$work/stereo-out.raw'"

# Stereo at 64 kbps (c1; c0 is then unused): the quality is searched on the
# first 10 s, as `lcodec encode -b` does, and the latency covers that wait.
stereo_filter "c0=4|c1=64" stereo-64k
bitrate_latency=$(reported_latency "$work/stereo-64k.log")
prefix=$((10 * 48000))
check "the bitrate's latency is the larger of the codec's and its 10 s prefix" \
  [ "${bitrate_latency:-0}" -eq $(( ${latency:-0} > prefix ? ${latency:-0} : prefix )) ]
check "ffmpeg kept the input's length at a bitrate" \
  [ "$(frames "$work/stereo-64k.wav")" = "$(frames "$work/stereo.wav")" ]
reference "$work/stereo.wav" "${bitrate_latency:-0}" "$work/stereo-64k-ref.raw" -b 64k
check "stereo output at a bitrate matches lcodec -b's round trip" \
  cmp -s "$work/stereo-64k.raw" "$work/stereo-64k-ref.raw"
plugin_quality=$(sed -n 's/^lcodec LADSPA filter: quality \([0-9.]*\) for 64 kbps$/\1/p' "$work/stereo-64k.log")
reference_quality=$(sed -n 's/.*"quality": \([0-9.]*\),.*/\1/p' "$work/reference.json")
check "the plugin prints the quality lcodec -b picks (plugin '$plugin_quality', lcodec '$reference_quality')" \
  [ "${plugin_quality:-none}" = "$reference_quality" ]
stereo_filter "c0=4|c1=128" stereo-128k
check "another bitrate gives another output" bash -c "! cmp -s '$work/stereo-64k.raw' '$work/stereo-128k.raw'"

# Mono at 44.1 kHz, shorter than the latency.
ff -f lavfi -i "sine=frequency=300:sample_rate=44100:duration=2" -af "volume=0.5" -c:a pcm_f32le "$work/mono.wav"
timeout 240 ffmpeg -nostdin -hide_banner -loglevel verbose -i "$work/mono.wav" -t 0.1 \
  -af "ladspa=file=lcodec:plugin=lcodec_mono:controls=c0=4" -f null - > "$work/mono.log" 2>&1
latency=$(reported_latency "$work/mono.log")
check "the mono plugin reports a latency" [ -n "$latency" ]
ff -i "$work/mono.wav" -af "apad=pad_len=${latency:-0},ladspa=file=lcodec:plugin=lcodec_mono:controls=c0=4,
  atrim=start_sample=${latency:-0},asetpts=PTS-STARTPTS" -f f32le "$work/mono-out.raw"
reference "$work/mono.wav" "${latency:-0}" "$work/mono-ref.raw" -q 4
check "mono 44.1 kHz output matches lcodec's round trip" cmp -s "$work/mono-out.raw" "$work/mono-ref.raw"

# A model that does not load: instantiation fails with one line that says why.
out=$(LCODEC_LADSPA_MODEL=$work/missing.lcm ff -i "$work/mono.wav" \
  -af "ladspa=file=lcodec:plugin=lcodec_mono:controls=c0=4" -f null - 2>&1)
check "a missing model fails the filter" grep -q "Could not instantiate plugin" <<<"$out"
check "and says which model" [ "$(grep -c "lcodec LADSPA filter: .*missing.lcm" <<<"$out")" -eq 1 ]

finish
