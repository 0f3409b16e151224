#!/usr/bin/env bash
# The guide's WebSocket flap switch: `day9_ws_flap.sh [seconds]` drops the market connection
# every N seconds (default CHAOS_WS_FLAP_SEC, else 10); `day9_ws_flap.sh off` stops;
# `day9_ws_flap.sh once` drops it once now. Watch: tail -f logs/executor.log | grep -i "ws\|flap"
set -euo pipefail
day9="$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../day9"
arg="${1:-${CHAOS_WS_FLAP_SEC:-10}}"
[ $# -gt 0 ] && shift
exec "$day9" chaos flap "$arg" "$@"
