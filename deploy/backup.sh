#!/usr/bin/env bash
# Logical backup and restore of SeQuIn's database: pg_dump (custom format) as the schema's owner, and a restore into
# an empty database that is then checked against the archive, table by table. See --help, and "Back it up" in README.md.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: deploy/backup.sh [--compose] backup [FILE]
       deploy/backup.sh [--compose] restore FILE [--replace [--yes]]
       deploy/backup.sh [--compose] verify FILE

  backup [FILE]   pg_dump -Fc of the database as the owner role, written to FILE.partial and renamed to FILE once
                  complete and readable (mode 0600: it holds personal data and key hashes). Default FILE:
                  <repo>/.sequin/backups/<database>-<UTC time>.dump (or in $SEQUIN_BACKUP_DIR).
  restore FILE    restores FILE into the database, which must be empty or missing (then it is created, owned by the
                  owner role, as the admin role), as the owner role in one transaction: it fails whole or not at all.
                  Then runs 'verify'. With --replace, a database that holds data is kept, renamed to
                  <database>_before_restore_<UTC time>, and the restored copy takes its name once verified; the
                  service must be stopped (nobody may be connected). --replace asks you to type the database name,
                  or takes --yes.
  verify FILE     checks the database against FILE: every table's rows (count and SHA-256 of the sorted rows),
                  every sequence's value; every object owned by the owner role; the runtime role unable to update,
                  delete or truncate the audit trail or comments; every trigger enabled.

  --compose       run the PostgreSQL client tools inside the 'db' service of deploy/compose.yaml
                  (docker compose exec -T db ...), over its Unix socket; FILE stays on this machine.

Environment (the defaults are deploy/run-local.sh's cluster):
  SEQUIN_PG_HOST          server address                     (default 127.0.0.1)
  SEQUIN_PG_PORT          server port                        (default 5433)
  SEQUIN_PG_DATABASE      database                           (default sequin)
  SEQUIN_PG_OWNER         role that owns the schema; dumps and restores as it   (default sequin_owner)
  SEQUIN_PG_RUNTIME_ROLE  role the service connects as       (default sequin_app)
  SEQUIN_PG_ADMIN         role that may create and rename databases (restore only)   (default postgres)
  SEQUIN_PG_BIN           directory of pg_dump, pg_restore, psql (default: newest /usr/lib/postgresql/*/bin, then PATH)
  SEQUIN_COMPOSE_FILE     compose file for --compose         (default <repo>/deploy/compose.yaml)
  Passwords come from libpq as usual: PGPASSWORD or ~/.pgpass (PGPASSFILE).

A dump is a snapshot: what was written after it is not in it, and there is no point-in-time recovery.
EOF
}

log()  { printf '[backup] %s\n' "$*" >&2; }
die()  { printf '[backup] error: %s\n' "$*" >&2; exit 1; }

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
HOST="${SEQUIN_PG_HOST:-127.0.0.1}"
PORT="${SEQUIN_PG_PORT:-5433}"
DB="${SEQUIN_PG_DATABASE:-sequin}"
OWNER="${SEQUIN_PG_OWNER:-sequin_owner}"
RUNTIME="${SEQUIN_PG_RUNTIME_ROLE:-sequin_app}"
ADMIN="${SEQUIN_PG_ADMIN:-postgres}"
COMPOSE_FILE="${SEQUIN_COMPOSE_FILE:-$REPO/deploy/compose.yaml}"
COMPOSE=0

# Names are spliced into file names and passed to psql as variables; keep them plain.
for name in "$DB" "$OWNER" "$RUNTIME" "$ADMIN"; do
    [[ "$name" =~ ^[A-Za-z_][A-Za-z0-9_]{0,62}$ ]] || die "'$name' is not a plain PostgreSQL name ([A-Za-z_][A-Za-z0-9_]*)"
done
[[ "$PORT" =~ ^[0-9]+$ ]] || die "SEQUIN_PG_PORT must be a number, got '$PORT'"

# Every session compares rows as text: the same time zone, date, interval, float and bytea formats on both sides.
CLIENT_ENV=(PGTZ=UTC PGAPPNAME=sequin-backup
    "PGOPTIONS=-c datestyle=ISO -c intervalstyle=postgres -c extra_float_digits=3 -c bytea_output=hex -c statement_timeout=0")

find_client_bin() {
    local dir
    if [[ -n "${SEQUIN_PG_BIN:-}" ]]; then
        printf '%s\n' "$SEQUIN_PG_BIN"; return 0
    fi
    # A newer pg_dump reads older servers, never the reverse: take the newest installed.
    dir="$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -type d -name bin 2>/dev/null | sort -V | tail -n 1)"
    if [[ -n "$dir" && -x "$dir/pg_dump" ]]; then
        printf '%s\n' "$dir"; return 0
    fi
    dir="$(command -v pg_dump 2>/dev/null)" || return 1
    dirname "$(readlink -f "$dir")"
}

# client TOOL ROLE DATABASE ARGS...: a PostgreSQL client tool connected as ROLE to DATABASE.
client() {
    local tool=$1 role=$2 database=$3
    shift 3
    if [[ $COMPOSE -eq 1 ]]; then
        local env_args=() e
        for e in "${CLIENT_ENV[@]}"; do env_args+=(-e "$e"); done
        docker compose -f "$COMPOSE_FILE" exec -T "${env_args[@]}" db "$tool" -U "$role" -d "$database" "$@"
    else
        env "${CLIENT_ENV[@]}" "$PG_BIN/$tool" -h "$HOST" -p "$PORT" -U "$role" -d "$database" "$@"
    fi
}

# sql ROLE DATABASE [psql -v ...]: runs the SQL on stdin, prints unaligned tuples, stops at the first error.
sql() {
    local role=$1 database=$2
    shift 2
    client psql "$role" "$database" -X -q -A -t -v ON_ERROR_STOP=1 "$@" -f -
}

# An archive's contents without a server: pg_restore writes the SQL it would run.
archive_sql() {
    if [[ $COMPOSE -eq 1 ]]; then
        docker compose -f "$COMPOSE_FILE" exec -T db pg_restore "$@" -f - <"$ARCHIVE"
    else
        "$PG_BIN/pg_restore" "$@" -f - <"$ARCHIVE"
    fi
}

utc_stamp() { date -u +%Y%m%dT%H%M%SZ; }

# ---------------------------------------------------------------------------------------------------------------------
# backup
# ---------------------------------------------------------------------------------------------------------------------
backup() {
    local file=${1:-}
    if [[ -z "$file" ]]; then
        local dir="${SEQUIN_BACKUP_DIR:-$REPO/.sequin/backups}"
        file="$dir/$DB-$(utc_stamp).dump"
    fi
    local dir base
    dir="$(dirname "$file")"
    base="$(basename "$file")"
    umask 077
    mkdir -p "$dir"
    file="$(cd "$dir" && pwd -P)/$base"
    # Same directory, so the rename below is atomic: a file with the final name is always a whole archive.
    PARTIAL="$(dirname "$file")/.$base.partial.$$"
    trap 'rm -f "$PARTIAL"' EXIT

    log "dumping database '$DB' as $OWNER to $file"
    client pg_dump "$OWNER" "$DB" --format=custom --compress=6 >"$PARTIAL" || die "pg_dump failed; nothing written to $file"
    ARCHIVE="$PARTIAL"
    local tables
    tables="$(archive_sql --list | grep -c ' TABLE DATA ' || true)"
    [[ "$tables" -gt 0 ]] || die "the dump of '$DB' holds no table data (is it the right database?); nothing written to $file"
    sync "$PARTIAL"
    mv -f "$PARTIAL" "$file"
    sync "$(dirname "$file")" 2>/dev/null || true
    trap - EXIT

    local bytes
    bytes="$(stat -c %s "$file")"
    log "done: $tables tables"
    printf '%s\t%s bytes (%s)\n' "$file" "$bytes" "$(numfmt --to=iec --suffix=B "$bytes")"
}

# ---------------------------------------------------------------------------------------------------------------------
# verify: the database against the archive
# ---------------------------------------------------------------------------------------------------------------------
# Prints "N tables, M rows, K audit events" and returns 0 when the database holds exactly the archive's rows and
# sequence values and its ownership and audit-trail protections hold; otherwise lists every difference and returns 1.
verify() {
    local database=$1
    local work
    work="$(mktemp -d)"
    # shellcheck disable=SC2064  # expand now: the path is fixed
    trap "rm -rf '$work'; trap - RETURN" RETURN

    # Each COPY block of the archive: its header (table and column list), row count and SHA-256 of its sorted rows.
    # A COPY row is one line (newlines inside values are escaped), so sorted lines compare rows regardless of order.
    # Called from an 'if', so 'set -e' is off in here: every step says itself whether it failed.
    local problems=0
    archive_sql --data-only | LC_ALL=C awk -v dir="$work" '
        !copying && /^COPY .* FROM stdin;$/ {
            n++; header = $0; sub(/^COPY /, "", header); sub(/ FROM stdin;$/, "", header)
            print header > (dir "/" n ".header"); close(dir "/" n ".header")
            sorter = "LC_ALL=C sort | sha256sum | cut -d\" \" -f1 > \"" dir "/" n ".archive\""
            rows = 0; copying = 1; next
        }
        copying && $0 == "\\." {
            if (rows > 0) close(sorter); else system("printf \"\" | sha256sum | cut -d\" \" -f1 > \"" dir "/" n ".archive\"")
            print rows > (dir "/" n ".rows"); close(dir "/" n ".rows")
            copying = 0; next
        }
        copying { print | sorter; rows++; next }
        /^SELECT pg_catalog\.setval\(/ { print > (dir "/setval") }
    ' || { log "could not read the data in $ARCHIVE"; return 1; }

    local total_rows=0 blocks=0 tz_hint=0 audit_rows="" i header rows want got got_rows
    for header_file in "$work"/*.header; do
        [[ -e "$header_file" ]] || continue
        i="${header_file%.header}"
        header="$(cat "$header_file")"
        rows="$(cat "$i.rows")"
        want="$(cat "$i.archive")"
        # Exactly the archive's table and column list, so generated columns and column order match the dump.
        blocks=$((blocks + 1))
        if ! got="$(client psql "$OWNER" "$database" -X -q -v ON_ERROR_STOP=1 -c "COPY $header TO STDOUT" \
            | LC_ALL=C sort | awk -v out="$i.count" '{ print } END { print NR > out }' | sha256sum | cut -d' ' -f1)"; then
            log "MISMATCH ${header%% *}: cannot be read in '$database'"; problems=$((problems + 1)); continue
        fi
        got_rows="$(cat "$i.count")"
        total_rows=$((total_rows + rows))
        [[ "${header%% *}" == "public.audit_events" ]] && audit_rows="$rows"
        if [[ "$got_rows" != "$rows" ]]; then
            log "MISMATCH ${header%% *}: $got_rows rows, the archive has $rows"; problems=$((problems + 1))
        elif [[ "$got" != "$want" ]]; then
            log "MISMATCH ${header%% *}: same $rows rows in number, different content"; problems=$((problems + 1))
            # Rows are compared as text: a dump taken by hand in another time zone writes other timestamps.
            tz_hint=1
        fi
    done

    local tables_in_db
    tables_in_db="$(sql "$OWNER" "$database" <<'SQL'
SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%';
SQL
)" || { log "could not count the tables of '$database'"; return 1; }
    if [[ "$tables_in_db" != "$blocks" ]]; then
        log "MISMATCH: the database has $tables_in_db tables, the archive $blocks"; problems=$((problems + 1))
    fi

    # SELECT pg_catalog.setval('name', value, is_called); -> one row each: the sequence must say the same.
    if [[ -s "$work/setval" ]]; then
        local values
        values="$(sed -E "s/^SELECT pg_catalog\.setval\(('([^']|'')+'), (-?[0-9]+), (true|false)\);$/(\1, \3, \4)/" "$work/setval" | paste -sd, -)"
        local wrong
        wrong="$(sql "$OWNER" "$database" <<SQL
SELECT format('MISMATCH sequence %s: %s, the archive has %s', name, coalesce(pg_sequence_last_value(name::regclass)::text, 'never used'),
              CASE WHEN called THEN value::text ELSE 'never used' END)
FROM (VALUES $values) AS archive(name, value, called)
WHERE pg_sequence_last_value(name::regclass) IS DISTINCT FROM CASE WHEN called THEN value END;
SQL
)" || { log "could not read the sequences of '$database'"; return 1; }
        if [[ -n "$wrong" ]]; then
            printf '%s\n' "$wrong" | while IFS= read -r line; do log "$line"; done
            problems=$((problems + $(printf '%s\n' "$wrong" | wc -l)))
        fi
    fi

    # What ADR 0005 relies on: the owner owns everything (so SECURITY DEFINER functions still run as the owner), the
    # runtime role cannot rewrite history, and no trigger was left switched off.
    local rules
    rules="$(sql "$OWNER" "$database" -v owner="$OWNER" -v runtime="$RUNTIME" <<'SQL'
SELECT format('%s %s is owned by %s, not %s', kind, name, owner, :'owner')
FROM (
    SELECT 'relation' AS kind, c.oid::regclass::text AS name, pg_get_userbyid(c.relowner)::text AS owner
    FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
    UNION ALL
    SELECT CASE WHEN p.prosecdef THEN 'SECURITY DEFINER function' ELSE 'function' END, p.oid::regprocedure::text,
           pg_get_userbyid(p.proowner)::text
    FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
) AS objects
WHERE owner <> :'owner'
UNION ALL
SELECT format('the runtime role %s may %s %s', :'runtime', privilege, tab)
FROM unnest(ARRAY['public.audit_events', 'public.comments']) AS tab, unnest(ARRAY['UPDATE', 'DELETE', 'TRUNCATE']) AS privilege
WHERE to_regclass(tab) IS NOT NULL AND has_table_privilege(:'runtime', tab, privilege)
UNION ALL
SELECT format('the runtime role %s may not %s %s (run migrate to grant it)', :'runtime', privilege, tab)
FROM unnest(ARRAY['public.audit_events', 'public.comments']) AS tab, unnest(ARRAY['SELECT', 'INSERT']) AS privilege
WHERE to_regclass(tab) IS NOT NULL AND NOT has_table_privilege(:'runtime', tab, privilege)
UNION ALL
SELECT format('trigger %s on %s is not enabled', t.tgname, t.tgrelid::regclass)
FROM pg_trigger t WHERE NOT t.tgisinternal AND t.tgenabled <> 'O';
SQL
)" || { log "could not check owners and privileges in '$database'"; return 1; }
    if [[ -n "$rules" ]]; then
        printf '%s\n' "$rules" | while IFS= read -r line; do log "PROBLEM $line"; done
        problems=$((problems + $(printf '%s\n' "$rules" | wc -l)))
    fi

    if [[ $problems -gt 0 ]]; then
        [[ $tz_hint -eq 0 ]] || log "(a dump not taken by this script must be taken with PGTZ=UTC to compare; this one may not have been)"
        log "database '$database' does NOT match $ARCHIVE: $problems problem(s)"
        return 1
    fi
    log "database '$database' matches $ARCHIVE: $blocks tables, $total_rows rows (${audit_rows:-no} audit events), sequences, owners and audit-trail privileges"
    printf 'verified\t%s\t%s tables\t%s rows\t%s audit events\n' "$database" "$blocks" "$total_rows" "${audit_rows:-0}"
}

# ---------------------------------------------------------------------------------------------------------------------
# restore
# ---------------------------------------------------------------------------------------------------------------------
# Objects in the database beyond what a new one holds: tables, sequences, views, routines, schemas, types, extensions.
objects_in() {
    sql "$OWNER" "$1" <<'SQL'
SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%')
     + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%')
     + (SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE t.typtype IN ('d', 'e', 'r', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%')
     + (SELECT count(*) FROM pg_namespace WHERE nspname NOT IN ('public', 'information_schema') AND nspname NOT LIKE 'pg\_%')
     + (SELECT count(*) FROM pg_extension WHERE extname <> 'plpgsql');
SQL
}

database_exists() {
    [[ "$(sql "$ADMIN" postgres -v name="$1" <<<"SELECT 1 FROM pg_database WHERE datname = :'name';")" == 1 ]]
}

role_exists() {
    [[ "$(sql "$ADMIN" postgres -v name="$1" <<<"SELECT 1 FROM pg_roles WHERE rolname = :'name';")" == 1 ]]
}

create_database() {
    log "creating database '$1' owned by $OWNER (as $ADMIN)"
    sql "$ADMIN" postgres -v name="$1" -v owner="$OWNER" <<<'CREATE DATABASE :"name" OWNER :"owner";' \
        || die "could not create database '$1' as $ADMIN: create it yourself, empty and owned by $OWNER, and run restore again"
}

restore() {
    local replace=0 yes=0 file=""
    while [[ $# -gt 0 ]]; do
        case "$1" in
            --replace) replace=1 ;;
            --yes) yes=1 ;;
            -*) die "restore: unknown option '$1' (try --help)" ;;
            *) [[ -z "$file" ]] || die "restore takes one FILE"; file=$1 ;;
        esac
        shift
    done
    [[ -n "$file" ]] || die "restore needs the FILE a backup wrote"
    [[ -r "$file" && -f "$file" ]] || die "cannot read $file"
    ARCHIVE="$file"
    archive_sql --list >/dev/null 2>&1 || die "$file is not a pg_dump custom-format archive"

    local role
    for role in "$OWNER" "$RUNTIME"; do
        role_exists "$role" || die "role '$role' does not exist on the server: create it first (deploy/run-local.sh and deploy/initdb/ do)"
    done

    local target="$DB" swap_from=""
    if ! database_exists "$DB"; then
        create_database "$DB"
    else
        local objects
        objects="$(objects_in "$DB")"
        if [[ "$objects" != 0 ]]; then
            [[ $replace -eq 1 ]] || die "database '$DB' is not empty ($objects objects): restore only goes into an empty database. To put the backup in its place (the current one is kept, renamed), stop the service and add --replace"
            if [[ $yes -ne 1 ]]; then
                [[ -t 0 ]] || die "--replace needs --yes when not run from a terminal"
                local answer
                read -r -p "Replace database '$DB' with $file? The current one is kept, renamed. Type the database name to go on: " answer
                [[ "$answer" == "$DB" ]] || die "not confirmed; nothing changed"
            fi
            local sessions
            sessions="$(sql "$ADMIN" postgres -v name="$DB" <<<"SELECT count(*) FROM pg_stat_activity WHERE datname = :'name';")" \
                || die "could not list the sessions on '$DB' as $ADMIN"
            [[ "$sessions" == 0 ]] || die "$sessions session(s) are connected to '$DB': stop the service first; nothing changed"
            swap_from="$DB"
            target="${DB:0:40}_restoring_$(date -u +%Y%m%d%H%M%S)"
            create_database "$target"
        fi
    fi

    log "restoring $file into '$target' as $OWNER (one transaction)"
    # --no-owner: every object belongs to the restoring role, the owner, whoever ran the dump; the privileges in the
    # archive (the runtime role's grants, the revoked EXECUTE on the summary functions) are restored as they were.
    if ! client pg_restore "$OWNER" "$target" --no-owner --single-transaction --exit-on-error <"$file"; then
        if [[ -n "$swap_from" ]]; then
            # One transaction: the side database is as empty as it was made, and of no use.
            sql "$ADMIN" postgres -v name="$target" <<<'DROP DATABASE :"name";' || log "could not drop the empty database '$target'"
            log "the current database '$DB' is untouched"
        fi
        die "pg_restore failed; nothing was restored"
    fi

    if ! verify "$target"; then
        [[ -n "$swap_from" ]] && die "the restored copy '$target' does not match the archive; '$DB' is untouched"
        die "the restored database does not match the archive"
    fi

    if [[ -n "$swap_from" ]]; then
        local kept="${DB:0:40}_before_restore_$(date -u +%Y%m%d%H%M%S)"
        log "swapping: '$DB' becomes '$kept', '$target' becomes '$DB'"
        sql "$ADMIN" postgres -v current="$DB" -v kept="$kept" -v restored="$target" <<'SQL' \
            || die "could not rename the databases (is the service still connected? stop it and rename by hand: ALTER DATABASE $DB RENAME TO $kept; ALTER DATABASE $target RENAME TO $DB)"
BEGIN;
ALTER DATABASE :"current" RENAME TO :"kept";
ALTER DATABASE :"restored" RENAME TO :"current";
COMMIT;
SQL
        log "done; the previous data is in database '$kept' (drop it when you no longer need it)"
    fi
    log "restored '$DB' from $file"
}

# ---------------------------------------------------------------------------------------------------------------------
while [[ $# -gt 0 ]]; do
    case "$1" in
        --compose) COMPOSE=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) break ;;
    esac
done
[[ $# -gt 0 ]] || { usage >&2; exit 2; }
COMMAND=$1
shift

if [[ $COMPOSE -eq 1 ]]; then
    command -v docker >/dev/null 2>&1 || die "--compose needs docker"
    [[ -f "$COMPOSE_FILE" ]] || die "cannot find $COMPOSE_FILE"
else
    PG_BIN="$(find_client_bin)" || die "pg_dump not found: install the PostgreSQL client (apt-get install postgresql-client) or set SEQUIN_PG_BIN"
fi

case "$COMMAND" in
    backup) [[ $# -le 1 ]] || die "backup takes at most one FILE"; backup "$@" ;;
    restore) restore "$@" ;;
    verify)
        [[ $# -eq 1 && -r "$1" ]] || die "verify needs one readable FILE"
        ARCHIVE="$1"
        verify "$DB"
        ;;
    *) die "unknown command '$COMMAND' (try --help)" ;;
esac
