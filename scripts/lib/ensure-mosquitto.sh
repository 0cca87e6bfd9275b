#!/usr/bin/env bash
# Makes the MQTT tools available: Debian's `mosquitto-clients` (mosquitto_pub and mosquitto_sub,
# which test/mqtt drives against the gateway) and, for the side-by-side benchmark
# (scripts/bench-mqtt.sh), the `mosquitto` broker and `nats-server` (NATS 2.9, MQTT on
# JetStream). Idempotent: installs only what is missing (as root, or through sudo), without
# starting their services. Prints the versions.
#
# Use:  scripts/lib/ensure-mosquitto.sh            (run it)
#   or  . scripts/lib/ensure-mosquitto.sh && herald_ensure_mosquitto   (source it)
. "$(dirname "${BASH_SOURCE[0]}")/apt-install.sh"

herald_ensure_mosquitto() {
  local missing=()
  command -v mosquitto_pub >/dev/null 2>&1 && command -v mosquitto_sub >/dev/null 2>&1 || missing+=(mosquitto-clients)
  command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || missing+=(mosquitto)
  command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ] || missing+=(nats-server)
  if [ "${#missing[@]}" -gt 0 ]; then
    herald_apt_install "the MQTT tools" "${missing[@]}" || return
  fi
  echo "mosquitto_pub: $(command -v mosquitto_pub) ($(mosquitto_pub --help 2>/dev/null | head -n 1))"
  echo "mosquitto: $(command -v mosquitto || echo /usr/sbin/mosquitto)"
  echo "nats-server: $( (command -v nats-server || echo /usr/sbin/nats-server) ) ($( (nats-server --version || /usr/sbin/nats-server --version) 2>/dev/null))"
}

# Executed rather than sourced: do it now.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  herald_ensure_mosquitto
fi
