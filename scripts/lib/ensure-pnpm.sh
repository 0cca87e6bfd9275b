# Sourced by the entry scripts: makes the pinned pnpm available on a machine that has only
# Node and npm. The pin is the packageManager field of package.json.
herald_ensure_pnpm() {
  local want
  want=$(node -p "require('./package.json').packageManager.split('@')[1]")
  if command -v pnpm >/dev/null 2>&1 && [ "$(pnpm --version 2>/dev/null)" = "$want" ]; then
    return 0
  fi
  echo "installing pnpm $want ..." >&2
  if ! npm install --global --no-fund --no-audit "pnpm@$want" >/dev/null 2>&1; then
    # No write access to npm's global prefix: install under the user's home instead.
    npm install --global --no-fund --no-audit --prefix "$HOME/.local" "pnpm@$want" >/dev/null
    export PATH="$HOME/.local/bin:$PATH"
  fi
  hash -r
  pnpm --version >/dev/null
}
