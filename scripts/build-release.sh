#!/usr/bin/env bash
# Builds Herald at another commit (a previous release) once, beside this clone, for the upgrade
# test (test/cluster/upgrade.test.ts): a detached git worktree in $HERALD_RELEASES_DIR (default
# $TMPDIR/herald-releases)/<commit>, installed from the lockfile of that commit and built. A
# finished build is reused; a failed one is removed. Prints the build's CLI entry point.
#
#   scripts/build-release.sh <commit>
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ $# -ne 1 ]]; then
  echo "usage: scripts/build-release.sh <commit>" >&2
  exit 2
fi
commit="$(git rev-parse --verify "$1^{commit}")"
root="${HERALD_RELEASES_DIR:-${TMPDIR:-/tmp}/herald-releases}"
dir="$root/$commit"
entry="$dir/packages/cli/dist/main.js"

if [[ -f "$dir/.built" ]]; then
  echo "$entry"
  exit 0
fi
mkdir -p "$root"
git worktree remove --force "$dir" >/dev/null 2>&1 || rm -rf "$dir"
git worktree prune
git worktree add --detach "$dir" "$commit" >&2
if ! (cd "$dir" && pnpm install --frozen-lockfile --prefer-offline >&2 && pnpm build >&2); then
  git worktree remove --force "$dir" >/dev/null 2>&1 || true
  echo "build-release: building $commit failed" >&2
  exit 1
fi
touch "$dir/.built"
echo "$entry"
