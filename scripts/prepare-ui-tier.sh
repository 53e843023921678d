#!/usr/bin/env bash
# What the UI tiers (e2e, journey) need before mocha runs: the Debian prerequisites, code-server, and
# the built extension (unless E2E_SKIP_BUILD=1). Run from the repository root.
set -euo pipefail
bash scripts/ensure-prereqs.sh
bash scripts/install-code-server.sh
if [[ "${E2E_SKIP_BUILD:-0}" != "1" ]]; then
  npm run -s build
fi
