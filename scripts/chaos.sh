#!/usr/bin/env bash
# From a fresh clone with only Node and npm: installs pnpm and the dependencies, then runs
# `herald chaos run` with the arguments given (docs/chaos.md). Reports go to ./chaos-reports.
# The exit code is the run's: 0 only when nothing acknowledged was lost, duplicated, reordered,
# unexpected or inconsistent.
#
#   scripts/chaos.sh                                   # 60 s of kill, pause and partition
#   scripts/chaos.sh --duration 10m --faults all --seed 1
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/ensure-pnpm.sh
herald_ensure_pnpm
pnpm install --frozen-lockfile --reporter=silent
exec pnpm -s herald chaos run "$@"
