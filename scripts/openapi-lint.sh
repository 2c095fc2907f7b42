#!/usr/bin/env bash
# Lints the OpenAPI document the API serves with Spectral's OAS rules and the OWASP API Security ruleset
# (tools/spectral/.spectral.yaml; docs/security.md explains every rule turned off and every warning).
#
#   scripts/openapi-lint.sh            # build, serve on SQLite in a scratch directory, fetch /openapi/v1.json, lint
#
# Fails when Spectral reports more errors than tools/spectral/max-errors allows (a ratchet: it only ever goes down, and
# is 0 once the document is clean). Writes the document and the full report under $WORK (default /tmp/axle-openapi-lint).
set -euo pipefail
cd "$(dirname "$0")/.."

WORK=${WORK:-/tmp/axle-openapi-lint}
PORT=${PORT:-5097}
URL="http://127.0.0.1:$PORT"
MAX_ERRORS=$(tr -d '[:space:]' < tools/spectral/max-errors)

if ! command -v npm >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
if [[ ! -x tools/spectral/node_modules/.bin/spectral ]]; then
  (cd tools/spectral && npm install --no-audit --no-fund --loglevel=error >/dev/null)
fi

dotnet build src/Axle.Api -v q -nologo >/dev/null
rm -rf "$WORK" && mkdir -p "$WORK/data"
env ASPNETCORE_URLS="$URL" ASPNETCORE_ENVIRONMENT=Production Security__RequireHttps=false Seed__Demo=false \
  Workers__Enabled=false DataDirectory="$WORK/data" Logging__LogLevel__Default=Warning \
  dotnet src/Axle.Api/bin/Debug/net10.0/Axle.Api.dll >"$WORK/api.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -sf -o "$WORK/openapi.json" --max-time 2 "$URL/openapi/v1.json" && break
  kill -0 "$pid" 2>/dev/null || { echo "the API did not start:"; tail -20 "$WORK/api.log"; exit 1; }
  sleep 0.5
done
[[ -s "$WORK/openapi.json" ]] || { echo "no OpenAPI document from $URL"; exit 1; }

tools/spectral/node_modules/.bin/spectral lint "$WORK/openapi.json" --ruleset tools/spectral/.spectral.yaml \
  -f json -o "$WORK/report.json" -q || true
summary=$(node -e '
  const r = require(process.argv[1]);
  const names = ["error", "warning", "info", "hint"];
  const by = {};
  for (const x of r) { const k = names[x.severity] + " " + x.code; by[k] = (by[k] || 0) + 1; }
  for (const k of Object.keys(by).sort()) console.log(String(by[k]).padStart(6) + "  " + k);
  console.log("ERRORS " + r.filter(x => x.severity === 0).length);' "$WORK/report.json")
echo "$summary" | grep -v '^ERRORS'
errors=$(echo "$summary" | sed -n 's/^ERRORS //p')
echo "Spectral: $errors errors (allowed: $MAX_ERRORS); full report $WORK/report.json"
if (( errors > MAX_ERRORS )); then
  echo "OpenAPI lint FAILED: more errors than tools/spectral/max-errors allows"
  exit 1
fi
if (( errors < MAX_ERRORS )); then
  echo "Fewer errors than allowed: lower tools/spectral/max-errors to $errors"
fi
echo "OpenAPI lint passed"
