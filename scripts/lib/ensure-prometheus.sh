#!/usr/bin/env bash
# Makes Prometheus and promtool available for the observability tests (test/observability) and
# for running Prometheus against a local cluster (docs/observability.md). Idempotent: does
# nothing when both are on PATH. Installs Debian's `prometheus` package otherwise (as root, or
# through sudo), without starting its service. Prints where the binaries are.
#
# Use:  scripts/lib/ensure-prometheus.sh            (run it)
#   or  . scripts/lib/ensure-prometheus.sh && herald_ensure_prometheus   (source it)
. "$(dirname "${BASH_SOURCE[0]}")/apt-install.sh"

herald_ensure_prometheus() {
  if ! command -v prometheus >/dev/null 2>&1 || ! command -v promtool >/dev/null 2>&1; then
    herald_apt_install "prometheus and promtool (Prometheus 2.x)" prometheus || return
  fi
  echo "promtool: $(command -v promtool) ($(promtool --version 2>&1 | head -n 1))"
  echo "prometheus: $(command -v prometheus)"
}

# Executed rather than sourced: do it now.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  herald_ensure_prometheus
fi
