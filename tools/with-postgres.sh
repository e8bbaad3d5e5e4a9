#!/usr/bin/env bash
# Run a command with NASKAH_TEST_PG pointing at a local PostgreSQL for the register tests.
#
# Usage: bash tools/with-postgres.sh COMMAND [ARGS...]   (make test runs the tests so)
#
# An NASKAH_TEST_PG already set is used as it is. Otherwise, when this is root or may run
# sudo without a password, tools/start-postgres.sh starts (and if needed installs) the
# server and prints its URL. Otherwise the PostgreSQL tests skip with the reason, or
# fail under CI=true.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${NASKAH_TEST_PG:-}" ]; then
    url=""
    if [ "$(id -u)" = 0 ]; then
        url="$(bash tools/start-postgres.sh)" || url=""
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        url="$(sudo -n env NASKAH_PG_DB="${NASKAH_PG_DB:-naskah_test}" bash tools/start-postgres.sh)" || url=""
    else
        echo "with-postgres: not root and no password-less sudo: the PostgreSQL tests will" \
             "skip (set NASKAH_TEST_PG to a server of your own)" >&2
    fi
    if [ -n "$url" ]; then
        export NASKAH_TEST_PG="$url"
    else
        echo "with-postgres: PostgreSQL could not be started" >&2
    fi
fi
exec "$@"
