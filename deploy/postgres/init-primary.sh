#!/bin/bash
# Run once by the postgres image when the primary's data folder is created.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD '${REPLICATION_PASSWORD}';
-- PostgreSQL's JIT costs these short indexed queries more than it saves (ADR 0012). Set on
-- the database, so it holds through PgBouncer too (which refuses startup options).
ALTER DATABASE "$POSTGRES_DB" SET jit = off;
SQL
echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
