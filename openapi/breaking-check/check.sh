#!/usr/bin/env bash
# Compares openapi/sequin.v1.json with the newest contract in openapi/released/ (by semantic version) and fails on a
# change that would break a client written against it: Optic's breaking-changes rules, decided by decide.js, which
# tolerates one finding of Optic's (an enum value added where a response uses it). Offline: Optic's telemetry is off
# and nothing is uploaded. How to release a deliberate breaking change: docs/api-evolution.md.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source=optic-check.sh
source "$HERE/optic-check.sh"
RELEASED="$(find "$HERE/../released" -name 'sequin.v*.json' | sort -V | tail -n 1)"
[[ -n "$RELEASED" ]] || { echo "no released contract in openapi/released/" >&2; exit 1; }
CURRENT="${1:-$HERE/../sequin.v1.json}"
echo "breaking-change check: $(basename "$RELEASED") -> $(basename "$CURRENT")"
rc=0
optic_check "$RELEASED" "$CURRENT" || rc=$?
if [[ $rc -eq 1 ]]; then
    echo "Undo the break (add instead of change), or release it as a new major version: docs/api-evolution.md."
    echo "Optic's own report: cd openapi/breaking-check && npx --no-install optic diff" \
        "$(realpath --relative-to="$HERE" "$RELEASED") $(realpath --relative-to="$HERE" "$CURRENT")" \
        "--check --standard ./standard.yml"
fi
exit "$rc"
