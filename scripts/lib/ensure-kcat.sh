#!/usr/bin/env bash
# Makes kcat (librdkafka's command-line client, Debian's `kcat` package) available for the Kafka
# tests (packages/kafka/test/kcat.test.ts, test/integration/kafka-kcat.test.ts) and for trying the
# Kafka listener by hand (docs/kafka.md). Idempotent: does nothing when kcat is on PATH. Prints
# where it is and its librdkafka version.
#
# Use:  scripts/lib/ensure-kcat.sh            (run it)
#   or  . scripts/lib/ensure-kcat.sh && herald_ensure_kcat   (source it)
. "$(dirname "${BASH_SOURCE[0]}")/apt-install.sh"

herald_ensure_kcat() {
  if ! command -v kcat >/dev/null 2>&1; then
    herald_apt_install "kcat (librdkafka)" kcat || return
  fi
  echo "kcat: $(command -v kcat) ($(kcat -V 2>&1 | head -n 1))"
}

# Executed rather than sourced: do it now.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  herald_ensure_kcat
fi
