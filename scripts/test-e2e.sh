#!/usr/bin/env bash
# The e2e tier: the built extension in a real VS Code (code-server 4.100.3) driven by
# playwright-core + Debian Chromium. Ensures the Debian prerequisites and code-server, builds the
# extension (unless E2E_SKIP_BUILD=1), then runs test/e2e/**/*.e2e.ts with mocha.
# Extra arguments go to mocha, e.g. `npm run test:e2e -- --grep activity`.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bash scripts/prepare-ui-tier.sh

if [[ -z "$(find test/e2e -name '*.e2e.ts' -print -quit)" ]]; then
  echo "e2e: no test files"
  exit 0
fi

exec npx mocha --config test/e2e/.mocharc.json --reporter scripts/mochaTallyReporter.ts "$@"
