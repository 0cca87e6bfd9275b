#!/usr/bin/env bash
# Makes the tools of the chaos harness's host faults available (docs/chaos.md, "Host faults"):
# Debian's strace (fsync-error and slow-disk attach it to a node to fail or stall its fsyncs)
# and Debian's faketime package, whose libfaketime moves one node's wall clock (clock-jump).
# disk-full needs no package, only root (to mount a tmpfs). Idempotent: does nothing when
# strace runs and libfaketime is in place. Installs the packages otherwise (as root, or through
# sudo). Prints what it found.
#
# Use:  scripts/lib/ensure-host-faults.sh            (run it)
#   or  . scripts/lib/ensure-host-faults.sh && herald_ensure_host_faults   (source it)
herald_ensure_host_faults() {
  local libfaketime=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1
  local packages=()
  command -v strace >/dev/null 2>&1 || packages+=(strace)
  [ -e "$libfaketime" ] || packages+=(faketime)
  if [ "${#packages[@]}" -gt 0 ]; then
    if ! command -v apt-get >/dev/null 2>&1; then
      echo "missing ${packages[*]} and there is no apt-get here; install strace and libfaketime ($libfaketime)" >&2
      return 1
    fi
    local sudo=''
    if [ "$(id -u)" != 0 ]; then
      if ! command -v sudo >/dev/null 2>&1; then
        echo "missing ${packages[*]}; run as root or install Debian's ${packages[*]} package(s)" >&2
        return 1
      fi
      sudo='sudo'
    fi
    echo "installing Debian's ${packages[*]} ..." >&2
    local status=0
    herald_apt_install_host_faults() { $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null; }
    # Refresh the package lists first only when they do not know the packages; retry once after
    # a refresh when they are stale (an install that fails to download).
    {
      apt-cache show "${packages[@]}" >/dev/null 2>&1 || $sudo apt-get update -qq
      herald_apt_install_host_faults || { $sudo apt-get update -qq && herald_apt_install_host_faults; }
    } || status=$?
    unset -f herald_apt_install_host_faults
    if [ "$status" != 0 ]; then
      echo "installing ${packages[*]} failed (apt-get exit $status)" >&2
      return "$status"
    fi
    hash -r
  fi
  echo "strace: $(command -v strace) ($(strace -V 2>&1 | head -n 1))"
  echo "libfaketime: $libfaketime"
  [ "$(id -u)" = 0 ] || echo "not root: the chaos harness leaves disk-full out (it mounts a tmpfs)"
}

# Executed rather than sourced: do it now.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  herald_ensure_host_faults
fi
