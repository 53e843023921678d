#!/usr/bin/env bash
# `npm test`: every check and test tier, in order:
#   prerequisites -> typecheck -> lint -> build -> unit (c8 coverage) -> integration
#   -> e2e (code-server + Chromium) -> extension-host suite inside code-server
#   -> journey (whole migrations through the UI alone, test/journey).
# It goes on after a failure so one run shows everything, prints a summary per tier, and ends with
# one line `N passed, N failed, N skipped` adding up all tiers' mocha counts (a failed check such
# as lint, or a tier that crashed before reporting, counts as one failure). Exits 1 if anything failed.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

tally_dir="${root}/test-results/tally"
rm -rf "$tally_dir"
mkdir -p "$tally_dir"

total_passed=0
total_failed=0
total_skipped=0
summary=()
last_rc=0

banner() { printf '\n==== %s ====\n' "$1"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# check NAME CMD...: a step that passes or fails as a whole.
check() {
  local name="$1"
  shift
  banner "$name"
  local t0 rc=0
  t0=$(now_ms)
  "$@" || rc=$?
  local secs
  secs=$(awk -v ms="$(( $(now_ms) - t0 ))" 'BEGIN { printf "%.1f", ms / 1000 }')
  last_rc=$rc
  if [[ $rc -eq 0 ]]; then
    summary+=("$(printf '%-12s ok (%ss)' "$name" "$secs")")
  else
    total_failed=$((total_failed + 1))
    summary+=("$(printf '%-12s FAILED, exit %s (%ss)' "$name" "$rc" "$secs")")
  fi
  return 0
}

# tier NAME CMD...: a mocha tier that writes its counts to $MOCHA_TALLY_FILE.
tier() {
  local name="$1"
  shift
  banner "$name"
  local file="${tally_dir}/${name}.json"
  local t0 rc=0
  t0=$(now_ms)
  MOCHA_TALLY_FILE="$file" "$@" || rc=$?
  local secs
  secs=$(awk -v ms="$(( $(now_ms) - t0 ))" 'BEGIN { printf "%.1f", ms / 1000 }')
  if [[ -f "$file" ]]; then
    local p f s
    read -r p f s < <(node -e 'const t = require(process.argv[1]); console.log(t.passed, t.failed, t.skipped)' "$file")
    total_passed=$((total_passed + p))
    total_skipped=$((total_skipped + s))
    # A non-zero exit with no failing test (e.g. a crash after the run) still counts as a failure.
    if [[ $rc -ne 0 && $f -eq 0 ]]; then f=1; fi
    total_failed=$((total_failed + f))
    summary+=("$(printf '%-12s %s passed, %s failed, %s skipped (%ss)' "$name" "$p" "$f" "$s" "$secs")")
  elif [[ $rc -eq 0 ]]; then
    summary+=("$(printf '%-12s no test files (%ss)' "$name" "$secs")")
  else
    total_failed=$((total_failed + 1))
    summary+=("$(printf '%-12s FAILED before reporting, exit %s (%ss)' "$name" "$rc" "$secs")")
  fi
  return 0
}

has_files() { [[ -d "$1" && -n "$(find "$1" -name "$2" -print -quit)" ]]; }

run_unit() {
  if ! has_files test/unit '*.test.ts'; then echo "unit: no test files"; return 0; fi
  npx c8 --reporter=text-summary --reports-dir coverage --include 'src/**' \
    mocha --config test/unit/.mocharc.json --reporter scripts/mochaTallyReporter.ts
}

run_integration() {
  if ! has_files test/integration '*.test.ts'; then echo "integration: no test files"; return 0; fi
  npx mocha --config test/integration/.mocharc.json --reporter scripts/mochaTallyReporter.ts
}

run_e2e() {
  E2E_SKIP_BUILD=1 bash scripts/test-e2e.sh
}

run_journey() {
  E2E_SKIP_BUILD=1 bash scripts/test-journey.sh
}

run_exthost() {
  if ! has_files test/exthost/suite '*.test.ts'; then echo "exthost: no test files"; return 0; fi
  npx tsx test/exthost/runCodeServer.ts
}

suite_start=$(now_ms)
banner "prerequisites"
bash scripts/ensure-prereqs.sh
check typecheck npm run -s typecheck
check lint npm run -s lint
check build npm run -s build
build_ok=0
[[ $last_rc -eq 0 && -f dist/extension.js ]] && build_ok=1
tier unit run_unit
tier integration run_integration
if [[ $build_ok -eq 1 ]]; then
  tier e2e run_e2e
  tier exthost run_exthost
  tier journey run_journey
else
  total_failed=$((total_failed + 1))
  summary+=("e2e/exthost/journey  not run: no build")
fi

banner "summary"
for line in "${summary[@]}"; do echo "  $line"; done
echo "  total time $(( ($(now_ms) - suite_start) / 1000 )) s"
echo
echo "${total_passed} passed, ${total_failed} failed, ${total_skipped} skipped"
if [[ $total_failed -ne 0 ]]; then exit 1; fi
