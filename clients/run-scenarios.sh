#!/usr/bin/env bash
# Runs the two generated-client examples against a real SeQuIn service, as CI does (.ci/run step g):
#   1. a throwaway PostgreSQL cluster on a free 127.0.0.1 port (deleted on exit)
#   2. the service built, migrated with the demo network (`migrate --demo` prints a key per role)
#   3. the service started in Production on a free port, as the runtime role
#   4. clients/typescript (openapi-typescript + openapi-fetch) and clients/csharp (Kiota), each generated from
#      openapi/sequin.v1.json and run through the same scenario with the unit-member and analyst keys
# Exits non-zero when either scenario fails. Everything it started is stopped and deleted on exit, whatever happens.
# Usage: clients/run-scenarios.sh [typescript] [csharp]   (both by default)
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
SCENARIOS=("$@")
[[ ${#SCENARIOS[@]} -gt 0 ]] || SCENARIOS=(typescript csharp)
log() { printf '[clients] %s %s\n' "$(date -u +%H:%M:%S)" "$*"; }

find_pg_bin() {
    local initdb dir
    if initdb="$(command -v initdb 2>/dev/null)"; then
        dir="$(dirname "$(readlink -f "$initdb")")"
        [[ -x "$dir/pg_ctl" && -x "$dir/postgres" ]] && { printf '%s\n' "$dir"; return 0; }
    fi
    dir="$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -type d -name bin 2>/dev/null | sort -V | tail -n 1)"
    [[ -n "$dir" && -x "$dir/initdb" ]] && { printf '%s\n' "$dir"; return 0; }
    return 1
}
PG_BIN="$(find_pg_bin)" || { echo "PostgreSQL server binaries not found (initdb, pg_ctl)" >&2; exit 1; }

# initdb and postgres refuse to run as root.
if [[ "$(id -u)" -eq 0 ]]; then
    as_pg() { (cd / && runuser -u postgres -- "$@"); }
else
    as_pg() { (cd / && "$@"); }
fi

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
    local port
    for _ in $(seq 1 50); do
        port=$((20000 + RANDOM % 40000))
        port_in_use "$port" || { printf '%s\n' "$port"; return 0; }
    done
    return 1
}

WORK="$(mktemp -d "${TMPDIR:-/tmp}/sequin-clients.XXXXXX")"
chmod 0755 "$WORK"
PGDATA_DIR="$WORK/pgdata"
APP_PID=""
PG_STARTED=0
cleanup() {
    local rc=$?
    trap '' PIPE
    if [[ -n "$APP_PID" ]] && kill -0 "$APP_PID" 2>/dev/null; then
        kill -TERM "$APP_PID" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$APP_PID" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$APP_PID" 2>/dev/null || true
        wait "$APP_PID" 2>/dev/null || true
    fi
    if [[ $PG_STARTED -eq 1 ]]; then
        as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" stop -m immediate -w >/dev/null 2>&1 || true
    fi
    if [[ $rc -ne 0 ]]; then
        for f in "$WORK"/{initdb,postgres,build,migrate,service,csharp-build}.log; do [[ -f "$f" ]] && { echo "--- last lines of $f" >&2; tail -n 30 "$f" >&2; }; done
    fi
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# 1. The cluster: trust authentication, TCP on 127.0.0.1 only, no Unix socket.
install -d -m 0700 "$PGDATA_DIR"
[[ "$(id -u)" -eq 0 ]] && chown postgres:postgres "$PGDATA_DIR"
as_pg "$PG_BIN/initdb" -D "$PGDATA_DIR" -A trust -U postgres -E UTF8 --locale=C >"$WORK/initdb.log" 2>&1
PG_PORT="$(free_port)"
PG_STARTED=1
as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories= -c fsync=off" start >"$WORK/postgres.log" 2>&1
log "PostgreSQL on 127.0.0.1:$PG_PORT ($PGDATA_DIR)"
PSQL=("$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres)
"${PSQL[@]}" -c "CREATE ROLE sequin_owner LOGIN" -c "CREATE ROLE sequin_app LOGIN" -c "CREATE DATABASE sequin OWNER sequin_owner"
"${PSQL[@]}" -d sequin -c "ALTER SCHEMA public OWNER TO sequin_owner"

# 2. Build, migrate and load the demo network; keep the keys it prints for the unit member and the analyst.
log "building the service"
dotnet build "$REPO/src/SeQuIn.Api/SeQuIn.Api.csproj" -c Release -nologo -v quiet >"$WORK/build.log" 2>&1
APP_DIR="$REPO/src/SeQuIn.Api/bin/Release/net10.0"
DB="Host=127.0.0.1;Port=$PG_PORT;Database=sequin"
log "migrating with the demo network"
# The owner runs the migrations; the demo's keys are written through the runtime role's connection.
(cd "$APP_DIR" && ConnectionStrings__SeQuInOwner="$DB;Username=sequin_owner" ConnectionStrings__SeQuIn="$DB;Username=sequin_app" \
    SeQuIn__Database__RuntimeRole=sequin_app \
    dotnet SeQuIn.Api.dll migrate --demo) </dev/null >"$WORK/migrate.log" 2>&1
key_of() { awk -v role="$1" '$1 == role { print $NF }' "$WORK/migrate.log" | tail -n 1; }
SEQUIN_MEMBER_KEY="$(key_of unit-member)"
SEQUIN_ANALYST_KEY="$(key_of analyst)"
[[ -n "$SEQUIN_MEMBER_KEY" && -n "$SEQUIN_ANALYST_KEY" ]] || { echo "migrate --demo printed no unit-member or analyst key" >&2; exit 1; }
export SEQUIN_MEMBER_KEY SEQUIN_ANALYST_KEY

# 3. The service, in Production (as integrators meet it), as the runtime role.
PORT="$(free_port)"
export SEQUIN_BASE_URL="http://127.0.0.1:$PORT"
(cd "$APP_DIR" && ASPNETCORE_ENVIRONMENT=Production ConnectionStrings__SeQuIn="$DB;Username=sequin_app;Maximum Pool Size=20" \
    SeQuIn__Database__RuntimeRole=sequin_app SeQuIn__MigrateOnStartup=false \
    exec dotnet SeQuIn.Api.dll --urls "$SEQUIN_BASE_URL") </dev/null >"$WORK/service.log" 2>&1 &
APP_PID=$!
ready=0
for _ in $(seq 1 120); do
    kill -0 "$APP_PID" 2>/dev/null || break
    if curl -fsS -o /dev/null --max-time 2 "$SEQUIN_BASE_URL/health/ready" 2>/dev/null; then ready=1; break; fi
    sleep 0.5
done
[[ $ready -eq 1 ]] || { echo "the service did not become ready on $SEQUIN_BASE_URL" >&2; exit 1; }
log "service ready on $SEQUIN_BASE_URL"

# 4. The scenarios.
failed=0
for scenario in "${SCENARIOS[@]}"; do
    case "$scenario" in
        typescript)
            log "TypeScript: npm ci, generate, tsc, run"
            if (cd "$REPO/clients/typescript" && npm ci --no-audit --no-fund --silent && npm run --silent build && npm run --silent scenario); then
                log "TypeScript scenario passed"
            else
                log "TypeScript scenario FAILED"; failed=1
            fi ;;
        csharp)
            log "C#: Kiota generate, build, run"
            if dotnet build "$REPO/clients/csharp/SeQuIn.ClientExample.csproj" -nologo -v quiet >"$WORK/csharp-build.log" 2>&1 \
                && dotnet run --no-build --project "$REPO/clients/csharp/SeQuIn.ClientExample.csproj"; then
                log "C# scenario passed"
            else
                [[ -s "$WORK/csharp-build.log" ]] && grep -E 'error|rror :' "$WORK/csharp-build.log" | sort -u | head -n 20 >&2
                log "C# scenario FAILED"; failed=1
            fi ;;
        *) echo "unknown scenario '$scenario' (typescript, csharp)" >&2; failed=1 ;;
    esac
done
exit "$failed"
