#!/usr/bin/env bash
# The guide's snapshot script: ask the running executor for a state snapshot now; prints the file,
# its size and its SHA-256. Options: --name NAME (default state) --url URL --raw
# Sends ADMIN_TOKEN when set, else API_TOKEN, from the environment or ./.env; one line and exit 1
# when no executor answers. See docs/snapshots.md for list, verify, restore and prune.
exec "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../day9" snapshot once "$@"
