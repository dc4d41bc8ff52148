# Sourced by the lcodec eval end-to-end tests (eval_cli_test.sh,
# eval_audio_cli_test.sh): a scratch folder $work that goes on exit;
# expect, check and finish from tests/cli/expect.sh; ok and fail for
# conditions tested inline; and the resume checks both media share.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "${BASH_SOURCE[0]}")/../cli/expect.sh"
ok() { passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# The items' files with their inode numbers: an atomic rewrite changes them.
inodes() { find "$1/items" -name '*.csv' -printf '%p %i\n' | sort; }

# check_resume ITEM_FILE "ITEM CODEC": in $work/full, which the caller's
# `run` wrote from 12 items, a second run computes nothing and rewrites no
# item; and after ITEM_FILE (under items/) is lost, a run redoes that item
# and only that one.
check_resume() {
  local before out
  before=$(inodes "$work/full")
  expect 0 "12 resumed" run -o "$work/full"
  [ "$before" = "$(inodes "$work/full")" ] && ok || fail "a resumed run rewrote items"
  rm "$work/full/items/$1"
  out=$(run -o "$work/full" 2>&1)
  grep -qF "11 resumed" <<<"$out" && grep -qF "$2" <<<"$out" && [ "$(grep -c '^\[' <<<"$out")" -eq 1 ] \
    && ok || fail "resuming after a lost item: $out"
}

# check_merged COLUMNS CURVE...: $work/merged, merged from shards, holds
# what $work/full holds, timings aside: the first COLUMNS columns of
# rows.csv (those before encode_s and decode_s), bd_rate.md, and each
# curves/CURVE.json but for its _time entries.
check_merged() {
  local keep="1-$1" curve; shift
  [ "$(cut -d, -f"$keep" "$work/full/rows.csv")" = "$(cut -d, -f"$keep" "$work/merged/rows.csv")" ] \
    && ok || fail "merged rows differ"
  cmp -s "$work/full/bd_rate.md" "$work/merged/bd_rate.md" && ok || fail "merged BD-rates differ"
  for curve in "$@"; do
    [ "$(grep -v _time "$work/full/curves/$curve.json")" = "$(grep -v _time "$work/merged/curves/$curve.json")" ] \
      && ok || fail "merged curve $curve differs"
  done
}
