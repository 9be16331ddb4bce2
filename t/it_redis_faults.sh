#!/bin/bash
# it_redis_faults - Redis killed, stalled and failed over under load
#
# The milter (RedisTimeout 250ms) under the private Postfix; a load client
# sends messages to the MX from outside addresses (127.0.3.x), 20 a
# second, 4 sessions at a time, while Redis fails. 127.0.1.250 is
# quarantined by the operator (isolationctl) and probed afterwards.
# (a) OnStateError tempfail, Redis killed for 2 s: every message gets
#     250 or 4xx (no 5xx), some 4xx during the outage, 250 again after;
#     no session longer than 2 s; enforcement resumes.
# (b) OnStateError continue, Redis paused (CLIENT PAUSE 4 s): every
#     message accepted, none held longer than 1.5 s; the quarantine is
#     enforced again after the pause.
# (d) OnStateError continue, a flaky Redis (paused 400 ms of every second
#     for 12 s): every message accepted; the failure is logged at most once
#     per 10 s, the next line counting the failures in between, not one
#     line per failure and recovery.
# (c) OnStateError continue, a Sentinel failover (primary killed): every
#     message accepted, none longer than 2 s; the quarantine, replicated
#     before, is enforced through the new primary.
. "${srcdir:-$(dirname "$0")/..}/t/lib/harness.sh"
. "$H_SRCDIR/t/lib/load.sh"
h_require redis-server redis-cli
CTL=${H_CTL_BIN:-$top_builddir/milter/isolationctl}
[ -x "$CTL" ] || h_skip "isolationctl not built: $CTL"
PROBE=127.0.1.250
H_LOG_WAIT=3

# quarantine - the operator quarantines PROBE through milter.conf's store
quarantine() {
	"$CTL" -c "$H_DIR/milter.conf" quarantine ip "$PROBE" -t 1h -r test >"$H_DIR/ctl.out" 2>&1 ||
		h_bail "isolationctl quarantine failed: $(cat "$H_DIR/ctl.out")"
}

# load_during NAME SECS CMD... - start the load, run CMD after SECS s, wait
load_during() {
	local name=$1 secs=$2 pid
	shift 2
	ld_run "$H_DIR/$name.txt" --port "$PF_MX_PORT" --count 120 --conc 4 --rate 20 \
		--tag "$name" --ip 127.0.3.% &
	pid=$!
	sleep "$secs"
	"$@"
	wait "$pid"
	ld_summary "$H_DIR/$name.txt"
}

# check_load NAME CODES MAX_MS - every message got CODES, none took longer
check_load() {
	local f=$H_DIR/$1.txt codes=$2 most=$3 n bad
	n=$(wc -l <"$f")
	bad=$(awk -F'\t' -v re="^($codes)\$" '$2 !~ re' "$f" | head -n 3)
	if [ "$n" = 120 ] && [ -z "$bad" ]; then
		h_ok "$1: all 120 messages got $codes"
	else
		h_not_ok "$1: all 120 messages got $codes" "$n lines; $bad"
	fi
	if [ "$(ld_count "$f" '5..')" = 0 ]; then
		h_ok "$1: no 5xx"
	else
		h_not_ok "$1: no 5xx" "$(awk -F'\t' '$2 ~ /^5/' "$f" | head -n 2)"
	fi
	if [ "$(ld_max_ms "$f")" -lt "$most" ]; then
		h_ok "$1: no session longer than $most ms ($(ld_max_ms "$f") ms)"
	else
		h_not_ok "$1: no session longer than $most ms" "$(sort -t$'\t' -k4 -n "$f" | tail -n 2)"
	fi
}

# outage - kill the Redis server, start it again 2 s later
outage() {
	rd_kill main
	sleep 2
	rd_start main "$RD_PORT1"
}

PF_MAIN_EXTRA="smtpd_peername_lookup = no"
export PF_MAIN_EXTRA
rd_start main "$RD_PORT1"
REDIS="RedisServer 127.0.0.1:$RD_PORT1"

# (a) ------------------------------------------------------------------------
h_milter_start "$REDIS" "RedisTimeout 250ms" "OnStateError tempfail"
h_postfix_start
quarantine
h_expect "(a) set-up: the quarantined probe is refused" "550 5.7.1" 'rule=inbound\.quarantined' \
	-- pf-mx "$PROBE" --from someone@outside.test --to bob@example.net
load_during kill 2 outage
check_load kill '250|4..' 2000
if [ "$(ld_count "$H_DIR/kill.txt" '4..')" -gt 0 ]; then
	h_ok "(a) OnStateError tempfail: the outage tempfailed ($(ld_count "$H_DIR/kill.txt" '4..') messages)"
else
	h_not_ok "(a) OnStateError tempfail: the outage tempfailed" "no 4xx"
fi
if [ "$(tail -n 15 "$H_DIR/kill.txt" | awk -F'\t' '$2 == 250' | wc -l)" -ge 12 ]; then
	h_ok "(a) after the outage: accepted again, by itself"
else
	h_not_ok "(a) after the outage: accepted again" "$(tail -n 5 "$H_DIR/kill.txt")"
fi
# a killed Redis without persistence lost the record: the operator's again
quarantine
h_expect "(a) enforcement resumes: the quarantined probe is refused" "550 5.7.1" \
	'rule=inbound\.quarantined' -- pf-mx "$PROBE" --from someone@outside.test --to bob@example.net

# (b) ------------------------------------------------------------------------
h_milter_start "$REDIS" "RedisTimeout 250ms" "OnStateError continue"
pause() {
	timeout 10 redis-cli -h 127.0.0.1 -p "$RD_PORT1" CLIENT PAUSE 4000 ALL >/dev/null 2>&1
}
load_during pause 1.5 pause
check_load pause 250 1500
sleep 3
h_expect "(b) after the pause: the quarantined probe is refused again" "550 5.7.1" \
	'rule=inbound\.quarantined' -- pf-mx "$PROBE" --from someone@outside.test --to bob@example.net

# (d) ------------------------------------------------------------------------
flaky() {
	local i
	for ((i = 0; i < 12; i++)); do
		timeout 5 redis-cli -h 127.0.0.1 -p "$RD_PORT1" CLIENT PAUSE 400 ALL >/dev/null 2>&1
		sleep 1
	done
}
h_milter_start "$REDIS" "RedisTimeout 250ms" "OnStateError continue"
h_mark
ld_run "$H_DIR/flaky.txt" --port "$PF_MX_PORT" --count 120 --conc 4 --rate 10 \
	--tag flaky --ip 127.0.3.% &
load=$!
flaky
wait "$load"
ld_summary "$H_DIR/flaky.txt"
check_load flaky 250 1500
n=$(h_log_since | grep -c 'state store redis failed')
echo "# (d) failure lines: $n; failures counted between them: $(h_log_since |
	sed -n 's/.*(\([0-9]*\) failures since the last such line).*/\1/p' | tr '\n' ' ')"
if [ "$n" -ge 1 ] && [ "$n" -le 2 ]; then
	h_ok "(d) a flaky Redis: $n failure lines in 12 s, not one per failure"
else
	h_not_ok "(d) a flaky Redis: at most one failure line per 10 s" "$n lines: $(h_log_since | grep 'store redis' | head -n 4)"
fi
if [ "$n" = 2 ]; then
	h_expect_log "(d) ... the second counts the failures between" \
		'state store redis failed: .*\([0-9]+ failures since the last such line\)'
fi

# (c) ------------------------------------------------------------------------
h_milter_stop
rd_stop main
rd_start primary "$RD_PORT1"
rd_replica_start replica "$RD_PORT2" "$RD_PORT1"
rd_sentinel_start s1 "$RD_PORT3" iso "$RD_PORT1" 2
rd_sentinel_start s2 "$RD_PORT4" iso "$RD_PORT1" 2
rd_sentinel_start s3 "$RD_PORT5" iso "$RD_PORT1" 2
h_milter_start "RedisSentinels 127.0.0.1:$RD_PORT3 127.0.0.1:$RD_PORT4 127.0.0.1:$RD_PORT5" \
	"RedisMasterName iso" "RedisTimeout 250ms" "OnStateError continue"
quarantine
printf 'WAIT 1 2000\n' | rd_cli "$RD_PORT1" >/dev/null
for ((i = 0; i < 50; i++)); do
	[ "$(rd_cli "$RD_PORT2" EXISTS "iso:q:ip:$PROBE" | tr -d '\r')" = 1 ] && break
	sleep 0.1
done
rd_wait_sentinels "$RD_PORT3" iso 2 1 15 || h_bail "the sentinels did not find each other"
load_during failover 1.5 rd_kill primary
check_load failover 250 2000
if new=$(rd_wait_master "$RD_PORT3" iso "$RD_PORT1" 30); then
	h_ok "(c) the replica on $new was promoted"
else
	h_not_ok "(c) the replica was promoted" "no failover in 30 s"
fi
h_expect "(c) after the failover: the quarantined probe is refused" "550 5.7.1" \
	'rule=inbound\.quarantined' -- pf-mx "$PROBE" --from someone@outside.test --to bob@example.net
if kill -0 "$H_MILTER_PID" 2>/dev/null; then
	h_ok "the milter survived it all"
else
	h_not_ok "the milter survived it all" "gone"
fi
h_done
