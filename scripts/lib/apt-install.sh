# Sourced by the scripts/lib/ensure-*.sh scripts: installs Debian packages the tests need, as
# root or through sudo, without starting their services (a container has no init system).
#
#   . scripts/lib/apt-install.sh && herald_apt_install "what it is for" package...
#
# Refreshes the package lists first only when they do not know the first package, and retries
# once after a refresh when they are stale (an install that fails to download). Says what is
# wrong when there is no apt-get, or neither root nor sudo.
herald_apt_install() {
  local what="$1"
  shift
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "$what: $* missing and there is no apt-get here; install them by hand" >&2
    return 1
  fi
  local sudo=''
  if [ "$(id -u)" != 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "$what: $* missing; run as root or install Debian's $* packages" >&2
      return 1
    fi
    sudo='sudo'
  fi
  echo "installing Debian's $* ..." >&2
  # policy-rc.d exiting 101 tells the packages' scripts not to start their services.
  local policy=/usr/sbin/policy-rc.d created_policy=''
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
    $sudo chmod +x "$policy"
    created_policy=1
  fi
  local status=0
  {
    apt-cache show "$1" >/dev/null 2>&1 || $sudo apt-get update -qq
    herald_apt_get_install "$sudo" "$@" || { $sudo apt-get update -qq && herald_apt_get_install "$sudo" "$@"; }
  } || status=$?
  [ -n "$created_policy" ] && $sudo rm -f "$policy"
  if [ "$status" != 0 ]; then
    echo "$what: installing $* failed (apt-get exit $status)" >&2
    return "$status"
  fi
  hash -r
}

herald_apt_get_install() {
  local sudo="$1"
  shift
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
