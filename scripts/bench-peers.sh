#!/usr/bin/env bash
# Herald next to NATS JetStream on this machine, on the same six workloads (docs/benchmarks.md):
# installs what is missing (pnpm and the dependencies; Debian's nats-server), then starts a
# 3-node JetStream cluster and a 3-node Herald cluster on 127.0.0.1, runs every workload against
# both through each system's own Node client, prints one table (medians of 3 runs with min-max,
# a Herald/NATS ratio per row), and stops exactly the processes it started, by PID.
#
#   scripts/bench-peers.sh [--quick] [--runs N] [--out FILE] [--keep]
#     --quick    one run of each workload with small counts (for CI: it reports, never fails on speed)
#     --runs N   runs per workload (default 3; 1 with --quick)
#     --out FILE also write the table (Markdown) to FILE
#     --keep     keep the clusters' data folders
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/ensure-pnpm.sh
herald_ensure_pnpm
if [ ! -d node_modules/.pnpm ] || [ ! -d packages/cli/node_modules/nats ]; then
  pnpm install --frozen-lockfile --reporter=append-only >&2
fi
if ! command -v nats-server >/dev/null 2>&1; then
  echo "installing nats-server (Debian package) ..." >&2
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq nats-server >&2
fi
exec node --import tsx --conditions=@herald/source scripts/bench/peers.ts "$@"
