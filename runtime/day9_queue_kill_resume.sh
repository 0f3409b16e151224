#!/usr/bin/env bash
# The guide's queue crash drill: enqueue up to N jobs, kill -9 the executor mid-processing (while
# producers are still enqueuing: the output says how many of the N were acknowledged by then),
# restart it, verify every acknowledged job was processed. Its temp directory is removed at the
# end (--dir DIR keeps one). Options: --jobs N --work-ms M --kill-at 0.3 --dir DIR
exec "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../day9" queue kill-resume "$@"
