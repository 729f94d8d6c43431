#!/usr/bin/env bash
# Fuzzes the API against its own document: builds the server, starts it on a throwaway SQLite
# database with the rate limit lifted, signs in as the administrator and runs Schemathesis with
# every check for FUZZ_SECONDS (default 180). Fails when Schemathesis finds anything.
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds="${FUZZ_SECONDS:-180}"
target="${CARGO_TARGET_DIR:-target}"
command -v schemathesis >/dev/null || { echo "schemathesis is missing: pip install schemathesis" >&2; exit 1; }

cargo build -q -p kehu-api --bin kehu

work=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# A free port: the kernel picks one, the socket closes, the server takes it.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
password="fuzz-$(date +%s)-password"
KEHU_BIND="127.0.0.1:$port" \
  KEHU_DATABASE_URL="$work/kehu.db" \
  KEHU_DATA_DIR="$work" \
  KEHU_ADMIN_EMAIL="admin@example.com" \
  KEHU_ADMIN_PASSWORD="$password" \
  KEHU_RATE_LIMIT_PER_MINUTE=100000000 \
  KEHU_LOGIN_MAX_FAILURES=100000000 \
  KEHU_ACCESS_TOKEN_TTL_SECS=86400 \
  KEHU_LOG=warn \
  "$target/debug/kehu" serve >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  curl -fsS "$base/healthz" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.2
done

token=$(curl -fsS "$base/api/v1/auth/login" -H 'content-type: application/json' \
  -d "{\"email\":\"admin@example.com\",\"password\":\"$password\"}" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')

# Every check runs (Schemathesis's default; naming them on the command line would override the
# per-operation lines of the settings file).
status=0
SCHEMATHESIS_HOOKS="$PWD/scripts/fuzz/hooks.py" schemathesis --config-file scripts/fuzz/schemathesis.toml \
  run "$base/api/v1/openapi.json" \
  --header "Authorization: Bearer $token" \
  --max-time "$seconds" \
  --workers "${FUZZ_WORKERS:-2}" \
  --seed "${FUZZ_SEED:-$RANDOM}" \
  --output-sanitize false \
  "$@" || status=$?

if grep -q "panicked" "$work/server.log"; then
  echo "the server panicked:" >&2
  grep -A5 "panicked" "$work/server.log" >&2
  status=1
fi
exit "$status"
