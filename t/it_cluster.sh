#!/bin/bash
# it_cluster - two nodes sharing one Redis; Redis killed, stalled, failed over
#
# Node A (milter + Postfix) and node B (milter2 + Postfix2) share a real
# redis-server on loopback. (a) a bot caught on A's MX is refused on B's
# submission, and a login's rate limit counts across both; (b) Redis
# killed during a stream of sessions: no crash, OnStateError decides,
# enforcement comes back by itself; (c) Redis stalled: sessions wait no
# longer than RedisTimeout; (d) a primary, a replica and three
# sentinels: the primary killed, quarantines are still enforced and
# written. Also: the Redis round trips one message costs.
. "${srcdir:-$(dirname "$0")/..}/t/lib/harness.sh"
h_require redis-server redis-cli

ALICE=(--auth PLAIN --auth-user alice@example.net --auth-password alice-secret)
REDIS="RedisServer 127.0.0.1:$RD_PORT1"
H_LOG_WAIT=3

# rkey - a value read with redis-cli from port $1, without CR
rkey() { rd_cli "$@" 2>/dev/null | tr -d '\r'; }

# expect_redis - NAME PORT WANT COMMAND...: Redis answers WANT
expect_redis() {
	local name=$1 port=$2 want=$3 got
	shift 3
	got=$(rkey "$port" "$@")
	if [ "$got" = "$want" ]; then
		h_ok "$name"
	else
		h_not_ok "$name" "$* on $port: '$got', wanted '$want'"
	fi
}

# script_calls - the script calls Redis on port $1 ran since CONFIG RESETSTAT
script_calls() {
	rd_cli "$1" INFO commandstats | tr -d '\r' |
		awk -F'[:=,]' '/^cmdstat_(evalsha|eval|fcall):/ { n += $3 } END { print n + 0 }'
}

rd_start main "$RD_PORT1" --enable-debug-command yes

# (a) ---------------------------------------------------------------------
h_milter_start "$REDIS" "RateLimit login messages 3/1h" "RateLimit login recipients 100/1h"
h_postfix_start
h_node2_start "$REDIS" "RateLimit login messages 3/1h" "RateLimit login recipients 100/1h"

timeout 10 redis-cli -h 127.0.0.1 -p "$RD_PORT1" SUBSCRIBE iso:events >"$H_DIR/events.txt" 2>&1 &
SUB_PID=$!
sleep 0.3
h_expect "A: a bot on node A's MX is refused and quarantined" "550 5.7.1" \
	'quarantine ip=127\.0\.2\.66 rule=inbound\.customer_direct hits=1' \
	-- pf-mx 127.0.2.66 --from bot@spam.test --to bob@example.net
expect_redis "A: the quarantine record is in Redis (iso:q:ip:127.0.2.66)" \
	"$RD_PORT1" inbound.customer_direct HGET iso:q:ip:127.0.2.66 rule
H_LOG=$H_DIR/milter2.log
h_expect "B: the same IP is refused on node B's submission at once" "550 5.7.1" \
	'rule=outbound\.quarantined action=reject ip=127\.0\.2\.66 ' \
	-- pf2-sub 127.0.2.66 --from bob@example.net --to friend@other.test \
	--auth PLAIN --auth-user bob@example.net --auth-password bob-secret
H_LOG=$H_DIR/milter.log
h_stop_pid "$SUB_PID"
if grep -q 'event=quarantine kind=ip key=127.0.2.66 rule=inbound.customer_direct' "$H_DIR/events.txt"; then
	h_ok "A: the quarantine is published on iso:events"
else
	h_not_ok "A: the quarantine is published on iso:events" "$(cat "$H_DIR/events.txt")"
fi

# the rate limit of a login, counted on both nodes
h_expect "rate: alice's 1st message, on A" 250 "" \
	-- pf-sub 127.0.4.1 --from alice@example.net --to friend@other.test "${ALICE[@]}"
h_expect "rate: alice's 2nd message, on B" 250 "" \
	-- pf2-sub 127.0.4.2 --from alice@example.net --to friend@other.test "${ALICE[@]}"
h_expect "rate: alice's 3rd message, on A" 250 "" \
	-- pf-sub 127.0.4.3 --from alice@example.net --to friend@other.test "${ALICE[@]}"
H_LOG=$H_DIR/milter2.log
h_expect "rate: the 4th, on B, is over the shared limit: 451 4.7.1" "451 4.7.1" \
	'rule=outbound\.rate action=tempfail .*reason="451 4\.7\.1 sending rate limit reached; try again later \(login alice@example\.net: more than 3 messages in 60 min; try again in [0-9]+ min\)' \
	-- pf2-sub 127.0.4.4 --from alice@example.net --to friend@other.test "${ALICE[@]}"
H_LOG=$H_DIR/milter.log
expect_redis "rate: Redis holds one counter for both nodes (4)" \
	"$RD_PORT1" 4 GET iso:r:login:messages:3600000:alice@example.net

# what a message costs: one script call per stage that needs the store
rd_cli "$RD_PORT1" CONFIG RESETSTAT >/dev/null
h_smtp pf-sub 127.0.4.5 --from carol@example.net --to a@other.test,b@other.test \
	--auth LOGIN --auth-user carol --auth-password carol-secret
calls=$(script_calls "$RD_PORT1")
if [ "$H_CODE" = 250 ] && [ "$calls" = 3 ]; then
	h_ok "cost: a submitted message with 2 recipients = 3 round trips (MAIL + 2 RCPT)"
else
	h_not_ok "cost: a submitted message with 2 recipients = 3 round trips" "reply $H_REPLY, $calls script calls"
fi
rd_cli "$RD_PORT1" CONFIG RESETSTAT >/dev/null
h_smtp pf-mx 127.0.1.5 --from someone@outside.test --to bob@example.net
calls=$(script_calls "$RD_PORT1")
if [ "$H_CODE" = 250 ] && [ "$calls" = 1 ]; then
	h_ok "cost: a message on the MX = 1 round trip (MAIL)"
else
	h_not_ok "cost: a message on the MX = 1 round trip" "reply $H_REPLY, $calls script calls"
fi
h_node2_stop

# (b) ---------------------------------------------------------------------
# A stream of submissions; Redis is killed after the 4th.
stream() {
	local i
	for ((i = 1; i <= 12; i++)); do
		h_smtp pf-sub "127.0.4.$((20 + i))" --from alice@example.net \
			--to friend@other.test "${ALICE[@]}" >/dev/null 2>&1
		echo "$H_CODE" >>"$H_DIR/stream.txt"
	done
}
h_milter_start "$REDIS"
: >"$H_DIR/stream.txt"
h_mark
stream &
STREAM=$!
for ((i = 0; i < 300; i++)); do
	[ "$(wc -l <"$H_DIR/stream.txt")" -ge 4 ] && break
	sleep 0.1
done
rd_kill main
wait "$STREAM"
if kill -0 "$H_MILTER_PID" 2>/dev/null; then
	h_ok "Redis killed mid-stream: the milter keeps running"
else
	h_not_ok "Redis killed mid-stream: the milter keeps running" "milter gone"
fi
if [ "$(grep -c '^250$' "$H_DIR/stream.txt")" = 12 ]; then
	h_ok "OnStateError continue: all 12 sessions accepted"
else
	h_not_ok "OnStateError continue: all 12 sessions accepted" "$(tr '\n' ' ' <"$H_DIR/stream.txt")"
fi
if [ "$(h_log_since | grep -c 'state store redis failed')" = 1 ]; then
	h_ok "the outage is logged once, not per message"
else
	h_not_ok "the outage is logged once, not per message" "$(h_log_since | grep -c 'state store redis failed') lines"
fi
h_expect "Redis down: a bot on the MX is still refused (no state needed)" "550 5.7.1" \
	'rule=inbound\.customer_direct action=reject' \
	-- pf-mx 127.0.2.67 --from bot@spam.test --to bob@example.net
rd_start main "$RD_PORT1" --enable-debug-command yes
h_expect "Redis back: the next bot is quarantined again, by itself" "550 5.7.1" \
	'quarantine ip=127\.0\.2\.68 rule=inbound\.customer_direct' \
	-- pf-mx 127.0.2.68 --from bot@spam.test --to bob@example.net
h_expect_log "... and the recovery is logged" 'state store redis answers again'
h_expect "Redis back: and refused on submission" "550 5.7.1" \
	'rule=outbound\.quarantined .*ip=127\.0\.2\.68 ' \
	-- pf-sub 127.0.2.68 --from alice@example.net --to friend@other.test "${ALICE[@]}"

h_milter_start "$REDIS" "OnStateError tempfail"
rd_kill main
h_expect "OnStateError tempfail: Redis down, submission tempfails" "451 4.3.0" \
	'rule=outbound\.quarantined action=tempfail' \
	-- pf-sub 127.0.4.40 --from alice@example.net --to friend@other.test "${ALICE[@]}"
rd_start main "$RD_PORT1" --enable-debug-command yes
h_expect "OnStateError tempfail: Redis back, submission accepted" 250 \
	'action=accept ip=127\.0\.4\.41 ' \
	-- pf-sub 127.0.4.41 --from alice@example.net --to friend@other.test "${ALICE[@]}"

# (c) ---------------------------------------------------------------------
# Redis answers nothing for 6 s; RedisTimeout 250ms. A session that waited
# for Redis would take 5.7 s or more (it starts 0.3 s into the stall); the
# bound, 5 s, leaves the rest to a loaded host.
h_milter_start "$REDIS" "RedisTimeout 250ms" "RateLimit login recipients 100/1h"
for stall in "CLIENT PAUSE 6000 ALL" "DEBUG SLEEP 6"; do
	timeout 10 redis-cli -h 127.0.0.1 -p "$RD_PORT1" $stall >/dev/null 2>&1 &
	STALL=$!
	sleep 0.3
	start=$(date +%s%N)
	h_smtp pf-sub 127.0.4.50 --from alice@example.net --to friend@other.test "${ALICE[@]}"
	ms=$((($(date +%s%N) - start) / 1000000))
	if [ "$H_CODE" = 250 ] && [ "$ms" -lt 5000 ]; then
		h_ok "$stall: the session finished in ${ms} ms, accepted (continue)"
	else
		h_not_ok "$stall: the session is not held by Redis" "reply $H_REPLY after $ms ms"
	fi
	wait "$STALL"
done

# (d) ---------------------------------------------------------------------
h_milter_stop
rd_stop main
rd_start primary "$RD_PORT1"
rd_replica_start replica "$RD_PORT2" "$RD_PORT1"
rd_sentinel_start s1 "$RD_PORT3" iso "$RD_PORT1" 2
rd_sentinel_start s2 "$RD_PORT4" iso "$RD_PORT1" 2
rd_sentinel_start s3 "$RD_PORT5" iso "$RD_PORT1" 2
h_milter_start "RedisSentinels 127.0.0.1:$RD_PORT3 127.0.0.1:$RD_PORT4 127.0.0.1:$RD_PORT5" \
	"RedisMasterName iso"
h_expect "Sentinel: a bot is quarantined through the discovered primary" "550 5.7.1" \
	'quarantine ip=127\.0\.2\.70 rule=inbound\.customer_direct' \
	-- pf-mx 127.0.2.70 --from bot@spam.test --to bob@example.net
for ((i = 0; i < 50; i++)); do
	[ "$(rkey "$RD_PORT2" EXISTS iso:q:ip:127.0.2.70)" = 1 ] && break
	sleep 0.1
done
rd_wait_sentinels "$RD_PORT3" iso 2 1 15 || h_bail "the sentinels did not find each other"
rd_kill primary
if new=$(rd_wait_master "$RD_PORT3" iso "$RD_PORT1" 30); then
	h_ok "Sentinel: the replica on $new is promoted"
else
	h_not_ok "Sentinel: the replica is promoted" "no failover in 30 s"
fi
h_expect "after failover: the quarantine is still enforced" "550 5.7.1" \
	'rule=outbound\.quarantined action=reject ip=127\.0\.2\.70 ' \
	-- pf-sub 127.0.2.70 --from alice@example.net --to friend@other.test "${ALICE[@]}"
h_expect "after failover: a new bot is quarantined on the new primary" "550 5.7.1" \
	'quarantine ip=127\.0\.2\.71 rule=inbound\.customer_direct' \
	-- pf-mx 127.0.2.71 --from bot@spam.test --to bob@example.net
expect_redis "after failover: the record is on the new primary" \
	"$RD_PORT2" inbound.customer_direct HGET iso:q:ip:127.0.2.71 rule

h_done
