#!/usr/bin/env bash
# The emergency stop: `day9_emergency_stop.sh ["reason"] [options of 'day9 emergency stop']`.
# Halts every new order (or a scope: --strategy S, --symbol X), makes it durable, turns chaos
# off, cancels open orders, pauses order jobs and verifies. Options: --reduce-only, --flatten,
# --pause-queue, --json, --url. The reason defaults to "emergency stop script".
# Exit 0 VERIFIED, 3 stopped but NOT VERIFIED, 1 refused or unreachable. Uses ADMIN_TOKEN
# (else API_TOKEN) like `./day9 emergency`. Undo with day9_emergency_resume.sh.
set -euo pipefail
day9="$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../day9"
reason="emergency stop script"
if [[ $# -gt 0 && "$1" != -* ]]; then
  reason="$1"
  shift
fi
exec "$day9" emergency stop --reason "$reason" "$@"
