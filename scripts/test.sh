#!/usr/bin/env bash
# Runs every test from a fresh clone: installs what is missing, builds, lints, tests.
# Ends with one line "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/ensure-pnpm.sh
herald_ensure_pnpm
pnpm install --frozen-lockfile --reporter=append-only
pnpm build
pnpm lint
pnpm test
