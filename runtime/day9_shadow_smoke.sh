#!/usr/bin/env bash
# The guide's shadow smoke test: place a handful of shadow orders of each type against the running
# executor, then check that metrics, today's trail file and positions moved; exits non-zero if not.
# Options: --url URL --symbol BTCUSDT --quantity 0.001 --strategy smoke --shadow-dir DIR
# Sends ADMIN_TOKEN when set (shadow orders may be admin-only), else API_TOKEN, from the
# environment or ./.env; one line and exit 1 when no executor answers.
exec "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../day9" shadow smoke "$@"
