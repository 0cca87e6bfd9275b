#!/usr/bin/env bash
# Profiles Herald under workload 1 of docs/benchmarks.md (100,000 records of 1 KiB, one
# partition of 3 replicas, acks QUORUM, at most 1,024 unacknowledged): starts a 3-node cluster
# whose processes run under `node --cpu-prof`, runs `herald bench produce` (itself profiled),
# stops the cluster (a node writes its profile as it exits), and prints where the partition
# leader's time went and where the client's went (scripts/bench/cpu-profile.ts), plus the
# leader's storage and batching figures from its /metrics.
#
#   scripts/bench/profile-herald.sh [--count N] [--keep]
# Profiles and logs are left in the folder it prints (open a .cpuprofile in Chrome DevTools).
set -euo pipefail
cd "$(dirname "$0")/../.."
COUNT=100000
KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --count) COUNT="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    *) echo "usage: $0 [--count N] [--keep]" >&2; exit 2 ;;
  esac
done

DIR=$(mktemp -d /var/tmp/herald-profile-XXXXXX)
PORTS=28400,28500,29800
BROKERS=127.0.0.1:28401,127.0.0.1:28402,127.0.0.1:28403
herald() { node --import tsx --conditions=@herald/source packages/cli/src/main.ts "$@"; }
stop() { herald cluster down --data "$DIR/data" >/dev/null 2>&1 || true; }
trap stop EXIT

echo "profiling into $DIR" >&2
# `cluster up` starts each node with its own Node flags (process.execArgv), so they run profiled.
node --cpu-prof --cpu-prof-dir="$DIR/nodes" --import tsx --conditions=@herald/source packages/cli/src/main.ts cluster up --detach --data "$DIR/data" --ports "$PORTS" --log-level warn >/dev/null
herald topic create prof --partitions 1 --replication-factor 3 --brokers "$BROKERS" >/dev/null
leader=0
for _ in $(seq 1 100); do
  leader=$(herald topic describe prof --json --brokers "$BROKERS" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).partitions[0].leaderId))')
  [ "$leader" != 0 ] && break
  sleep 0.1
done
leader_pid=$(cat "$DIR/data/node-$leader/herald.pid")
metrics() { curl -s "http://127.0.0.1:$((29800 + leader))/metrics"; }
metrics > "$DIR/metrics-before.txt"

node --cpu-prof --cpu-prof-dir="$DIR/client" --import tsx --conditions=@herald/source packages/cli/src/main.ts \
  bench produce --topic prof --size 1024 --count "$COUNT" --window 1024 --brokers "$BROKERS" --json --no-progress > "$DIR/result.json"
metrics > "$DIR/metrics-after.txt"
stop
trap - EXIT

node -e '
const r = require(process.argv[1]);
console.log(`workload 1 under the profiler: ${r.recordsPerSecond.toLocaleString("en-US")} records/s, ${r.megabytesPerSecond} MB/s, p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms (profiling slows every process)`);
' "$DIR/result.json"

# The leader'"'"'s storage and batching during the run, from its /metrics.
node -e '
const fs = require("fs");
const read = (f) => { const m = {}; for (const l of fs.readFileSync(f, "utf8").split("\n")) { if (!l || l.startsWith("#")) continue; const at = l.lastIndexOf(" "); const k = l.slice(0, at).replace(/\{.*\}$/, ""); m[k] = (m[k] ?? 0) + Number(l.slice(at + 1)); } return m; };
const [a, b] = [read(process.argv[1]), read(process.argv[2])];
const d = (k) => (b[k] ?? 0) - (a[k] ?? 0);
const seconds = require(process.argv[3]).seconds;
const syncs = d("herald_storage_sync_duration_seconds_count"), syncSum = d("herald_storage_sync_duration_seconds_sum");
const writes = d("herald_storage_write_batch_bytes_count"), writeBytes = d("herald_storage_write_batch_bytes_sum");
const batches = d("herald_produce_batch_records_count"), records = d("herald_produce_batch_records_sum");
const appends = d("herald_raft_append_duration_seconds_count"), appendSum = d("herald_raft_append_duration_seconds_sum");
console.log(`leader (node ${process.argv[4]}): ${syncs} fsyncs (${(syncs / seconds).toFixed(0)}/s, mean ${(1000 * syncSum / syncs).toFixed(1)} ms; an fsync in progress ${(100 * syncSum / seconds).toFixed(0)} % of the run); ${writes} storage writes of ${(writeBytes / writes / 1024).toFixed(0)} KiB on average; ${batches} produce batches of ${(records / batches).toFixed(0)} records on average, ${(1000 * appendSum / appends).toFixed(1)} ms on average from proposal to commit`);
' "$DIR/metrics-before.txt" "$DIR/metrics-after.txt" "$DIR/result.json" "$leader"

echo
echo "== the partition leader (node $leader, pid $leader_pid), during the produce requests =="
node --import tsx scripts/bench/cpu-profile.ts "$(ls "$DIR"/nodes/CPU.*."$leader_pid".*.cpuprofile | head -1)" --window prepareProduce --top 25
echo
echo "== the client (herald bench produce), during the run =="
node --import tsx scripts/bench/cpu-profile.ts "$(ls "$DIR"/client/CPU.*.cpuprofile | head -1)" --window runProduce --top 15
if [ "$KEEP" = 1 ]; then echo "kept $DIR" >&2; else rm -rf "$DIR/data"; echo "profiles in $DIR" >&2; fi
