#!/bin/bash
# it_metrics - the metrics and health endpoint (MetricsListen) on a real
# Postfix
#
# (a) A known set of sessions through Postfix's MX (3 accepted, 2 refused
# by inbound.relay, 1 by inbound.customer_direct, 1 reported by
# inbound.own_domain and accepted); /metrics passes promtool's check and
# its counters are those sessions, one by one (decisions by rule and
# action, sessions, the quarantine written and live). A reload is
# counted and makes a new generation; a failed one keeps it. /health is
# 200 with the generation; other paths 404, other methods 405. Idle
# connections up to the limit do not keep a scrape out for longer than
# the idle timeout. (b) With Redis: /health 503 within RedisTimeout's
# bound once Redis is stopped, /metrics still answers; 200 again once
# Redis is back. (c) MetricsListen unset: nothing listens; a name
# instead of an address is refused by -n; an address in use stops the
# start.
#
# (d) DNS, with a private dnsmasq (H_DNS=1: the test runs in its own mount
# namespace): a DNSBL zone that lists, one that never answers, PTR and
# SPF records; the lookups counted per kind and result, the client's
# batch timed (the hanging zone holds it to the DNSTimeout).
#
# Node 2 is not used here: its milter port (H_MILTER2_PORT, free in the
# test's block of ports) serves the metrics.
#
# (a2) The notifier (isolationctl notify) with NotifyMetricsListen and an
# EventCommand handles the quarantine's event: its own /metrics counts
# the event and the hook run, passes promtool, and has none of the
# daemon's families; its /health is 200; under --once it does not
# listen (a group of its own, which leaves the event to the first).
H_DNS=1
. "${srcdir:-$(dirname "$0")/..}/t/lib/harness.sh"
h_require curl promtool redis-server redis-cli

h_dns_start \
	'HOST client.outside.test 127.0.1.10' \
	'HOST mail.outside.test 127.0.1.30' \
	'HOST listed.outside.test 127.0.1.40' \
	'TXT outside.test "v=spf1 ip4:127.0.1.0/24 -all"' \
	'DNSBL pbl.test 127.0.1.40 127.0.0.10' \
	'TIMEOUT z1.hang.test'

CTL=${H_CTL_BIN:-$top_builddir/milter/isolationctl}
MET_PORT=$H_MILTER2_PORT
MET=http://127.0.0.1:$MET_PORT
LISTEN="MetricsListen 127.0.0.1:$MET_PORT"
OUT=(--from someone@outside.test --to bob@example.net)
H_LOG_WAIT=3

# scrape - GET /metrics into H_DIR/metrics.txt; its HTTP status on stdout
scrape() {
	curl -s --max-time 5 -o "$H_DIR/metrics.txt" -w '%{http_code}' "$MET/metrics"
}

# metric - the value of the sample whose line starts with $1 (a name and
# its labels, exactly as written), or "absent"
metric() {
	awk -v want="$1" '
		index($0, want " ") == 1 { print substr($0, length(want) + 2); found = 1; exit }
		END { if (!found) print "absent" }' "$H_DIR/metrics.txt"
}

# expect_metric - NAME SAMPLE WANT: the last scrape has SAMPLE = WANT
expect_metric() {
	local got
	got=$(metric "$2")
	if [ "$got" = "$3" ]; then
		h_ok "$1"
	else
		h_not_ok "$1" "$2 is '$got', wanted '$3'"
	fi
}

# http_status - METHOD PATH: the status of one request (000: none)
http_status() {
	curl -s --max-time 5 -o /dev/null -w '%{http_code}' -X "$1" "$MET$2"
}

# health - GET /health: body in H_DIR/health.json, status on stdout
health() {
	curl -s --max-time 5 -o "$H_DIR/health.json" -w '%{http_code}' "$MET/health"
}

# verdict - NAME WHY CMD...: ok when CMD succeeds, else not ok with WHY
verdict() {
	local name=$1 why=$2
	shift 2
	if "$@"; then
		h_ok "$name"
	else
		h_not_ok "$name" "$why"
	fi
}

# wait_metric - SAMPLE WANT [SECONDS]: scrape until SAMPLE = WANT, 5 s
# (or SECONDS) at most
wait_metric() {
	local i
	for ((i = 0; i < ${3:-5} * 10; i++)); do
		scrape >/dev/null
		[ "$(metric "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

D='isolation_milter_decisions_total{role="inbound",rule='

# --- (a) the embedded store, a known set of sessions ---
h_milter_start "$LISTEN" "Action.inbound.own_domain report"
h_postfix_start

code=$(health)
if [ "$code" = 200 ] && grep -q '"status":"ok","store":"lmdb","generation":1,' "$H_DIR/health.json"; then
	h_ok "/health: 200, the embedded store, generation 1"
else
	h_not_ok "/health: 200, the embedded store, generation 1" \
		"status $code: $(cat "$H_DIR/health.json" 2>/dev/null)"
fi
scrape >/dev/null
expect_metric "no session yet" isolation_milter_sessions_total 0

for i in 1 2 3; do
	h_expect "accepted session $i" 250 'stage=eom rule=- action=accept ip=127\.0\.1\.10 ' \
		-- pf-mx "$H_IP_OUTSIDER" "${OUT[@]}"
done
for i in 1 2; do
	h_expect "relay refused, session $i" "550 5.7.1" 'rule=inbound\.relay action=reject' \
		-- pf-mx "$H_IP_OUTSIDER" --from someone@outside.test --to friend@other.test
done
h_expect "a customer on the MX is refused" "550 5.7.1" \
	'rule=inbound\.customer_direct action=reject' \
	-- pf-mx "$H_IP_CUSTOMER" "${OUT[@]}"
h_expect "own domain from outside: reported, accepted" 250 \
	'stage=eom rule=- action=accept ip=127\.0\.1\.10 .*from=<alice@example\.net>' \
	-- pf-mx "$H_IP_OUTSIDER" --from alice@example.net --to bob@example.net
h_expect_log "... the report has its decision line" \
	'rule=inbound\.own_domain action=report would=reject'

# the MTA closes its milter connections once the clients said QUIT
if wait_metric isolation_milter_sessions_active 0; then
	h_ok "no session open after the last QUIT"
else
	h_not_ok "no session open after the last QUIT" \
		"sessions_active $(metric isolation_milter_sessions_active)"
fi
code=$(scrape)
verdict "/metrics: 200" "status $code" test "$code" = 200
if out=$(promtool check metrics <"$H_DIR/metrics.txt" 2>&1) && [ -z "$out" ]; then
	h_ok "promtool check metrics: no problem, no lint warning"
else
	h_not_ok "promtool check metrics: no problem, no lint warning" "$out"
fi
expect_metric "3 + 1 accepted" "$D\"-\",action=\"accept\"}" 4
expect_metric "2 refused by inbound.relay" "$D\"inbound.relay\",action=\"reject\"}" 2
expect_metric "1 refused by inbound.customer_direct" \
	"$D\"inbound.customer_direct\",action=\"reject\"}" 1
expect_metric "1 reported by inbound.own_domain" \
	"$D\"inbound.own_domain\",action=\"report\"}" 1
expect_metric "a rule that never fired is there, at 0" \
	"$D\"inbound.auth\",action=\"reject\"}" 0
total=$(awk '/^isolation_milter_decisions_total\{/ { n += $2 } END { print n + 0 }' \
	"$H_DIR/metrics.txt")
verdict "8 decisions in all, one per decision line" "$total" test "$total" = 8
lines=$(grep -c ' rule=.* action=' "$H_DIR/milter.log")
verdict "... as many as the log's decision lines" "$lines lines" test "$lines" = 8
expect_metric "7 sessions" isolation_milter_sessions_total 7
expect_metric "1 IP quarantine written" 'isolation_milter_quarantines_written_total{kind="ip"}' 1
expect_metric "no login quarantine written" 'isolation_milter_quarantines_written_total{kind="login"}' 0
expect_metric "no store error" 'isolation_milter_store_errors_total{op="check"}' 0
checks=$(metric 'isolation_milter_store_requests_total{op="check"}')
count=$(metric 'isolation_milter_store_duration_seconds_count{op="check"}')
if [ "$checks" -gt 0 ] 2>/dev/null && [ "$count" = "$checks" ]; then
	h_ok "store round trips counted and timed ($checks)"
else
	h_not_ok "store round trips counted and timed" "requests $checks, count $count"
fi
expect_metric "... each one within a bucket" \
	'isolation_milter_store_duration_seconds_bucket{op="check",le="+Inf"}' "$checks"
version=$("$H_MILTER_BIN" -V | awk '{ print $2 }')
expect_metric "build_info names the version" \
	"isolation_milter_build_info{version=\"$version\"}" 1
expect_metric "configuration generation 1" isolation_milter_config_generation 1
# the live quarantines are read from the store at most every 10 s: the
# first scrape's 0 may be served until then
if wait_metric 'isolation_milter_quarantines_live{kind="ip"}' 1 12; then
	h_ok "1 live IP quarantine, read from the store (cached 10 s)"
else
	h_not_ok "1 live IP quarantine, read from the store (cached 10 s)" \
		"$(metric 'isolation_milter_quarantines_live{kind="ip"}')"
fi
expect_metric "no live login quarantine" 'isolation_milter_quarantines_live{kind="login"}' 0

# reloads: a valid one is a new generation, an invalid one is counted only
h_mark
h_milter_reload
h_expect_log "a reload" 'reloaded configuration'
scrape >/dev/null
expect_metric "a reload is counted" 'isolation_milter_config_reloads_total{result="ok"}' 1
expect_metric "... and makes generation 2" isolation_milter_config_generation 2
cp "$H_DIR/milter.conf" "$H_DIR/milter.conf.good"
echo "MetricsListen localhost:1" >>"$H_DIR/milter.conf"
h_mark
h_milter_reload
h_expect_log "an invalid reload" 'keeping the running configuration'
cp "$H_DIR/milter.conf.good" "$H_DIR/milter.conf"
scrape >/dev/null
expect_metric "a failed reload is counted" 'isolation_milter_config_reloads_total{result="failed"}' 1
expect_metric "... and keeps generation 2" isolation_milter_config_generation 2
code=$(health)
verdict "/health: generation 2" "$(cat "$H_DIR/health.json")" \
	grep -q '"generation":2,' "$H_DIR/health.json"

code=$(http_status GET /nope)
verdict "another path: 404" "$code" test "$code" = 404
code=$(http_status POST /metrics)
verdict "POST: 405" "$code" test "$code" = 405
code=$(curl -s --max-time 5 -I -o /dev/null -w '%{http_code}' "$MET/metrics")
verdict "HEAD /metrics: 200" "$code" test "$code" = 200

# as many idle connections as the endpoint takes: a scrape gets through
# once the idle ones time out (5 s), not never
fds=()
for i in 1 2 3 4 5 6 7 8; do
	exec {fd}<>"/dev/tcp/127.0.0.1/$MET_PORT" && fds+=("$fd")
done
start=$SECONDS
code=$(curl -s --max-time 15 -o /dev/null -w '%{http_code}' "$MET/health")
took=$((SECONDS - start))
for fd in "${fds[@]}"; do
	exec {fd}>&-
done
if [ "$code" = 200 ] && [ "$took" -le 10 ]; then
	h_ok "8 idle connections hold a scrape ${took}s at most (idle timeout 5 s)"
else
	h_not_ok "8 idle connections hold a scrape 10 s at most" "status $code after ${took}s"
fi
h_milter_stop
h_postfix_stop

# --- (a2) the notifier's own endpoint ---
cp "$H_DIR/milter.conf" "$H_DIR/notify.conf"
printf '%s\n' "NotifyMetricsListen 127.0.0.1:$MET_PORT" "EventCommand /bin/true" \
	>>"$H_DIR/notify.conf"
"$CTL" -c "$H_DIR/notify.conf" notify --once --group once >"$H_DIR/notify-once.out" 2>&1 </dev/null &
once=$!
sleep 0.5
code=$(http_status GET /metrics)
wait "$once"
verdict "notify --once: no endpoint" "status $code" test "$code" = 000
"$CTL" -c "$H_DIR/notify.conf" notify >"$H_DIR/notify.out" 2>&1 </dev/null &
NOTIFY_PID=$!
if wait_metric 'isolation_milter_notify_events_total{type="quarantine"}' 1 10; then
	h_ok "the notifier counts the quarantine event"
else
	h_not_ok "the notifier counts the quarantine event" \
		"$(metric 'isolation_milter_notify_events_total{type="quarantine"}'); $(tail -n 3 "$H_DIR/notify.out")"
fi
expect_metric "... and its EventCommand run" 'isolation_milter_notify_hook_runs_total{result="ok"}' 1
expect_metric "... no alert: no AlertTemplate" 'isolation_milter_notify_alerts_total{result="sent"}' 0
n=$(grep -c '^isolation_milter_decisions_total' "$H_DIR/metrics.txt")
verdict "... none of the daemon's families" "$n decision lines" test "$n" = 0
if out=$(promtool check metrics <"$H_DIR/metrics.txt" 2>&1) && [ -z "$out" ]; then
	h_ok "the notifier's metrics pass promtool"
else
	h_not_ok "the notifier's metrics pass promtool" "$out"
fi
code=$(health)
verdict "the notifier's /health: 200" "status $code: $(cat "$H_DIR/health.json")" \
	grep -q '"status":"ok","store":"lmdb"' "$H_DIR/health.json"
h_stop_pid "$NOTIFY_PID"

# --- (b) Redis: /health follows the store ---
rd_start main "$RD_PORT1"
h_milter_start "$LISTEN" "RedisServer 127.0.0.1:$RD_PORT1" "RedisTimeout 200ms"
code=$(health)
if [ "$code" = 200 ] && grep -q '"status":"ok","store":"redis"' "$H_DIR/health.json"; then
	h_ok "/health with Redis: 200"
else
	h_not_ok "/health with Redis: 200" "status $code: $(cat "$H_DIR/health.json")"
fi
rd_stop main
start=$(date +%s%N)
code=$(health)
ms=$((($(date +%s%N) - start) / 1000000))
if [ "$code" = 503 ] && grep -q '"status":"unavailable","store":"redis"' "$H_DIR/health.json" &&
    grep -q '"error":"' "$H_DIR/health.json"; then
	h_ok "/health with Redis stopped: 503 with why"
else
	h_not_ok "/health with Redis stopped: 503 with why" "status $code: $(cat "$H_DIR/health.json")"
fi
verdict "... within RedisTimeout's bound (${ms} ms)" "${ms} ms" test "$ms" -lt 2000
code=$(scrape)
if [ "$code" = 200 ] && [ "$(metric 'isolation_milter_quarantines_live{kind="ip"}')" = absent ] &&
    [ "$(metric 'isolation_milter_store_errors_total{op="list"}')" -ge 1 ] 2>/dev/null; then
	h_ok "/metrics with Redis stopped: 200, the live quarantines left out"
else
	h_not_ok "/metrics with Redis stopped: 200, the live quarantines left out" \
		"status $code, live $(metric 'isolation_milter_quarantines_live{kind="ip"}')"
fi
if promtool check metrics <"$H_DIR/metrics.txt" >/dev/null 2>&1; then
	h_ok "... and still passes promtool"
else
	h_not_ok "... and still passes promtool" "$(promtool check metrics <"$H_DIR/metrics.txt" 2>&1)"
fi
rd_start main "$RD_PORT1"
code=000
for ((i = 0; i < 50; i++)); do
	code=$(health)
	[ "$code" = 200 ] && break
	sleep 0.1
done
verdict "/health: 200 again once Redis is back" "status $code" test "$code" = 200
h_milter_stop
rd_stop main

# --- (d) DNS lookups by kind and result ---
h_milter_start "$LISTEN" "DNSBL pbl.test=127.0.0.[10..11]" "DNSBL z1.hang.test" \
	"DNSTimeout 2s"
h_postfix_start
h_expect "DNS: a listed zone's silence is no refusal" 250 \
	'stage=eom rule=- action=accept ip=127\.0\.1\.30 ' \
	-- pf-mx 127.0.1.30 --helo mail.outside.test "${OUT[@]}"
h_expect "DNS: a listed client is refused" "550 5.7.1" \
	'rule=inbound\.dynamic_ip action=reject ip=127\.0\.1\.40 ' \
	-- pf-mx 127.0.1.40 --helo listed.outside.test "${OUT[@]}"
scrape >/dev/null
L='isolation_milter_dns_lookups_total{kind='
expect_metric "DNS: one zone listed the client" "${L}\"dnsbl\",result=\"listed\"}" 1
expect_metric "DNS: one zone answered 'not listed'" "${L}\"dnsbl\",result=\"not_listed\"}" 1
z=$(awk '/^isolation_milter_dns_lookups_total\{kind="dnsbl",result="(timeout|cancelled)"\}/ { n += $2 } END { print n + 0 }' \
	"$H_DIR/metrics.txt")
verdict "DNS: the hanging zone timed out (or was not waited for)" "$z" test "$z" = 2
t=$(metric "${L}\"dnsbl\",result=\"timeout\"}")
verdict "DNS: ... timed out at least once" "$t" test "$t" -ge 1
f=$(metric "${L}\"ptr\",result=\"found\"}")
verdict "DNS: a reverse name found" "$f" test "$f" -ge 1
p=$(metric 'isolation_milter_spf_results_total{result="pass"}')
k=$(metric "${L}\"spf\",result=\"ok\"}")
verdict "DNS: SPF pass counted, as an SPF lookup ok" "pass $p, ok $k" \
	test "$p" -ge 1 -a "$p" = "$k"
expect_metric "DNS: two client batches timed" \
	'isolation_milter_dns_duration_seconds_count{batch="client"}' 2
expect_metric "DNS: ... both within 5 s" \
	'isolation_milter_dns_duration_seconds_bucket{batch="client",le="5"}' 2
b=$(metric 'isolation_milter_dns_duration_seconds_bucket{batch="client",le="1"}')
verdict "DNS: ... one held past 1 s by the silent zone" "$b" test "$b" -le 1
expect_metric "DNS: inbound.dynamic_ip's refusal counted" \
	'isolation_milter_decisions_total{role="inbound",rule="inbound.dynamic_ip",action="reject"}' 1
if out=$(promtool check metrics <"$H_DIR/metrics.txt" 2>&1) && [ -z "$out" ]; then
	h_ok "DNS: promtool check metrics"
else
	h_not_ok "DNS: promtool check metrics" "$out"
fi
h_milter_stop
h_postfix_stop

# --- (c) off by default, checked like every key ---
h_milter_start
code=$(http_status GET /metrics)
if [ "$code" = 000 ] && ! ss -Hltn "sport = :$MET_PORT" | grep -q .; then
	h_ok "MetricsListen unset: nothing listens"
else
	h_not_ok "MetricsListen unset: nothing listens" "status $code; $(ss -Hltn "sport = :$MET_PORT")"
fi
h_milter_stop
cp "$H_DIR/milter.conf" "$H_DIR/bad.conf"
echo "MetricsListen localhost:$MET_PORT" >>"$H_DIR/bad.conf"
if out=$("$H_MILTER_BIN" -n -c "$H_DIR/bad.conf" 2>&1); then
	h_not_ok "a host name is refused by -n" "$out"
else
	case $out in
	*"bad.conf:"*"MetricsListen: \"localhost:$MET_PORT\" is not IP:PORT"*)
		h_ok "a host name is refused by -n, with file:line" ;;
	*) h_not_ok "a host name is refused by -n, with file:line" "$out" ;;
	esac
fi
# an address in use (Postfix's MX) stops the start, which says why
# shellcheck disable=SC2031 # PF_MX_PORT is the harness's, set once
busy=$PF_MX_PORT
cp "$H_DIR/milter.conf" "$H_DIR/busy.conf"
sed -i "s/^Socket .*/Socket inet:$MET_PORT@127.0.0.1/" "$H_DIR/busy.conf"
echo "MetricsListen 127.0.0.1:$busy" >>"$H_DIR/busy.conf"
h_postfix_start
out=$(timeout 20 "$H_MILTER_BIN" -f -c "$H_DIR/busy.conf" 2>&1)
rc=$?
case $rc:$out in
1:*"MetricsListen: cannot listen on 127.0.0.1:$busy"*)
	h_ok "an address in use stops the start" ;;
*) h_not_ok "an address in use stops the start" "exit $rc: $out" ;;
esac
h_postfix_stop

h_done
