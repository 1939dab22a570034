# Sourced by check.sh and prove.sh, so that both decide the same way.
# optic_check <released> <current>: runs Optic's breaking-changes rules (standard.yml) on the two contracts, then
# decide.js, which prints a summary; returns decide.js's exit code (0 compatible, 1 breaking, 2 Optic failed).
# Optic runs in a scratch directory: with CI=true it writes its check results to ci-run-details.json in the working
# directory (its --json output is the changelog only). Offline: telemetry is off and nothing is uploaded.
optic_check() {
    local here released current work rc
    here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
    released="$(cd "$(dirname "$1")" && pwd -P)/$(basename "$1")"
    current="$(cd "$(dirname "$2")" && pwd -P)/$(basename "$2")"
    work="$(mktemp -d "${TMPDIR:-/tmp}/breaking-check.XXXXXX")"
    (cd "$work" && CI=true OPTIC_TELEMETRY_LEVEL=off "$here/node_modules/.bin/optic" diff "$released" "$current" \
        --check --standard "$here/standard.yml" --severity error --json >changelog.json 2>stderr)
    rc=$?
    node "$here/decide.js" "$work" "$rc"
    rc=$?
    rm -rf "$work"
    return "$rc"
}
