#!/usr/bin/env bash
# Proves that the check can fail: each fixture under fixtures/ changes fixtures/base.json in one way; the ones named
# breaking-* must fail the check and the ones named compatible-* must pass it.
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
export OPTIC_TELEMETRY_LEVEL=off
cd "$HERE"
failed=0
for fixture in fixtures/breaking-*.json fixtures/compatible-*.json; do
    name="$(basename "$fixture" .json)"
    npx --no-install optic diff fixtures/base.json "$fixture" --check --standard ./standard.yml --severity error >"/tmp/optic-$name.$$" 2>&1
    rc=$?
    case "$name" in
        breaking-*) if [[ $rc -ne 0 ]] && grep -q "This is a breaking change" "/tmp/optic-$name.$$"; then echo "  ok  $name is refused"; else echo "  FAIL $name passed the check (exit $rc)"; cat "/tmp/optic-$name.$$"; failed=1; fi ;;
        compatible-*) if [[ $rc -eq 0 ]]; then echo "  ok  $name passes"; else echo "  FAIL $name was refused (exit $rc)"; cat "/tmp/optic-$name.$$"; failed=1; fi ;;
    esac
    rm -f "/tmp/optic-$name.$$"
done
exit "$failed"
