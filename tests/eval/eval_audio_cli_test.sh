#!/usr/bin/env bash
# lcodec eval on the bundled audio clips with lcodec (a tiny untrained model),
# opus, aac and mp3 at two bitrates: the outputs hold sane, consistent values
# (speech and music apart, STOI for speech only); a second run resumes
# without recomputing; an interrupted run redoes only what is missing; two
# shards merged give what one unsharded run gives; mistakes give one clear
# line and a non-zero exit.
# usage: eval_audio_cli_test.sh LCODEC_BINARY AUDIO_MODEL OTHER_AUDIO_MODEL CLIP_FOLDER IMAGE_FOLDER
set -u
lcodec=$1 model=$2 other=$3 clips=$4 images=$5
source "$(dirname "$0")/eval_test_setup.sh"

codecs=lcodec,opus,aac,mp3
# No --audio: a folder of clips and no images is evaluated as audio.
run() { "$lcodec" eval -i "$clips" -m "$model" --codecs "$codecs" --kbps 16,64 --jobs 2 "$@"; }

expect 0 "| opus | 2 | " run -o "$work/full"
for f in rows.csv bd_rate.md rd.svg rd-speech.svg rd-music.svg run.json; do
  [ -s "$work/full/$f" ] && ok || fail "no $f"
done
for c in lcodec opus aac mp3; do
  for g in "" speech/ music/; do [ -s "$work/full/curves/$g$c.json" ] && ok || fail "no curves/$g$c.json"; done
done

# The values: kbps from bytes, metrics in range, quality rising with rate,
# STOI on speech only, and each curve point the mean of its rows.
/usr/bin/python3 - "$work/full" <<'PY' && ok || fail "outputs are inconsistent"
import csv, json, sys, collections
out = sys.argv[1]
rows = list(csv.DictReader(open(out + "/rows.csv")))
assert len(rows) == 3 * (8 + 3 * 2), len(rows)
durations = {"music_librosa_trumpet.flac": 235201 / 44100, "music_sms_flute-A4.flac": 94803 / 44100,
             "speech_alsa_front_center.flac": 68545 / 48000}
for r in rows:
    seconds = float(r["seconds"])
    assert abs(seconds - durations[r["clip"]]) < 1e-5, r
    assert abs(8 * int(r["bytes"]) / seconds / 1000 - float(r["kbps"])) < 1e-4, r
    assert float(r["lsd"]) >= 0 and float(r["mel_distance"]) >= 0, r
    speech = r["clip"].startswith("speech_")
    assert (r["stoi"] != "") == speech, r
    if speech:
        assert 0 < float(r["stoi"]) <= 1, r
    if r["codec"] != "lcodec":  # a real codec's quality, not an untrained one's
        assert 0.5 * float(r["setting"]) < float(r["kbps"]) < 1.6 * float(r["setting"]) + 4, r
        assert float(r["snr"]) > 0 and float(r["mel_distance"]) < 2.5, r
for codec in ("opus", "aac", "mp3"):
    for clip in durations:
        pts = sorted((float(r["kbps"]), float(r["mel_distance"])) for r in rows if r["codec"] == codec and r["clip"] == clip)
        assert pts[0][1] > pts[1][1], (codec, clip, pts)
for group, members in (("", list(durations)), ("speech/", ["speech_alsa_front_center.flac"]),
                       ("music/", ["music_librosa_trumpet.flac", "music_sms_flute-A4.flac"])):
    for codec in ("lcodec", "opus", "aac", "mp3"):
        curve = json.load(open(f"{out}/curves/{group}{codec}.json"))
        assert curve["name"] == codec and curve["clips"] == len(members), curve
        res = curve["results"]
        assert ("stoi" in res) == (group == "speech/"), (group, res.keys())
        by_setting = collections.defaultdict(list)
        for r in rows:
            if r["codec"] == codec and r["clip"] in members:
                by_setting[float(r["setting"])].append(r)
        assert sorted(by_setting) == res["setting"], (sorted(by_setting), res["setting"])
        keys = [("kbps", "kbps"), ("snr", "snr"), ("si-sdr", "si_sdr"), ("lsd", "lsd"), ("mel-distance", "mel_distance")]
        if group == "speech/":
            keys.append(("stoi", "stoi"))
        for i, s in enumerate(res["setting"]):
            for key, col in keys:
                mean = sum(float(r[col]) for r in by_setting[s]) / len(members)
                assert abs(mean - res[key][i]) < 1e-3, (group, codec, key, s, mean, res[key][i])
PY
for section in "## all clips (3 clips)" "## speech (1 clips)" "## music (2 clips)" "| curve | points | kbps range | SNR |"; do
  grep -qF "$section" "$work/full/bd_rate.md" && ok || fail "bd_rate.md lacks '$section': $(cat "$work/full/bd_rate.md")"
done
grep -qF "BD-rate against opus" "$work/full/bd_rate.md" && ok || fail "opus is not the default anchor"
grep -qF "STOI" "$work/full/rd-speech.svg" && ! grep -qF "STOI" "$work/full/rd-music.svg" && ok \
  || fail "the speech plot should have a STOI panel, the music plot none"

check_resume aac/music_sms_flute-A4.flac.csv "music_sms_flute-A4.flac aac"
# Another model redoes lcodec's items only; other bitrates redo the others'.
cp -r "$work/full" "$work/other"
expect 0 "9 resumed" "$lcodec" eval -i "$clips" -m "$other" --codecs "$codecs" --kbps 16,64 -o "$work/other"
expect 0 "3 resumed" "$lcodec" eval -i "$clips" -m "$other" --codecs "$codecs" --kbps 16,48 -o "$work/other"

# Two shards, merged, give the unsharded results (timings aside).
expect 0 "2 clips" run -o "$work/s0" --shard 0/2 --audio
expect 0 "1 clips" run -o "$work/s1" --shard 1/2 --audio
expect 0 "| mp3 | 2 |" "$lcodec" eval merge -o "$work/merged" "$work/s0" "$work/s1"
check_merged 13 $(for c in lcodec opus aac mp3; do for g in "" speech/ music/; do echo "$g$c"; done; done)
# Saved audio curves make a BD-rate table on their own.
expect 0 "| aac | 2 | " "$lcodec" eval bdrate "$work/full/curves/opus.json" "$work/full/curves/aac.json"

# Mistakes: one clear line, non-zero exit.
expect 1 "--kbps takes bitrates" run -o "$work/x" --kbps 0
expect 1 "--kbps applies to audio runs only" "$lcodec" eval -i "$images" -o "$work/x" --codecs jpeg --kbps 16
expect 1 "unknown codec 'jpeg'" run -o "$work/x" --codecs opus,jpeg
expect 1 "holds no audio clips" "$lcodec" eval -i "$images" -o "$work/x" --audio --codecs opus
expect 0 "1 images" "$lcodec" eval -i "$images" -o "$work/img" --codecs jpeg --shard 0/4
expect 1 "comes from another run" "$lcodec" eval merge -o "$work/x" "$work/s0" "$work/img"
expect 1 "measures other media" "$lcodec" eval bdrate "$work/full/curves/opus.json" "$work/img/curves/jpeg.json"
[ "$(run -o "$work/y" -m "$work/nowhere.lcm" 2>&1 | wc -l)" -eq 1 ] && ok || fail "a missing model gave more than one line"

finish
