#!/usr/bin/env bash
# Resume trading without a restart: `day9_emergency_resume.sh [--strategy S]… [--symbol X]…`.
# Without a scope every stop ends; with one, the stop of exactly that scope. Parked order jobs
# then flow in order. Uses ADMIN_TOKEN (else API_TOKEN) and --url like `./day9 emergency`.
set -euo pipefail
day9="$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../day9"
exec "$day9" emergency resume "$@"
