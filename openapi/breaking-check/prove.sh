#!/usr/bin/env bash
# Proves that the check can fail: each fixture under fixtures/ changes fixtures/base.json in one way; the ones named
# breaking-* must fail the check and the ones named compatible-* must pass it. Same decision as check.sh
# (optic-check.sh). A compatible-added-enum-value-* fixture must also show that Optic flagged the added value and the
# check tolerated it, so that it keeps proving the tolerance.
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source=optic-check.sh
source "$HERE/optic-check.sh"
cd "$HERE"
failed=0
out="$(mktemp "${TMPDIR:-/tmp}/breaking-prove.XXXXXX")"
for fixture in fixtures/breaking-*.json fixtures/compatible-*.json; do
    name="$(basename "$fixture" .json)"
    optic_check fixtures/base.json "$fixture" >"$out" 2>&1
    rc=$?
    refusal="$(grep -m1 -A2 '^  BREAKING' "$out" | tail -n 1 | sed 's/^ *//')"
    more=$(( $(grep -c '^  BREAKING' "$out") - 1 )); [[ $more -gt 0 ]] && refusal="$refusal (and $more more)"
    tolerance="$(grep -m1 '^  tolerated:' "$out" | sed 's/^ *//')"
    case "$name" in
        breaking-*)
            if [[ $rc -eq 1 ]]; then echo "  ok   $name is refused: $refusal"
            else echo "  FAIL $name was not refused (exit $rc)"; cat "$out"; failed=1; fi ;;
        compatible-added-enum-value-*)
            if [[ $rc -eq 0 && -n "$tolerance" ]]; then echo "  ok   $name passes, $tolerance"
            else echo "  FAIL $name was refused, or Optic no longer flags it (exit $rc)"; cat "$out"; failed=1; fi ;;
        compatible-*)
            if [[ $rc -eq 0 ]]; then echo "  ok   $name passes"
            else echo "  FAIL $name was refused (exit $rc)"; cat "$out"; failed=1; fi ;;
    esac
done
rm -f "$out"
exit "$failed"
