#!/usr/bin/env bash
# SeQuIn performance harness: the one command that reproduces every figure in results/latest.md.
#
# Starts a throwaway PostgreSQL 15 cluster of its own (free port, fsync off, wal_level minimal), builds Release,
# migrates, bulk-loads the national-scale data set with binary COPY, starts the service, measures everything against
# baselines taken in the same run, stops everything and writes results/latest.md and results/latest.json. Runs as
# root on Debian 12.
#
# Environment (all optional):
#   PGBIN                     PostgreSQL server binaries (default /usr/lib/postgresql/15/bin)
#   SEQUIN_BENCH_SECONDS      seconds per pgbench/wrk run (default 10)
#   SEQUIN_BENCH_SAMPLES      sequential HTTP requests per latency figure (default 300)
#   SEQUIN_BENCH_KEEP=1       keep the service and PostgreSQL logs in work/ even when the run succeeds
#   SEQUIN_BENCH_EXPLAIN=1    log the plan of every statement over 150 ms, with actual times (auto_explain), to work/postgresql.log
#
# `run.sh import` measures the history import (POST /api/v1/assessments/import of a 15-unit network's ten years)
# against COPY, on a database with the reference data only (no national load): results/import.md; see ImportMeasure.cs.
#
# `run.sh fhir` measures the FHIR facade's reads and searches (issue #15) beside the REST calls that answer the same
# question, on the national load: results/fhir.md; see FhirMeasure.cs.
#
# `run.sh soak` runs the soak instead of the measurements (same cluster, data set and service): see Soak.cs.
#   SEQUIN_SOAK_SECONDS       length of each soak run (default 600)
#   SEQUIN_SOAK_RUNS          steady,restart (default): the second restarts PostgreSQL in the middle
#   SEQUIN_SOAK_OUTAGE_SECONDS 0 (default): pg_ctl restart -m fast; n: stop -m fast, n seconds down, start
#   SEQUIN_SOAK_CAPACITY_SECONDS length of each step of the closed-loop capacity ramp (default 12)
#   SEQUIN_SOAK_SHARE         share of the measured capacity the soak offers (default 0.7)
#
# `run.sh webhooks` measures webhook delivery (issue #12) on the same cluster and national load: the outbox's cost on a
# submission, commit-to-delivery latency (poll 250 ms and 50 ms) and delivery throughput (one and two instances) to a
# receiver on loopback: results/webhooks.md; see WebhookMeasure.cs. The harness starts the service processes itself.
#   SEQUIN_WEBHOOK_SUBMISSIONS sequential submissions for the outbox's cost (default 200)
#   SEQUIN_WEBHOOK_EVENTS     events per latency run (default 600)
#   SEQUIN_WEBHOOK_RATE       submissions per second in the latency runs (default 10)
#   SEQUIN_WEBHOOK_BURST_MONTHS months × 15 units × 12 areas imported per burst (default 30: 5,400 events)
#   SEQUIN_BENCH_NOTE         a sentence for the report (e.g. what else was running)
set -euo pipefail
MODE="${1:-measure}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# `run.sh scale`: how cost grows with the data (1×, 4×, 16×), optionally with a streaming replica; see scale.sh.
[[ "$MODE" == scale ]] && exec "$HERE/scale.sh"
[[ "$MODE" == measure || "$MODE" == soak || "$MODE" == import || "$MODE" == webhooks || "$MODE" == fhir ]] || { echo "usage: run.sh [measure|soak|scale|import|webhooks|fhir]" >&2; exit 2; }
ROOT="$(cd "$HERE/../.." && pwd)"
PGBIN="${PGBIN:-/usr/lib/postgresql/15/bin}"
RESULTS="$HERE/results"
RUN_SECONDS="${SEQUIN_BENCH_SECONDS:-10}"
SAMPLES="${SEQUIN_BENCH_SAMPLES:-300}"
API_BIN="$ROOT/src/SeQuIn.Api/bin/Release/net10.0"
HARNESS_DLL="$HERE/bin/Release/net10.0/SeQuIn.Benchmarks.dll"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

STARTED_AT=$(date +%s)
say() { printf '\n==> [%s +%ss] %s\n' "$(date +%H:%M:%S)" "$(( $(date +%s) - STARTED_AT ))" "$*"; }
die() { printf '\nrun.sh: %s\n' "$*" >&2; exit 1; }

[[ $EUID -eq 0 ]] || die "run as root: it installs wrk and runs PostgreSQL as the postgres user."
id postgres >/dev/null 2>&1 || die "there is no postgres user (install postgresql-15)."
for tool in initdb pg_ctl createdb psql pgbench; do
    [[ -x "$PGBIN/$tool" ]] || die "$PGBIN/$tool is missing (install postgresql-15, or set PGBIN)."
done
command -v dotnet >/dev/null || die "dotnet is not on PATH (the .NET 10 SDK is needed)."

if ! command -v wrk >/dev/null; then
    say "Installing wrk"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
WRK="$(command -v wrk)"

# A port nothing listens on: connecting to it is refused.
free_port() {
    local port
    while :; do
        port=$(( 20000 + RANDOM % 40000 ))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return
        fi
    done
}

WORK="$(mktemp -d /tmp/sequin-bench.XXXXXX)"
chmod 755 "$WORK"
PGDATA="$WORK/pgdata"
PG_STARTED=""
SERVICE_PID=""

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if [[ -n "$SERVICE_PID" ]] && kill -0 "$SERVICE_PID" 2>/dev/null; then
        kill "$SERVICE_PID" 2>/dev/null || true
        wait "$SERVICE_PID" 2>/dev/null || true
    fi
    # Service processes the webhooks harness started, should it have died before stopping them.
    if [[ -f "$WORK/services.pids" ]]; then
        while read -r pid; do
            [[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true
        done <"$WORK/services.pids"
        sleep 1
    fi
    if [[ -n "$PG_STARTED" ]]; then
        (cd "$WORK" && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1) || true
    fi
    if [[ $status -ne 0 || "${SEQUIN_BENCH_KEEP:-}" == 1 ]]; then
        mkdir -p "$HERE/work"
        cp -f "$WORK"/*.log "$WORK"/pg/*.log "$HERE/work/" 2>/dev/null || true
        cp -f "$PGDATA"/log/postgresql.log "$HERE/work/postgresql.log" 2>/dev/null || true
        [[ $status -ne 0 ]] && printf '\nrun.sh failed (exit %s); logs are in %s\n' "$status" "$HERE/work" >&2
    fi
    rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- PostgreSQL of our own ---------------------------------------------------------------------------------
PGPORT="$(free_port)"
say "Starting a throwaway PostgreSQL cluster on 127.0.0.1:$PGPORT ($WORK)"
# The server's own files: data directory, socket and pg_ctl log, all owned by postgres.
mkdir -p "$PGDATA" "$WORK/pg"
chown postgres:postgres "$PGDATA" "$WORK/pg"
chmod 700 "$PGDATA"
(cd "$WORK" && runuser -u postgres -- "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --no-locale >"$WORK/initdb.log" 2>&1) \
    || { cat "$WORK/initdb.log"; die "initdb failed"; }
cat >>"$PGDATA/postgresql.conf" <<EOF

# ---- SeQuIn performance harness ----
listen_addresses = '127.0.0.1'
port = $PGPORT
unix_socket_directories = '$WORK/pg'
fsync = off
shared_buffers = 2GB
max_wal_size = 8GB
checkpoint_timeout = 30min
maintenance_work_mem = 512MB
# The bulk load TRUNCATEs the tables in its transaction: with wal_level = minimal its COPYs and index builds write no
# WAL (measured on 2 cores: the bulk load 9.6–10.1 s instead of 11.0 s, the summary rebuild 19.3–20.3 s instead of
# 21.3–22.6 s). Nothing here replicates or archives; minimal needs max_wal_senders = 0.
wal_level = minimal
max_wal_senders = 0
# Statements are captured from the server's own log (jsonlog); log_statement is switched on only while capturing.
logging_collector = on
log_destination = 'stderr,jsonlog'
log_directory = 'log'
log_filename = 'postgresql.log'
log_rotation_age = 0
log_rotation_size = 0
EOF
PRELOAD=()
[[ "$MODE" == webhooks ]] && PRELOAD+=(pg_stat_statements)   # the outbox INSERT's own time, and the dispatcher's statements
[[ "${SEQUIN_BENCH_EXPLAIN:-}" == 1 ]] && PRELOAD+=(auto_explain)
# The deferred summary trigger runs at COMMIT, outside any statement's time in pg_stat_statements: pg_stat_user_functions has it.
[[ "$MODE" == webhooks ]] && printf "track_functions = pl\n" >>"$PGDATA/postgresql.conf"
if (( ${#PRELOAD[@]} )); then
    printf "shared_preload_libraries = '%s'\n" "$(IFS=,; echo "${PRELOAD[*]}")" >>"$PGDATA/postgresql.conf"
fi
if [[ "${SEQUIN_BENCH_EXPLAIN:-}" == 1 ]]; then
    printf "auto_explain.log_min_duration = 150\nauto_explain.log_analyze = on\nauto_explain.log_nested_statements = on\nauto_explain.log_triggers = on\n" >>"$PGDATA/postgresql.conf"
fi
(cd "$WORK" && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -l "$WORK/pg/pg_ctl.log" -w -t 60 start >/dev/null) \
    || { cat "$WORK/pg/pg_ctl.log"; die "PostgreSQL did not start"; }
PG_STARTED=1
# The roles of a deployment (ADR 0005): sequin_owner migrates, the service runs as sequin_app. The harness keeps the
# superuser for its bulk load (it drops and recreates keys, indexes and triggers) and for reading the server's log.
PSQL=("$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres)
"${PSQL[@]}" -c "CREATE ROLE sequin_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE" \
             -c "CREATE ROLE sequin_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE"
"$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres -O sequin_owner sequin
CS="Host=127.0.0.1;Port=$PGPORT;Database=sequin"
HARNESS_CS="$CS;Username=postgres;Application Name=sequin-bench"
OWNER_CS="$CS;Username=sequin_owner;Application Name=sequin-migrate"
SERVICE_CS="$CS;Username=sequin_app;Application Name=sequin-api"

# ---- Build, migrate, load ----------------------------------------------------------------------------------
say "Building Release (the harness and the service)"
dotnet build "$HERE/SeQuIn.Benchmarks.csproj" -c Release -nologo -v q -clp:ErrorsOnly

api() { (cd "$API_BIN" && env ASPNETCORE_ENVIRONMENT=Production ConnectionStrings__SeQuIn="$SERVICE_CS" ConnectionStrings__SeQuInOwner="$OWNER_CS" \
    SeQuIn__Database__RuntimeRole=sequin_app Logging__LogLevel__Default=Warning dotnet SeQuIn.Api.dll "$@"); }

say "Migrating and loading reference data"
api migrate

if [[ "$MODE" != import ]]; then
    say "Loading the data set (300 units × 120 months × 12 areas × 10 standards): floors, bulk load, summary rebuild"
    dotnet "$HARNESS_DLL" load --connection "$HARNESS_CS" --out "$WORK/load.json"
fi

say "Creating the first national network-admin key"
KEY="$(api bootstrap-admin --name "performance harness" | tail -n 1)"
[[ "$KEY" == sqn_k_* ]] || die "bootstrap-admin printed no key."

COMMIT="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [[ -n "$(git -C "$ROOT" status --porcelain -- src 2>/dev/null)" ]]; then
    COMMIT="$COMMIT + uncommitted changes in src/"
fi
if [[ "$MODE" == webhooks ]]; then
    mkdir -p "$RESULTS"
    say "Webhooks: outbox cost, commit-to-delivery latency, delivery throughput (the harness starts the service itself)"
    dotnet "$HARNESS_DLL" webhooks --connection "$HARNESS_CS" --api-dir "$API_BIN" --service-connection "$SERVICE_CS" --key "$KEY" \
        --results "$RESULTS" --commit "$COMMIT" --pid-file "$WORK/services.pids" --work "$WORK" \
        --submissions "${SEQUIN_WEBHOOK_SUBMISSIONS:-200}" --events "${SEQUIN_WEBHOOK_EVENTS:-600}" --rate "${SEQUIN_WEBHOOK_RATE:-10}" \
        --burst-months "${SEQUIN_WEBHOOK_BURST_MONTHS:-30}" --note "${SEQUIN_BENCH_NOTE:-}"
    say "Done in $(( $(date +%s) - STARTED_AT )) s: $RESULTS/webhooks.md and webhooks.json"
    exit 0
fi

# ---- The service -------------------------------------------------------------------------------------------
APIPORT="$(free_port)"
say "Starting the service on http://127.0.0.1:$APIPORT"
(cd "$API_BIN" && exec env ASPNETCORE_ENVIRONMENT=Production ConnectionStrings__SeQuIn="$SERVICE_CS" \
    SeQuIn__RateLimits__PerCallerPerMinute=100000000 Logging__LogLevel__Default=Warning \
    dotnet SeQuIn.Api.dll --urls "http://127.0.0.1:$APIPORT") >"$WORK/service.log" 2>&1 &
SERVICE_PID=$!

# ---- Measure -----------------------------------------------------------------------------------------------
mkdir -p "$RESULTS"
if [[ "$MODE" == import ]]; then
    say "History import against COPY (service pid $SERVICE_PID)"
    dotnet "$HARNESS_DLL" import --connection "$HARNESS_CS" --url "http://127.0.0.1:$APIPORT" --key "$KEY" --pid "$SERVICE_PID" \
        --results "$RESULTS" --commit "$COMMIT" --runs "${SEQUIN_IMPORT_RUNS:-3}"
    kill -0 "$SERVICE_PID" 2>/dev/null || die "the service exited during the import runs (see work/service.log)."
    say "Done in $(( $(date +%s) - STARTED_AT )) s: $RESULTS/import.md and import.json"
    exit 0
fi
if [[ "$MODE" == fhir ]]; then
    say "FHIR facade beside the REST API (service pid $SERVICE_PID)"
    dotnet "$HARNESS_DLL" fhir --url "http://127.0.0.1:$APIPORT" --key "$KEY" --load "$WORK/load.json" --results "$RESULTS" \
        --commit "$COMMIT" --samples "$SAMPLES"
    kill -0 "$SERVICE_PID" 2>/dev/null || die "the service exited during the FHIR runs (see work/service.log)."
    say "Done in $(( $(date +%s) - STARTED_AT )) s: $RESULTS/fhir.md and fhir.json"
    exit 0
fi
if [[ "$MODE" == soak ]]; then
    say "Soak (service pid $SERVICE_PID)"
    dotnet "$HARNESS_DLL" soak --connection "$HARNESS_CS" --url "http://127.0.0.1:$APIPORT" --key "$KEY" --pid "$SERVICE_PID" \
        --results "$RESULTS" --service-app sequin-api --commit "$COMMIT" --seconds "${SEQUIN_SOAK_SECONDS:-600}" \
        --runs "${SEQUIN_SOAK_RUNS:-steady,restart}" --outage-seconds "${SEQUIN_SOAK_OUTAGE_SECONDS:-0}" --capacity-seconds "${SEQUIN_SOAK_CAPACITY_SECONDS:-12}" --share "${SEQUIN_SOAK_SHARE:-0.7}" \
        --pg-ctl "$PGBIN/pg_ctl" --pgdata "$PGDATA" --pg-log "$WORK/pg/pg_ctl.log" --pg-work "$WORK"
    kill -0 "$SERVICE_PID" 2>/dev/null || die "the service exited during the soak (see work/service.log)."
    say "Done in $(( $(date +%s) - STARTED_AT )) s: $RESULTS/soak.md and soak.json"
    exit 0
fi
rm -rf "$RESULTS/sql" "$RESULTS/explain"
say "Measuring (service pid $SERVICE_PID)"
dotnet "$HARNESS_DLL" measure --connection "$HARNESS_CS" --url "http://127.0.0.1:$APIPORT" --key "$KEY" --pid "$SERVICE_PID" \
    --load "$WORK/load.json" --results "$RESULTS" --work "$WORK" --service-app sequin-api \
    --pgbench "$PGBIN/pgbench" --wrk "$WRK" --commit "$COMMIT" --seconds "$RUN_SECONDS" --samples "$SAMPLES"

kill -0 "$SERVICE_PID" 2>/dev/null || die "the service exited during the run (see work/service.log)."
say "Done in $(( $(date +%s) - STARTED_AT )) s: $RESULTS/latest.md and latest.json"
