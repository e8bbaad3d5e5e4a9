#!/usr/bin/env bash
# Start a local PostgreSQL for the register tests and print its URL on stdout.
#
# Idempotent: installs Debian's `postgresql` when missing, starts the installed
# version's `main` cluster (creating it if absent), sets the postgres user's password,
# (re)creates nothing that exists, and creates the test database when missing.
# Usage:  export NASKAH_TEST_PG="$(bash tools/start-postgres.sh)"
# Environment: NASKAH_PG_PASSWORD (default naskah-test), NASKAH_PG_DB (default naskah_test),
#              NASKAH_PG_PORT (default 5432).
set -euo pipefail

PASSWORD="${NASKAH_PG_PASSWORD:-naskah-test}"
DB="${NASKAH_PG_DB:-naskah_test}"
PORT="${NASKAH_PG_PORT:-5432}"
log() { echo "start-postgres: $*" >&2; }

if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    if [ "$(id -u)" != 0 ]; then
        log "PostgreSQL is not installed and this is not root: install the 'postgresql' package"
        exit 1
    fi
    log "installing postgresql with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
fi

VERSION="$(ls /usr/lib/postgresql | sort -V | tail -n1)"
if ! pg_lsclusters -h | awk -v v="$VERSION" '$1 == v && $2 == "main"' | grep -q .; then
    log "creating cluster $VERSION/main"
    pg_createcluster "$VERSION" main --port "$PORT" >&2
fi
STATUS="$(pg_lsclusters -h | awk -v v="$VERSION" '$1 == v && $2 == "main" {print $4}')"
CLUSTER_PORT="$(pg_lsclusters -h | awk -v v="$VERSION" '$1 == v && $2 == "main" {print $3}')"
if [ "$STATUS" != "online" ]; then
    log "starting cluster $VERSION/main on port $CLUSTER_PORT"
    # A stale pid file left by a killed server would stop pg_ctlcluster; it checks itself.
    pg_ctlcluster "$VERSION" main start >&2
fi

psql_as_postgres() { su postgres -c "psql -X -q -v ON_ERROR_STOP=1 -p $CLUSTER_PORT $*"; }
for _ in $(seq 1 30); do
    if su postgres -c "pg_isready -q -p $CLUSTER_PORT"; then break; fi
    sleep 1
done
echo "ALTER USER postgres PASSWORD '$PASSWORD';" | psql_as_postgres >&2
if ! su postgres -c "psql -X -tAc \"SELECT 1 FROM pg_database WHERE datname = '$DB'\" -p $CLUSTER_PORT" | grep -q 1; then
    log "creating database $DB"
    su postgres -c "createdb -p $CLUSTER_PORT $DB" >&2
fi
echo "postgresql+psycopg://postgres:$PASSWORD@127.0.0.1:$CLUSTER_PORT/$DB"
