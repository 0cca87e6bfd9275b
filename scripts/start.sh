#!/usr/bin/env bash
# From a fresh clone with only Node and npm: installs pnpm and the dependencies, builds, puts
# `herald` on the PATH (scripts/lib/link-herald.sh), then runs a 3-node cluster in the foreground
# (data in ./data; Ctrl-C stops it). The nodes and the CLI run the compiled JavaScript.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/ensure-pnpm.sh
. scripts/lib/link-herald.sh
herald_ensure_pnpm
pnpm install --frozen-lockfile
pnpm build
herald_link
exec node packages/cli/dist/main.js cluster up
