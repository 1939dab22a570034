#!/usr/bin/env bash
# SeQuIn performance harness, scale mode (`run.sh scale`): how cost grows with the data.
#
# One throwaway PostgreSQL 15 cluster (the same settings as run.sh); for each scale a fresh database is migrated,
# loaded with the data set grown by networks and months (streamed: see ScaleLoader.cs), the service started, and the
# reads, the CSV export, freshness and the history import measured against floors from the same scale; the database
# is then dropped. Optionally (SEQUIN_BENCH_REPLICA=1) a streaming replica is made at one scale and the analyst reads
# and freshness measured with the service reading from the primary, then from the replica. Writes results/scale.md,
# results/scale.json and results/scale/ (each run's JSON, the captured SQL and the plans). Runs as root on Debian 12.
#
# Environment (all optional):
#   SEQUIN_BENCH_SCALES         comma-separated scales (default 1,4,16). Scale S = 120 × min(S, 4) months and
#                               20 × S / min(S, 4) networks: 4 = 20 networks × 480 months, 16 = 80 networks × 480 months.
#   SEQUIN_BENCH_REPLICA=1      measure the analyst reads and freshness with a streaming replica as well
#   SEQUIN_BENCH_REPLICA_SCALE  the scale at which to do so (default: the first of SEQUIN_BENCH_SCALES)
#   SEQUIN_BENCH_BYTES_PER_RATING  disk the run needs per rating, for the check before each load (default 800: the 1×
#                               database is 2.3 GB for 4.32 M ratings, 530 bytes each, plus the index builds' sort files)
#   SEQUIN_BENCH_SCALE_RUNS     where each scale's JSON, SQL and plans go (default results/scale; emptied first)
#   SEQUIN_BENCH_SKIP_BUILD=1   use the Release build as it is (a second run beside a first)
#   PGBIN, SEQUIN_BENCH_SECONDS, SEQUIN_BENCH_SAMPLES, SEQUIN_BENCH_KEEP as for run.sh
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
PGBIN="${PGBIN:-/usr/lib/postgresql/15/bin}"
RESULTS="$HERE/results"
RUNS="${SEQUIN_BENCH_SCALE_RUNS:-$RESULTS/scale}"
RUN_SECONDS="${SEQUIN_BENCH_SECONDS:-10}"
SAMPLES="${SEQUIN_BENCH_SAMPLES:-300}"
SCALES="${SEQUIN_BENCH_SCALES:-1,4,16}"
REPLICA="${SEQUIN_BENCH_REPLICA:-}"
REPLICA_SCALE="${SEQUIN_BENCH_REPLICA_SCALE:-${SCALES%%,*}}"
BYTES_PER_RATING="${SEQUIN_BENCH_BYTES_PER_RATING:-800}"
API_BIN="$ROOT/src/SeQuIn.Api/bin/Release/net10.0"
HARNESS_DLL="$HERE/bin/Release/net10.0/SeQuIn.Benchmarks.dll"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

STARTED_AT=$(date +%s)
say() { printf '\n==> [%s +%ss] %s\n' "$(date +%H:%M:%S)" "$(( $(date +%s) - STARTED_AT ))" "$*"; }
die() { printf '\nscale.sh: %s\n' "$*" >&2; exit 1; }

[[ $EUID -eq 0 ]] || die "run as root: it installs wrk and runs PostgreSQL as the postgres user."
id postgres >/dev/null 2>&1 || die "there is no postgres user (install postgresql-15)."
for tool in initdb pg_ctl createdb dropdb psql pgbench pg_basebackup; do
    [[ -x "$PGBIN/$tool" ]] || die "$PGBIN/$tool is missing (install postgresql-15, or set PGBIN)."
done
command -v dotnet >/dev/null || die "dotnet is not on PATH (the .NET 10 SDK is needed)."
for scale in ${SCALES//,/ }; do
    [[ "$scale" =~ ^[0-9]+$ && "$scale" -ge 1 ]] || die "SEQUIN_BENCH_SCALES holds '$scale': scales are whole numbers from 1."
    (( scale % (scale < 4 ? scale : 4) == 0 )) || die "scale $scale: above 4 a scale must be a multiple of 4 (480 months × 20 × S/4 networks)."
done
if ! command -v wrk >/dev/null; then
    say "Installing wrk"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
WRK="$(command -v wrk)"

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

WORK="$(mktemp -d /tmp/sequin-scale.XXXXXX)"
chmod 755 "$WORK"
PGDATA="$WORK/pgdata"
REPLICA_DATA="$WORK/replica"
PG_STARTED=""
REPLICA_STARTED=""
SERVICE_PID=""

stop_service() {
    if [[ -n "$SERVICE_PID" ]] && kill -0 "$SERVICE_PID" 2>/dev/null; then
        kill "$SERVICE_PID" 2>/dev/null || true
        wait "$SERVICE_PID" 2>/dev/null || true
    fi
    SERVICE_PID=""
}

stop_replica() {
    if [[ -n "$REPLICA_STARTED" ]]; then
        (cd "$WORK" && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$REPLICA_DATA" -m fast -w stop >/dev/null 2>&1) || true
        REPLICA_STARTED=""
    fi
    rm -rf "$REPLICA_DATA"
}

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    stop_service
    stop_replica
    if [[ -n "$PG_STARTED" ]]; then
        (cd "$WORK" && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1) || true
    fi
    if [[ $status -ne 0 || "${SEQUIN_BENCH_KEEP:-}" == 1 ]]; then
        mkdir -p "$HERE/work"
        cp -f "$WORK"/*.log "$WORK"/pg/*.log "$HERE/work/" 2>/dev/null || true
        cp -f "$PGDATA"/log/postgresql.log "$HERE/work/postgresql.log" 2>/dev/null || true
        [[ $status -ne 0 ]] && printf '\nscale.sh failed (exit %s); logs are in %s\n' "$status" "$HERE/work" >&2
    fi
    rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pg() { (cd "$WORK" && runuser -u postgres -- "$PGBIN/pg_ctl" "$@"); }

# ---- PostgreSQL of our own (the settings of run.sh) ----------------------------------------------------------
PGPORT="$(free_port)"
say "Starting a throwaway PostgreSQL cluster on 127.0.0.1:$PGPORT ($WORK)"
mkdir -p "$PGDATA" "$WORK/pg"
chown postgres:postgres "$PGDATA" "$WORK/pg"
chmod 700 "$PGDATA"
(cd "$WORK" && runuser -u postgres -- "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --no-locale >"$WORK/initdb.log" 2>&1) \
    || { cat "$WORK/initdb.log"; die "initdb failed"; }
cat >>"$PGDATA/postgresql.conf" <<EOF

# ---- SeQuIn performance harness (scale mode; as run.sh) ----
listen_addresses = '127.0.0.1'
port = $PGPORT
unix_socket_directories = '$WORK/pg'
fsync = off
shared_buffers = 2GB
max_wal_size = 8GB
checkpoint_timeout = 30min
maintenance_work_mem = 512MB
wal_level = minimal
max_wal_senders = 0
logging_collector = on
log_destination = 'stderr,jsonlog'
log_directory = 'log'
log_filename = 'postgresql.log'
log_rotation_age = 0
log_rotation_size = 0
EOF
pg -D "$PGDATA" -l "$WORK/pg/pg_ctl.log" -w -t 60 start >/dev/null || { cat "$WORK/pg/pg_ctl.log"; die "PostgreSQL did not start"; }
PG_STARTED=1
PSQL=("$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres)
"${PSQL[@]}" -c "CREATE ROLE sequin_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE" \
             -c "CREATE ROLE sequin_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE"
CS="Host=127.0.0.1;Port=$PGPORT;Database=sequin"
HARNESS_CS="$CS;Username=postgres;Application Name=sequin-bench"
OWNER_CS="$CS;Username=sequin_owner;Application Name=sequin-migrate"
SERVICE_CS="$CS;Username=sequin_app;Application Name=sequin-api"

if [[ "${SEQUIN_BENCH_SKIP_BUILD:-}" == 1 ]]; then
    # A second run beside one already running: rebuilding would rewrite the assemblies the first one has loaded.
    [[ -f "$HARNESS_DLL" ]] || die "SEQUIN_BENCH_SKIP_BUILD=1 but $HARNESS_DLL is missing."
else
    say "Building Release (the harness and the service)"
    dotnet build "$HERE/SeQuIn.Benchmarks.csproj" -c Release -nologo -v q -clp:ErrorsOnly
fi

api() { (cd "$API_BIN" && env ASPNETCORE_ENVIRONMENT=Production ConnectionStrings__SeQuIn="$SERVICE_CS" ConnectionStrings__SeQuInOwner="$OWNER_CS" \
    SeQuIn__Database__RuntimeRole=sequin_app Logging__LogLevel__Default=Warning dotnet SeQuIn.Api.dll "$@"); }

# The service; with an argument, that connection string as ConnectionStrings:SeQuInReadOnly (the analyst reads' replica).
start_service() {
    local readonly_cs="${1:-}"
    APIPORT="$(free_port)"
    (cd "$API_BIN" && exec env ASPNETCORE_ENVIRONMENT=Production ConnectionStrings__SeQuIn="$SERVICE_CS" \
        ${readonly_cs:+ConnectionStrings__SeQuInReadOnly="$readonly_cs"} \
        SeQuIn__RateLimits__PerCallerPerMinute=100000000 Logging__LogLevel__Default=Warning \
        dotnet SeQuIn.Api.dll --urls "http://127.0.0.1:$APIPORT") >>"$WORK/service.log" 2>&1 &
    SERVICE_PID=$!
}

measure() {
    local scale=$1 variant=$2
    local dir="$RUNS/${scale}x"
    [[ "$variant" == full ]] || dir="$RUNS/${scale}x-$variant"
    mkdir -p "$dir"
    dotnet "$HARNESS_DLL" scale-measure --scale "$scale" --variant "$variant" --out "$RUNS/${scale}x-$variant.json" \
        --connection "$HARNESS_CS" --url "http://127.0.0.1:$APIPORT" --key "$KEY" --pid "$SERVICE_PID" \
        --load "$WORK/load-$scale.json" --results "$dir" --work "$WORK" --service-app sequin-api \
        --pgbench "$PGBIN/pgbench" --wrk "$WRK" --seconds "$RUN_SECONDS" --samples "$SAMPLES"
    kill -0 "$SERVICE_PID" 2>/dev/null || die "the service exited during the run (see work/service.log)."
}

# pg_basebackup -R of the loaded cluster: the load ran with wal_level = minimal (no WAL for the COPYs and index builds),
# so the primary is restarted with wal_level = replica and WAL senders first.
start_replica() {
    say "Restarting the primary with wal_level = replica; pg_basebackup -R of it; starting the standby"
    "${PSQL[@]}" -c "ALTER SYSTEM SET wal_level = replica" -c "ALTER SYSTEM SET max_wal_senders = 4"
    pg -D "$PGDATA" -l "$WORK/pg/pg_ctl.log" -m fast -w -t 120 restart >/dev/null
    REPLICA_PORT="$(free_port)"
    mkdir -p "$REPLICA_DATA" "$WORK/pg-replica"
    chown postgres:postgres "$REPLICA_DATA" "$WORK/pg-replica"
    chmod 700 "$REPLICA_DATA"
    (cd "$WORK" && runuser -u postgres -- "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$PGPORT" -U postgres -D "$REPLICA_DATA" -R -X stream -c fast)
    cat >>"$REPLICA_DATA/postgresql.conf" <<EOF

# ---- the streaming replica of the scale run ----
port = $REPLICA_PORT
unix_socket_directories = '$WORK/pg-replica'
hot_standby = on
EOF
    pg -D "$REPLICA_DATA" -l "$WORK/pg-replica/pg_ctl.log" -w -t 120 start >/dev/null || { cat "$WORK/pg-replica/pg_ctl.log"; die "the replica did not start"; }
    REPLICA_STARTED=1
    local deadline=$(( $(date +%s) + 60 ))
    until [[ "$("${PSQL[@]}" -A -t -c "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")" == 1 ]]; do
        (( $(date +%s) < deadline )) || die "the replica is not streaming after 60 s."
        sleep 1
    done
    say "Replica streaming on 127.0.0.1:$REPLICA_PORT"
}

# Back to the settings the loads are measured with.
drop_replica() {
    stop_replica
    "${PSQL[@]}" -c "ALTER SYSTEM RESET wal_level" -c "ALTER SYSTEM RESET max_wal_senders"
    pg -D "$PGDATA" -l "$WORK/pg/pg_ctl.log" -m fast -w -t 120 restart >/dev/null
}

COMMIT="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
rm -rf "$RUNS"
mkdir -p "$RUNS"
printf 'commit %s%s\nscales %s\nreplica %s\n' "$COMMIT" \
    "$([[ -n "$(git -C "$ROOT" status --porcelain -- src 2>/dev/null)" ]] && echo ' + uncommitted changes in src/')" "$SCALES" "${REPLICA:+at ${REPLICA_SCALE}×}" >"$RUNS/README.txt"

for scale in ${SCALES//,/ }; do
    # History first (the reads must not slow with it), then units: 4× = 4× the months, 16× = that × 4× the networks.
    per=$(( scale < 4 ? scale : 4 ))
    months=$(( 120 * per ))
    networks=$(( 20 * scale / per ))
    ratings=$(( networks * 15 * months * 120 ))
    need=$(( ratings * BYTES_PER_RATING ))
    free=$(( $(df -P -B1 "$WORK" | awk 'NR == 2 { print $4 }') ))
    if (( free < need )); then
        say "Scale ${scale}× skipped: ${ratings} ratings need about $(( need / 1000000000 )) GB in $WORK, $(( free / 1000000000 )) GB are free (df -h /tmp). Free some disk or lower SEQUIN_BENCH_SCALES."
        echo "scale ${scale}× skipped: $(( need / 1000000000 )) GB needed, $(( free / 1000000000 )) GB free" >>"$RUNS/README.txt"
        continue
    fi
    say "Scale ${scale}×: $networks networks × 15 units × $months months = $ratings ratings ($(( free / 1000000000 )) GB free; uptime: $(uptime))"
    "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres -O sequin_owner sequin
    api migrate
    dotnet "$HARNESS_DLL" scale-load --connection "$HARNESS_CS" --out "$WORK/load-$scale.json" --networks "$networks" --months "$months"
    KEY="$(api bootstrap-admin --name "performance harness" | tail -n 1)"
    [[ "$KEY" == sqn_k_* ]] || die "bootstrap-admin printed no key."

    start_service
    say "Scale ${scale}×: measuring (service pid $SERVICE_PID)"
    measure "$scale" full
    stop_service

    if [[ "$REPLICA" == 1 && "$scale" == "$REPLICA_SCALE" ]]; then
        start_replica
        start_service
        say "Scale ${scale}×: the analyst reads and freshness, the service on the primary alone"
        measure "$scale" primary
        stop_service
        start_service "Host=127.0.0.1;Port=$REPLICA_PORT;Database=sequin;Username=sequin_app;Application Name=sequin-api"
        say "Scale ${scale}×: the same with ConnectionStrings:SeQuInReadOnly on the replica"
        measure "$scale" replica
        stop_service
        drop_replica
    fi
    "$PGBIN/dropdb" -h 127.0.0.1 -p "$PGPORT" -U postgres sequin
done

dotnet "$HARNESS_DLL" scale-report --runs "$RUNS" --results "$RESULTS"
say "Done in $(( $(date +%s) - STARTED_AT )) s: $RESULTS/scale.md and scale.json"
