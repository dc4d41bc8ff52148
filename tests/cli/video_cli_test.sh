#!/usr/bin/env bash
# lcodec on video files, against the real ffmpeg: clips made from lavfi test
# sources go through encode and decode; frame count, sizes, timestamps and
# frame rate must survive, each decoded intra frame must be the image codec's
# round trip of the same input frame, a still clip must repeat its first
# frame, the audio track must be the audio codec's
# round trip of the same samples with its rate, channels, length and start
# time, any thread count must give the same frames, and each mistake must
# give one clear line.
# usage: video_cli_test.sh LCODEC_BINARY MODEL AUDIO_MODEL OTHER_AUDIO_MODEL
set -u
lcodec=$1 model=$2 audio_model=$3 other_audio_model=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "$0")/expect.sh"

ff() { ffmpeg -nostdin -hide_banner -loglevel error "$@"; }
# One line per frame: pts, width, height.
frames_of() { ffprobe -v error -select_streams v:0 -show_entries frame=pts,width,height -of csv=p=0 "$1"; }
rate_of() { ffprobe -v error -select_streams v:0 -show_entries stream=r_frame_rate -of csv=p=0 "$1"; }
# The MD5 of each frame's RGB pixels, whatever the file format.
pixels_of() { ff -i "$1" -map 0:v -pix_fmt rgb24 -f framehash -hash md5 - | grep -v '^#' | awk -F, '{print $NF}'; }

# round_trip NAME SIZE RATE FRAMES
round_trip() {
  local name=$1 size=$2 rate=$3 n=$4 d="$work/$1"
  mkdir -p "$d/in" "$d/ref" "$d/frames"
  # RGB in FFV1 (lossless), so that the frames lcodec reads are exactly the PNGs below.
  ff -f lavfi -i "testsrc=size=$size:rate=$rate" -frames:v "$n" -c:v ffv1 -pix_fmt bgr0 "$d/in.mkv"
  expect 0 "\"frames\": $n," "$lcodec" encode -i "$d/in.mkv" -o "$d/v.lc" -m "$model" -q 3 --json --keyframe-interval 1
  expect 0 "$n frames at" "$lcodec" decode -i "$d/v.lc" -o "$d/out.mkv" -m "$model"
  check "$name: frame count, sizes and timestamps survive" diff <(frames_of "$d/in.mkv") <(frames_of "$d/out.mkv")
  check "$name: frame rate survives ($(rate_of "$d/in.mkv"))" [ "$(rate_of "$d/in.mkv")" = "$(rate_of "$d/out.mkv")" ]
  expect 0 "$n frames at" "$lcodec" decode -i "$d/v.lc" -o "$d/frames/%03d.png" -m "$model"
  ff -i "$d/in.mkv" "$d/in/%03d.png"
  local i f
  for f in "$d"/in/*.png; do
    i=$(basename "$f" .png)
    "$lcodec" encode -i "$f" -o "$d/ref/$i.lc" -m "$model" -q 3 > /dev/null &&
      "$lcodec" decode -i "$d/ref/$i.lc" -o "$d/ref/$i.png" -m "$model" > /dev/null
    check "$name: frame $i is the image codec's round trip of input frame $i" cmp -s "$d/ref/$i.png" "$d/frames/$i.png"
  done
  check "$name: $n numbered frames" [ "$(ls "$d/frames" | wc -l)" -eq "$n" ]
  check "$name: the .mkv holds the same pixels as the PNG frames" \
    diff <(pixels_of "$d/out.mkv") <(pixels_of "$d/frames/%03d.png")
}

round_trip even 96x64 5 4
round_trip odd 37x23 30000/1001 3

# Decoding gives the same frames with 1, 2 and 4 threads, predicted frames
# included (testsrc2's shapes move enough each frame that the test model's
# rate-distortion cost codes them rather than repeating the frame).
ff -f lavfi -i "testsrc2=size=96x64:rate=5" -frames:v 4 -c:v ffv1 -pix_fmt bgr0 "$work/moving.mkv"
expect 0 "frames: 1 intra, 3 predicted" "$lcodec" encode -i "$work/moving.mkv" -o "$work/moving.lc" -m "$model" -q 8
for t in 1 2 4; do
  mkdir -p "$work/t$t"
  "$lcodec" decode -i "$work/moving.lc" -o "$work/t$t/%03d.png" -m "$model" --threads $t > /dev/null
done
check "decoding does not depend on --threads" diff -r "$work/t1" "$work/t2"
check "decoding does not depend on --threads" diff -r "$work/t1" "$work/t4"

# A still clip: the first frame intra, the others repeat it; the keyframe
# interval forces intra frames.
ff -f lavfi -i "color=c=gray:size=96x64:rate=5" -frames:v 6 -c:v ffv1 -pix_fmt bgr0 "$work/still.mkv"
expect 0 "frames: 1 intra, 0 predicted from the previous one, 5 repeated" \
  "$lcodec" encode -i "$work/still.mkv" -o "$work/still.lc" -m "$model"
mkdir -p "$work/still"
expect 0 "6 frames at" "$lcodec" decode -i "$work/still.lc" -o "$work/still/%03d.png" -m "$model"
check "a still clip decodes to 6 equal frames" [ "$(md5sum "$work"/still/*.png | awk '{print $1}' | sort -u | wc -l)" -eq 1 ]
expect 0 '"intra_frames": 2, "predicted_frames": 0, "repeated_frames": 4' \
  "$lcodec" encode -i "$work/still.mkv" -o "$work/still.lc" -m "$model" --keyframe-interval 5 --json -y
expect 0 "frames:    2 intra, 0 predicted, 4 repeated" "$lcodec" info -i "$work/still.lc"
expect 1 "--keyframe-interval must be at least 1" \
  "$lcodec" encode -i "$work/still.mkv" -o "$work/c.lc" -m "$model" --keyframe-interval 0

# The audio track: a stereo 44.1 kHz tone that starts 0.3 s after the first
# frame and outlasts the frames, through encode and decode into .mkv (FLAC).
a="$work/av"
mkdir -p "$a/frames"
audio_of() { ffprobe -v error -select_streams a:0 -show_entries stream=codec_type,sample_rate,channels,start_time -of csv=p=0 "$1"; }
samples_of() { ff -i "$1" -map 0:a -f s16le - | wc -c; }
ff -f lavfi -i testsrc=size=32x32:rate=5 -itsoffset 0.3 -f lavfi -i "sine=frequency=440:sample_rate=44100:duration=6" \
  -frames:v 25 -ac 2 -c:v ffv1 -pix_fmt bgr0 -c:a flac -t 5.5 "$a/in.mkv"
expect 0 "audio: 44100 Hz, 2 channel(s)" "$lcodec" encode -i "$a/in.mkv" -o "$a/v.lc" -m "$model" \
  --audio-model "$audio_model" --audio-quality 5
expect 0 "audio track decoded" "$lcodec" decode -i "$a/v.lc" -o "$a/out.mkv" -m "$model" --audio-model "$audio_model"
check "audio: frame count, sizes and timestamps survive" diff <(frames_of "$a/in.mkv") <(frames_of "$a/out.mkv")
check "audio: rate, channels and start time survive ($(audio_of "$a/in.mkv"))" \
  [ "$(audio_of "$a/in.mkv")" = "$(audio_of "$a/out.mkv")" ]
check "audio: the length survives ($(samples_of "$a/in.mkv") bytes)" [ "$(samples_of "$a/in.mkv")" = "$(samples_of "$a/out.mkv")" ]
# The same samples through the audio codec alone.
ff -i "$a/in.mkv" -map 0:a -c:a pcm_s16le "$a/ref.wav"
"$lcodec" encode -i "$a/ref.wav" -o "$a/ref.lc" -m "$audio_model" -q 5 > /dev/null &&
  "$lcodec" decode -i "$a/ref.lc" -o "$a/ref-out.wav" -m "$audio_model" > /dev/null
# Equal but for the 16-bit rounding of the two writers (FFmpeg rounds ties
# to even, lcodec's WAV writer away from zero: 1 LSB on ~0.01 % of the
# samples), so compare's SNR is at its 100 dB cap; a misplaced or different
# chunk would give less than 40 dB.
ff -i "$a/out.mkv" -map 0:a -c:a pcm_s16le "$a/out-audio.wav"
expect 0 '"snr": 100.0000' "$lcodec" compare -a "$a/ref-out.wav" -b "$a/out-audio.wav" --json
expect 0 "from 0.300000 s" "$lcodec" info -i "$a/v.lc"
expect 0 "\"start_seconds\": 0.300000" "$lcodec" info -i "$a/v.lc" --json
expect 0 "numbered frames carry no sound" "$lcodec" decode -i "$a/v.lc" -o "$a/frames/%03d.png" -m "$model" \
  --audio-model "$audio_model"
expect 0 "audio track skipped (--no-audio)" "$lcodec" decode -i "$a/v.lc" -o "$a/mute.mkv" -m "$model" --no-audio
check "--no-audio on decode: no audio stream" [ -z "$(audio_of "$a/mute.mkv")" ]
expect 0 "audio track dropped (--no-audio)" "$lcodec" encode -i "$a/in.mkv" -o "$a/mute.lc" -m "$model" --no-audio
expect 0 "audio:     none" "$lcodec" info -i "$a/mute.lc"
if ffmpeg -hide_banner -encoders 2>/dev/null | grep -q libopus; then
  expect 1 "cannot code 44100 Hz audio" "$lcodec" decode -i "$a/v.lc" -o "$a/c.mkv" -m "$model" \
    --audio-model "$audio_model" --audio-codec libopus
fi
expect 1 "no audio encoder named 'nosuch'" "$lcodec" decode -i "$a/v.lc" -o "$a/c.mkv" -m "$model" \
  --audio-model "$audio_model" --audio-codec nosuch
expect 1 "pass the one it was made with (--audio-model)" "$lcodec" decode -i "$a/v.lc" -o "$a/c.mkv" -m "$model" \
  --audio-model "$other_audio_model"
expect 1 "--audio-quality must lie" "$lcodec" encode -i "$a/in.mkv" -o "$a/c.lc" -m "$model" \
  --audio-model "$audio_model" --audio-quality 99
size=$(stat -c %s "$a/v.lc")
head -c $((size - 40)) "$a/v.lc" > "$a/cut.lc"
expect 1 "truncated" "$lcodec" decode -i "$a/cut.lc" -o "$a/c.mkv" -m "$model" --audio-model "$audio_model"
check "audio failures leave no output" bash -c "[ ! -e '$a/c.mkv' ] && [ ! -e '$a/c.lc' ]"

# Mistakes: one clear line and exit 1, and no output left behind.
v="$work/even/v.lc"
ff -f lavfi -i sine=duration=0.2 "$work/sound.mkv"
expect 1 "has no video stream" "$lcodec" encode -i "$work/sound.mkv" -o "$work/c.lc" -m "$model"
echo "not a video" > "$work/text.mp4"
expect 1 "cannot open '$work/text.mp4'" "$lcodec" encode -i "$work/text.mp4" -o "$work/c.lc" -m "$model"
expect 1 "pass -y" "$lcodec" encode -i "$work/even/in.mkv" -o "$v" -m "$model"
expect 1 "quality must lie" "$lcodec" encode -i "$work/even/in.mkv" -o "$work/c.lc" -m "$model" -q 99
expect 1 "--bpp and --bitrate are for" "$lcodec" encode -i "$work/even/in.mkv" -o "$work/c.lc" -m "$model" --bpp 1
head -c $(($(stat -c %s "$v") - 10)) "$v" > "$work/cut.lc"
expect 1 "truncated" "$lcodec" decode -i "$work/cut.lc" -o "$work/c.mkv" -m "$model"
expect 1 "--max-frames" "$lcodec" decode -i "$v" -o "$work/c.mkv" -m "$model" --max-frames 3
expect 1 "--max-pixels" "$lcodec" decode -i "$v" -o "$work/c.mkv" -m "$model" --max-pixels 1000
expect 1 "no video encoder named 'nosuch'" "$lcodec" decode -i "$v" -o "$work/c.mkv" -m "$model" --video-codec nosuch
expect 1 "cannot tell a video format" "$lcodec" decode -i "$v" -o "$work/c.xyz" -m "$model"
expect 1 "the output folder must exist" "$lcodec" decode -i "$v" -o "$work/nowhere/c.mkv" -m "$model"
expect 1 "pass -y" "$lcodec" decode -i "$v" -o "$work/even/out.mkv" -m "$model"
# mpeg4 codes 4:2:0 only.
expect 1 "needs an even width" "$lcodec" decode -i "$work/odd/v.lc" -o "$work/c.avi" -m "$model" --video-codec mpeg4
expect 1 "has no crf setting" "$lcodec" decode -i "$v" -o "$work/c.avi" -m "$model" --video-codec mpeg4 --crf 20
if ffmpeg -hide_banner -encoders 2>/dev/null | grep -q libx264; then
  expect 0 "4 frames at" "$lcodec" decode -i "$v" -o "$work/x264.mp4" -m "$model" --video-codec libx264 --crf 18
  check "the libx264 output has 4 frames" [ "$(ffprobe -v error -count_frames -select_streams v:0 \
    -show_entries stream=nb_read_frames -of csv=p=0 "$work/x264.mp4")" = 4 ]
fi
check "failures leave no output and no temporary file" \
  bash -c "[ ! -e '$work/c.lc' ] && [ ! -e '$work/c.mkv' ] && [ ! -e '$work/c.avi' ] && ! ls -A '$work' | grep -q '\.tmp-'"

finish
