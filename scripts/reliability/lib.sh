#!/usr/bin/env bash
# Shared by crash.sh, outage.sh and soak.sh: build once, a fresh database with a small generated catalog, the server's
# environment (the same settings as bench/serve.sh, workers on) and cleanup of only what these scripts started.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$REPO"
BENCH="$REPO/bench/Axle.Bench/bin/Release/net10.0/Axle.Bench.dll"
API_DLL="$REPO/src/Axle.Api/bin/Release/net10.0/Axle.Api.dll"
ADMIN_EMAIL=${ADMIN_EMAIL:-bench@axle.test}
ADMIN_PASSWORD=${ADMIN_PASSWORD:-Quartz-rotor-7391!x}
STAMP=$(date -u +%Y%m%d-%H%M%S)
export PGPASSWORD=axle

build() {
  echo "== build (Release)"
  if ! dotnet build "$REPO/bench/Axle.Bench" -c Release -nologo -v q >"${TMPDIR:-/tmp}/axle-reliability-build.log" 2>&1; then
    grep -E "error" "${TMPDIR:-/tmp}/axle-reliability-build.log" | sort -u >&2
    echo "build failed" >&2
    exit 1
  fi
}

# fresh_db <pg port> <database>: drop, create and fill with a small catalog (categories, parts, fitments).
fresh_db() {
  local port=$1 db=$2
  echo "== database $db on 127.0.0.1:$port"
  psql -h 127.0.0.1 -p "$port" -U axle -d postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null
  dotnet "$BENCH" generate --provider postgres --connection "$(pg_cs "$port" "$db")" \
    --parts 2000 --vehicles 200 --fitments 10000 | tail -1
}

drop_db() {
  local port=$1 db=$2
  psql -h 127.0.0.1 -p "$port" -U axle -d postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
}

pg_cs() { echo "Host=127.0.0.1;Port=$1;Username=axle;Password=axle;Database=$2;SSL Mode=Disable"; }

# write_env <file> <url> <connection string> <data dir> [Name=value ...]: the server's environment, one per line.
write_env() {
  local file=$1 url=$2 cs=$3 data=$4
  shift 4
  rm -rf "$data" && mkdir -p "$data"
  {
    echo "ASPNETCORE_URLS=$url"
    echo "ASPNETCORE_ENVIRONMENT=Production"
    echo "Seed__Demo=false"
    echo "Workers__Enabled=true"
    echo "Security__RequireHttps=false"
    echo "DataDirectory=$data"
    echo "Bootstrap__AdminEmail=$ADMIN_EMAIL"
    echo "Bootstrap__AdminPassword=$ADMIN_PASSWORD"
    echo "RateLimiting__PerIpPermits=1000000"
    echo "RateLimiting__PerIdentityPermits=1000000"
    echo "RateLimiting__AuthPermits=1000000"
    echo "RateLimiting__WindowSeconds=1"
    echo "Logging__LogLevel__Default=Warning"
    echo "Database__Provider=Postgres"
    echo "ConnectionStrings__Axle=$cs;No Reset On Close=true;Maximum Pool Size=${POOL:-16}"
    for kv in "$@"; do echo "$kv"; done
  } >"$file"
}

# Stops the server a driver started if the driver itself could not (only the pid it wrote, only if it is Axle.Api.dll).
stop_server() {
  local pid_file=$1
  if [[ -f "$pid_file" ]]; then
    local pid
    pid=$(cat "$pid_file")
    if kill -0 "$pid" 2>/dev/null && grep -q 'Axle.Api.dll' "/proc/$pid/cmdline" 2>/dev/null; then
      kill -9 "$pid" 2>/dev/null || true
      echo "stopped leftover server $pid"
    fi
    rm -f "$pid_file"
  fi
}
