#!/usr/bin/env bash
# Starts the Release API for benchmarks in the background and waits until it is ready; stops it again.
#
#   bench/serve.sh sqlite /tmp/axle-bench-inv/catalog.db     # SQLite file
#   bench/serve.sh postgres axle_bench_inv                   # PostgreSQL database on 127.0.0.1 (user axle/axle)
#   bench/serve.sh stop                                      # stops the server this script started
#
# Knobs (environment): PORT (5090), WORK (/tmp/axle-bench-inv: pid file, API log, data directory), WORKERS (false),
# ADMIN_EMAIL, ADMIN_PASSWORD (the bootstrap admin the bench commands sign in as), POOL (PostgreSQL pool size, 8),
# PGEXTRA (";Name=value" appended to the PostgreSQL connection string, e.g. ";Max Auto Prepare=32"),
# EXTRA_ENV ("Name=value ..." added to the server's environment, e.g. EF Core command logging).
# The bench's orders all come from one customer with up to 32 checkouts in flight, each pending until paid: the per-customer
# cap on unpaid orders (Orders:MaxPendingPerCustomer, 3) is raised to its maximum so it never answers 409 in a run.
# Only the process whose id this script saved is ever stopped, never "every Axle.Api.dll".
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${PORT:-5090}
WORK=${WORK:-/tmp/axle-bench-inv}
PID_FILE="$WORK/api.pid"
URL="http://127.0.0.1:$PORT"

stop() {
  if [[ -f "$PID_FILE" ]]; then
    local pid
    pid=$(cat "$PID_FILE")
    if kill -0 "$pid" 2>/dev/null && grep -q 'Axle.Api.dll' "/proc/$pid/cmdline" 2>/dev/null; then
      kill "$pid"
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
      echo "stopped $pid"
    fi
    rm -f "$PID_FILE"
  fi
}

case "${1:-}" in
  stop) stop; exit 0 ;;
  sqlite) PROVIDER=Sqlite; CONNECTION="Data Source=$2" ;;
  postgres)
    PROVIDER=Postgres
    # Measured on a 2-core box: a small pool and no reset round trip per checkout keep PostgreSQL from thrashing.
    CONNECTION="Host=127.0.0.1;Username=axle;Password=axle;Database=$2;SSL Mode=Disable;No Reset On Close=true;Maximum Pool Size=${POOL:-8}${PGEXTRA:-}"
    ;;
  *) echo "usage: $0 sqlite <file> | postgres <database> | stop" >&2; exit 2 ;;
esac

stop
if curl -s -o /dev/null --max-time 1 "$URL/health/live"; then
  echo "something else already answers on $URL; pick another PORT" >&2
  exit 1
fi

mkdir -p "$WORK"
rm -rf "$WORK/data"
mkdir -p "$WORK/data"
# shellcheck disable=SC2086
env ASPNETCORE_URLS="$URL" ASPNETCORE_ENVIRONMENT=Production Seed__Demo=false Workers__Enabled="${WORKERS:-false}" \
  Security__RequireHttps=false DataDirectory="$WORK/data" \
  Bootstrap__AdminEmail="${ADMIN_EMAIL:-bench@axle.test}" Bootstrap__AdminPassword="${ADMIN_PASSWORD:-Quartz-rotor-7391!x}" \
  RateLimiting__PerIpPermits=1000000 RateLimiting__PerIdentityPermits=1000000 RateLimiting__AuthPermits=1000000 \
  RateLimiting__WindowSeconds=1 Logging__LogLevel__Default=Warning Orders__MaxPendingPerCustomer=1000 \
  Database__Provider="$PROVIDER" ConnectionStrings__Axle="$CONNECTION" ${EXTRA_ENV:-} \
  nohup dotnet src/Axle.Api/bin/Release/net10.0/Axle.Api.dll >"$WORK/api.log" 2>&1 &
echo $! >"$PID_FILE"

for _ in $(seq 1 120); do
  if curl -sf -o /dev/null --max-time 1 "$URL/health/ready"; then
    echo "ready on $URL, pid $(cat "$PID_FILE"), log $WORK/api.log"
    exit 0
  fi
  if ! kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then break; fi
  sleep 0.5
done
echo "the server did not become ready:" >&2
tail -20 "$WORK/api.log" >&2
stop
exit 1
