#!/usr/bin/env bash
# Makes podman, runc, debootstrap and podman-compose available for scripts/container-check.sh
# (the image built from the Dockerfile, the compose stack run end to end). There is no Docker
# engine or image registry on these machines; Debian's podman with runc runs containers
# (scripts/lib/containers.conf holds the settings it needs). Idempotent: does nothing when all
# four are on PATH. Installs Debian's packages otherwise (as root, or through sudo). Prints the
# versions.
#
# Use:  scripts/lib/ensure-podman.sh            (run it)
#   or  . scripts/lib/ensure-podman.sh && herald_ensure_podman   (source it)
herald_ensure_podman() {
  local packages=(podman runc debootstrap podman-compose) missing=() package
  for package in "${packages[@]}"; do
    command -v "$package" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin:/sbin" command -v "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    if ! command -v apt-get >/dev/null 2>&1; then
      echo "${missing[*]} missing and there is no apt-get here; install podman (with runc), debootstrap and podman-compose" >&2
      return 1
    fi
    local sudo=''
    if [ "$(id -u)" != 0 ]; then
      if ! command -v sudo >/dev/null 2>&1; then
        echo "${missing[*]} missing; run as root or install Debian's ${missing[*]} packages" >&2
        return 1
      fi
      sudo='sudo'
    fi
    echo "installing Debian's ${missing[*]} ..." >&2
    local status=0
    herald_apt_install_podman() { $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null; }
    # Refresh the package lists first only when they do not know the packages; retry once after
    # a refresh when they are stale (an install that fails to download).
    {
      apt-cache show podman-compose >/dev/null 2>&1 || $sudo apt-get update -qq
      herald_apt_install_podman || { $sudo apt-get update -qq && herald_apt_install_podman; }
    } || status=$?
    unset -f herald_apt_install_podman
    if [ "$status" != 0 ]; then
      echo "installing ${missing[*]} failed (apt-get exit $status)" >&2
      return "$status"
    fi
    hash -r
  fi
  echo "podman: $(podman --version 2>&1 | head -n 1); runc: $(PATH="$PATH:/usr/sbin" runc --version 2>&1 | head -n 1); podman-compose: $(dpkg-query -W -f '${Version}' podman-compose 2>/dev/null || echo present)"
}

# Executed rather than sourced: do it now.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  herald_ensure_podman
fi
