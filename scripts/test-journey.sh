#!/usr/bin/env bash
# The journey tier: whole migrations walked through the UI alone (the built extension in code-server,
# driven by playwright-core + Debian Chromium, the emulator's portal page in the same browser, the
# loopback DNS lab for the custom domain). Ensures the Debian prerequisites and code-server, builds
# the extension (unless E2E_SKIP_BUILD=1), then runs test/journey/**/*.journey.ts with mocha.
# Screenshots, what the screen said and each journey's wall time land in test-results/journey/.
# Extra arguments go to mocha, e.g. `npm run test:journey -- --grep "journey \(a\)"`.
# JOURNEY_ALL=1 also runs the checks marked pending until the product does what test/journey/NOTES.md asks.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bash scripts/prepare-ui-tier.sh

if [[ -z "$(find test/journey -name '*.journey.ts' -print -quit)" ]]; then
  echo "journey: no test files"
  exit 0
fi

rm -rf test-results/journey
exec npx mocha --config test/journey/.mocharc.json --reporter scripts/mochaTallyReporter.ts "$@"
