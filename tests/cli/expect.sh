# Sourced by the CLI test scripts: `expect` runs a command and checks its exit
# code and output; `finish` prints the tally and sets the exit status.
failures=0 passed=0

# expect EXIT_CODE "text the output must contain" -- command...
# A failure must be exactly one line.
expect() {
  local code=$1 text=$2; shift 2
  local out rc
  out=$("$@" 2>&1); rc=$?
  if [ "$rc" -ne "$code" ] || ! grep -qF -- "$text" <<<"$out" || { [ "$code" -ne 0 ] && [ "$(wc -l <<<"$out")" -ne 1 ]; }; then
    echo "FAIL: $* -> exit $rc (want $code), output: $out"
    failures=$((failures + 1))
  else
    passed=$((passed + 1))
  fi
}

# check "what" -- command...: the command must succeed (a comparison).
check() {
  local what=$1; shift
  if "$@"; then
    passed=$((passed + 1))
  else
    echo "FAIL: $what"
    failures=$((failures + 1))
  fi
}

finish() {
  echo "$passed passed, $failures failed"
  [ "$failures" -eq 0 ]
}
