#!/usr/bin/env bash
# Soak (issue 8, item 6): a bounded mixed workload for DURATION seconds (600) against a real Release server on
# PostgreSQL, with its RSS and GC heap sampled every 5 s; writes JSON, CSV and a PNG chart. See docs/reliability.md.
#
#   scripts/reliability/soak.sh             # DURATION=600 PORT=5097
source "$(dirname "$0")/lib.sh"
PORT=${PORT:-5097}
DB=${DB:-axle_rel_soak}
WORK=${WORK:-/tmp/axle-rel-soak}
OUT=${OUT:-bench/results/$STAMP-soak.json}
mkdir -p "$WORK"
trap 'stop_server "$WORK/api.pid"; [[ -n "${KEEP:-}" ]] || drop_db 5432 "$DB"' EXIT

build
fresh_db 5432 "$DB"
# Loopback feed and webhook receiver allowed (the bench's own, on 127.0.0.1); pulls start within a second.
write_env "$WORK/server.env" "http://127.0.0.1:$PORT" "$(pg_cs 5432 "$DB")" "$WORK/data" \
  OutboundUrls__AllowedNetworks__0=127.0.0.0/8 OutboundUrls__RequireHttps=false Suppliers__SchedulerInterval=00:00:01
: >"$WORK/api.log"
echo "== soak run, ${DURATION:-600} s (log $WORK/api.log)"
set +e
dotnet "$BENCH" soak --url "http://127.0.0.1:$PORT" --connection "$(pg_cs 5432 "$DB")" \
  --email "$ADMIN_EMAIL" --password "$ADMIN_PASSWORD" --server-dll "$API_DLL" --server-env "$WORK/server.env" \
  --server-log "$WORK/api.log" --pid-file "$WORK/api.pid" --duration "${DURATION:-600}" --out "$OUT"
code=$?
set -e
echo "== soak: $([[ $code == 0 ]] && echo PASS || echo FAIL) (exit $code), report $OUT"
exit $code
