#!/bin/bash
# it_ctl - isolationctl against a running milter, Postfix and Redis
#
# The operator's round: a bot caught on the MX shows up in `list` and
# `show`; `release` lifts it (an event=release on iso:events, the Redis
# record gone) and the same address then submits with AUTH; `quarantine`
# of a login is enforced by the milter at once; `explain` evaluates
# sessions offline, reading the quarantines from the same store; `stats`
# counts. The tool reads the milter's own H_DIR/milter.conf. Then the
# refusals: a StateFile that cannot be opened, a broken configuration,
# Redis down, bad arguments; and no raw control character ever reaches the terminal.
. "${srcdir:-$(dirname "$0")/..}/t/lib/harness.sh"
h_require redis-server redis-cli

CTL=${H_CTL_BIN:-$top_builddir/milter/isolationctl}
[ -x "$CTL" ] || h_skip "isolationctl not built: $CTL"

ALICE=(--auth PLAIN --auth-user alice@example.net --auth-password alice-secret)
CONF=$H_DIR/milter.conf
BOT=127.0.2.66
BOT_RE='127\.0\.2\.66'
H_LOG_WAIT=3

# ctl - run isolationctl; exit status in CTL_RC, output in H_DIR/ctl.out
ctl() {
	"$CTL" "$@" >"$H_DIR/ctl.out" 2>&1 </dev/null
	CTL_RC=$?
}

# ctl_why - what to print when a check of the last run fails
ctl_why() {
	printf '%s; output of isolationctl:\n' "$1"
	sed 's/^/#     /' "$H_DIR/ctl.out"
}

# expect_ctl NAME STATUS [REGEX...] -- ARG...: the exit status, and a line
# of the output for each REGEX (grep -E)
expect_ctl() {
	local name=$1 want=$2 re res=()
	shift 2
	while [ "$#" -gt 0 ] && [ "$1" != -- ]; do
		res+=("$1")
		shift
	done
	[ "${1-}" = -- ] || h_bail "expect_ctl '$name': want NAME STATUS [REGEX...] -- ARG..."
	shift
	ctl "$@"
	if [ "$CTL_RC" != "$want" ]; then
		h_not_ok "$name" "$(ctl_why "exit $CTL_RC, wanted $want")"
		return
	fi
	for re in "${res[@]}"; do
		if ! grep -Eq -- "$re" "$H_DIR/ctl.out"; then
			h_not_ok "$name" "$(ctl_why "no line matching /$re/")"
			return
		fi
	done
	h_ok "$name"
}

# expect_redis NAME WANT COMMAND...: Redis answers WANT
expect_redis() {
	local name=$1 want=$2 got
	shift 2
	got=$(rd_cli "$RD_PORT1" "$@" 2>&1 | tr -d '\r')
	if [ "$got" = "$want" ]; then
		h_ok "$name"
	else
		h_not_ok "$name" "$*: '$got', wanted '$want'"
	fi
}

# wait_event REGEX: a line of the events subscriber matches, within 5 s
wait_event() {
	local i
	for ((i = 0; i < 50; i++)); do
		grep -Eq -- "$1" "$H_DIR/events.txt" && return 0
		sleep 0.1
	done
	return 1
}

# expect_event NAME REGEX
expect_event() {
	if wait_event "$2"; then
		h_ok "$1"
	else
		h_not_ok "$1" "no event matching /$2/: $(tr '\n' ' ' <"$H_DIR/events.txt")"
	fi
}

rd_start main "$RD_PORT1"
h_milter_start "RedisServer 127.0.0.1:$RD_PORT1"
h_postfix_start

# Listen to the events for the whole test; subscribed before anything runs.
timeout 120 redis-cli -h 127.0.0.1 -p "$RD_PORT1" SUBSCRIBE iso:events \
	>"$H_DIR/events.txt" 2>&1 </dev/null &
SUB_PID=$!
for ((i = 0; i < 50; i++)); do
	[ "$(rd_cli "$RD_PORT1" PUBSUB NUMSUB iso:events | tr -d '\r' | sed -n 2p)" = 1 ] && break
	sleep 0.1
done

# --- a bot caught on the MX ----------------------------------------------
h_expect "a bot on the MX is refused and quarantined" "550 5.7.1" \
	"quarantine ip=$BOT_RE rule=inbound\\.customer_direct hits=1" \
	-- pf-mx "$BOT" --from bot@spam.test --to bob@example.net
expect_ctl "list: the bot, with its rule, hits, expiry, first_seen, node, reason" 0 \
	"^ip $BOT_RE rule=inbound\\.customer_direct hits=1 expires_in=8[0-9]{4}s first_seen=[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z node=[^ ]+ reason=\"inbound\\.customer_direct\"$" \
	-- -c "$CONF" list
expect_ctl "list ip: the same line, and nothing else" 0 "^ip $BOT_RE rule=" -- -c "$CONF" list ip
if [ "$(wc -l <"$H_DIR/ctl.out")" = 1 ]; then h_ok "list ip: one line"
else h_not_ok "list ip: one line" "$(ctl_why "$(wc -l <"$H_DIR/ctl.out") lines")"; fi
expect_ctl "list login: no login is quarantined" 0 -- -c "$CONF" list login
if [ ! -s "$H_DIR/ctl.out" ]; then h_ok "list login: empty"
else h_not_ok "list login: empty" "$(ctl_why "output")"; fi
# shellcheck disable=SC2031 # only h_node2_start changes PF_*, in a subshell
expect_ctl "show ip: exit 0, one field a line" 0 \
	"^kind: +ip$" "^key: +$BOT_RE$" "^rule: +inbound\\.customer_direct$" \
	"^reason: +inbound\\.customer_direct$" "^evidence: +session=[0-9a-f]+ .*port=$PF_MX_PORT " \
	"^node: +[^ -]" "^hits: +1$" "^first_seen: +[0-9-]{10}T[0-9:]{8}Z$" \
	"^expires: +[0-9-]{10}T[0-9:]{8}Z$" "^expires_in: +8[0-9]{4}s$" \
	-- -c "$CONF" show ip "$BOT"
expect_ctl "show ip: an address in another spelling (::ffff:) is the same record" 0 \
	"^key: +$BOT_RE$" -- -c "$CONF" show ip "::ffff:$BOT"
expect_ctl "show: exit 1 for an address that is not quarantined" 1 \
	"^ip 127\\.0\\.2\\.99 is not quarantined$" -- -c "$CONF" show ip 127.0.2.99
h_expect "the bot is refused on submission too, even with AUTH" "550 5.7.1" \
	"rule=outbound\\.quarantined action=reject ip=$BOT_RE " \
	-- pf-sub "$BOT" --from alice@example.net --to friend@other.test "${ALICE[@]}"

# --- release ----------------------------------------------------------------
expect_ctl "release ip: exit 0" 0 "^ip $BOT_RE released$" -- -c "$CONF" release ip "$BOT"
expect_redis "release: the record is gone from Redis" 0 EXISTS "iso:q:ip:$BOT"
expect_event "release: event=release published on iso:events" \
	"^event=release kind=ip key=$BOT_RE node=[^ ]+ incident=[0-9]+$"
h_expect "released: the same address submits with AUTH" 250 \
	"stage=eom rule=- action=accept ip=$BOT_RE " \
	-- pf-sub "$BOT" --from alice@example.net --to friend@other.test "${ALICE[@]}"
expect_ctl "release again: exit 1, not quarantined" 1 \
	"^ip $BOT_RE was not quarantined$" -- -c "$CONF" release ip "$BOT"

# --- quarantine by the operator ---------------------------------------------
expect_ctl "quarantine login -t 1h -r: exit 0, the merged record printed" 0 \
	"^key: +alice@example\\.net$" "^rule: +-$" "^reason: +stolen password$" \
	"^evidence: +isolationctl user=" "^hits: +1$" "^expires_in: +3600s$" \
	-- -c "$CONF" quarantine login alice@example.net -t 1h -r "stolen password"
expect_redis "quarantine: the record in Redis holds the reason" "stolen password" \
	HGET iso:q:login:alice@example.net reason
expect_redis "quarantine: ... and rule - (none: set by hand)" "-" \
	HGET iso:q:login:alice@example.net rule
ttl=$(rd_cli "$RD_PORT1" PTTL iso:q:login:alice@example.net | tr -d '\r')
if [ "${ttl:-0}" -gt 3590000 ] && [ "$ttl" -le 3600000 ]; then
	h_ok "quarantine: Redis expires it in 1h"
else
	h_not_ok "quarantine: Redis expires it in 1h" "PTTL $ttl"
fi
expect_event "quarantine: event=quarantine published on iso:events" \
	"^event=quarantine kind=login key=alice@example\\.net rule=- expires=[0-9]+ hits=1 node=[^ ]+ reason=stolen\\+20password incident=[0-9]+ repeat=1$"
h_expect "alice's login is refused on submission at once" "550 5.7.1" \
	"rule=outbound\\.quarantined action=reject .*auth=alice@example\\.net " \
	-- pf-sub 127.0.4.1 --from alice@example.net --to friend@other.test "${ALICE[@]}"
expect_ctl "list: the login, rule=- and the operator's reason" 0 \
	"^login alice@example\\.net rule=- hits=1 expires_in=3[56][0-9]{2}s first_seen=[^ ]+ node=[^ ]+ reason=\"stolen password\"$" \
	-- -c "$CONF" list
expect_ctl "quarantine again: the record is refreshed, hits 2, expiry kept" 0 \
	"^hits: +2$" "^reason: +quarantined by the operator$" "^expires_in: +3[56][0-9]{2}s$" \
	-- -c "$CONF" quarantine login alice@example.net -t 10m
h_expect "an outside server is accepted on the MX" 250 "" \
	-- pf-mx 127.0.1.20 --from someone@outside.test --to bob@example.net
expect_ctl "quarantine ip (default TTL 24h)" 0 "^expires_in: +86400s$" \
	-- -c "$CONF" quarantine ip 127.0.1.20
h_expect "... and is refused on the MX once quarantined" "550 5.7.1" \
	'rule=inbound\.quarantined action=reject ip=127\.0\.1\.20 ' \
	-- pf-mx 127.0.1.20 --from someone@outside.test --to bob@example.net

# --- stats --------------------------------------------------------------------
expect_ctl "stats: the store, counts per kind, Redis's figures" 0 \
	"^store: +redis$" "^quarantined_ip: +1$" "^quarantined_login: +1$" \
	"^redis_version: +[0-9]" "^used_memory: +[1-9][0-9]*$" "^connected_clients: +[1-9][0-9]*$" \
	-- -c "$CONF" stats

# --- explain ------------------------------------------------------------------
expect_ctl "explain: a customer address on the MX is refused by inbound.customer_direct" 1 \
	"^  role +inbound " "^  needs +none$" \
	"^  inbound\\.customer_direct +reject +550 5\\.7\\.1 customer addresses may not deliver" \
	"^  => and the daemon quarantines ip 127\\.0\\.2\\.10 for 86400s" \
	"^outcome: refused at mail: reject 550 5\\.7\\.1 by inbound\\.customer_direct$" \
	-- -c "$CONF" explain --ip 127.0.2.10 --port 25 --daemon INBOUND \
	--from x@spam.test --rcpt bob@example.net
if grep -q '^stage rcpt' "$H_DIR/ctl.out"; then
	h_not_ok "explain: no stage after the refusal" "$(ctl_why "stage rcpt shown")"
else
	h_ok "explain: no stage after the refusal"
fi
expect_ctl "explain: quarantined login read from the store, refused at RCPT" 1 \
	"^  role +outbound " \
	"^  quarantined +yes \\(read from redis: ip 192\\.0\\.2\\.7 no, login alice@example\\.net yes\\)$" \
	"^  outbound\\.quarantined +reject +550 5\\.7\\.1 " \
	-- -c "$CONF" explain --daemon ORIGINATING --port 587 --ip 192.0.2.7 \
	--auth alice@example.net --from alice@example.net --rcpt friend@other.test
expect_ctl "explain: quarantined, but to abuse@ (the help desk) accepted: not even read" 0 \
	"^  outbound\\.quarantined +- +does not apply$" "^outcome: accept$" \
	-- -c "$CONF" explain --daemon ORIGINATING --port 587 --ip 192.0.2.7 \
	--auth alice@example.net --from alice@example.net --rcpt abuse@example.net
expect_ctl "release login: exit 0" 0 "^login alice@example\\.net released$" \
	-- -c "$CONF" release login alice@example.net
expect_ctl "explain: alice as bob is refused by outbound.sender_mismatch" 1 \
	"^  outbound\\.sender_mismatch +reject +553 5\\.7\\.1 sender address not owned by your login; .*bob@example\\.net is not yours" \
	"^  outbound\\.auth_required +- +does not apply$" \
	"^  => and the daemon counts a strike against login alice@example\\.net \\(LoginQuarantine 10/3600s\\)$" \
	"^outcome: refused at mail: reject 553 5\\.7\\.1 by outbound\\.sender_mismatch$" \
	-- -c "$CONF" explain --daemon ORIGINATING --port 587 --ip 192.0.2.7 \
	--auth alice@example.net --from bob@example.net
expect_ctl "explain: alice as herself is accepted at every stage" 0 \
	"^stage mail$" "^stage rcpt$" "^stage eom$" "^outcome: accept$" \
	-- -c "$CONF" explain --daemon ORIGINATING --port 587 --ip 192.0.2.7 \
	--auth alice@example.net --from alice@example.net --rcpt friend@other.test
expect_ctl "explain --role and --quarantined: the operator's facts win" 1 \
	"^  role +inbound \\(--role\\)$" "^  quarantined +yes \\(given with --quarantined\\)$" \
	"^  inbound\\.quarantined +reject +550 5\\.7\\.1 your address is quarantined" \
	-- -c "$CONF" explain --role inbound --ip 127.0.1.30 --from a@outside.test \
	--rcpt bob@example.net --quarantined
{ cat "$CONF"; echo "Action.inbound.customer_direct report"; } >"$H_DIR/report.conf"
expect_ctl "explain: a report rule shows would=, the next rule decides" 1 \
	"^  inbound\\.customer_direct +report +would=reject 550 5\\.7\\.1 " \
	"^  inbound\\.own_domain +reject +550 5\\.7\\.1 " \
	-- -c "$H_DIR/report.conf" explain --ip 127.0.2.10 --daemon INBOUND --from x@example.net

# --- no Redis, a broken file, Redis down, bad arguments --------------------------
# Without Redis the tool works on the StateFile, beside the running milter.
grep -v '^RedisServer\|^StateFile' "$CONF" >"$H_DIR/lmdb.conf"
echo "StateFile $H_DIR/ctl.lmdb" >>"$H_DIR/lmdb.conf"
expect_ctl "StateFile: quarantine ip" 0 "^key: +127\\.0\\.2\\.66$" \
	-- -c "$H_DIR/lmdb.conf" quarantine ip 127.0.2.66 -r "by hand"
expect_ctl "StateFile: list" 0 "^ip 127\\.0\\.2\\.66 rule=- hits=1 " -- -c "$H_DIR/lmdb.conf" list
expect_ctl "StateFile: show" 0 "^reason: +by hand$" -- -c "$H_DIR/lmdb.conf" show ip 127.0.2.66
expect_ctl "StateFile: stats" 0 "^store: +lmdb$" "^quarantined_ip: +1$" -- -c "$H_DIR/lmdb.conf" stats
expect_ctl "StateFile: events" 0 "event=quarantine kind=ip key=127\\.0\\.2\\.66 rule=- incident=1 " \
	-- -c "$H_DIR/lmdb.conf" events
expect_ctl "StateFile: release" 0 "^ip 127\\.0\\.2\\.66 released$" \
	-- -c "$H_DIR/lmdb.conf" release ip 127.0.2.66
sed -i "s|^StateFile .*|StateFile $H_DIR/no/such/dir/state.lmdb|" "$H_DIR/lmdb.conf"
for args in "list" "show ip 127.0.2.66" "quarantine ip 127.0.2.66" "release ip 127.0.2.66" "stats" "events"; do
	# shellcheck disable=SC2086 # the words of the command
	expect_ctl "StateFile in a missing folder: '$args' exits 2 and says why" 2 \
		"^isolationctl: $H_DIR/lmdb\\.conf: state store: .*no/such/dir" \
		-- -c "$H_DIR/lmdb.conf" $args
done
expect_ctl "no store: explain still works, assuming no quarantine" 0 \
	"^  quarantined +no \\(assumed not: the state store cannot be opened; --quarantined to say yes\\)$" \
	-- -c "$H_DIR/lmdb.conf" explain --ip 127.0.1.30 --daemon INBOUND --from x@spam.test \
	--rcpt bob@example.net
printf 'LocalDomains example.net\nMode enforce\nColour blue\n' >"$H_DIR/bad.conf"
expect_ctl "a broken configuration: exit 2 with file:line" 2 \
	"^$H_DIR/bad\\.conf:3: unknown key \"Colour\"" -- -c "$H_DIR/bad.conf" list
expect_ctl "a broken configuration: explain refuses too" 2 \
	"^$H_DIR/bad\\.conf:3: unknown key" -- -c "$H_DIR/bad.conf" explain --ip 127.0.2.10
expect_ctl "a missing configuration: exit 2" 2 "^$H_DIR/none\\.conf: cannot open" \
	-- -c "$H_DIR/none.conf" list
expect_ctl "-h: the usage, exit 0" 0 '^usage: isolationctl \[-c file\] command' '^  explain \[--ip ADDR\]' -- -h
expect_ctl "-V: the version, exit 0" 0 '^isolationctl \(isolation-milter\) [0-9]+\.[0-9]+\.[0-9]+$' -- -V
expect_ctl "an unknown command: exit 2" 2 '^isolationctl: unknown command "frob"' -- -c "$CONF" frob
expect_ctl "show without a key: exit 2 with the command's usage" 2 \
	'^usage: isolationctl \[-c file\] show ip\|login KEY$' -- -c "$CONF" show ip
expect_ctl "show ip with a word that is no address: exit 2" 2 \
	'^isolationctl: not an IP address: mx\\x0d\\x0a$' -- -c "$CONF" show ip $'mx\r\n'
expect_ctl "quarantine -t with a bad duration: exit 2" 2 '^isolationctl: -t 5x: not a duration' \
	-- -c "$CONF" quarantine ip 127.0.1.21 -t 5x

# Keys and reasons come from clients and other nodes: escaped, never raw.
expect_ctl "a login with control characters is quarantined" 0 \
	'^key: +ev\\x0d\\x0ail\\x1b\[31m \\x22x\\x22$' -- -c "$CONF" quarantine login $'ev\r\nil\e[31m "x"' -r $'red\e[0m'
expect_ctl "list: the key and reason escaped as \\xHH" 0 \
	'^login ev\\x0d\\x0ail\\x1b\[31m\\x20\\x22x\\x22 rule=- .* reason="red\\x1b\[0m"$' -- -c "$CONF" list
if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$H_DIR/ctl.out"; then
	h_not_ok "list: no raw control character in the output" "$(ctl_why "raw control characters")"
else
	h_ok "list: no raw control character in the output"
fi

h_stop_pid "$SUB_PID"
rd_stop main
expect_ctl "Redis down: list exits 2 with the store's error" 2 \
	"^isolationctl: list: redis store: redis connect 127\\.0\\.0\\.1:$RD_PORT1: connection refused$" \
	-- -c "$CONF" list
expect_ctl "Redis down: release exits 2, not 1" 2 "^isolationctl: release: redis store: " \
	-- -c "$CONF" release ip 127.0.1.20

h_done
