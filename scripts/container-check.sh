#!/usr/bin/env bash
# The container image and the compose stack, end to end, with podman (no Docker engine or image
# registry here; scripts/lib/ensure-podman.sh installs podman, runc, debootstrap, podman-compose):
#   1. the stand-in for node:20-bookworm-slim (scripts/lib/node-base-image.sh; cached)
#   2. the image: podman build of the Dockerfile with --build-arg NODE_IMAGE=<stand-in>
#   3. three nodes: podman-compose -f deploy/docker-compose.host.yml up (the host network; Debian's
#      podman-compose 1.0.3 through scripts/lib/podman-host-network)
#   4. the host's CLI (packages/cli/dist/main.js: pnpm build first), as admin with the client
#      certificate the herald-certs service made, waits for a controller, creates a topic,
#      produces records and consumes every one back
#   5. each node's /metrics scraped from the host over HTTPS
#   6. podman-compose down -v: stops and removes this project's containers and volumes, nothing else
# Prints each step and how long it took; on a failure, the nodes' logs, and exits non-zero after
# the teardown. Needs root (podman and debootstrap as root) and the local cluster ports free
# (740N, 750N, 940N for N = 1..3). Settings: scripts/lib/containers.conf (CONTAINERS_CONF).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export CONTAINERS_CONF="$root/scripts/lib/containers.conf"
. scripts/lib/node-base-image.sh

compose_file=deploy/docker-compose.host.yml
project=herald-check
export HERALD_IMAGE=localhost/herald:check
export HERALD_BROKERS=127.0.0.1:7401,127.0.0.1:7402,127.0.0.1:7403
herald=(node "$root/packages/cli/dist/main.js")
records=200
topic=container-check
log=$(mktemp -d)
started_all=$SECONDS
step_started=$SECONDS

step() {
  echo "==> $*"
  step_started=$SECONDS
}
done_step() {
  echo "    done in $((SECONDS - step_started)) s${1:+: $1}"
}
fail() {
  echo "container-check: $*" >&2
  exit 1
}
# Debian's podman-compose 1.0.3 needs a shim for network_mode: host (see the shim).
compose() {
  podman-compose --podman-path "$root/scripts/lib/podman-host-network" -f "$compose_file" -p "$project" "$@"
}

for tool in podman podman-compose debootstrap; do
  command -v "$tool" >/dev/null 2>&1 || fail "$tool is missing; run scripts/lib/ensure-podman.sh"
done
[ "$(id -u)" = 0 ] || fail "run as root (podman and debootstrap as root, as CI does)"
[ -f "${herald[1]}" ] || fail "${herald[1]} is missing; run pnpm build first"
for port in 7401 7402 7403 7501 7502 7503 9401 9402 9403; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    fail "port $port is in use (a local cluster? stop it: herald cluster down); the compose nodes listen on 740N, 750N, 940N"
  fi
done

up=false
teardown() {
  local status=$?
  if $up; then
    if [ "$status" != 0 ]; then
      echo "--- the nodes' logs (last 30 lines each) ---" >&2
      for n in 1 2 3; do podman logs --tail 30 "${project}_herald-${n}_1" >&2 2>&1 || true; done
    fi
    step "podman-compose down -v (project $project)"
    compose down -v -t 20 >"$log/down.log" 2>&1 || { cat "$log/down.log" >&2; status=1; }
    # podman-compose 1.0.3 creates the project's bridge network even though no container joins it.
    podman network rm "${project}_default" >/dev/null 2>&1 || true
    done_step
  fi
  # The build stage and the images a rebuild untagged: this check's only (the label).
  podman image prune -f --filter label=io.herald.container-check=1 >/dev/null 2>&1 || true
  rm -rf "$log"
  if [ "$status" = 0 ]; then
    echo "container-check: passed in $((SECONDS - started_all)) s"
  else
    echo "container-check: FAILED after $((SECONDS - started_all)) s" >&2
  fi
  exit "$status"
}
trap teardown EXIT
# Stopped (Ctrl-C, a test's timeout): tear down all the same.
trap 'exit 143' TERM INT

step "base image (the stand-in for node:20-bookworm-slim)"
base=$(herald_node_base_image)
done_step "$base"

step "podman build --build-arg NODE_IMAGE=$base -t $HERALD_IMAGE ."
# The label marks this check's images, so that it prunes only its own leftovers.
if ! podman build --network=host --label io.herald.container-check=1 --build-arg "NODE_IMAGE=$base" -t "$HERALD_IMAGE" . >"$log/build.log" 2>&1; then
  tail -n 40 "$log/build.log" >&2
  fail "the image did not build"
fi
done_step "$(podman image inspect --format '{{.Size}}' "$HERALD_IMAGE" | awk '{ printf "%d MB", $1 / 1e6 }')"

step "podman-compose -f $compose_file -p $project up -d"
up=true
# A previous run that was killed may have left the project behind.
compose down -v -t 5 >/dev/null 2>&1 || true
if ! compose up -d --no-build >"$log/up.log" 2>&1; then
  cat "$log/up.log" >&2
  fail "the stack did not start"
fi
done_step "$(podman ps --filter "label=io.podman.compose.project=$project" --format '{{.Names}}' | sort | tr '\n' ' ')"

step "the certificates (the herald-certs service) and the host's CLI as admin"
certs=$(podman volume inspect --format '{{.Mountpoint}}' "${project}_herald-certs") || fail "no ${project}_herald-certs volume"
deadline=$((SECONDS + 60))
until [ -f "$certs/client.json" ]; do
  [ "$SECONDS" -lt "$deadline" ] || fail "the herald-certs service wrote no client.json within 60 s"
  sleep 0.5
done
# The admin's client certificate; the metrics ports serve HTTPS with the cluster CA's certificates.
export HERALD_CLIENT_CONFIG="$certs/client.json" NODE_EXTRA_CA_CERTS="$certs/ca.crt"
done_step "$certs"

step "the host's CLI: wait for a controller"
deadline=$((SECONDS + 90))
until controller=$("${herald[@]}" cluster status --json --timeout-ms 2000 2>/dev/null | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const c=JSON.parse(s);process.stdout.write(c.controllerId>0&&c.nodes.filter(n=>n.alive).length===3?String(c.controllerId):"")})') && [ -n "$controller" ]; do
  [ "$SECONDS" -lt "$deadline" ] || fail "no controller with three live nodes within 90 s"
  sleep 0.5
done
done_step "controller node $controller, three nodes alive"

step "the host's CLI: create $topic, produce $records records, consume them back"
"${herald[@]}" topic create "$topic" --partitions 3 --replication-factor 3 >/dev/null
seq 1 "$records" | "${herald[@]}" produce "$topic" --acks all >"$log/produced.txt"
produced=$(grep -c ' offset ' "$log/produced.txt" || true)
[ "$produced" = "$records" ] || fail "produced $produced of $records records"
timeout 60 "${herald[@]}" consume "$topic" --from-beginning --count "$records" --json >"$log/consumed.jsonl" || fail "consume did not get $records records within 60 s"
missing=$(node -e '
  const got = new Set(require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => JSON.parse(l).value));
  const missing = [];
  for (let i = 1; i <= Number(process.argv[2]); i++) if (!got.has(String(i))) missing.push(i);
  process.stdout.write(missing.join(","));' "$log/consumed.jsonl" "$records")
[ -z "$missing" ] || fail "records not consumed back: $missing"
done_step "produced $records with acks all, consumed all $records back"

step "scrape /metrics of each node"
for n in 1 2 3; do
  summary=$(node -e '
    fetch(process.argv[1]).then(async (r) => {
      const text = await r.text();
      const series = text.split("\n").filter((l) => l.startsWith("herald_")).length;
      if (!r.ok || !/^herald_build_info\{/m.test(text)) { console.error(`HTTP ${r.status}, no herald_build_info`); process.exit(1); }
      process.stdout.write(`${series} herald_ series`);
    }, (err) => { console.error(err.message); process.exit(1); });' "https://127.0.0.1:940$n/metrics") || fail "node $n: /metrics did not answer with Herald's metrics"
  echo "    node $n: https://127.0.0.1:940$n/metrics: $summary"
done
done_step
