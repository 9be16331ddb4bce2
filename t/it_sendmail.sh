#!/bin/bash
# it_sendmail - roles and the first rules on a real Sendmail
#
# A private Sendmail 8.17 (t/lib/sendmail.sh, built from
# etc/sendmail/isolation-milter.mc) with an MTA daemon (Name=MTA) and an
# MSA daemon (Name=MSA, M=Ea, SMTP AUTH against a private sasldb).
. "${srcdir:-$(dirname "$0")/..}/t/lib/harness.sh"

ALICE=(--auth PLAIN --auth-user alice@example.net --auth-password alice-secret)

h_milter_start
h_sendmail_start

h_expect "MTA: an outside server delivers (inbound)" 250 \
	'role=inbound stage=eom rule=- action=accept ip=127\.0\.1\.20 ' \
	-- sm-mta 127.0.1.20 --from someone@outside.test --to bob@example.net
h_expect "MSA: alice logs in and sends (outbound)" 250 \
	'role=outbound stage=eom rule=- action=accept ip=127\.0\.3\.20 .*auth=alice@example\.net from=<alice@example\.net>( |$)' \
	-- sm-msa 127.0.3.20 --from alice@example.net --to friend@other.test "${ALICE[@]}"
h_expect "MSA: AUTH LOGIN with a bare login" 250 \
	'role=outbound .*action=accept ip=127\.0\.3\.21 .*auth=carol ' \
	-- sm-msa 127.0.3.21 --from carol@example.net --to friend@other.test \
	--auth LOGIN --auth-user carol --auth-password carol-secret
h_expect "MSA: the xtext login dave+x is decoded" 250 \
	'role=outbound .*action=accept ip=127\.0\.3\.22 .*auth=dave\+x@example\.net ' \
	-- sm-msa 127.0.3.22 --from dave+x@example.net --to friend@other.test \
	--auth PLAIN --auth-user dave+x@example.net --auth-password dave-secret
h_expect "MTA: a customer address speaking SMTP (a bot) is refused" "550 5.7.1" \
	'role=inbound .*rule=inbound\.customer_direct action=reject ip=127\.0\.2\.31 ' \
	-- sm-mta 127.0.2.31 --from bot@spam.test --to bob@example.net
h_expect "MSA: no AUTH is refused (by Sendmail's M=a, before MAIL reaches the milter)" 530 "" \
	-- sm-msa 127.0.3.23 --from alice@example.net --to friend@other.test
h_expect "MTA: an authenticated session is refused (inbound.auth)" "550 5.7.1" \
	'role=inbound .*rule=inbound\.auth action=reject ip=127\.0\.1\.21 .*auth=alice@example\.net ' \
	-- sm-mta 127.0.1.21 --from alice@example.net --to bob@example.net "${ALICE[@]}"

# outbound.auth_required through Sendmail: every daemon outbound.
h_milter_start "Role outbound"
h_expect "Role outbound: unauthenticated MTA session refused" "530 5.7.0" \
	'role=outbound .*rule=outbound\.auth_required action=reject ip=127\.0\.2\.30 ' \
	-- sm-mta 127.0.2.30 --from alice@example.net --to friend@other.test

h_milter_start "Action.inbound.auth report"
h_expect "Action.inbound.auth report: accepted and logged" 250 \
	'rule=inbound\.auth action=report would=reject ip=127\.0\.1\.22 ' \
	-- sm-mta 127.0.1.22 --from someone@outside.test --to bob@example.net "${ALICE[@]}"

h_milter_stop
h_expect "milter down: Sendmail tempfails (F=T)" 4 "" \
	-- sm-mta 127.0.1.23 --from someone@outside.test --to bob@example.net

h_done
