#!/usr/bin/env bash
# Run SeQuIn locally on a fresh machine: a project-local PostgreSQL cluster,
# a Release build, migrations (+ optional demo data), then the HTTP service.
# See --help.
set -euo pipefail

usage() {
    cat <<EOF
Usage: deploy/run-local.sh [--demo] [--help]
       deploy/run-local.sh backup [FILE]
       deploy/run-local.sh restore FILE [--replace [--yes]]

Runs the SeQuIn API on http://127.0.0.1:\${SEQUIN_PORT:-5080} against a
project-local PostgreSQL cluster, and stops both on Ctrl-C.

Steps:
  1. find PostgreSQL server binaries (PATH, newest /usr/lib/postgresql/*/bin),
     or install the Debian 'postgresql' package (needs root)
  2. create the cluster once under <repo>/.sequin/pgdata (trust auth, user
     'postgres', 127.0.0.1 only) and start it; reuse it if already running
  3. create the roles 'sequin_owner' (owns the schema, runs migrations) and
     'sequin_app' (what the service connects as: rows only, no DDL), and
     database 'sequin' owned by sequin_owner, if missing
  4. dotnet build -c Release src/SeQuIn.Api
  5. SeQuIn.Api.dll migrate [--demo], as sequin_owner (grants sequin_app its
     privileges)
  6. serve as sequin_app with ASPNETCORE_ENVIRONMENT=Development (Swagger UI on)

'backup' and 'restore' run deploy/backup.sh (see its --help) against this
cluster after steps 1-3, starting the cluster for the command if it is not
running: backup writes a pg_dump to FILE (default .sequin/backups/); restore
loads one into an empty 'sequin' database and checks it against the dump.

Options:
  --demo      also load the 15-unit demo network during 'migrate'
  -h, --help  show this help

Environment:
  SEQUIN_PORT     HTTP port of the service          (default 5080)
  SEQUIN_PG_PORT  TCP port of the local PostgreSQL  (default 5433)

Running again reuses the cluster and its data. To start from scratch, stop
the script and delete <repo>/.sequin (or the /var/tmp/sequin-* folder it
names when the repo is not reachable by the 'postgres' user).
EOF
}

# 'backup' and 'restore' need the cluster (steps 1-3) but neither the build nor the service.
BACKUP_COMMAND=()
if [[ "${1:-}" == backup || "${1:-}" == restore ]]; then
    BACKUP_COMMAND=("$@")
    set --
fi

DEMO=0
for arg in "$@"; do
    case "$arg" in
        --demo) DEMO=1 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "run-local: unknown argument '$arg' (try --help)" >&2; exit 2 ;;
    esac
done

log()  { printf '\033[1;34m[run-local]\033[0m %s\n' "$*" || true; }
warn() { printf '\033[1;33m[run-local]\033[0m %s\n' "$*" >&2 || true; }
die()  { printf '\033[1;31m[run-local]\033[0m %s\n' "$*" >&2; exit 1; }

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
API_PROJECT="$REPO/src/SeQuIn.Api/SeQuIn.Api.csproj"
SEQUIN_PORT="${SEQUIN_PORT:-5080}"
PG_PORT="${SEQUIN_PG_PORT:-5433}"
DB_NAME="sequin"

[[ "$SEQUIN_PORT" =~ ^[0-9]+$ ]] || die "SEQUIN_PORT must be a number, got '$SEQUIN_PORT'"
[[ "$PG_PORT" =~ ^[0-9]+$ ]] || die "SEQUIN_PG_PORT must be a number, got '$PG_PORT'"
[[ -f "$API_PROJECT" ]] || die "cannot find $API_PROJECT"
command -v dotnet >/dev/null 2>&1 || die "dotnet (the .NET 10 SDK) is not on PATH"

IS_ROOT=0
[[ "$(id -u)" -eq 0 ]] && IS_ROOT=1

# True when something accepts TCP connections on 127.0.0.1:$1.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ---------------------------------------------------------------------------
# 1. PostgreSQL server binaries
# ---------------------------------------------------------------------------
find_pg_bin() {
    local initdb dir
    if initdb="$(command -v initdb 2>/dev/null)"; then
        dir="$(dirname "$(readlink -f "$initdb")")"
        if [[ -x "$dir/pg_ctl" && -x "$dir/postgres" ]]; then
            printf '%s\n' "$dir"; return 0
        fi
    fi
    # Debian keeps server binaries off PATH: take the highest major version.
    dir="$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -type d -name bin 2>/dev/null | sort -V | tail -n 1)"
    if [[ -n "$dir" && -x "$dir/initdb" && -x "$dir/pg_ctl" && -x "$dir/postgres" ]]; then
        printf '%s\n' "$dir"; return 0
    fi
    return 1
}

if ! PG_BIN="$(find_pg_bin)"; then
    [[ $IS_ROOT -eq 1 ]] || die "PostgreSQL server binaries not found; install them (sudo apt-get install -y postgresql) or run as root"
    log "PostgreSQL server binaries not found: installing Debian package 'postgresql'"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq postgresql >/dev/null
    PG_BIN="$(find_pg_bin)" || die "installed 'postgresql' but still cannot find initdb/pg_ctl/postgres"
fi
log "PostgreSQL binaries: $PG_BIN ($("$PG_BIN/postgres" --version))"

# Commands touching the cluster run as 'postgres' when we are root (initdb and
# postgres refuse to run as root). 'cd /' keeps an unreadable cwd (/root) harmless.
if [[ $IS_ROOT -eq 1 ]]; then
    id -u postgres >/dev/null 2>&1 || {
        log "creating system user 'postgres'"
        useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/bash postgres
    }
    as_pg() { (cd / && runuser -u postgres -- "$@"); }
else
    as_pg() { (cd / && "$@"); }
fi

# ---------------------------------------------------------------------------
# 2. Cluster location and state
# ---------------------------------------------------------------------------
STATE_DIR="$REPO/.sequin"
if [[ $IS_ROOT -eq 1 ]] && ! runuser -u postgres -- test -x "$REPO" 2>/dev/null; then
    # e.g. a repo under /root (mode 0700): postgres cannot reach it.
    STATE_DIR="/var/tmp/sequin-$(printf '%s' "$REPO" | sha256sum | cut -c1-12)"
    warn "user 'postgres' cannot reach $REPO; keeping the cluster in $STATE_DIR instead of $REPO/.sequin"
fi
PGDATA_DIR="$STATE_DIR/pgdata"
SOCKET_DIR="$STATE_DIR/run"
LOG_DIR="$STATE_DIR/log"
PG_LOG="$LOG_DIR/postgres.log"

mkdir -p "$STATE_DIR"
chmod 0755 "$STATE_DIR"
if [[ $IS_ROOT -eq 1 ]]; then
    install -d -o postgres -g postgres -m 0700 "$PGDATA_DIR"
    install -d -o postgres -g postgres -m 0755 "$SOCKET_DIR" "$LOG_DIR"
    # A cluster created earlier by another user must belong to postgres now.
    [[ "$(stat -c %U "$PGDATA_DIR")" == postgres ]] || chown -R postgres:postgres "$PGDATA_DIR"
else
    install -d -m 0700 "$PGDATA_DIR"
    install -d -m 0755 "$SOCKET_DIR" "$LOG_DIR"
fi

# Unix socket paths are limited to ~107 bytes; fall back to TCP only.
SOCKET_SETTING="$SOCKET_DIR"
if (( ${#SOCKET_DIR} + 20 > 100 )); then
    warn "socket dir path too long for a Unix socket; the cluster listens on TCP only"
    SOCKET_SETTING=""
fi

if [[ ! -f "$PGDATA_DIR/PG_VERSION" ]]; then
    log "initialising cluster in $PGDATA_DIR"
    as_pg "$PG_BIN/initdb" -D "$PGDATA_DIR" -A trust -U postgres -E UTF8 --locale=C >"$LOG_DIR/initdb.log" 2>&1 \
        || { cat "$LOG_DIR/initdb.log" >&2; die "initdb failed (log: $LOG_DIR/initdb.log)"; }
    printf "\n# SeQuIn local settings (rewritten by deploy/run-local.sh)\ninclude_if_exists = 'sequin.conf'\n" \
        | as_pg tee -a "$PGDATA_DIR/postgresql.conf" >/dev/null
else
    log "reusing cluster in $PGDATA_DIR"
fi

# Port currently used by our postmaster, if it is running.
running_port() {
    as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1 || return 1
    sed -n '4p' "$PGDATA_DIR/postmaster.pid" 2>/dev/null
}

WE_STARTED_PG=0
APP_PID=""
CLEANED=0
# shellcheck disable=SC2317  # invoked through trap
cleanup() {
    local rc=$?
    [[ $CLEANED -eq 1 ]] && return
    # A closed terminal or pipe must not stop the clean-up half way (SIGPIPE on the next log line).
    trap '' PIPE
    CLEANED=1
    trap - INT TERM
    if [[ -n "$APP_PID" ]] && kill -0 "$APP_PID" 2>/dev/null; then
        log "stopping service (pid $APP_PID)"
        kill -TERM "$APP_PID" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$APP_PID" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$APP_PID" 2>/dev/null || true
        wait "$APP_PID" 2>/dev/null || true
    fi
    if [[ $WE_STARTED_PG -eq 1 ]]; then
        log "stopping PostgreSQL"
        as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" stop -m fast -w >/dev/null 2>&1 \
            || warn "pg_ctl stop failed (log: $PG_LOG)"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if CUR_PORT="$(running_port)"; then
    CUR_PORT="${CUR_PORT//[[:space:]]/}"
    if [[ -n "$CUR_PORT" && "$CUR_PORT" != "$PG_PORT" ]]; then
        warn "our cluster is already running on port $CUR_PORT (not $PG_PORT); using it"
        PG_PORT="$CUR_PORT"
    fi
    log "PostgreSQL already running on 127.0.0.1:$PG_PORT (ours); reusing it and leaving it running on exit"
    STOP_HINT="$PG_BIN/pg_ctl -D $PGDATA_DIR stop -m fast"
    [[ $IS_ROOT -eq 1 ]] && STOP_HINT="runuser -u postgres -- $STOP_HINT"
    log "  (stop it with: $STOP_HINT)"
else
    if port_in_use "$PG_PORT"; then
        die "port $PG_PORT is taken by something other than our cluster; set SEQUIN_PG_PORT to a free port"
    fi
    printf "listen_addresses = '127.0.0.1'\nport = %s\nunix_socket_directories = '%s'\n" \
        "$PG_PORT" "${SOCKET_SETTING//\'/\'\'}" | as_pg tee "$PGDATA_DIR/sequin.conf" >/dev/null
    log "starting PostgreSQL on 127.0.0.1:$PG_PORT (log: $PG_LOG)"
    WE_STARTED_PG=1
    as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -l "$PG_LOG" -w -t 60 start >/dev/null \
        || { tail -n 20 "$PG_LOG" >&2 || true; die "PostgreSQL did not start (log: $PG_LOG)"; }
fi

# ---------------------------------------------------------------------------
# 3. Roles and database
# ---------------------------------------------------------------------------
# Two roles (ADR 0005): the owner runs migrations; the service connects as the
# runtime role, which may read and write rows but not alter the schema, switch
# a trigger off or rewrite the audit trail. Trust auth on 127.0.0.1: no passwords.
OWNER_ROLE="sequin_owner"
APP_ROLE="sequin_app"
PSQL=("$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres)
"${PSQL[@]}" -d postgres <<SQL
DO \$\$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$OWNER_ROLE') THEN
        CREATE ROLE $OWNER_ROLE LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$APP_ROLE') THEN
        CREATE ROLE $APP_ROLE LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
    END IF;
END
\$\$;
SQL
if [[ "$("${PSQL[@]}" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" != 1 ]]; then
    log "creating database '$DB_NAME' (owner $OWNER_ROLE)"
    "${PSQL[@]}" -d postgres -c "CREATE DATABASE $DB_NAME OWNER $OWNER_ROLE"
fi
# The owner owns the database and schema public (before PostgreSQL 15, public
# belongs to postgres). A database from a run before the roles existed belongs
# to postgres throughout: hand every table, sequence and function over too.
"${PSQL[@]}" -d "$DB_NAME" <<SQL
ALTER DATABASE $DB_NAME OWNER TO $OWNER_ROLE;
ALTER SCHEMA public OWNER TO $OWNER_ROLE;
DO \$\$
DECLARE statement text;
BEGIN
    FOR statement IN
        SELECT format('ALTER TABLE public.%I OWNER TO $OWNER_ROLE', c.relname)
        FROM pg_class c
        WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm')
          AND c.relowner <> '$OWNER_ROLE'::regrole
        UNION ALL
        SELECT format('ALTER SEQUENCE public.%I OWNER TO $OWNER_ROLE', c.relname)
        FROM pg_class c
        WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'S' AND c.relowner <> '$OWNER_ROLE'::regrole
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i'))
        UNION ALL
        SELECT format('ALTER ROUTINE %s OWNER TO $OWNER_ROLE', p.oid::regprocedure)
        FROM pg_proc p
        WHERE p.pronamespace = 'public'::regnamespace AND p.proowner <> '$OWNER_ROLE'::regrole
    LOOP
        EXECUTE statement;
    END LOOP;
END
\$\$;
SQL

if [[ ${#BACKUP_COMMAND[@]} -gt 0 ]]; then
    rc=0
    SEQUIN_PG_HOST=127.0.0.1 SEQUIN_PG_PORT="$PG_PORT" SEQUIN_PG_DATABASE="$DB_NAME" SEQUIN_PG_OWNER="$OWNER_ROLE" \
        SEQUIN_PG_RUNTIME_ROLE="$APP_ROLE" SEQUIN_PG_ADMIN=postgres SEQUIN_PG_BIN="$PG_BIN" \
        "$REPO/deploy/backup.sh" "${BACKUP_COMMAND[@]}" || rc=$?
    exit "$rc"
fi

DB_AT="Host=127.0.0.1;Port=$PG_PORT;Database=$DB_NAME"
# A pool of 40 leaves room under PostgreSQL's max_connections (100) for a second instance, migrations and psql:
# at Npgsql's default of 100 one busy instance could take every connection and the next would be refused (53300).
export ConnectionStrings__SeQuIn="$DB_AT;Username=$APP_ROLE;Maximum Pool Size=40"
OWNER_CONNECTION="$DB_AT;Username=$OWNER_ROLE"
export SeQuIn__Database__RuntimeRole="$APP_ROLE"
export ASPNETCORE_ENVIRONMENT=Development
# 'migrate' runs below as the owner; the service itself never holds the owner's connection.
export SeQuIn__MigrateOnStartup=false
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

# ---------------------------------------------------------------------------
# 4. Build
# ---------------------------------------------------------------------------
log "building $API_PROJECT (Release)"
BUILD_LOG="$LOG_DIR/build.log"
if ! dotnet build "$API_PROJECT" -c Release -nologo -v quiet >"$BUILD_LOG" 2>&1; then
    grep -E ': (error|warning) ' "$BUILD_LOG" | sort -u >&2 || tail -n 40 "$BUILD_LOG" >&2
    die "dotnet build failed (full log: $BUILD_LOG)"
fi
DLL="$(find "$REPO/src/SeQuIn.Api/bin/Release" -mindepth 2 -maxdepth 2 -path '*/net*/SeQuIn.Api.dll' \
        -printf '%T@ %p\n' 2>/dev/null | sort -rn | head -n 1 | cut -d' ' -f2- || true)"
[[ -n "$DLL" ]] || die "build output SeQuIn.Api.dll not found under src/SeQuIn.Api/bin/Release"
APP_DIR="$(dirname "$DLL")"

# ---------------------------------------------------------------------------
# 5. Migrate
# ---------------------------------------------------------------------------
MIGRATE_ARGS=(migrate)
[[ $DEMO -eq 1 ]] && MIGRATE_ARGS+=(--demo)
log "running: SeQuIn.Api.dll ${MIGRATE_ARGS[*]}"
(cd "$APP_DIR" && ConnectionStrings__SeQuInOwner="$OWNER_CONNECTION" dotnet SeQuIn.Api.dll "${MIGRATE_ARGS[@]}") </dev/null \
    || die "migrate failed"

# ---------------------------------------------------------------------------
# 6. Serve
# ---------------------------------------------------------------------------
if port_in_use "$SEQUIN_PORT"; then
    die "port $SEQUIN_PORT is already in use; set SEQUIN_PORT to a free port"
fi
BASE_URL="http://127.0.0.1:$SEQUIN_PORT"
log "starting service on $BASE_URL (database role $APP_ROLE)"
(cd "$APP_DIR" && exec dotnet SeQuIn.Api.dll --urls "$BASE_URL") </dev/null &
APP_PID=$!

ready=0
for _ in $(seq 1 120); do
    kill -0 "$APP_PID" 2>/dev/null || break
    if curl -fsS -o /dev/null --max-time 2 "$BASE_URL/health/live" 2>/dev/null; then ready=1; break; fi
    sleep 0.5
done
if [[ $ready -ne 1 ]]; then
    kill -0 "$APP_PID" 2>/dev/null || { wait "$APP_PID" || true; APP_PID=""; die "the service exited during startup"; }
    warn "service has not answered $BASE_URL/health/live yet; it keeps starting"
fi

STOPS="the service and the database"
[[ $WE_STARTED_PG -eq 1 ]] || STOPS="the service (the database was already running and stays up)"
cat <<EOF

  SeQuIn is running (Ctrl-C stops $STOPS).

    API:      $BASE_URL
    Swagger:  $BASE_URL/swagger
    OpenAPI:  $BASE_URL/swagger/v1/swagger.json
    Health:   $BASE_URL/health/ready
    Database: $ConnectionStrings__SeQuIn

  Try:
    curl -s $BASE_URL/api/v1/frameworks/active

EOF

rc=0
wait "$APP_PID" || rc=$?
APP_PID=""
log "service exited with code $rc"
exit "$rc"
