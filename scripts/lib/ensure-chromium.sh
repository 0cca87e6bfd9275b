#!/usr/bin/env bash
# Makes Debian's Chromium available at /usr/bin/chromium for the chaos report's rendering check
# (test/chaos/chaos-run.test.ts drives it with playwright-core; no browser download: this machine
# reaches only the npm registry and Debian's packages). Idempotent: does nothing when
# /usr/bin/chromium runs. Installs Debian's `chromium` package otherwise (as root, or through
# sudo). Prints the version.
#
# Use:  scripts/lib/ensure-chromium.sh            (run it)
#   or  . scripts/lib/ensure-chromium.sh && herald_ensure_chromium   (source it)
herald_ensure_chromium() {
  local chromium=/usr/bin/chromium
  if [ ! -x "$chromium" ]; then
    if ! command -v apt-get >/dev/null 2>&1; then
      echo "$chromium is missing and there is no apt-get here; install Chromium at $chromium" >&2
      return 1
    fi
    local sudo=''
    if [ "$(id -u)" != 0 ]; then
      if ! command -v sudo >/dev/null 2>&1; then
        echo "$chromium is missing; run as root or install Debian's chromium package" >&2
        return 1
      fi
      sudo='sudo'
    fi
    echo "installing Debian's chromium package ..." >&2
    local status=0
    herald_apt_install_chromium() { $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; }
    # Refresh the package lists first only when they do not know the package; retry once after
    # a refresh when they are stale (an install that fails to download).
    {
      apt-cache show chromium >/dev/null 2>&1 || $sudo apt-get update -qq
      herald_apt_install_chromium || { $sudo apt-get update -qq && herald_apt_install_chromium; }
    } || status=$?
    unset -f herald_apt_install_chromium
    if [ "$status" != 0 ]; then
      echo "installing chromium failed (apt-get exit $status)" >&2
      return "$status"
    fi
  fi
  # Debian's wrapper script prints a harmless shell warning on some machines; keep the version.
  echo "chromium: $chromium ($("$chromium" --version 2>/dev/null | head -n 1))"
}

# Executed rather than sourced: do it now.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  herald_ensure_chromium
fi
