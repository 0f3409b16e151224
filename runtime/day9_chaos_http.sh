#!/usr/bin/env bash
# The guide's HTTP chaos switch: `day9_chaos_http.sh on|off [day9 chaos on options]`.
# on  = the guide's {"httpErrorPct":15,"latencyMs":200}; override with CHAOS_HTTP_ERROR_PCT /
#       CHAOS_HTTP_LATENCY_MS in the environment, or options such as --error-pct 5
#       --routes /api/private/queue/** --ramp-sec 60 --ttl-sec 300.
# off = every fault off. Uses ADMIN_TOKEN (else API_TOKEN) and --url like `./day9 chaos`.
set -euo pipefail
day9="$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../day9"
case "${1:-}" in
  on)
    shift
    defaults=()
    [[ " $* " == *" --error-pct"* ]] || defaults+=(--error-pct "${CHAOS_HTTP_ERROR_PCT:-15}")
    [[ " $* " == *" --latency-ms"* ]] || defaults+=(--latency-ms "${CHAOS_HTTP_LATENCY_MS:-200}")
    exec "$day9" chaos on "${defaults[@]}" "$@" ;;
  off)
    shift
    exec "$day9" chaos off "$@" ;;
  *)
    echo "usage: $(basename "$0") on|off [options of 'day9 chaos on']" >&2
    exit 2 ;;
esac
