#!/usr/bin/env bash
# Crash survival (issue 8, item 4): load a real Release server on PostgreSQL, SIGKILL it at seeded random moments,
# restart it, and prove nothing acknowledged was lost or applied twice. See docs/reliability.md.
#
#   scripts/reliability/crash.sh            # KILLS=5 SEED=42 PORT=5095 KEEP=1 (keep the database and log)
source "$(dirname "$0")/lib.sh"
PORT=${PORT:-5095}
DB=${DB:-axle_rel_crash}
WORK=${WORK:-/tmp/axle-rel-crash}
OUT=${OUT:-bench/results/$STAMP-crash.json}
mkdir -p "$WORK"
trap 'stop_server "$WORK/api.pid"; [[ -n "${KEEP:-}" ]] || drop_db 5432 "$DB"' EXIT

build
fresh_db 5432 "$DB"
# Short reservation expiry and a busy expiry worker, so the run can watch expired reservations being released.
write_env "$WORK/server.env" "http://127.0.0.1:$PORT" "$(pg_cs 5432 "$DB")" "$WORK/data" \
  Inventory__ReservationTtl=00:00:10 Inventory__ExpiryInterval=00:00:01
: >"$WORK/api.log"
echo "== crash run (log $WORK/api.log)"
set +e
dotnet "$BENCH" crash --url "http://127.0.0.1:$PORT" --connection "$(pg_cs 5432 "$DB")" \
  --email "$ADMIN_EMAIL" --password "$ADMIN_PASSWORD" --server-dll "$API_DLL" --server-env "$WORK/server.env" \
  --server-log "$WORK/api.log" --pid-file "$WORK/api.pid" --kills "${KILLS:-5}" --seed "${SEED:-42}" \
  --customers "${CUSTOMERS:-6}" --out "$OUT"
code=$?
set -e
echo "== crash: $([[ $code == 0 ]] && echo PASS || echo FAIL) (exit $code), report $OUT"
exit $code
