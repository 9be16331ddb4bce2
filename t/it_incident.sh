#!/bin/bash
# it_incident - the incident loop on one server: isolate, tell, restore
#
# One milter on its embedded store (the StateFile, LMDB), a private
# Postfix in front of it whose every delivery, the alerts included, goes
# to an smtp-sink on loopback. alice logs in from a customer address;
# the same address then talks SMTP to the MX like a bot: quarantined;
# the milter is restarted and the quarantine holds; the notifier sends
# one alert (the rendered template, through Postfix's own sendmail) to
# alice, the login last seen on that address, and runs the EventCommand
# hook; alice may still write to abuse@ and postmaster@ (walled garden),
# nobody else; isolationctl release lifts it and mail flows. A repeat
# incident doubles the TTL (QuarantineEscalation) and alerts again.
# Self-service release codes: right once, wrong / other-incident /
# reused refused. kill -9 of the milter under load loses no reported
# quarantine. Hostile input: broken templates and contact files refused
# with file:line, a hanging and a flooding hook bounded, CR/LF in event
# fields never becomes a header of the alert.
. "${srcdir:-$(dirname "$0")/..}/t/lib/harness.sh"
h_require smtp-sink

CTL=${H_CTL_BIN:-$top_builddir/milter/isolationctl}
[ -x "$CTL" ] || h_skip "isolationctl not built: $CTL"

ALICE=(--auth PLAIN --auth-user alice@example.net --auth-password alice-secret)
CONF=$H_DIR/milter.conf
BOT=127.0.2.66
SINK=$H_DIR/sink
SINK_PORT=$RD_PORT5
HOOKS=$H_DIR/hooks
H_LOG_WAIT=4
SINK_PID=

mkdir -p "$SINK" "$HOOKS"
chown postfix "$SINK"

# The alert MTA: Postfix delivers everything to an smtp-sink that keeps
# one file per message.
smtp-sink -u postfix -d "$SINK/%H%M%S." "127.0.0.1:$SINK_PORT" 20 \
	</dev/null >"$H_DIR/sink.log" 2>&1 &
SINK_PID=$!
PF_MASTER_EXTRA='smtp      unix  -  -  n  -  -  smtp'
PF_MAIN_EXTRA="default_transport = smtp:[127.0.0.1]:$SINK_PORT
relay_transport = smtp:[127.0.0.1]:$SINK_PORT
smtp_tls_security_level = none
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s"
export PF_MASTER_EXTRA PF_MAIN_EXTRA

# it_cleanup - stop the sink, then the harness's own cleanup
it_cleanup() {
	local rc=$?
	h_stop_pid "$SINK_PID"
	(exit "$rc")
	h__cleanup
}
trap it_cleanup EXIT

head -c 32 /dev/urandom | base64 >"$H_DIR/secret"
chmod 600 "$H_DIR/secret"
cat >"$H_DIR/alert.txt" <<'EOF'
# the test's template: one value per body line
From: Abuse desk <abuse@example.net>
To: ${to}
Subject: quarantine of ${ip} (incident for ${login})

ip=${ip}
login=${login}
rule=${rule}
reason=${reason}
evidence=${evidence}
expires=${expires}
support=${support}
code=${release_code}
EOF
# The hook records its environment, one file per run.
cat >"$H_DIR/hook.sh" <<EOF
#!/bin/sh
env | grep '^ISO_' | sort >"$HOOKS/\$(date +%s%N)"
EOF
chmod 755 "$H_DIR/hook.sh"

LINES=(
	"QuarantineTTL 1h"
	"QuarantineEscalation 2x up to 7d"
	"SupportContact https://help.example.net/quarantine"
	"AlertTemplate $H_DIR/alert.txt"
	"AlertSendmail /usr/sbin/sendmail -C $H_DIR/postfix -t -i"
	"EventCommand $H_DIR/hook.sh"
	"ReleaseSecret file:$H_DIR/secret"
)

# ctl - run isolationctl on the milter's config; status CTL_RC, output ctl.out
ctl() {
	"$CTL" -c "$CONF" "$@" >"$H_DIR/ctl.out" 2>&1 </dev/null
	CTL_RC=$?
}

# expect_ctl NAME STATUS [REGEX...] -- ARG...
expect_ctl() {
	local name=$1 want=$2 re res=()
	shift 2
	while [ "$#" -gt 0 ] && [ "$1" != -- ]; do
		res+=("$1")
		shift
	done
	shift
	ctl "$@"
	if [ "$CTL_RC" != "$want" ]; then
		h_not_ok "$name" "exit $CTL_RC, wanted $want: $(head -c 600 "$H_DIR/ctl.out")"
		return
	fi
	for re in "${res[@]}"; do
		if ! grep -Eq -- "$re" "$H_DIR/ctl.out"; then
			h_not_ok "$name" "no line /$re/ in: $(head -c 600 "$H_DIR/ctl.out")"
			return
		fi
	done
	h_ok "$name"
}

# alerts - how many alert messages the sink holds for $1 (a Subject word)
alerts() {
	grep -l "^Subject: quarantine of $1" "$SINK"/* 2>/dev/null | wc -l
}

# wait_alerts N WORD - wait up to 20 s until the sink holds N alerts
wait_alerts() {
	local i
	for ((i = 0; i < 200; i++)); do
		[ "$(alerts "$2")" -ge "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

# last_alert WORD - the newest alert file for WORD (the sink's file names
# hold the second only: by modification time)
last_alert() {
	grep -l "^Subject: quarantine of $1" "$SINK"/* 2>/dev/null | xargs -r ls -t | head -n 1
}

# notify_once - one pass of the notifier; its output in notify.out
notify_once() {
	"$CTL" -c "$CONF" notify --once >>"$H_DIR/notify.out" 2>&1 </dev/null
}

# hooks_with REGEX - how many hook runs saw an environment matching REGEX
hooks_with() {
	grep -lE -- "$1" "$HOOKS"/* 2>/dev/null | wc -l
}

h_milter_start "${LINES[@]}"
h_postfix_start

# ---- isolate ---------------------------------------------------------
h_expect "alice submits from her address" "250" 'rule=- action=accept' \
	-- pf-sub "$BOT" --from alice@example.net --to friend@other.test "${ALICE[@]}"
h_expect "her PC, now a bot, on the MX: refused" "550 5.7.1" \
	"quarantine ip=$BOT rule=inbound\\.customer_direct hits=1 expires_in=3600s .*incident=1 repeat=1" \
	-- pf-mx "$BOT" --from x@spam.test --to bob@example.net
expect_ctl "isolationctl show: quarantined in the state file" 0 \
	'rule: +inbound\.customer_direct' -- show ip "$BOT"
[ -s "$H_STATE_DIR/milter.lmdb" ] && h_ok "the state file exists" ||
	h_not_ok "the state file exists" "no $H_STATE_DIR/milter.lmdb"

h_milter_stop
h_milter_start "${LINES[@]}"
h_expect "after a restart alice's mail is still refused" "550 5.7.1" \
	'rule=outbound\.quarantined action=reject' \
	-- pf-sub "$BOT" --from alice@example.net --to friend@other.test "${ALICE[@]}"
h_expect_reply "the reply names the help desk and SupportContact" \
	'abuse@example\.net still goes through; https://help\.example\.net/quarantine'

# ---- tell ------------------------------------------------------------
notify_once
if wait_alerts 1 "$BOT"; then h_ok "an alert mail arrives"; else
	h_not_ok "an alert mail arrives" "sink: $(ls "$SINK"); notify: $(tail -n 5 "$H_DIR/notify.out")"
fi
A1=$(last_alert "$BOT")
grep -q '^To: alice@example\.net' "$A1" 2>/dev/null && h_ok "to alice, the login last seen on the address" ||
	h_not_ok "to alice" "$(head -n 20 "$A1" 2>/dev/null)"
if grep -q "^ip=$BOT\$" "$A1" && grep -q '^login=alice@example\.net$' "$A1" &&
	grep -q '^rule=inbound\.customer_direct$' "$A1" &&
	grep -q '^support=https://help\.example\.net/quarantine$' "$A1" &&
	grep -Eq '^code=[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$' "$A1" &&
	grep -Eq '^expires=[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} UTC$' "$A1"; then
	h_ok "the template is rendered"
else
	h_not_ok "the template is rendered" "$(sed -n '1,40p' "$A1")"
fi
CODE1=$(sed -n 's/^code=//p' "$A1")
[ "$(hooks_with "ISO_EVENT=quarantine")" = 1 ] &&
	[ "$(hooks_with "ISO_KEY=$BOT")" -ge 1 ] && [ "$(hooks_with 'ISO_TTL=3[56][0-9][0-9]$')" -ge 1 ] &&
	h_ok "the hook ran once, with the event" ||
	h_not_ok "the hook ran once" "$(cat "$HOOKS"/* 2>/dev/null | head -n 20)"
notify_once
sleep 2
[ "$(alerts "$BOT")" = 1 ] && h_ok "one alert per incident: a second pass sends none" ||
	h_not_ok "one alert per incident" "$(alerts "$BOT") alerts"
expect_ctl "events: the quarantine is in the log" 0 \
	"event=quarantine kind=ip key=$BOT rule=inbound\\.customer_direct incident=1" -- events

# ---- the way back ----------------------------------------------------
h_expect "quarantined alice may write to abuse@" "250" \
	'rule=- action=accept' \
	-- pf-sub "$BOT" --from alice@example.net --to abuse@example.net "${ALICE[@]}"
h_expect "... and to postmaster@" "250" \
	-- pf-sub "$BOT" --from alice@example.net --to Postmaster@Example.NET "${ALICE[@]}"
h_expect "... to anyone else she is refused" "550 5.7.1" \
	'rule=outbound\.quarantined action=reject' \
	-- pf-sub "$BOT" --from alice@example.net --to bob@example.net "${ALICE[@]}"
h_expect "the bot again on the MX: a hit, not a new incident" "550" \
	"quarantine ip=$BOT rule=inbound\\.customer_direct hits=2 .*incident=1 " \
	-- pf-mx "$BOT" --from x@spam.test --to bob@example.net
notify_once
sleep 1
[ "$(alerts "$BOT")" = 1 ] && [ "$(hooks_with 'ISO_EVENT=hit')" = 1 ] &&
	h_ok "a hit runs the hook, sends no alert" ||
	h_not_ok "a hit runs the hook, sends no alert" "$(alerts "$BOT") alerts, $(hooks_with 'ISO_EVENT=hit') hit hooks"
expect_ctl "isolationctl release" 0 "released" -- release ip "$BOT"
h_expect "released: alice's mail flows again" "250" 'rule=- action=accept' \
	-- pf-sub "$BOT" --from alice@example.net --to bob@example.net "${ALICE[@]}"
notify_once
[ "$(hooks_with 'ISO_EVENT=release')" = 1 ] && h_ok "the release runs the hook" ||
	h_not_ok "the release runs the hook" "$(ls "$HOOKS")"

# ---- repeat offender -------------------------------------------------
h_expect "a repeat incident: the TTL doubles" "550" \
	"quarantine ip=$BOT rule=inbound\\.customer_direct hits=1 expires_in=7200s .*incident=2 repeat=2" \
	-- pf-mx "$BOT" --from x@spam.test --to bob@example.net
notify_once
wait_alerts 2 "$BOT" && h_ok "a new incident alerts again" ||
	h_not_ok "a new incident alerts again" "$(alerts "$BOT") alerts"
CODE2=$(sed -n 's/^code=//p' "$(last_alert "$BOT")")

# ---- self-service release --------------------------------------------
expect_ctl "a wrong code is refused" 1 "wrong release code" -- \
	release ip "$BOT" --code AAAA-BBBB-CCCC-DDDD
expect_ctl "the first incident's code does not release the second" 1 "wrong release code" -- \
	release ip "$BOT" --code "$CODE1"
expect_ctl "the right code releases" 0 "released" -- release ip "$BOT" --code "$CODE2"
expect_ctl "the same code twice: nothing to release" 1 "not quarantined" -- \
	release ip "$BOT" --code "$CODE2"
h_expect "a third incident" "550" "incident=3 repeat=3" \
	-- pf-mx "$BOT" --from x@spam.test --to bob@example.net
notify_once
wait_alerts 3 "$BOT" && h_ok "the third incident alerts too" ||
	h_not_ok "the third incident alerts too" "$(alerts "$BOT") alerts"
CODE3=$(sed -n 's/^code=//p' "$(last_alert "$BOT")")
expect_ctl "a second self-release within SelfReleaseInterval is refused" 1 \
	"within the last" -- release ip "$BOT" --code "$CODE3"
expect_ctl "... and the quarantine stays" 0 -- show ip "$BOT"

# ---- hostile event fields --------------------------------------------
printf '127.0.2.77/32 noc@example.net\n' >"$H_DIR/contacts"
LINES+=("AlertContacts $H_DIR/contacts")
h_milter_start "${LINES[@]}"
ctl quarantine ip 127.0.2.77 -r "$(printf 'spam\r\nBcc: victim@evil.test\r\n; rm -rf /tmp/x $(id)')"
notify_once
if wait_alerts 1 127.0.2.77; then
	A=$(last_alert 127.0.2.77)
	if grep -q '^To: noc@example\.net' "$A" && ! grep -qi '^Bcc:' "$A" &&
		! grep -q 'victim@evil' "$H_DIR/postfix/maillog"; then
		h_ok "CR/LF in a reason never becomes a header (AlertContacts recipient)"
	else
		h_not_ok "CR/LF in a reason never becomes a header" "$(head -n 20 "$A")"
	fi
else
	h_not_ok "an alert through AlertContacts" "$(tail -n 5 "$H_DIR/notify.out")"
fi
if grep -l 'ISO_KEY=127.0.2.77' "$HOOKS"/* 2>/dev/null | xargs -r grep -q 'ISO_REASON=spam' &&
	! grep -h 'ISO_REASON' "$HOOKS"/* | grep -q $'\r'; then
	h_ok "the hook's environment carries no CR/LF"
else
	h_not_ok "the hook's environment carries no CR/LF" "$(grep -h ISO_REASON "$HOOKS"/* | cat -A | head)"
fi

# a hook that hangs, a hook that floods: bounded
cat >"$H_DIR/hang.sh" <<'EOF'
#!/bin/sh
yes "flood flood flood flood flood flood flood flood" | head -c 5000000
sleep 60
EOF
chmod 755 "$H_DIR/hang.sh"
sed -i "s|^EventCommand .*|EventCommand $H_DIR/hang.sh|" "$CONF"
echo "EventCommandTimeout 1s" >>"$CONF"
ctl quarantine ip 127.0.2.78 -r test
: >"$H_DIR/notify.out"
start=$(date +%s)
timeout 60 "$CTL" -c "$CONF" notify --once >"$H_DIR/notify.out" 2>&1 </dev/null
took=$(($(date +%s) - start))
if [ "$took" -lt 40 ] && grep -q 'timed out\|timeout' "$H_DIR/notify.out" &&
	[ "$(wc -c <"$H_DIR/notify.out")" -lt 200000 ]; then
	h_ok "a hanging, flooding hook is killed and its output bounded (${took}s)"
else
	h_not_ok "a hanging, flooding hook is bounded" "took ${took}s, $(wc -c <"$H_DIR/notify.out") octets: $(tail -n 3 "$H_DIR/notify.out" | head -c 400)"
fi

# broken files are refused with file:line
cp "$CONF" "$H_DIR/bad.conf"
printf 'To: ${to}\nSubject: ${nosuchvar}\n\nbody\n' >"$H_DIR/bad-alert.txt"
sed -i "s|^AlertTemplate .*|AlertTemplate $H_DIR/bad-alert.txt|" "$H_DIR/bad.conf"
out=$("$H_MILTER_BIN" -n -c "$H_DIR/bad.conf" 2>&1)
[[ "$out" == *"bad-alert.txt:2:"*nosuchvar* ]] && h_ok "an unknown template variable: file:line" ||
	h_not_ok "an unknown template variable: file:line" "$out"
cp "$CONF" "$H_DIR/bad.conf"
printf '127.0.2.0/24 noc@example.net\n127.0.2.300/32 x@example.net\n' >"$H_DIR/bad-contacts"
sed -i "s|^AlertContacts .*|AlertContacts $H_DIR/bad-contacts|" "$H_DIR/bad.conf"
out=$("$H_MILTER_BIN" -n -c "$H_DIR/bad.conf" 2>&1)
[[ "$out" == *"bad-contacts:2:"* ]] && h_ok "a bad AlertContacts line: file:line" ||
	h_not_ok "a bad AlertContacts line: file:line" "$out"
out=$("$H_MILTER_BIN" -n -c "$H_DIR/bad.conf" 2>&1; cp "$CONF" "$H_DIR/bad.conf";
	sed -i "s|^AlertTemplate .*|AlertTemplate $srcdir/etc/alert.txt|" "$H_DIR/bad.conf";
	"$H_MILTER_BIN" -n -c "$H_DIR/bad.conf" 2>&1)
[[ "$out" == *"configuration OK"* ]] && h_ok "the shipped etc/alert.txt loads" ||
	h_not_ok "the shipped etc/alert.txt loads" "$out"

# ---- kill -9 under load loses no reported quarantine ------------------
h_milter_stop
h_milter_start "QuarantineTTL 1h"
h_mark
load=()
for i in $(seq 100 179); do
	timeout 20 swaks --server 127.0.0.1 --port "$PF_MX_PORT" --local-interface "127.0.2.$i" \
		--helo bot --from x@spam.test --to bob@example.net --timeout 10 >/dev/null 2>&1 &
	load+=($!)
	[ $((i % 8)) = 0 ] && sleep 0.2
done
sleep 1.5
kill -9 "$H_MILTER_PID"
wait "$H_MILTER_PID" 2>/dev/null
H_MILTER_PID=
wait "${load[@]}" 2>/dev/null
reported=$(h_log_since | sed -n 's/.*quarantine ip=\(127\.0\.2\.[0-9]*\) .*/\1/p' | sort -u)
h_milter_start "QuarantineTTL 1h"
ctl list ip
missing=
for ip in $reported; do
	grep -q "^ip $ip " "$H_DIR/ctl.out" || missing="$missing $ip"
done
n=$(echo "$reported" | grep -c .)
if [ "$n" -gt 0 ] && [ -z "$missing" ]; then
	h_ok "kill -9 mid-load: the file opens, all $n reported quarantines are there"
else
	h_not_ok "kill -9 mid-load loses nothing" "$n reported, missing:$missing"
fi

h_done
