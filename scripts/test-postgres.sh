#!/usr/bin/env bash
# Start a throwaway PostgreSQL server on 127.0.0.1:55432 for the tests (installing Debian's postgresql when it is
# missing and we are root). Prints the SQLAlchemy URL to use, or nothing when no server can be had here.
set -u
PORT=${TIDINGS_PG_PORT:-55432}
DIR=${TIDINGS_PG_DIR:-/tmp/tidings-pg}
URL="postgresql+psycopg://postgres@127.0.0.1:${PORT}/postgres"
bin_dir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
# PostgreSQL refuses to run as root: run it as the postgres user when we are root.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
# `test-postgres.sh stop`: stop the throwaway server (make test does, after the tests)
if [ "${1:-}" = stop ]; then
  BIN=$(bin_dir)
  if [ -n "$BIN" ] && [ -f "$DIR/data/postmaster.pid" ]; then
    as_pg "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null 2>&1
  fi
  exit 0
fi
if [ -z "$(bin_dir)" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) >&2 || exit 0
  else
    exit 0
  fi
fi
BIN=$(bin_dir)
[ -n "$BIN" ] || exit 0
if pg_isready -h 127.0.0.1 -p "$PORT" >/dev/null 2>&1; then echo "$URL"; exit 0; fi
rm -rf "$DIR" && mkdir -p "$DIR" && { [ "$(id -u)" != 0 ] || chown postgres "$DIR"; }
as_pg "$BIN/initdb" -D "$DIR/data" -A trust -U postgres >/dev/null 2>&1 || exit 0
as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w \
  -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null 2>&1 || exit 0
echo "$URL"
