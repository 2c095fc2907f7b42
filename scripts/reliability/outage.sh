#!/usr/bin/env bash
# Database outage (issue 8, item 5): a throwaway PostgreSQL 15 cluster (never the shared `15 main`) is stopped with a
# fast shutdown for ~20 s under mixed load and started again. See docs/reliability.md.
#
#   scripts/reliability/outage.sh           # PGPORT_OUTAGE=5433 PORT=5096 OUTAGE=20
source "$(dirname "$0")/lib.sh"
PORT=${PORT:-5096}
PGP=${PGPORT_OUTAGE:-5433}
CLUSTER=axle_outage
DB=axle_rel_outage
WORK=${WORK:-/tmp/axle-rel-outage}
OUT=${OUT:-bench/results/$STAMP-outage.json}
mkdir -p "$WORK"
cleanup() {
  stop_server "$WORK/api.pid"
  if pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "15 $CLUSTER"; then
    pg_dropcluster 15 "$CLUSTER" --stop && echo "dropped cluster 15 $CLUSTER"
  fi
}
trap cleanup EXIT

build
echo "== throwaway cluster 15 $CLUSTER on port $PGP"
if pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "15 $CLUSTER"; then pg_dropcluster 15 "$CLUSTER" --stop; fi
pg_createcluster 15 "$CLUSTER" -p "$PGP" >/dev/null
pg_ctlcluster 15 "$CLUSTER" start
su postgres -c "psql -p $PGP -qc \"CREATE ROLE axle LOGIN PASSWORD 'axle' CREATEDB\""
fresh_db "$PGP" "$DB"
write_env "$WORK/server.env" "http://127.0.0.1:$PORT" "$(pg_cs "$PGP" "$DB")" "$WORK/data"
: >"$WORK/api.log"
echo "== outage run (log $WORK/api.log)"
set +e
dotnet "$BENCH" outage --url "http://127.0.0.1:$PORT" --connection "$(pg_cs "$PGP" "$DB")" \
  --email "$ADMIN_EMAIL" --password "$ADMIN_PASSWORD" --server-dll "$API_DLL" --server-env "$WORK/server.env" \
  --server-log "$WORK/api.log" --pid-file "$WORK/api.pid" --outage "${OUTAGE:-20}" \
  --db-stop "pg_ctlcluster 15 $CLUSTER stop -m fast" --db-start "pg_ctlcluster 15 $CLUSTER start" --out "$OUT"
code=$?
set -e
echo "== outage: $([[ $code == 0 ]] && echo PASS || echo FAIL) (exit $code), report $OUT"
exit $code
