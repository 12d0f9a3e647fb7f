#!/usr/bin/env bash
# Brings up a local PostgreSQL for the app-store tests and prints the line to use it:
#   eval "$(bash test/ci/postgres.sh)"     or     source test/ci/postgres.sh
# Installs the Debian/Ubuntu package when pg_ctlcluster is missing, starts the first
# cluster, and creates the role and database if they are not there yet. Safe to re-run.
# Progress goes to stderr; stdout carries only `export TEST_DATABASE_URL=...`.
# In GitHub Actions the variable is also appended to $GITHUB_ENV for later steps.

custody_postgres_setup() (
  set -euo pipefail
  local user="${CUSTODY_PG_USER:-custody}" password="${CUSTODY_PG_PASSWORD:-custody}" db="${CUSTODY_PG_DB:-custody_test}"
  cd /  # the postgres OS user may not be able to read the caller's directory

  as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
  as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }
  psql_admin() { as_postgres psql -p "$port" -v ON_ERROR_STOP=1 -tAc "$1"; }
  log() { echo "postgres.sh: $*" >&2; }

  if ! command -v pg_ctlcluster >/dev/null; then
    log "installing postgresql"
    as_root apt-get update -qq >&2
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 postgresql >&2
  fi

  local cluster
  cluster="$(pg_lsclusters -h | head -n 1)"
  if [ -z "$cluster" ]; then
    local version
    version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
    log "creating cluster $version main"
    as_root pg_createcluster "$version" main >&2
    cluster="$(pg_lsclusters -h | head -n 1)"
  fi
  local version name port status
  read -r version name port status _ <<<"$cluster"
  if [ "$status" != online ]; then
    log "starting cluster $version $name on port $port"
    as_root pg_ctlcluster "$version" "$name" start >&2
  fi
  for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p "$port" && break
    sleep 1
  done
  pg_isready -h 127.0.0.1 -p "$port" >&2

  if [ "$(psql_admin "SELECT 1 FROM pg_roles WHERE rolname = '$user'")" != 1 ]; then
    log "creating role $user"
    psql_admin "CREATE USER \"$user\" WITH PASSWORD '$password' CREATEDB" >/dev/null
  else
    psql_admin "ALTER USER \"$user\" WITH PASSWORD '$password' CREATEDB" >/dev/null
  fi
  if [ "$(psql_admin "SELECT 1 FROM pg_database WHERE datname = '$db'")" != 1 ]; then
    log "creating database $db"
    as_postgres createdb -p "$port" -O "$user" "$db"
  fi

  local url="postgres://$user:$password@127.0.0.1:$port/$db"
  PGPASSWORD="$password" psql "$url" -v ON_ERROR_STOP=1 -tAc 'SELECT 1' >/dev/null
  log "ready: $url"
  if [ -n "${GITHUB_ENV:-}" ]; then echo "TEST_DATABASE_URL=$url" >>"$GITHUB_ENV"; fi
  echo "export TEST_DATABASE_URL=$url"
)

if [ "${BASH_SOURCE[0]}" != "$0" ]; then
  # Sourced: set the variable in the caller's shell without leaking `set -e` into it.
  if custody_postgres_line="$(custody_postgres_setup)"; then
    eval "$custody_postgres_line"
    echo "$custody_postgres_line"
  else
    echo "postgres.sh: setup failed" >&2
    return 1
  fi
  unset custody_postgres_line
else
  custody_postgres_setup
fi
