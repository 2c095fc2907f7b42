#!/usr/bin/env bash
# The whole SQLite flow in one go: build (Release), generate a catalog into a fresh temp file, start the API on it,
# run the scenarios, stop the API. Every step is bounded; the server is stopped however the script ends.
#
#   bench/run-catalog.sh                                  # 200k parts, 20k vehicles, 2M fitments, 20 s per level
#   PARTS=20000 VEHICLES=2000 FITMENTS=200000 DURATION=5 WARMUP=2 bench/run-catalog.sh
#
# Knobs (environment): PARTS VEHICLES FITMENTS SEED DURATION WARMUP CONCURRENCY MAX_REQUESTS PORT SCENARIOS KEEP=1
set -euo pipefail
cd "$(dirname "$0")/.."

PARTS=${PARTS:-200000}
VEHICLES=${VEHICLES:-20000}
FITMENTS=${FITMENTS:-2000000}
SEED=${SEED:-1}
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-30}
CONCURRENCY=${CONCURRENCY:-1,32}
MAX_REQUESTS=${MAX_REQUESTS:-200000}
PORT=${PORT:-5080}
SCENARIOS=${SCENARIOS:-"health fitment-search"}

WORK=$(mktemp -d /tmp/axle-bench.XXXXXX)
DB="$WORK/catalog.db"
URL="http://127.0.0.1:$PORT"
STAMP=$(date -u +%Y%m%d-%H%M%S)
SERVER_PID=""
API_DLL=src/Axle.Api/bin/Release/net10.0/Axle.Api.dll
BENCH_DLL=bench/Axle.Bench/bin/Release/net10.0/Axle.Bench.dll

cleanup() {
  local status=$?
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    # Give Kestrel a few seconds to drain, then insist.
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
  fi
  if [[ "${KEEP:-0}" == "1" ]]; then
    echo "kept $WORK (database, API log)"
  else
    rm -rf "$WORK"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if curl -s -o /dev/null --max-time 1 "$URL/health/live"; then
  echo "something already answers on $URL; pick another PORT" >&2
  exit 1
fi

echo "== build (Release)"
timeout 600 dotnet build bench/Axle.Bench -c Release -nologo -v quiet

echo "== generate: $PARTS parts, $VEHICLES vehicles, $FITMENTS fitments into $DB"
timeout 3600 dotnet "$BENCH_DLL" generate --provider sqlite --connection "Data Source=$DB" \
  --parts "$PARTS" --vehicles "$VEHICLES" --fitments "$FITMENTS" --seed "$SEED"

echo "== start the API on $URL"
(
  export ASPNETCORE_URLS="$URL" ASPNETCORE_ENVIRONMENT=Production \
    Database__Provider=Sqlite ConnectionStrings__Axle="Data Source=$DB" DataDirectory="$WORK/data" \
    Seed__Demo=false Workers__Enabled=false Security__RequireHttps=false \
    RateLimiting__PerIpPermits=1000000 RateLimiting__PerIdentityPermits=1000000 RateLimiting__AuthPermits=1000000 \
    RateLimiting__WindowSeconds=1 Logging__LogLevel__Default=Warning
  exec dotnet "$API_DLL"
) >"$WORK/api.log" 2>&1 &
SERVER_PID=$!

for _ in $(seq 1 120); do
  if curl -s -o /dev/null --max-time 1 "$URL/health/ready"; then break; fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "the API exited during start-up:" >&2
    tail -20 "$WORK/api.log" >&2
    exit 1
  fi
  sleep 0.5
done
curl -sf -o /dev/null --max-time 2 "$URL/health/ready" || { echo "the API did not become ready in 60 s" >&2; exit 1; }

mkdir -p bench/results
for scenario in $SCENARIOS; do
  echo "== $scenario"
  timeout 1800 dotnet "$BENCH_DLL" run --scenario "$scenario" --url "$URL" --server-pid "$SERVER_PID" \
    --duration "$DURATION" --warmup "$WARMUP" --concurrency "$CONCURRENCY" --max-requests "$MAX_REQUESTS" \
    --provider sqlite --connection "Data Source=$DB" \
    --out "bench/results/$STAMP-sqlite-$scenario.json"
done
