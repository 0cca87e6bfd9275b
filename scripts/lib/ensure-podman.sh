#!/usr/bin/env bash
# Makes podman, runc, debootstrap and podman-compose available for scripts/container-check.sh
# (the image built from the Dockerfile, the compose stack run end to end). There is no Docker
# engine or image registry on these machines; Debian's podman with runc runs containers
# (scripts/lib/containers.conf holds the settings it needs). Idempotent: does nothing when all
# four are there. Installs Debian's packages otherwise (as root, or through sudo), without
# starting podman's service. Prints the versions.
#
# Use:  scripts/lib/ensure-podman.sh            (run it)
#   or  . scripts/lib/ensure-podman.sh && herald_ensure_podman   (source it)
. "$(dirname "${BASH_SOURCE[0]}")/apt-install.sh"

herald_ensure_podman() {
  local tool missing=()
  # runc and debootstrap live in /usr/sbin, which a user's PATH may lack.
  for tool in podman runc debootstrap podman-compose; do
    PATH="$PATH:/usr/sbin:/sbin" command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    herald_apt_install "the container check" "${missing[@]}" || return
  fi
  echo "podman: $(podman --version 2>&1 | head -n 1); runc: $(PATH="$PATH:/usr/sbin" runc --version 2>&1 | head -n 1); podman-compose: $(dpkg-query -W -f '${Version}' podman-compose 2>/dev/null || echo installed)"
}

# Executed rather than sourced: do it now.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  herald_ensure_podman
fi
