#!/usr/bin/env bash
# lcodec eval end to end on the bundled images with jpeg, webp and lcodec (a
# tiny untrained model): the outputs hold sane, consistent values; a second
# run resumes without recomputing; an interrupted run redoes only what is
# missing; two shards merged give what one unsharded run gives; mistakes give
# one clear line and a non-zero exit.
# usage: eval_cli_test.sh LCODEC_BINARY MODEL OTHER_MODEL IMAGE_FOLDER
set -u
lcodec=$1 model=$2 other=$3 images=$4
source "$(dirname "$0")/eval_test_setup.sh"

codecs=lcodec,jpeg,webp
run() { "$lcodec" eval -i "$images" -m "$model" --codecs "$codecs" --jobs 2 "$@"; }

expect 0 "| jpeg | 9 |" run -o "$work/full"
for f in rows.csv curves/lcodec.json curves/jpeg.json curves/webp.json bd_rate.md rd.svg run.json; do
  [ -s "$work/full/$f" ] && ok || fail "no $f"
done

# The values: bpp from bytes, metrics in range, quality rising with rate, and
# each curve point the mean of its rows.
/usr/bin/python3 - "$work/full" <<'PY' && ok || fail "outputs are inconsistent"
import csv, json, sys, collections, math
out = sys.argv[1]
rows = list(csv.DictReader(open(out + "/rows.csv")))
assert len(rows) == 4 * (8 + 9 + 8), len(rows)
for r in rows:
    bpp = 8 * int(r["bytes"]) / (int(r["width"]) * int(r["height"]))
    assert abs(bpp - float(r["bpp"])) < 1e-5, r
    assert 0 < float(r["ms_ssim"]) <= 1 and 0 < float(r["psnr_rgb"]) <= 100, r
    assert abs(float(r["ms_ssim_db"]) + 10 * math.log10(1 - float(r["ms_ssim"]))) < 1e-3, r
    if r["codec"] != "lcodec":  # a trained codec's quality, not an untrained one's
        assert 0.05 < float(r["bpp"]) < 6 and 20 < float(r["psnr_rgb"]) < 60 and float(r["ms_ssim"]) > 0.8, r
for codec in ("jpeg", "webp"):
    for image in {r["image"] for r in rows}:
        pts = sorted((float(r["bpp"]), float(r["psnr_rgb"])) for r in rows if r["codec"] == codec and r["image"] == image)
        assert all(a[1] < b[1] for a, b in zip(pts, pts[1:])), (codec, image, pts)
for codec in ("lcodec", "jpeg", "webp"):
    curve = json.load(open(f"{out}/curves/{codec}.json"))
    assert curve["name"] == codec and curve["images"] == 4
    res = curve["results"]
    by_setting = collections.defaultdict(list)
    for r in rows:
        if r["codec"] == codec:
            by_setting[float(r["setting"])].append(r)
    assert sorted(by_setting) == res["setting"], (sorted(by_setting), res["setting"])
    for i, s in enumerate(res["setting"]):
        for key, col in (("bpp", "bpp"), ("psnr-rgb", "psnr_rgb"), ("psnr-y", "psnr_y"), ("ms-ssim-rgb", "ms_ssim")):
            mean = sum(float(r[col]) for r in by_setting[s]) / 4
            assert abs(mean - res[key][i]) < 1e-3, (codec, key, s, mean, res[key][i])
PY
grep -qF "| jpeg | 9 | " "$work/full/bd_rate.md" && grep -qF "+0.00 % | +0.00 % | +0.00 % |" "$work/full/bd_rate.md" \
  && ok || fail "bd_rate.md lacks the anchor line: $(cat "$work/full/bd_rate.md")"
grep -qF "<polyline" "$work/full/rd.svg" && ok || fail "rd.svg has no curves"

check_resume webp/chelsea.png.csv "chelsea.png webp"
# Items made with another configuration (here another model) are redone.
cp -r "$work/full" "$work/other"
expect 0 "8 resumed" "$lcodec" eval -i "$images" -m "$other" --codecs "$codecs" -o "$work/other"

# Two shards, merged, give the unsharded results (timings aside).
expect 0 "2 images" run -o "$work/s0" --shard 0/2
expect 0 "2 images" run -o "$work/s1" --shard 1/2
expect 0 "| webp | 8 |" "$lcodec" eval merge -o "$work/merged" "$work/s0" "$work/s1"
check_merged 11 lcodec jpeg webp

# A published curve (CompressAI's format) joins the table and the plot.
cat > "$work/published.json" <<'JSON'
{"name": "bmshj2018-hyperprior", "description": "Inference (ans)",
 "results": {"psnr": [27.1, 28.9, 30.6, 32.5, 34.4], "ms-ssim": [0.91, 0.935, 0.955, 0.97, 0.98],
             "bpp": [0.3, 0.45, 0.65, 0.95, 1.35]}}
JSON
expect 0 "| bmshj2018-hyperprior | 5 | 0.300-1.350 |" run -o "$work/full" --compare "$work/published.json"
grep -qF "bmshj2018-hyperprior" "$work/full/rd.svg" && ok || fail "the published curve is not in the plot"

# BD-rates of saved curves, and the anchor against itself.
expect 0 "| jpeg | 9 | 0." "$lcodec" eval bdrate "$work/full/curves/jpeg.json" "$work/full/curves/webp.json" \
  --plot "$work/plot.svg"
[ -s "$work/plot.svg" ] && ok || fail "bdrate --plot wrote nothing"
expect 0 "BD-rate against webp" "$lcodec" eval bdrate --anchor webp "$work/full/curves/jpeg.json" \
  "$work/full/curves/webp.json"

# Mistakes: one clear line, non-zero exit.
expect 1 "is not a folder" "$lcodec" eval -i "$work/nowhere" -o "$work/x" --codecs jpeg
expect 1 "unknown codec 'gif'" "$lcodec" eval -i "$images" -o "$work/x" --codecs jpeg,gif
expect 1 "--shard must be i/N" "$lcodec" eval -i "$images" -o "$work/x" --codecs jpeg --shard 2/2
expect 1 "--shard must be i/N" "$lcodec" eval -i "$images" -o "$work/x" --codecs jpeg --shard x
expect 1 "shard 1/2 is missing" "$lcodec" eval merge -o "$work/x" "$work/s0"
expect 1 "given twice" "$lcodec" eval merge -o "$work/x" "$work/s0" "$work/s0"
expect 0 "2 images" "$lcodec" eval -i "$images" -m "$other" --codecs "$codecs" -o "$work/s1-other" --shard 1/2
expect 1 "ran lcodec with another configuration" "$lcodec" eval merge -o "$work/x" "$work/s0" "$work/s1-other"
expect 1 "No such file" "$lcodec" eval bdrate "$work/nowhere.json"
expect 1 "not among the curves" "$lcodec" eval bdrate --anchor avif "$work/full/curves/jpeg.json"
expect 2 "is required" "$lcodec" eval -i "$images"
[ "$(run -o "$work/y" -m "$work/nowhere.lcm" 2>&1 | wc -l)" -eq 1 ] && ok || fail "a missing model gave more than one line"

finish
