# Sourced by scripts/start.sh: puts the clone's compiled CLI (packages/cli/dist/main.js, built by
# `pnpm build`) on the PATH as `herald`, with a symbolic link (a rebuild needs no new link) in
# $HERALD_BIN_DIR if set, else in the first writable directory of /usr/local/bin, npm's global
# bin and ~/.local/bin that the PATH holds, else in ~/.local/bin with a line saying how to add it
# to the PATH. Replaces only a link to some clone's CLI or a broken link, never a file or another
# install (npm install -g). Prints what it did.
herald_link() {
  local target="$PWD/packages/cli/dist/main.js"
  if [ ! -x "$target" ]; then
    echo "link-herald: $target is missing or not executable; run pnpm build first" >&2
    return 1
  fi
  local dir
  if [ -n "${HERALD_BIN_DIR:-}" ]; then
    herald_link_into "$HERALD_BIN_DIR" "$target" || return 1
    herald_path_hint "$HERALD_BIN_DIR"
    return 0
  fi
  for dir in /usr/local/bin "$(npm prefix -g 2>/dev/null)/bin" "$HOME/.local/bin"; do
    case ":$PATH:" in *":$dir:"*) ;; *) continue ;; esac
    herald_link_into "$dir" "$target" && return 0
  done
  herald_link_into "$HOME/.local/bin" "$target" || return 1
  herald_path_hint "$HOME/.local/bin"
}

# Links $1/herald to $2 unless something else is there. Fails when $1 is not writable.
herald_link_into() {
  local dir="$1" target="$2" link="$1/herald"
  mkdir -p "$dir" 2>/dev/null && [ -w "$dir" ] || return 1
  local other=false
  if [ -L "$link" ]; then
    local current
    current=$(readlink "$link")
    if [ "$current" = "$target" ]; then
      echo "herald: $link -> $target (already linked)"
      return 0
    fi
    # A live link to something other than a clone's CLI: npm install -g, or the user's own.
    [ -e "$link" ] && [[ "$current" != */packages/cli/dist/main.js ]] && other=true
  elif [ -e "$link" ]; then
    other=true
  fi
  if $other; then
    echo "link-herald: $link is another install of herald; leaving it (this clone's CLI: pnpm herald)" >&2
    return 0
  fi
  ln -sfn "$target" "$link"
  echo "herald: $link -> $target"
}

# Says how to put $1 on the PATH when it is not.
herald_path_hint() {
  case ":$PATH:" in
    *":$1:"*) ;;
    *) echo "$1 is not on your PATH; add it with: export PATH=\"$1:\$PATH\"" ;;
  esac
}
