#!/usr/bin/env bash
# Makes sure the Debian packages listed in scripts/apt-packages.txt are installed.
# As root it installs what is missing (apt-get update once, then install); otherwise it stops at
# once and prints the exact command to run. A no-op (a few dpkg queries) when all are present.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
list="${here}/apt-packages.txt"

if [[ ! -f "$list" ]]; then
  echo "ensure-prereqs: ${list} not found" >&2
  exit 1
fi

missing=()
while IFS= read -r line || [[ -n "$line" ]]; do
  pkg="${line%%#*}"
  pkg="$(echo "$pkg" | tr -d '[:space:]')"
  [[ -z "$pkg" ]] && continue
  # dpkg -s succeeds for removed-but-configured packages too; check the status field.
  status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
  if [[ "$status" != "install ok installed" ]]; then
    missing+=("$pkg")
  fi
done <"$list"

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "ensure-prereqs: all Debian packages present"
  exit 0
fi

echo "ensure-prereqs: missing Debian packages: ${missing[*]}"
if [[ "$(id -u)" -ne 0 ]]; then
  echo "ensure-prereqs: not root; run this and try again:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi

# Packages such as nsd or unbound would start system services on install; the tests start their
# own on free ports. A temporary policy-rc.d keeps services from starting (unless one is in place).
policy=/usr/sbin/policy-rc.d
made_policy=0
cleanup() {
  if [[ $made_policy -eq 1 ]]; then rm -f "$policy"; fi
}
trap cleanup EXIT
if [[ ! -e "$policy" ]]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod +x "$policy"
  made_policy=1
fi

export DEBIAN_FRONTEND=noninteractive
# Wait for the dpkg lock rather than failing when another apt run is busy.
apt_opts=(-o DPkg::Lock::Timeout=600 -o Dpkg::Use-Pty=0)
start=$SECONDS
apt-get "${apt_opts[@]}" update -qq
apt-get "${apt_opts[@]}" install -y -qq "${missing[@]}"
echo "ensure-prereqs: installed ${missing[*]} in $((SECONDS - start)) s"
