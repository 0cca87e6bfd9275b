#!/usr/bin/env bash
# Makes Prometheus and promtool available for the observability tests (test/observability) and
# for running Prometheus against a local cluster (docs/observability.md). Idempotent: does
# nothing when both are on PATH. Installs Debian's `prometheus` package otherwise (as root, or
# through sudo), without starting its service. Prints where the binaries are.
#
# Use:  scripts/lib/ensure-prometheus.sh            (run it)
#   or  . scripts/lib/ensure-prometheus.sh && herald_ensure_prometheus   (source it)
herald_ensure_prometheus() {
  if ! command -v prometheus >/dev/null 2>&1 || ! command -v promtool >/dev/null 2>&1; then
    if ! command -v apt-get >/dev/null 2>&1; then
      echo "prometheus/promtool are missing and there is no apt-get here; install Prometheus 2.x and put prometheus and promtool on PATH" >&2
      return 1
    fi
    local sudo=''
    if [ "$(id -u)" != 0 ]; then
      if ! command -v sudo >/dev/null 2>&1; then
        echo "prometheus/promtool are missing; run as root or install Debian's prometheus package" >&2
        return 1
      fi
      sudo='sudo'
    fi
    echo "installing Debian's prometheus package ..." >&2
    # A container has no init system; tell the package scripts not to start the service.
    local policy=/usr/sbin/policy-rc.d created_policy=''
    if [ ! -e "$policy" ]; then
      printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
      $sudo chmod +x "$policy"
      created_policy=1
    fi
    local status=0
    herald_apt_install_prometheus() { $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null; }
    # Refresh the package lists first only when they do not know the package; retry once after
    # a refresh when they are stale (an install that fails to download).
    {
      apt-cache show prometheus >/dev/null 2>&1 || $sudo apt-get update -qq
      herald_apt_install_prometheus || { $sudo apt-get update -qq && herald_apt_install_prometheus; }
    } || status=$?
    unset -f herald_apt_install_prometheus
    [ -n "$created_policy" ] && $sudo rm -f "$policy"
    if [ "$status" != 0 ]; then
      echo "installing prometheus failed (apt-get exit $status)" >&2
      return "$status"
    fi
    hash -r
  fi
  echo "promtool: $(command -v promtool) ($(promtool --version 2>&1 | head -n 1))"
  echo "prometheus: $(command -v prometheus)"
}

# Executed rather than sourced: do it now.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  herald_ensure_prometheus
fi
