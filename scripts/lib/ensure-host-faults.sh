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
. "$(dirname "${BASH_SOURCE[0]}")/apt-install.sh"

herald_ensure_host_faults() {
  local libfaketime=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1
  local packages=()
  command -v strace >/dev/null 2>&1 || packages+=(strace)
  [ -e "$libfaketime" ] || packages+=(faketime)
  if [ "${#packages[@]}" -gt 0 ]; then
    herald_apt_install "the chaos harness's host faults" "${packages[@]}" || return
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
