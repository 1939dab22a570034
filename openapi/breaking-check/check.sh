#!/usr/bin/env bash
# Compares openapi/sequin.v1.json with the newest contract in openapi/released/ (by semantic version) and fails on a
# change that would break a client written against it. Offline: Optic's telemetry is off and nothing is uploaded.
# How to release a deliberate breaking change: docs/api-evolution.md.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
export OPTIC_TELEMETRY_LEVEL=off
RELEASED="$(find "$HERE/../released" -name 'sequin.v*.json' | sort -V | tail -n 1)"
[[ -n "$RELEASED" ]] || { echo "no released contract in openapi/released/" >&2; exit 1; }
CURRENT="${1:-$HERE/../sequin.v1.json}"
echo "breaking-change check: $(basename "$RELEASED") -> $(basename "$CURRENT")"
cd "$HERE"
exec npx --no-install optic diff "$RELEASED" "$CURRENT" --check --standard ./standard.yml --severity error
