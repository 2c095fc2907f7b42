#!/usr/bin/env bash
# Adds a migration for both providers: scripts/add-migration.sh <Name>
# Each provider keeps its own folder, because SQL types and defaults differ.
set -euo pipefail
name=${1:?usage: scripts/add-migration.sh <MigrationName>}
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
dotnet ef migrations add "$name" --project src/Axle.Api --context SqliteAppDbContext \
  --output-dir Platform/Data/Migrations/Sqlite
dotnet ef migrations add "$name" --project src/Axle.Api --context PostgresAppDbContext \
  --output-dir Platform/Data/Migrations/Postgres
