#!/usr/bin/env bash
# A throwaway PostgreSQL server for development and tests: its data in a folder of its own, on a
# free port of 127.0.0.1, owned by a role `hearth` that needs no password there.
#   bash db/pg-cluster.sh start [folder]   starts one (in a new temporary folder by default) and prints
#                                          its folder and its URL, e.g. postgres://hearth@127.0.0.1:41234/hearth
#   bash db/pg-cluster.sh stop <folder>    stops it and removes the folder
# By default it trades durability for speed (fsync, full-page writes and synchronous commit off):
# right for tests, wrong for measuring. PG_DURABLE=1 starts it as a production server runs: fsync
# and full-page writes on, so a crash or power cut never corrupts it; PG_SYNCHRONOUS_COMMIT (on by
# default with PG_DURABLE=1) says whether a commit also waits for its WAL to reach the disk. `off`
# may lose the last commits (a fraction of a second) on a power cut but never on a crash of the
# server alone: the guarantee SQLite's WAL with synchronous=NORMAL gives (README, Durability).
# It installs Debian's `postgresql` package first when it is missing and this runs as root;
# otherwise it says what to install. initdb refuses to run as root, so as root the server runs as
# the `postgres` user the package creates.
set -euo pipefail

die() {
  echo "pg-cluster: $*" >&2
  exit 1
}

find_bindir() {
  local dir
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
    pg_config --bindir
    return
  fi
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ]; then
      echo "$dir"
      return
    fi
  done
}

bindir() {
  local dir
  dir=$(find_bindir)
  if [ -z "$dir" ]; then
    [ "$(id -u)" = "0" ] || die "PostgreSQL is not installed: install Debian's postgresql package (sudo apt-get install postgresql), or put initdb on the PATH."
    echo "pg-cluster: installing Debian's postgresql package…" >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null 2>&1 ||
      die "could not install postgresql with apt-get"
    dir=$(find_bindir)
    [ -n "$dir" ] || die "postgresql was installed but initdb was not found"
  fi
  echo "$dir"
}

# Runs a server binary as the user that owns the data: `postgres` when this runs as root.
as_owner() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

start() {
  local bin folder port
  bin=$(bindir)
  folder=${1:-$(mktemp -d "${TMPDIR:-/tmp}/hearth-pg.XXXXXX")}
  mkdir -p "$folder"
  [ -z "$(ls -A "$folder")" ] || die "$folder is not empty"
  [ "$(id -u)" != "0" ] || chown postgres:postgres "$folder"
  chmod 700 "$folder"
  as_owner "$bin/initdb" -D "$folder/data" -U hearth --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >"$folder/initdb.log" 2>&1 ||
    die "initdb failed: see $folder/initdb.log"
  port=$(free_port)
  # Durability is not needed for a throwaway server: no fsync makes tests' databases cheap.
  local durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  if [ "${PG_DURABLE:-}" = "1" ]; then
    durability="-c fsync=on -c full_page_writes=on -c synchronous_commit=${PG_SYNCHRONOUS_COMMIT:-on}"
  fi
  as_owner "$bin/pg_ctl" -D "$folder/data" -l "$folder/server.log" -w -o \
    "-p $port -k $folder -c listen_addresses=127.0.0.1 $durability -c max_connections=200" \
    start >/dev/null || die "the server did not start: see $folder/server.log"
  as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U hearth hearth
  echo "$port" >"$folder/port"
  echo "folder=$folder"
  echo "url=postgres://hearth@127.0.0.1:$port/hearth"
}

stop() {
  local folder=${1:-}
  [ -n "$folder" ] && [ -d "$folder/data" ] || die "usage: pg-cluster.sh stop <folder that start printed>"
  as_owner "$(bindir)/pg_ctl" -D "$folder/data" -m fast -w stop >/dev/null || true
  rm -rf "$folder"
}

case "${1:-}" in
  start) start "${2:-}" ;;
  stop) stop "${2:-}" ;;
  *) die "usage: pg-cluster.sh start [folder] | stop <folder>" ;;
esac
