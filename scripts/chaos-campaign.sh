#!/usr/bin/env bash
# A standing chaos campaign from a fresh clone with only Node and npm: installs pnpm, the
# dependencies and the host faults' tools (strace, libfaketime), then runs `herald chaos
# campaign` with the arguments given (docs/chaos.md): seeded all-faults runs, one seed after
# another, until at least --cycles faults were injected; every failing run's report is kept;
# one table at the end. The exit code is 0 only when no run failed.
#
#   scripts/chaos-campaign.sh --cycles 1000                       # seeds 1, 2, ...; 3 min runs
#   scripts/chaos-campaign.sh --cycles 200 --seed-start 500 --duration 5m --out /tmp/campaign
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/ensure-pnpm.sh
herald_ensure_pnpm
. scripts/lib/ensure-host-faults.sh
herald_ensure_host_faults >&2
pnpm install --frozen-lockfile --reporter=silent
exec pnpm -s herald chaos campaign "$@"
