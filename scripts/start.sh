#!/usr/bin/env bash
# From a fresh clone with only Node and npm: installs pnpm and the dependencies, then runs a
# 3-node cluster in the foreground (data in ./data; Ctrl-C stops it). No build is needed: the
# CLI runs from source under tsx.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/ensure-pnpm.sh
herald_ensure_pnpm
pnpm install --frozen-lockfile
exec pnpm start
