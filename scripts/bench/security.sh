#!/usr/bin/env bash
# What security costs (issue #12): `herald bench produce` (1 KiB records, acks quorum) and
# `herald bench consume` against a secure local cluster (TLS on every port, the admin logged in
# with SCRAM-SHA-256, every call authorized) and against an --insecure one, alternating
# secure/insecure for ROUNDS rounds in one run so that both see the same machine. Prints each
# run and the medians with min-max, and the secure/insecure ratio. Not a test: numbers only.
#   scripts/bench/security.sh [rounds (default 3)] [records (default 50000)]
# Uses the local cluster ports (740N, 750N, 940N, 1909N); needs `pnpm build` first.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-3}
records=${2:-50000}
[[ $rounds =~ ^[1-9][0-9]*$ && $records =~ ^[1-9][0-9]*$ ]] || { echo "usage: $0 [rounds] [records]" >&2; exit 2; }
herald=(node "$PWD/packages/cli/dist/main.js")
[ -f "${herald[1]}" ] || { echo "${herald[1]} is missing: run pnpm build first" >&2; exit 1; }
work=$(mktemp -d)
data=""
cleanup() {
  [ -n "$data" ] && "${herald[@]}" cluster down --data "$data" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

results="$work/results.jsonl"
for round in $(seq 1 "$rounds"); do
  for mode in secure insecure; do
    data="$work/$mode-$round"
    flags=(--detach --data "$data" --log-level warn)
    [ "$mode" = insecure ] && flags+=(--insecure)
    "${herald[@]}" cluster up "${flags[@]}" >/dev/null
    export HERALD_CLIENT_CONFIG="$data/client.json"
    [ "$mode" = insecure ] && unset HERALD_CLIENT_CONFIG
    produce=$("${herald[@]}" bench produce --size 1024 --count "$records" --no-progress --json)
    consume=$("${herald[@]}" bench consume --no-progress --json)
    node -e 'const [mode, round, p, c] = process.argv.slice(1); console.log(JSON.stringify({ mode, round: Number(round), produce: JSON.parse(p), consume: JSON.parse(c) }));' "$mode" "$round" "$produce" "$consume" >>"$results"
    "${herald[@]}" cluster down --data "$data" >/dev/null
    data=""
    unset HERALD_CLIENT_CONFIG
  done
done

node - "$results" "$(uptime)" <<'EOF'
const [file, load] = process.argv.slice(2);
const runs = require('fs').readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const pick = (r, what) => (what === 'produce' ? r.produce.recordsPerSecond : r.consume.recordsPerSecond);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const row = (what, mode) => {
  const xs = runs.filter((r) => r.mode === mode).map((r) => pick(r, what));
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), runs: xs.map(Math.round) };
};
console.log(`load: ${load.trim()}`);
for (const what of ['produce', 'consume']) {
  const s = row(what, 'secure');
  const i = row(what, 'insecure');
  const f = (x) => `${Math.round(x.median)} rec/s (${Math.round(x.min)}-${Math.round(x.max)})`;
  console.log(`${what} 1 KiB: secure ${f(s)}, insecure ${f(i)}, secure/insecure ${(s.median / i.median).toFixed(2)}  runs ${JSON.stringify({ secure: s.runs, insecure: i.runs })}`);
}
EOF
