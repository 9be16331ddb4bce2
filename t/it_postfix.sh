#!/bin/bash
# it_postfix - roles and the first rules on a real Postfix
#
# A private Postfix (t/lib/postfix.sh, built from etc/postfix/) with an MX
# service (INBOUND), submission on STARTTLS and on TLS wrapper
# (ORIGINATING, SASL users) and an outbound port-25 service (ORIGINATING),
# in front of the milter. Clients play from 127.0.x.y: 127.0.1.x outside
# servers, 127.0.2.x customers, 127.0.0.2 a trusted relay.
. "${srcdir:-$(dirname "$0")/..}/t/lib/harness.sh"

ALICE=(--auth PLAIN --auth-user alice@example.net --auth-password alice-secret)
CAROL=(--auth LOGIN --auth-user carol --auth-password carol-secret)

h_milter_start
h_postfix_start

# Role detection, service by service.
h_expect "MX: an outside server delivers (inbound)" 250 \
	'role=inbound stage=eom rule=- action=accept ip=127\.0\.1\.10 ' \
	-- pf-mx 127.0.1.10 --from someone@outside.test --to bob@example.net
h_expect "submission: alice logs in and sends (outbound)" 250 \
	'role=outbound stage=eom rule=- action=accept ip=127\.0\.3\.4 .*auth=alice@example\.net from=<alice@example\.net>( |$)' \
	-- pf-sub 127.0.3.4 --from alice@example.net --to friend@other.test "${ALICE[@]}"
h_expect "submissions (TLS wrapper): a bare login sends (outbound)" 250 \
	'role=outbound .*action=accept ip=127\.0\.3\.5 .*auth=carol ' \
	-- pf-subs 127.0.3.5 --from carol@example.net --to friend@other.test "${CAROL[@]}"
h_expect "outbound port 25: a customer with AUTH sends" 250 \
	'role=outbound .*action=accept ip=127\.0\.2\.20 .*auth=alice@example\.net ' \
	-- pf-out 127.0.2.20 --from alice@example.net --to friend@other.test "${ALICE[@]}"

h_expect "MX: a customer address speaking SMTP (a bot) is refused" "550 5.7.1" \
	'role=inbound .*rule=inbound\.customer_direct action=reject ip=127\.0\.2\.10 .*reason="550 5\.7\.1 customer addresses may not deliver' \
	-- pf-mx "$H_IP_CUSTOMER" --from bot@spam.test --to bob@example.net

# outbound.auth_required and outbound.outsider_port25
h_expect "submission without AUTH is refused" "530 5.7.0" \
	'role=outbound stage=mail rule=outbound\.auth_required action=reject ip=127\.0\.3\.6 .*reason="530 5\.7\.0 authentication required' \
	-- pf-sub 127.0.3.6 --from alice@example.net --to friend@other.test
h_expect "submissions without AUTH is refused" "530 5.7.0" \
	'role=outbound .*rule=outbound\.auth_required action=reject ip=127\.0\.3\.7 ' \
	-- pf-subs 127.0.3.7 --from alice@example.net --to friend@other.test
h_expect "outbound port 25: a customer without AUTH is refused" "530 5.7.0" \
	'role=outbound .*rule=outbound\.auth_required action=reject ip=127\.0\.2\.21 ' \
	-- pf-out 127.0.2.21 --from alice@example.net --to friend@other.test
h_expect "outbound port 25: an outsider is refused" "550 5.7.1" \
	'role=outbound .*rule=outbound\.outsider_port25 action=reject ip=127\.0\.1\.11 ' \
	-- pf-out 127.0.1.11 --from x@outside.test --to friend@other.test
h_expect "outbound port 25: a trusted relay needs no AUTH" 250 \
	'role=outbound .*rule=- action=accept ip=127\.0\.0\.2 ' \
	-- pf-out 127.0.0.2 --from app@example.net --to friend@other.test
h_expect "the refusal text tells the sender what to do" \
	"530 5.7.0 authentication required: log in (SMTP AUTH)" "" \
	-- pf-sub 127.0.3.8 --from alice@example.net --to friend@other.test

# A changed configuration takes effect on SIGHUP; a broken one is refused.
h_milter_conf_append() { printf '%s\n' "$@" >>"$H_DIR/milter.conf"; }
h_mark
h_milter_conf_append "Action.outbound.auth_required tempfail"
h_milter_reload
h_expect_log "SIGHUP reloads the configuration" 'reloaded configuration from'
h_expect "after reload: auth_required tempfails" "451 4.7.0" \
	'rule=outbound\.auth_required action=tempfail' \
	-- pf-sub 127.0.3.9 --from alice@example.net --to friend@other.test
h_mark
h_milter_conf_append "Mode sometimes"
h_milter_reload
h_expect_log "a broken file is refused on reload" \
	'reload: .*milter\.conf:[0-9]+: Mode: "sometimes" is not enforce or report'
h_expect "the running configuration is kept" "451 4.7.0" \
	'rule=outbound\.auth_required action=tempfail' \
	-- pf-sub 127.0.3.10 --from alice@example.net --to friend@other.test

# inbound.auth and inbound.submission_port: an MX on which AUTH and the
# submission ports were left open by mistake (every service inbound).
h_milter_start "DaemonRoles INBOUND=inbound ORIGINATING=inbound"
h_expect "MX with AUTH enabled: an authenticated session is refused" "550 5.7.1" \
	'role=inbound .*rule=inbound\.auth action=reject ip=127\.0\.1\.12 .*auth=alice@example\.net .*reason="550 5\.7\.1 this is an inbound MX' \
	-- pf-out 127.0.1.12 --from alice@example.net --to bob@example.net "${ALICE[@]}"
h_expect "MX on a submission port is refused" "550 5.7.1" \
	'role=inbound .*rule=inbound\.submission_port action=reject ip=127\.0\.1\.13 ' \
	-- pf-sub 127.0.1.13 --from x@outside.test --to bob@example.net "${ALICE[@]}"
h_expect "MX without AUTH still delivers" 250 \
	'role=inbound .*rule=- action=accept ip=127\.0\.1\.14 ' \
	-- pf-out 127.0.1.14 --from x@outside.test --to bob@example.net

# Per-rule report, and Mode report: logged, accepted.
h_milter_start "DaemonRoles INBOUND=inbound ORIGINATING=inbound" \
	"Action.inbound.auth report"
h_expect "Action.inbound.auth report: accepted and logged" 250 \
	'stage=mail rule=inbound\.auth action=report would=reject ip=127\.0\.1\.15 ' \
	-- pf-out 127.0.1.15 --from someone@outside.test --to bob@example.net "${ALICE[@]}"
h_milter_start "DaemonRoles INBOUND=inbound ORIGINATING=inbound" "Mode report"
h_expect "Mode report: AUTH on the MX accepted and logged" 250 \
	'stage=mail rule=inbound\.auth action=report would=reject ip=127\.0\.1\.16 ' \
	-- pf-out 127.0.1.16 --from alice@example.net --to bob@example.net "${ALICE[@]}"
h_expect_log "Mode report: the accept follows" \
	'stage=eom rule=- action=accept ip=127\.0\.1\.16 '
h_milter_start "Mode report"
h_expect "Mode report: Postfix's own restrictions still hold" \
	"554 5.7.1" 'rule=outbound\.auth_required action=report would=reject ip=127\.0\.3\.11 ' \
	-- pf-sub 127.0.3.11 --from alice@example.net --to friend@other.test

# queue=: the milter's lines and Postfix's maillog name the same message.
h_milter_start
h_expect "queue=: the accept line carries the MTA's queue id" 250 \
	'stage=eom rule=- action=accept ip=127\.0\.1\.18 .* queue=[0-9A-Za-z]+( |$)' \
	-- pf-mx 127.0.1.18 --from someone@outside.test --to bob@example.net,carol@example.net
QID=$(sed -nE 's/^250 2\.0\.0 Ok: queued as ([0-9A-Za-z]+).*/\1/p' <<<"$H_REPLY")
LINE_QID=$(h_log_since | sed -nE 's/.*stage=eom rule=- action=accept ip=127\.0\.1\.18 .* queue=([0-9A-Za-z]+).*/\1/p')
if [ -n "$QID" ] && [ "$QID" = "$LINE_QID" ] &&
	grep -Eq ": $QID: client=.*\[127\.0\.1\.18\]" "$H_DIR/postfix/maillog"; then
	h_ok "queue=$QID is the id of Postfix's reply and of its maillog line"
else
	h_not_ok "queue= is Postfix's queue id" "reply: $H_REPLY; milter's queue=$LINE_QID; maillog:
$(grep -F "127.0.1.18" "$H_DIR/postfix/maillog" | tail -n 3 | sed 's/^/#     /')"
fi
h_expect "queue=: a refusal at a later RCPT carries it too" "550 5.7.1" \
	'stage=rcpt rule=inbound\.relay action=reject ip=127\.0\.1\.19 .* queue=[0-9A-Za-z]+( |$)' \
	-- pf-mx 127.0.1.19 --from someone@outside.test --to bob@example.net,friend@other.test

# The milter down: Postfix tempfails (milter_default_action = tempfail).
h_milter_stop
h_expect "milter down: the MX tempfails, never accepts unchecked" 4 "" \
	-- pf-mx 127.0.1.17 --from someone@outside.test --to bob@example.net

h_done
