#!/bin/bash
# it_kill - the milter killed (-9) and restarted under Postfix load
#
# A load client sends 200 messages (20 a second, 4 sessions at a time) to the private
# Postfix's MX (milter_default_action = tempfail), which relays what it
# accepts to an smtp-sink on loopback. After the 60th message the milter
# is killed with SIGKILL and started again a second later. Asserted:
# every message the client was told 250 reaches the sink, by its
# X-Load-Id, and nothing else does; every other message got a 4xx (no
# 5xx at all: there is no policy refusal in this mix, so a 5xx would be
# an internal error); the restarted milter serves the rest.
. "${srcdir:-$(dirname "$0")/..}/t/lib/harness.sh"
. "$H_SRCDIR/t/lib/load.sh"

PF_MAIN_EXTRA="smtpd_peername_lookup = no"
h_milter_start
ld_sink_start
h_postfix_start

OUT=$H_DIR/load.txt
ld_run "$OUT" --port "$PF_MX_PORT" --count 200 --conc 4 --rate 20 --tag kill --ip 127.0.1.% &
LOAD=$!
for ((i = 0; i < 600; i++)); do
	[ "$(grep -cE 'smtpd\[[0-9]+\]: connect from' "$H_DIR/postfix/maillog")" -ge 60 ] && break
	sleep 0.05
done
old=$H_MILTER_PID
kill -9 "$old"
wait "$old" 2>/dev/null
h_mark
sleep 1
h__milter_run "$H_DIR/milter.conf" "$H_DIR/milter.log" "$H_MILTER_PORT" H_MILTER_PID
echo "# milter $old killed after ~60 connections; restarted as $H_MILTER_PID"
wait "$LOAD"
ld_summary "$OUT"

total=$(wc -l <"$OUT")
ok=$(ld_count "$OUT" 250)
temp=$(ld_count "$OUT" '4..')
perm=$(ld_count "$OUT" '5..')
if [ "$total" = 200 ]; then
	h_ok "the client finished all 200 messages"
else
	h_not_ok "the client finished all 200 messages" "$total lines; $(head -c 300 "$OUT.err")"
fi
if [ "$perm" = 0 ]; then
	h_ok "no 5xx (an internal error must never refuse for good)"
else
	h_not_ok "no 5xx" "$(awk -F'\t' '$2 ~ /^5/' "$OUT" | head -n 3)"
fi
if [ $((ok + temp)) = "$total" ]; then
	h_ok "every message got 250 or a 4xx ($ok accepted, $temp tempfailed)"
else
	h_not_ok "every message got 250 or a 4xx" "$(awk -F'\t' '$2 !~ /^(250|4..)$/' "$OUT" | head -n 3)"
fi
if [ "$temp" -gt 0 ] && [ "$(ld_count "$OUT" '4..' )" -lt 200 ]; then
	h_ok "the outage was seen (tempfails) and was short ($temp of 200)"
else
	h_not_ok "the outage was seen and was short" "$temp tempfails"
fi
if awk -F'\t' '$2 == 250 { split($1, p, "-"); if (p[2] >= 150) n++ } END { exit !(n >= 40) }' "$OUT"; then
	h_ok "the restarted milter serves: the last 50 messages mostly accepted"
else
	h_not_ok "the restarted milter serves" "$(tail -n 5 "$OUT")"
fi
awk -F'\t' '$2 == 250 { print $1 }' "$OUT" | sort >"$H_DIR/told250"
ld_wait_sink "$ok" 60
ld_sink_ids >"$H_DIR/sunk"
if cmp -s "$H_DIR/told250" "$H_DIR/sunk"; then
	h_ok "the sink holds exactly the $ok messages told 250 (by X-Load-Id)"
else
	h_not_ok "the sink holds exactly the messages told 250" \
		"$(diff "$H_DIR/told250" "$H_DIR/sunk" | head -n 5 | tr '\n' ' ')"
fi
if kill -0 "$H_MILTER_PID" 2>/dev/null; then
	h_ok "the restarted milter is alive"
else
	h_not_ok "the restarted milter is alive" "gone"
fi
h_expect "after the load: a normal session is accepted" 250 "action=accept" \
	-- pf-mx 127.0.1.251 --from someone@outside.test --to bob@example.net
h_done
