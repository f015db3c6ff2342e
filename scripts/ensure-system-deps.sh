#!/usr/bin/env bash
# Install the system programs the test suite starts, only when they are missing (Debian/Ubuntu):
#   postgresql (initdb/pg_ctl for the throwaway test cluster), redis-server, chromium (browser tests),
#   npm (installs axe-core for the browser accessibility check, tests/browser/package.json).
# Idempotent and quiet: prints nothing when everything is there. Usage:
#   scripts/ensure-system-deps.sh [postgresql] [redis] [chromium] [npm]     (default: all four)
set -euo pipefail

wanted=("$@")
[ ${#wanted[@]} -eq 0 ] && wanted=(postgresql redis chromium npm)

have_postgresql() { compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null || command -v pg_ctl >/dev/null; }
have_redis() { command -v redis-server >/dev/null; }
have_chromium() { command -v chromium >/dev/null || command -v chromium-browser >/dev/null; }
have_npm() { command -v npm >/dev/null; }

packages=()
for want in "${wanted[@]}"; do
  case "$want" in
    postgresql) have_postgresql || packages+=(postgresql) ;;
    redis) have_redis || packages+=(redis-server) ;;
    chromium) have_chromium || packages+=(chromium) ;;
    npm) have_npm || packages+=(npm) ;;
    *) echo "ensure-system-deps: unknown component '$want' (postgresql, redis, chromium, npm)" >&2; exit 2 ;;
  esac
done
[ ${#packages[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null; then
  echo "ensure-system-deps: missing ${packages[*]}; install them with your package manager" >&2
  exit 1
fi
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "ensure-system-deps: need root (or sudo) to install ${packages[*]}" >&2; exit 1; }
  sudo=(sudo)
fi

echo "ensure-system-deps: installing ${packages[*]} ..." >&2
log=$(mktemp -t ensure-system-deps.XXXXXX)
trap 'rm -f "$log"' EXIT
export DEBIAN_FRONTEND=noninteractive
if ! "${sudo[@]}" apt-get -qq update >"$log" 2>&1 ||
   ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -qq install -y \
       "${packages[@]}" >>"$log" 2>&1; then
  echo "ensure-system-deps: apt-get failed:" >&2
  tail -n 20 "$log" >&2
  exit 1
fi
for want in "${wanted[@]}"; do
  case "$want" in
    postgresql) have_postgresql || { echo "ensure-system-deps: pg_ctl still missing" >&2; exit 1; } ;;
    redis) have_redis || { echo "ensure-system-deps: redis-server still missing" >&2; exit 1; } ;;
    chromium) have_chromium || { echo "ensure-system-deps: chromium still missing" >&2; exit 1; } ;;
    npm) have_npm || { echo "ensure-system-deps: npm still missing" >&2; exit 1; } ;;
  esac
done
