#!/usr/bin/env bash
# The guide's queue crash drill: enqueue jobs, kill -9 the executor mid-processing, restart it,
# verify every acknowledged job was processed. Options: --jobs N --work-ms M --kill-at 0.3
exec "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../day9" queue kill-resume "$@"
