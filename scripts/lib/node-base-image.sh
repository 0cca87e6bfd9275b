# A stand-in for the public node:20-bookworm-slim image, for machines that reach no image registry
# (only Debian's mirror and the npm registry): a minimal Debian bookworm from debootstrap, plus
# this host's Node and npm and its CA bundle (registry traffic here needs it), plus the `node`
# user the public image has. The Dockerfile takes it with --build-arg NODE_IMAGE=...; real users
# keep the public image. Needs root, podman, debootstrap (scripts/lib/ensure-podman.sh).
#
# Cached: built once per machine (CI: once per run), and again only when the host's Node changed.
#
# Use:  . scripts/lib/node-base-image.sh && image=$(herald_node_base_image)
#   or  scripts/lib/node-base-image.sh     (builds it, prints its name)
# Progress goes to standard error, the image name to standard output.

HERALD_NODE_BASE_IMAGE=localhost/node:20-bookworm-slim
HERALD_DEBIAN_IMAGE=localhost/debian-min:bookworm

herald_node_base_image() {
  local node_bin node_version npm_dir
  node_bin=$(command -v node)
  node_version=$("$node_bin" --version)
  npm_dir="$(npm root -g)/npm"
  if [ "$(podman image inspect --format '{{ index .Config.Labels "herald.node-version" }}' "$HERALD_NODE_BASE_IMAGE" 2>/dev/null)" = "$node_version" ]; then
    echo "node-base-image: $HERALD_NODE_BASE_IMAGE (Node $node_version) is built already" >&2
    echo "$HERALD_NODE_BASE_IMAGE"
    return 0
  fi
  case "$node_version" in
    v20.*) ;;
    *) echo "node-base-image: the host runs Node $node_version; the image stands in for Node 20" >&2; return 1 ;;
  esac
  local work status=0
  work=$(mktemp -d)
  herald_build_node_base "$work" "$node_bin" "$node_version" "$npm_dir" || status=$?
  rm -rf "$work"
  [ "$status" = 0 ] || return "$status"
  echo "$HERALD_NODE_BASE_IMAGE"
}

herald_build_node_base() {
  local work="$1" node_bin="$2" node_version="$3" npm_dir="$4" started=$SECONDS
  if ! podman image exists "$HERALD_DEBIAN_IMAGE"; then
    echo "node-base-image: debootstrap --variant=minbase bookworm (about a minute) ..." >&2
    if ! debootstrap --variant=minbase bookworm "$work/rootfs" >"$work/debootstrap.log" 2>&1; then
      tail -n 20 "$work/debootstrap.log" >&2
      echo "node-base-image: debootstrap failed (is Debian's mirror reachable?)" >&2
      return 1
    fi
    tar -C "$work/rootfs" -c . | podman import --quiet - "$HERALD_DEBIAN_IMAGE" >/dev/null
    rm -rf "$work/rootfs"
  fi
  local base="$work/nodebase"
  mkdir -p "$base/usr/local/bin" "$base/usr/local/lib/node_modules" "$base/etc/ssl/certs"
  cp "$node_bin" "$base/usr/local/bin/node"
  cp -a "$npm_dir" "$base/usr/local/lib/node_modules/"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$base/usr/local/bin/npm"
  cp /etc/ssl/certs/ca-certificates.crt "$base/etc/ssl/certs/host-ca.crt"
  cat >"$base/Containerfile" <<EOF
FROM $HERALD_DEBIAN_IMAGE
LABEL herald.node-version="$node_version"
COPY usr/local /usr/local
COPY etc/ssl/certs/host-ca.crt /etc/ssl/certs/host-ca.crt
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/host-ca.crt npm_config_cafile=/etc/ssl/certs/host-ca.crt
RUN groupadd --gid 1000 node && useradd --uid 1000 --gid node --create-home node
EOF
  echo "node-base-image: building $HERALD_NODE_BASE_IMAGE with Node $node_version ..." >&2
  podman build --quiet --network=host -t "$HERALD_NODE_BASE_IMAGE" "$base" >/dev/null || return 1
  echo "node-base-image: built $HERALD_NODE_BASE_IMAGE in $((SECONDS - started)) s" >&2
}

# Executed rather than sourced: do it now.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  export CONTAINERS_CONF="${CONTAINERS_CONF:-$(cd "$(dirname "$0")" && pwd)/containers.conf}"
  herald_node_base_image
fi
