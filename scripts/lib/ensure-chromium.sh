#!/usr/bin/env bash
# Makes Debian's Chromium available at /usr/bin/chromium for the chaos report's rendering check
# (test/chaos/chaos-run.test.ts drives it with playwright-core; no browser download: this machine
# reaches only the npm registry and Debian's packages). Idempotent: does nothing when
# /usr/bin/chromium runs. Installs Debian's `chromium` package otherwise (as root, or through
# sudo). Prints the version.
#
# Use:  scripts/lib/ensure-chromium.sh            (run it)
#   or  . scripts/lib/ensure-chromium.sh && herald_ensure_chromium   (source it)
. "$(dirname "${BASH_SOURCE[0]}")/apt-install.sh"

herald_ensure_chromium() {
  local chromium=/usr/bin/chromium
  if [ ! -x "$chromium" ]; then
    herald_apt_install chromium chromium || return
  fi
  # Debian's wrapper script prints a harmless shell warning on some machines; keep the version.
  echo "chromium: $chromium ($("$chromium" --version 2>/dev/null | head -n 1))"
}

# Executed rather than sourced: do it now.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  herald_ensure_chromium
fi
