#!/bin/bash
# it_dovecot - sending with the mailbox login: Dovecot submission in front of Postfix
#
# The recipe of contrib/dovecot-submission/ on real servers: a private
# Dovecot (t/lib/dovecot.sh, its submission.conf included as it is)
# authenticates alice with her mailbox password and relays to the Postfix
# service of contrib/dovecot-submission/master.cf (ORIGINATING, XCLIENT
# allowed from Dovecot), which runs the milter. Checked: what Dovecot
# sends (XCLIENT with the client's ADDR and the LOGIN), what Postfix makes
# of it (the client and sasl_username in its log), and what the milter
# then sees and enforces: role=outbound, auth= the mailbox login, ip= the
# client's own address; sender and From: mismatches refused back through
# Dovecot, SenderLoginMap honoured, a quarantined login and a quarantined
# client address refused; a wrong password never reaches Postfix.
. "${srcdir:-$(dirname "$0")/..}/t/lib/harness.sh"
h_require dovecot doveconf
if ! id dovecot >/dev/null 2>&1 || ! id dovenull >/dev/null 2>&1; then
	h_skip "no dovecot/dovenull user (contrib/install-deps test)"
fi
[ -x /usr/lib/dovecot/submission ] ||
	h_skip "no Dovecot submission service (contrib/install-deps test)"
# shellcheck source=t/lib/dovecot.sh
. "$H_SRCDIR/t/lib/dovecot.sh"

CTL=${H_CTL_BIN:-$top_builddir/milter/isolationctl}
[ -x "$CTL" ] || h_skip "isolationctl not built: $CTL"
CONF=$H_DIR/milter.conf
DV=$H_DIR/dovecot
# Two ports of the harness's block that this test has no Redis for.
DV_PORT=$RD_PORT1
RELAY_PORT=$RD_PORT2
ALICE=(--auth PLAIN --auth-user alice@example.net --auth-password alice-mailbox)
H_LOG_WAIT=3

# dv_cleanup - stop Dovecot, then the harness's own cleanup
# shellcheck disable=SC2317 # runs from the EXIT trap
dv_cleanup() {
	local rc=$?
	dv_stop
	(exit "$rc")
	h__cleanup
}
trap dv_cleanup EXIT

# smtp_to PORT CLIENT_IP [SWAKS-ARG...] - one session to 127.0.0.1:PORT
# from CLIENT_IP; sets H_CODE and H_REPLY as h_smtp does
# shellcheck disable=SC2317 # run by h__expect
smtp_to() {
	local port=$1 ip=$2
	shift 2
	timeout 60 swaks --server 127.0.0.1 --port "$port" --local-interface "$ip" \
		--helo client.outside.test --timeout 20 "$@" \
		</dev/null >"$H_DIR/last.txt" 2>&1
	h__parse_reply
}

# dv_smtp CLIENT_IP [SWAKS-ARG...] - a session to Dovecot, with STARTTLS
# shellcheck disable=SC2317 # run by h__expect
dv_smtp() {
	local ip=$1
	shift
	smtp_to "$DV_PORT" "$ip" --tls "$@"
}

# dv_expect NAME CODE [LOG_REGEX] -- CLIENT_IP [SWAKS-ARG...] - h_expect
# through Dovecot
dv_expect() {
	h__expect dv_smtp "$@"
}

# relay_smtp CLIENT_IP [SWAKS-ARG...] - a session straight to the relay
# service, as someone who is not Dovecot
# shellcheck disable=SC2317 # run by h__expect
relay_smtp() {
	smtp_to "$RELAY_PORT" "$@"
}

# relay_dialog CLIENT_IP COMMAND... - a scripted session straight to the
# relay service (t/lib/smtpdialog.py); H_REPLY is the last reply
# shellcheck disable=SC2317 # run by h__expect
relay_dialog() {
	local ip=$1
	shift
	timeout 60 python3 "$H_SRCDIR/t/lib/smtpdialog.py" --port "$RELAY_PORT" \
		--bind "$ip" "$@" </dev/null >"$H_DIR/last.txt" 2>&1
	H_REPLY=$(sed -n 's/^\*\*\* /000 /p; s/^.* => //p' "$H_DIR/last.txt" | tail -n 1)
	H_REPLY=${H_REPLY:-000 no reply}
	# shellcheck disable=SC2034 # for h__expect
	H_CODE=${H_REPLY%% *}
}

# relay_expect NAME CODE [LOG_REGEX] -- CLIENT_IP [SWAKS-ARG...] - h_expect
# with relay_smtp
relay_expect() {
	h__expect relay_smtp "$@"
}

# relay_expect_dialog NAME CODE [LOG_REGEX] -- CLIENT_IP COMMAND... - h_expect
# with relay_dialog
relay_expect_dialog() {
	h__expect relay_dialog "$@"
}

# ctl - run isolationctl on the milter's configuration, or fail the test
ctl() {
	"$CTL" -c "$CONF" "$@" >"$H_DIR/ctl.out" 2>&1 </dev/null ||
		h_not_ok "isolationctl $*" "$(cat "$H_DIR/ctl.out")"
}

# expect_file NAME FILE REGEX - a line of FILE matches REGEX (grep -E)
expect_file() {
	if grep -Eq -- "$3" "$2" 2>/dev/null; then
		h_ok "$1"
	else
		h_not_ok "$1" "no line matching /$3/ in ${2#"$H_DIR"/}"
	fi
}

# The relay service of the recipe, on the test's port.
PF_MASTER_EXTRA=$(sed "s/^127\.0\.0\.1:10587 /127.0.0.1:$RELAY_PORT /" \
	"$H_SRCDIR/contrib/dovecot-submission/master.cf")
grep -q "^127\.0\.0\.1:$RELAY_PORT " <<<"$PF_MASTER_EXTRA" ||
	h_bail "no 127.0.0.1:10587 service in contrib/dovecot-submission/master.cf"
export PF_MASTER_EXTRA

echo "shop@example.net alice@example.net" >"$H_DIR/sender_login"
# shellcheck disable=SC2119 # the harness's base configuration, as it is
h_milter_start
h_postfix_start
h__wait_listen "$RELAY_PORT" 5 || h_bail "Postfix's relay service does not listen"
dv_start "$DV" "$DV_PORT" "$RELAY_PORT" || h_bail "Dovecot did not start"

# --- alice sends as herself ----------------------------------------------
dv_expect "alice, with her mailbox password, sends as herself" 250 \
	'role=outbound stage=eom rule=- action=accept ip=127\.0\.3\.20 .*auth=alice@example\.net from=<alice@example\.net>' \
	-- 127.0.3.20 --from alice@example.net --to friend@other.test "${ALICE[@]}"
h_expect_no_log "no decision is about Dovecot's own address" ' rule=.* ip=127\.0\.0\.1 '
if cat "$DV"/rawlog/*.out 2>/dev/null | tr -d '\r' | grep -a '^[0-9.]* XCLIENT ' | grep -E 'ADDR=127\.0\.3\.20( |$)' |
	grep -Eq '(^| )LOGIN=alice@example\.net( |$)'; then
	h_ok "Dovecot sends XCLIENT with the client's ADDR and the LOGIN"
	# for the record: what Dovecot 2.3 sends (Postfix offers NAME, DESTADDR,
	# DESTPORT and REVERSE_NAME too)
	cat "$DV"/rawlog/*.out | tr -d '\r' | sed -n 's/^[0-9.]* \(XCLIENT .*\)/# Dovecot sent: \1/p' |
		head -n 1
else
	h_not_ok "Dovecot sends XCLIENT with ADDR and LOGIN" \
		"no such XCLIENT in dovecot/rawlog: $(cat "$DV"/rawlog/*.out 2>/dev/null | head -n 5)"
fi
expect_file "Postfix takes the client and the login from XCLIENT" "$H_DIR/postfix/maillog" \
	'postfix/dovecot/smtpd\[[0-9]+\]: [0-9A-Za-z]+: client=[^ ]*\[127\.0\.3\.20\], sasl_method=XCLIENT, sasl_username=alice@example\.net'

# --- what the milter enforces on the mailbox login -------------------------
dv_expect "alice as bob: the milter's refusal reaches the client through Dovecot" "553 5.7.1" \
	'role=outbound stage=mail rule=outbound\.sender_mismatch action=reject ip=127\.0\.3\.21 .*auth=alice@example\.net from=<bob@example\.net>' \
	-- 127.0.3.21 --from bob@example.net --to friend@other.test "${ALICE[@]}"
h_expect_log "the mismatch is a strike against the login (LoginQuarantine)" \
	'login=alice@example\.net strike 1 of [0-9]+ \(outbound\.sender_mismatch\)'
dv_expect "alice as herself with From: bob is refused at the end of data" "550 5.7.1" \
	'rule=outbound\.header_from_mismatch action=reject ip=127\.0\.3\.22 .*auth=alice@example\.net ' \
	-- 127.0.3.22 --from alice@example.net --to friend@other.test "${ALICE[@]}" \
	--header "From: bob@example.net"
dv_expect "alice as shop@, which SenderLoginMap gives her, is accepted" 250 \
	'rule=- action=accept ip=127\.0\.3\.23 .*auth=alice@example\.net from=<shop@example\.net>' \
	-- 127.0.3.23 --from shop@example.net --to friend@other.test "${ALICE[@]}" \
	--header "From: shop@example.net"

# --- a wrong password stays at Dovecot --------------------------------------
dv_expect "a wrong password is refused by Dovecot" 535 \
	-- 127.0.3.24 --from alice@example.net --to friend@other.test \
	--auth PLAIN --auth-user alice@example.net --auth-password alice-secret
h_expect_no_log "the wrong password never reaches the milter" 'ip=127\.0\.3\.24 '
if grep -q '127\.0\.3\.24' "$H_DIR/postfix/maillog"; then
	h_not_ok "the wrong password never reaches Postfix" "127.0.3.24 in postfix/maillog"
else
	h_ok "the wrong password never reaches Postfix"
fi

# --- quarantine --------------------------------------------------------------
ctl quarantine login alice@example.net -t 10m -r "stolen password"
dv_expect "a quarantined login is refused, as herself, through Dovecot" "550 5.7.1" \
	'role=outbound stage=rcpt rule=outbound\.quarantined action=reject ip=127\.0\.3\.25 .*auth=alice@example\.net ' \
	-- 127.0.3.25 --from alice@example.net --to friend@other.test "${ALICE[@]}"
ctl release login alice@example.net
dv_expect "released, alice sends again" 250 'rule=- action=accept ip=127\.0\.3\.25 ' \
	-- 127.0.3.25 --from alice@example.net --to friend@other.test "${ALICE[@]}"
ctl quarantine ip 127.0.3.26 -t 10m -r "a bot behind this address"
dv_expect "a quarantined client address is refused through Dovecot (XCLIENT ADDR)" "550 5.7.1" \
	'role=outbound stage=rcpt rule=outbound\.quarantined action=reject ip=127\.0\.3\.26 .*auth=alice@example\.net ' \
	-- 127.0.3.26 --from alice@example.net --to friend@other.test "${ALICE[@]}"
dv_expect "the same login from another address is not affected" 250 \
	'rule=- action=accept ip=127\.0\.3\.27 ' \
	-- 127.0.3.27 --from alice@example.net --to friend@other.test "${ALICE[@]}"

# --- the relay service trusts only Dovecot ---------------------------------
relay_expect_dialog "XCLIENT from anyone but Dovecot is refused by Postfix" "550 5.7.0" \
	-- 127.0.3.28 "XCLIENT LOGIN=alice@example.net ADDR=127.0.3.28"
relay_expect "without a login the relay service sends nothing" "550 5.7.1" \
	'role=outbound stage=mail rule=outbound\.outsider_port25 action=reject ip=127\.0\.3\.29 .*auth=- ' \
	-- 127.0.3.29 --from alice@example.net --to friend@other.test

# --- the safety net: a Dovecot that does not send XCLIENT -----------------
# Its sessions come from 127.0.0.1 (a TrustedNetworks address, which the
# milter does not check) without a login: Postfix's own restriction of the
# relay service refuses them.
DV_CONF_EXTRA="submission_relay_trusted = no" dv_start "$DV" "$DV_PORT" "$RELAY_PORT" ||
	h_bail "Dovecot did not restart"
dv_expect "without XCLIENT, Postfix's restriction refuses what Dovecot relays" "554 5.7.1" \
	-- 127.0.3.30 --from alice@example.net --to friend@other.test "${ALICE[@]}"
expect_file "Postfix refused the session of 127.0.0.1, which had no login" \
	"$H_DIR/postfix/maillog" \
	'postfix/dovecot/smtpd\[[0-9]+\]: NOQUEUE: reject: RCPT from [^ ]*\[127\.0\.0\.1\]: 554 5\.7\.1 .*Client host rejected'

h_done
