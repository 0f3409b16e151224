#!/usr/bin/env bash
# End-to-end check of the README's run command: `./day9 serve` from a fresh directory answers
# the guide's own health command, passes the operator scripts (shadow smoke, chaos on/off, the
# shipped flap experiment), refuses a bad configuration naming the variable, stops with exit 0
# on SIGTERM, and survives the kill-resume drill. Called by ./test after the Maven tests.
set -uo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
work="$(mktemp -d)"
passed=0
failed=0
check() { # name, command...
  local name="$1"; shift
  if "$@"; then passed=$((passed + 1)); echo "smoke: ok   $name"
  else failed=$((failed + 1)); echo "smoke: FAIL $name"; fi
}

# The token the routes need, picked as the CLI picks it: ADMIN_TOKEN when set (it opens every
# route), else API_TOKEN, else READ_TOKEN (every curl here is a read). None set: the service
# runs with loopback trust, as the guide's tokenless curls expect. The service started below
# inherits the same variables, so they always match.
token="${ADMIN_TOKEN:-${API_TOKEN:-${READ_TOKEN:-}}}"
api() { # curl -s with the picked token, if any
  if [ -n "$token" ]; then curl -s -H "Authorization: Bearer $token" "$@"; else curl -s "$@"; fi
}

# whatever happens, leave no JVM behind
trap 'kill -9 ${pid:-} ${pid2:-} ${sim_pid:-} 2>/dev/null; true' EXIT

cd "$work"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
PORT="$port" "$root/day9" serve >serve.out 2>&1 &
pid=$!
for _ in $(seq 1 150); do
  curl -sf "http://localhost:$port/readyz" >/dev/null 2>&1 && break
  sleep 0.2
done
health="$(api "http://localhost:$port/api/private/health")"
check "the guide's health curl shows component status" \
  grep -q '"components":{.*"audit":{"status":"UP"' <<<"$health"
check "logs/executor.log is written in the working directory" test -s logs/executor.log
book="$(api "http://localhost:$port/api/private/market/book?symbol=BTCUSDT&limit=5")"
check "a live BTCUSDT book from the embedded simulator" grep -q '"synced":true' <<<"$book"
check "the market component is healthy" grep -q '"market":{"status":"UP"' <<<"$health"
check "ws events are in the log for the guide's grep" grep -qi "ws connected" logs/executor.log
check "runtime/audit exists with mode 0700" \
  test "$(stat -c %a runtime/audit 2>/dev/null)" = 700
# the operator scripts against this running service (they find it through PORT)
smoke="$(PORT="$port" "$root/runtime/day9_shadow_smoke.sh" 2>&1)"; code=$?
echo "$smoke" | sed 's/^/    /'
check "runtime/day9_shadow_smoke.sh: shadow orders of each type move metrics, trail and positions (exit $code)" \
  test "$code" -eq 0
PORT="$port" "$root/runtime/day9_chaos_http.sh" on --routes '/api/private/queue/**' >/dev/null 2>&1
state="$(api "http://localhost:$port/api/private/chaos")"
check "runtime/day9_chaos_http.sh on turns HTTP chaos on" grep -q '"httpErrorPct":15' <<<"$state"
PORT="$port" "$root/runtime/day9_chaos_http.sh" off >/dev/null 2>&1
state="$(api "http://localhost:$port/api/private/chaos")"
check "runtime/day9_chaos_http.sh off turns it off" grep -q '"httpErrorPct":0' <<<"$state"
exp="$(PORT="$port" "$root/day9" chaos run "$root/experiments/ws-flap-recovery.yaml" \
  --report-dir "$work/reports" 2>&1)"; code=$?
echo "$exp" | tail -4 | sed 's/^/    /'
check "the shipped ws-flap-recovery experiment passes and writes its report (exit $code)" \
  bash -c "[ $code -eq 0 ] && ls '$work/reports'/*.md >/dev/null"
check "flaps and recoveries are in the log for the guide's grep" \
  bash -c "grep -i ws logs/executor.log | grep -qi flap"
kill -TERM "$pid"
wait "$pid"; code=$?
check "SIGTERM stops it with exit 0 (got $code)" test "$code" -eq 0
out="$(CHAOS_HTTP_ERROR_PCT=150 "$root/day9" serve 2>&1)"; code=$?
check "a bad value refuses to start, naming it (exit $code)" \
  bash -c "[ $code -eq 2 ] && grep -q 'CHAOS_HTTP_ERROR_PCT=150 is invalid' <<<'$out'"
check "./day9 --version works from another directory" \
  bash -c "cd / && '$root/day9' --version | grep -q '^day9 '"

# two processes: the simulator on its own, an executor pointed at it
sim_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
"$root/day9" sim-exchange --port "$sim_port" >sim.out 2>&1 &
sim_pid=$!
port2="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
# a simple command in the background, so $! is the JVM itself (a subshell would get the signal
# and leave the JVM running)
mkdir -p two && cd two
MARKET_SOURCE=binance-testnet MARKET_REST_URL="http://127.0.0.1:$sim_port" \
  MARKET_WS_URL="ws://127.0.0.1:$sim_port" PORT="$port2" "$root/day9" serve >serve.out 2>&1 &
pid2=$!
cd "$work"
for _ in $(seq 1 150); do
  curl -sf "http://localhost:$port2/readyz" >/dev/null 2>&1 && break
  sleep 0.2
done
sleep 1
book2="$(api "http://localhost:$port2/api/private/market/book?symbol=ETHUSDT&limit=3")"
check "an executor in another process keeps the standalone simulator's book" \
  grep -q '"synced":true' <<<"$book2"
kill -TERM "$pid2" 2>/dev/null; wait "$pid2"; code=$?
check "the second executor stops on SIGTERM with exit 0 (got $code)" test "$code" -eq 0
kill -TERM "$sim_pid" 2>/dev/null; wait "$sim_pid" 2>/dev/null

drill="$("$root/runtime/day9_queue_kill_resume.sh" --jobs 300 --dir "$work/drill" 2>&1)"; code=$?
echo "$drill" | sed 's/^/    /'
check "the guide's kill-resume drill loses nothing (exit $code)" \
  bash -c "[ $code -eq 0 ] && grep -q 'acknowledged but missing 0' <<<'$drill'"

[ "$failed" -eq 0 ] || { echo "--- serve.out"; cat serve.out; }
rm -rf "$work"
echo "smoke: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
