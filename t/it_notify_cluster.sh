#!/bin/bash
# it_notify_cluster - the notifier on a cluster: one alert per incident
#
# Two nodes (milter + Postfix each) share one Redis; alerts go through
# node A's Postfix to an smtp-sink. (a) a bot seen by both nodes' MX is
# one incident: the stream holds one quarantine event and one hit, and
# the customer gets one alert; (b) the notifier is down while incidents
# happen: started later, it alerts for each of them (the consumer group
# remembers what was handled); (c) two notifiers in one group, several
# incidents: every incident alerted exactly once, every event's hook
# run exactly once, nothing left pending; (d) the notifiers killed with
# SIGKILL, an incident, a new notifier: it alerts once.
. "${srcdir:-$(dirname "$0")/..}/t/lib/harness.sh"
h_require redis-server redis-cli smtp-sink

CTL=${H_CTL_BIN:-$top_builddir/milter/isolationctl}
[ -x "$CTL" ] || h_skip "isolationctl not built: $CTL"

SINK=$H_DIR/sink
SINK_PORT=$RD_PORT5
HOOKS=$H_DIR/hooks
H_LOG_WAIT=3
SINK_PID=
N1_PID=
N2_PID=
mkdir -p "$SINK" "$HOOKS"
chown postfix "$SINK"
smtp-sink -u postfix -d "$SINK/%H%M%S." "127.0.0.1:$SINK_PORT" 20 \
	</dev/null >"$H_DIR/sink.log" 2>&1 &
SINK_PID=$!
PF_MASTER_EXTRA='smtp      unix  -  -  n  -  -  smtp'
PF_MAIN_EXTRA="default_transport = smtp:[127.0.0.1]:$SINK_PORT
relay_transport = smtp:[127.0.0.1]:$SINK_PORT
smtp_tls_security_level = none"
export PF_MASTER_EXTRA PF_MAIN_EXTRA

# it_cleanup - stop the notifiers and the sink, then the harness's cleanup
it_cleanup() {
	local rc=$?
	h_stop_pid "$N1_PID"
	h_stop_pid "$N2_PID"
	h_stop_pid "$SINK_PID"
	(exit "$rc")
	h__cleanup
}
trap it_cleanup EXIT

cat >"$H_DIR/alert.txt" <<'EOF'
From: abuse@example.net
To: ${to}
Subject: quarantine of ${ip}

${reason}
EOF
cat >"$H_DIR/hook.sh" <<EOF
#!/bin/sh
env | grep '^ISO_' | sort >"$HOOKS/\$(date +%s%N).\$\$"
EOF
chmod 755 "$H_DIR/hook.sh"
printf '127.0.2.0/24 noc@example.net\n' >"$H_DIR/contacts"

rd_start main "$RD_PORT1"
LINES=(
	"RedisServer 127.0.0.1:$RD_PORT1"
	"AlertTemplate $H_DIR/alert.txt"
	"AlertContacts $H_DIR/contacts"
	"AlertLimit off"
	"AlertSendmail /usr/sbin/sendmail -C $H_DIR/postfix -t -i"
	"EventCommand $H_DIR/hook.sh"
)
h_milter_start "${LINES[@]}"
h_postfix_start
h_node2_start "${LINES[@]}"
CONF=$H_DIR/milter.conf

# alerts IP - how many alerts the sink holds for IP
alerts() {
	grep -lx "Subject: quarantine of $1" "$SINK"/* 2>/dev/null | wc -l
}

# wait_alert IP - wait up to 20 s for IP's first alert
wait_alert() {
	local i
	for ((i = 0; i < 200; i++)); do
		[ "$(alerts "$1")" -ge 1 ] && return 0
		sleep 0.1
	done
	return 1
}

# hooks KEY EVENT - how many hook runs saw this key and event
hooks() {
	grep -l "^ISO_KEY=$1\$" "$HOOKS"/* 2>/dev/null |
		xargs -r grep -l "^ISO_EVENT=$2\$" | wc -l
}

# bot IP - IP talks to node A's MX, then to node B's
bot() {
	h_smtp pf-mx "$1" --from x@spam.test --to bob@example.net
	h_smtp pf2-mx "$1" --from x@spam.test --to bob@example.net
}

# notifier NAME - a notifier in the background as consumer NAME; echoes its pid
notifier() {
	"$CTL" -c "$CONF" notify --consumer "$1" >>"$H_DIR/notify-$1.out" 2>&1 </dev/null &
	echo $!
}

# (a) -------------------------------------------------------------------
bot 127.0.2.66
n=$(redis-cli -p "$RD_PORT1" XLEN iso:events | tr -d '\r')
[ "$n" = 2 ] && h_ok "A: both nodes saw the bot: two events in iso:events" ||
	h_not_ok "A: two events in iso:events" "XLEN $n"
types=$(redis-cli -p "$RD_PORT1" XRANGE iso:events - + | tr -d '\r' | grep -A1 -x type | grep -vx -- 'type\|--' | tr '\n' ' ')
[ "$types" = "quarantine hit " ] && h_ok "A: one quarantine, then a hit" ||
	h_not_ok "A: one quarantine, then a hit" "types: $types"

# (b) the notifier was down during (a) and (b) ---------------------------
bot 127.0.2.67
bot 127.0.2.68
N1_PID=$(notifier n1)
for ip in 127.0.2.66 127.0.2.67 127.0.2.68; do
	if wait_alert "$ip" && [ "$(alerts "$ip")" = 1 ]; then
		h_ok "B: a notifier started late alerts $ip once"
	else
		h_not_ok "B: alert for $ip" "$(alerts "$ip") alerts; $(tail -n 5 "$H_DIR/notify-n1.out")"
	fi
done

# (c) two notifiers in one group ----------------------------------------
N2_PID=$(notifier n2)
sleep 1
for i in 70 71 72 73 74 75; do
	bot "127.0.2.$i"
done
ok=1
for i in 70 71 72 73 74 75; do
	wait_alert "127.0.2.$i" || ok=0
done
sleep 2
for i in 66 67 68 70 71 72 73 74 75; do
	[ "$(alerts "127.0.2.$i")" = 1 ] || ok=0
	[ "$(hooks "127.0.2.$i" quarantine)" = 1 ] || ok=0
	[ "$(hooks "127.0.2.$i" hit)" = 1 ] || ok=0
done
if [ "$ok" = 1 ]; then
	h_ok "C: two notifiers, nine incidents: one alert each, each hook once"
else
	h_not_ok "C: one alert per incident with two notifiers" \
		"$(for i in 66 67 68 70 71 72 73 74 75; do printf '%s:%s/%s/%s ' $i "$(alerts "127.0.2.$i")" "$(hooks "127.0.2.$i" quarantine)" "$(hooks "127.0.2.$i" hit)"; done)"
fi
g1=$(grep -c 'alert to=' "$H_DIR/notify-n1.out")
g2=$(grep -c 'alert to=' "$H_DIR/notify-n2.out")
pending=$(redis-cli -p "$RD_PORT1" XPENDING iso:events notify | head -n 1 | tr -d '\r')
[ "$pending" = 0 ] && h_ok "C: every event acknowledged (n1 sent $g1, n2 sent $g2)" ||
	h_not_ok "C: every event acknowledged" "XPENDING: $pending"

# (d) every notifier killed; a new one catches up ---------------------
h_stop_pid "$N2_PID"
N2_PID=
kill -9 "$N1_PID" 2>/dev/null
wait "$N1_PID" 2>/dev/null
bot 127.0.2.80
N1_PID=$(notifier n4)
if wait_alert 127.0.2.80 && [ "$(alerts 127.0.2.80)" = 1 ]; then
	h_ok "D: after kill -9 of the notifiers, a new one alerts the incident once"
else
	h_not_ok "D: incident alerted once" "$(alerts 127.0.2.80) alerts"
fi

h_done
