#!/usr/bin/env bash
# scripts/testenv.sh — prepare this Debian 12 machine for digigov's tests.
#
# Installs Chromium, CJK fonts, zbar-tools, poppler-utils and mosquitto-clients
# (an MQTT client for the sensing test) if missing, node and npm if missing
# (and the pinned modules of scripts/verify-node),
# starts the PostgreSQL 15 cluster, and makes sure role/password
# digigov/digigov and database digigov_test exist. Safe to run repeatedly;
# a second run installs nothing and only checks.
#
# Progress goes to stderr; the only line on stdout is the DSN, so
#   dsn="$(bash scripts/testenv.sh)"
# works. On failure it exits non-zero with a one-line reason on stderr.
#
# Needs root (or passwordless sudo) for apt-get and pg_ctlcluster.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive

PACKAGES=(chromium fonts-wqy-microhei zbar-tools poppler-utils mosquitto-clients)
PG_VERSION=15
PG_CLUSTER=main
PG_HOST=127.0.0.1
PG_PORT=5432
DB_USER=digigov
DB_PASS=digigov
DB_NAME=digigov_test
DSN="postgres://${DB_USER}:${DB_PASS}@${PG_HOST}:${PG_PORT}/${DB_NAME}?sslmode=disable"

log() { echo "testenv: $*" >&2; }
die() { echo "testenv: FAILED: $*" >&2; exit 1; }
# Any unexpected failure still ends with a one-line reason.
trap 'rc=$?; echo "testenv: FAILED: command exited $rc at line $LINENO: $BASH_COMMAND" >&2; exit $rc' ERR

# Run privileged commands directly as root, otherwise through sudo.
if [ "$(id -u)" -eq 0 ]; then
  as_root() { "$@"; }
  as_postgres() { runuser -u postgres -- "$@"; }
elif command -v sudo >/dev/null 2>&1; then
  as_root() { sudo -n "$@"; }
  as_postgres() { sudo -n -u postgres "$@"; }
else
  die "must run as root (or have sudo)"
fi

# --- 1. Debian packages: install only what is missing -----------------------
missing=()
for p in "${PACKAGES[@]}"; do
  # dpkg -s succeeds for removed-but-configured packages too, so check Status.
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing: ${missing[*]}"
  as_root apt-get update -qq >&2 || die "apt-get update failed"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends -o DPkg::Lock::Timeout=120 "${missing[@]}" >&2 \
    || die "apt-get install ${missing[*]} failed"
else
  log "packages present: ${PACKAGES[*]}"
fi
[ -x /usr/bin/chromium ] || die "/usr/bin/chromium not found after install"

# --- 1b. Node and the pinned npm modules of the independent licence check ---
# (scripts/verify-node: npm jose and sm-crypto verify what digigov signs).
# Debian's nodejs/npm only when no node is installed at all (another
# distribution's nodejs, such as NodeSource's, brings its own npm).
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  log "installing: nodejs npm"
  as_root apt-get update -qq >&2 || die "apt-get update failed"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends -o DPkg::Lock::Timeout=120 nodejs npm >&2 \
    || die "apt-get install nodejs npm failed"
fi
(cd "$(dirname "$0")/verify-node" && npm ci --no-audit --no-fund --loglevel=error >&2) \
  || die "npm ci in scripts/verify-node failed"

# --- 2. PostgreSQL 15: start the cluster if it is not running ---------------
command -v pg_lsclusters >/dev/null 2>&1 || die "pg_lsclusters not found (postgresql-common missing)"
status="$(pg_lsclusters -h "$PG_VERSION" "$PG_CLUSTER" 2>/dev/null | awk '{print $4}')" \
  || die "PostgreSQL $PG_VERSION/$PG_CLUSTER cluster not found"
[ -n "$status" ] || die "PostgreSQL $PG_VERSION/$PG_CLUSTER cluster not found"
if [[ "$status" != online* ]]; then  # "online" or "online,recovery"
  log "starting PostgreSQL $PG_VERSION/$PG_CLUSTER (was: $status)"
  as_root pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start >&2 \
    || die "pg_ctlcluster $PG_VERSION $PG_CLUSTER start failed (see /var/log/postgresql/postgresql-$PG_VERSION-$PG_CLUSTER.log)"
fi

# Wait (up to 30 s) until the server accepts TCP connections.
for _ in $(seq 1 60); do
  if pg_isready -q -h "$PG_HOST" -p "$PG_PORT"; then break; fi
  sleep 0.5
done
pg_isready -q -h "$PG_HOST" -p "$PG_PORT" || die "PostgreSQL not ready on $PG_HOST:$PG_PORT after 30s"

# --- 3. Role and database ----------------------------------------------------
psql_admin() { as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "$PG_PORT" -d postgres "$@"; }

# Create the role if absent; (re)set its password every time so that it is
# stored as SCRAM (Debian's pg_hba uses scram-sha-256 for host connections).
psql_admin >&2 <<SQL || die "could not create/alter role $DB_USER"
SET password_encryption = 'scram-sha-256';
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_USER') THEN
    CREATE ROLE $DB_USER LOGIN PASSWORD '$DB_PASS';
  ELSE
    ALTER ROLE $DB_USER LOGIN PASSWORD '$DB_PASS';
  END IF;
END
\$\$;
SQL

db_exists="$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" \
  || die "could not query pg_database"
if [ "$db_exists" != 1 ]; then
  log "creating database $DB_NAME"
  psql_admin -c "CREATE DATABASE $DB_NAME OWNER $DB_USER" >&2 \
    || die "could not create database $DB_NAME"
fi

# --- 4. Verify password login over TCP, as the tests will connect ------------
psql -X -q -w "$DSN" -tAc 'SELECT 1' >/dev/null 2>&1 \
  || die "cannot log in over TCP with $DSN (check pg_hba.conf / password)"

log "ready"
echo "$DSN"
