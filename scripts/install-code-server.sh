#!/usr/bin/env bash
# Installs code-server (VS Code's server build) from the npm registry into
# .cache/code-server-<version>/ without any download outside the registry (the steps of the
# recipe in shared/vscode-e2e.md). Idempotent: a marker written only after a verified `--version` makes
# a second run cost well under a second. Safe to interrupt: it builds in a temp folder beside the
# target and renames it into place at the end.
#
# Usage: scripts/install-code-server.sh [--print-entry]
#   --print-entry  print only the path of code-server's entry.js on stdout (logs go to stderr)
set -euo pipefail

version="${CODE_SERVER_VERSION:-4.100.3}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${root}/.cache"
target="${cache}/code-server-${version}"
marker="${target}/.installed"
entry="${target}/node_modules/code-server/out/node/entry.js"

print_entry=0
if [[ "${1:-}" == "--print-entry" ]]; then print_entry=1; fi

log() { echo "install-code-server: $*" >&2; }

# retry CMD...: registry hiccups should not fail a CI run; try up to 3 times.
retry() {
  local n
  for n in 1 2 3; do
    if "$@"; then return 0; fi
    log "attempt ${n} of '$*' failed"
    sleep $((n * 5))
  done
  return 1
}

start=$(date +%s%N)
elapsed() { echo "$(( ($(date +%s%N) - start) / 1000000 ))"; }

if [[ -f "$marker" && -f "$entry" ]]; then
  log "code-server ${version} already installed in ${target} ($(elapsed) ms)"
  if [[ $print_entry -eq 1 ]]; then echo "$entry"; fi
  exit 0
fi

if ! command -v rg >/dev/null 2>&1; then
  log "ripgrep (rg) is missing: run scripts/ensure-prereqs.sh first"
  exit 1
fi

mkdir -p "$cache"
# A half-done earlier attempt leaves a tmp folder; start over cleanly.
work="${cache}/.code-server-${version}.tmp.$$"
cleanup() { rm -rf "$work"; }
trap cleanup EXIT
for stale in "${cache}/.code-server-${version}.tmp."*; do
  [[ -e "$stale" ]] || continue
  pid="${stale##*.}"
  # Leave a folder alone while the install that owns it still runs.
  if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
    log "another install (pid ${pid}) is running; waiting for it"
    while kill -0 "$pid" 2>/dev/null; do sleep 2; done
    if [[ -f "$marker" && -f "$entry" ]]; then
      log "code-server ${version} installed by pid ${pid}"
      if [[ $print_entry -eq 1 ]]; then echo "$entry"; fi
      exit 0
    fi
  fi
  rm -rf "$stale"
done
mkdir -p "$work"

log "installing code-server ${version} into ${target} (a few minutes the first time)"
# npm prints progress to stdout; keep stdout clean for --print-entry.
{
  cd "$work"
  echo '{ "name": "code-server-cache", "private": true }' >package.json
  # 1. the package itself, without its postinstall (which refuses root and downloads ripgrep)
  retry npm install --ignore-scripts --no-audit --no-fund --loglevel=error "code-server@${version}"

  vscode_dir="${work}/node_modules/code-server/lib/vscode"
  # 2. VS Code's own runtime dependencies
  cd "$vscode_dir"
  retry npm install --ignore-scripts --omit=dev --no-audit --no-fund --loglevel=error
  # 3. Debian's ripgrep where @vscode/ripgrep expects its binary (its postinstall then skips the download)
  mkdir -p node_modules/@vscode/ripgrep/bin
  cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
  # 4. native modules (node-pty, kerberos, spdlog, ...); `yes` lets node-pty's script run npx node-gyp
  npm_config_yes=true npm rebuild --no-audit --no-fund --loglevel=error
  # 5. the links code-server's postinstall would make
  ln -sfn node_modules node_modules.asar
  ln -sfn code-linux.sh bin/remote-cli/code-server
  ln -sfn browser-linux.sh bin/helpers/browser.sh
  # 6. built-in extensions' dependencies
  cd "${vscode_dir}/extensions"
  retry npm install --omit=dev --no-audit --no-fund --loglevel=error
  # 7. argon2's native binding, at the top
  cd "$work"
  npm_config_yes=true npm rebuild argon2 --no-audit --no-fund --loglevel=error
} 1>&2

# Paths inside are relative (symlinks) or resolved at run time, so the folder can be renamed.
rm -rf "$target"
mv "$work" "$target"
trap 'rm -rf "$target"' EXIT
# A throw-away config home: code-server writes a default config.yaml on every start otherwise.
cfg_home="$(mktemp -d)"
got="$(XDG_CONFIG_HOME="$cfg_home" XDG_DATA_HOME="$cfg_home" node "$entry" --version 2>/dev/null | grep -E "^${version//./\\.} " | head -n 1 || true)"
rm -rf "$cfg_home"
if [[ "$got" != "${version} "* ]]; then
  log "verification failed: '--version' printed '${got}', expected ${version}"
  exit 1
fi
log "verified: ${got}"
date -u +%Y-%m-%dT%H:%M:%SZ >"$marker"
trap - EXIT
log "installed code-server ${version} in $(( $(elapsed) / 1000 )) s"
if [[ $print_entry -eq 1 ]]; then echo "$entry"; fi
