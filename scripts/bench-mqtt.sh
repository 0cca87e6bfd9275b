#!/usr/bin/env bash
# Herald's MQTT gateway next to Mosquitto (one node) and NATS 2.9's MQTT (3 nodes, JetStream R3)
# on this machine, with the same Node client (packages/mqtt/bench/compare.ts): QoS 1 publish
# throughput of 1 KiB messages, fan-out of one publisher to 1,000 subscribers (p50/p99), memory
# per node with 10,000 idle connections, and the ratios. Installs what is missing (pnpm and the
# dependencies; Debian's mosquitto and nats-server), builds, and never fails on speed.
#
#   scripts/bench-mqtt.sh [--quick] [--out FILE]
#     --quick    small counts (200 subscribers, 2,000 idle connections)
#     --out FILE also write the table (Markdown) to FILE
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/ensure-pnpm.sh
herald_ensure_pnpm
scripts/lib/ensure-mosquitto.sh >&2
[ -d node_modules/.pnpm ] || pnpm install --frozen-lockfile --reporter=append-only >&2
pnpm build >&2
# 10,000 sockets in this process, and as many spread over the brokers it starts.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
cd packages/mqtt
exec node --import tsx --conditions=@herald/source bench/compare.ts "$@"
