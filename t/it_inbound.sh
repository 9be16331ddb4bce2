#!/bin/bash
# it_inbound - every inbound rule on real Postfix and Sendmail, real DNS
#
# A private DNS server (dnsmasq on 127.0.0.53, the test runs in its own
# mount namespace with a private resolv.conf) serves SPF, PTR and DNSBL
# records for the test clients. Outside servers are 127.0.1.x (each has a
# forward-confirmed name unless the test is about that), customers
# 127.0.2.x, the trusted relay 127.0.0.2. One milter serves both MTAs, so a
# customer caught on either MX is refused on every outbound service.
H_DNS=1
. "${srcdir:-$(dirname "$0")/..}/t/lib/harness.sh"

ALICE=(--auth PLAIN --auth-user alice@example.net --auth-password alice-secret)

h_dns_start \
	'HOST mail.outside.test 127.0.1.30' \
	'HOST mail2.outside.test 127.0.1.31' \
	'HOST mail3.outside.test 127.0.1.32' \
	'HOST listed.outside.test 127.0.1.40' \
	'HOST other-answer.outside.test 127.0.1.41' \
	'HOST 127-0-1-50.dyn.pool.example-isp.test 127.0.1.50' \
	'PTR 127.0.1.51 mail.forged.test' \
	'HOST sm.outside.test 127.0.1.70' \
	'HOST sm2.outside.test 127.0.1.71' \
	'TXT outside.test "v=spf1 ip4:127.0.1.0/24 -all"' \
	'TXT spf-fail.test "v=spf1 ip4:192.0.2.0/24 -all"' \
	'TXT softfail.test "v=spf1 ip4:192.0.2.0/24 ~all"' \
	'DNSBL pbl.test 127.0.1.40 127.0.0.10' \
	'DNSBL pbl.test 127.0.1.41 127.0.0.2'

h_milter_start "DNSBL pbl.test=127.0.0.[10..11]" "DNSTimeout 2s"
h_postfix_start
h_sendmail_start

OUT=(--from someone@outside.test --to bob@example.net)

# A legitimate outside server delivers; SPF pass, confirmed PTR.
h_expect "an outside server delivers to our domain" 250 \
	'stage=eom rule=- action=accept ip=127\.0\.1\.30 ' \
	-- pf-mx 127.0.1.30 --helo mail.outside.test "${OUT[@]}"
h_expect "... also through Sendmail" 250 \
	'stage=eom rule=- action=accept ip=127\.0\.1\.70 ' \
	-- sm-mta 127.0.1.70 --helo sm.outside.test "${OUT[@]}"

# inbound.relay: any letter case of our domain is ours, nothing else.
h_expect "relaying to another domain is refused at RCPT" "550 5.7.1" \
	'stage=rcpt rule=inbound\.relay action=reject ip=127\.0\.1\.30 .*rcpt=<friend@other\.test>( |$)' \
	-- pf-mx 127.0.1.30 --helo mail.outside.test --from someone@outside.test --to friend@other.test
h_expect "a look-alike domain is relaying" "550 5.7.1" 'rule=inbound\.relay action=reject' \
	-- pf-mx 127.0.1.30 --helo mail.outside.test --from someone@outside.test --to bob@example.net.evil.test
h_expect "our domain in upper case is ours" 250 'rule=- action=accept ip=127\.0\.1\.30 ' \
	-- pf-mx 127.0.1.30 --helo mail.outside.test --from someone@outside.test --to Bob@EXAMPLE.NET
# Sendmail's own relay check answers before the milter sees the RCPT.
h_expect "Sendmail: relaying refused" "550 5.7.1" "" \
	-- sm-mta 127.0.1.70 --helo sm.outside.test --from someone@outside.test --to friend@other.test

# inbound.own_domain, in any disguise
for from in alice@example.net Alice@EXAMPLE.NET 'alice@example.net.'; do
	h_expect "our own domain from outside is refused: $from" "550 5.7.1" \
		'rule=inbound\.own_domain action=reject ip=127\.0\.1\.31 ' \
		-- pf-mx 127.0.1.31 --helo mail2.outside.test --from "$from" --to bob@example.net
done
h_expect "Sendmail: our own domain from outside is refused" "550 5.7.1" \
	'rule=inbound\.own_domain action=reject ip=127\.0\.1\.71 ' \
	-- sm-mta 127.0.1.71 --helo sm2.outside.test --from ALICE@Example.Net --to bob@example.net
h_expect "our own domain from the trusted relay is fine" 250 'rule=- action=accept ip=127\.0\.0\.2 ' \
	-- pf-mx 127.0.0.2 --from alice@example.net --to bob@example.net

# inbound.spf_fail: fail refused, softfail accepted and logged
h_expect "SPF fail is refused" "550 5.7.23" \
	'rule=inbound\.spf_fail action=reject ip=127\.0\.1\.32 .*reason="550 5\.7\.23 .*SPF fail' \
	-- pf-mx 127.0.1.32 --helo mail3.outside.test --from x@spf-fail.test --to bob@example.net
h_expect "Sendmail: SPF fail is refused" "550 5.7.23" 'rule=inbound\.spf_fail .*ip=127\.0\.1\.71 ' \
	-- sm-mta 127.0.1.71 --helo sm2.outside.test --from x@spf-fail.test --to bob@example.net
h_expect "SPF softfail is accepted" 250 \
	'rule=inbound\.spf_fail action=report would=reject ip=127\.0\.1\.32 .*reason=.*SPF softfail' \
	-- pf-mx 127.0.1.32 --helo mail3.outside.test --from x@softfail.test --to bob@example.net
h_expect_log "... and logged, then accepted" 'stage=eom rule=- action=accept ip=127\.0\.1\.32 '

# inbound.helo_impersonation
h_expect "HELO with our domain is refused" "550 5.7.1" \
	'rule=inbound\.helo_impersonation action=reject ip=127\.0\.1\.30 helo=mx\.example\.net ' \
	-- pf-mx 127.0.1.30 --helo mx.example.net "${OUT[@]}"
h_expect "HELO with our MTA's own name is refused" "550 5.7.1" \
	'rule=inbound\.helo_impersonation action=reject' \
	-- pf-mx 127.0.1.30 --helo MX.EXAMPLE.TEST "${OUT[@]}"
h_expect "Sendmail: HELO with our domain is refused" "550 5.7.1" \
	'rule=inbound\.helo_impersonation .*ip=127\.0\.1\.70 ' \
	-- sm-mta 127.0.1.70 --helo example.net "${OUT[@]}"

# inbound.dynamic_ip: DNSBL (with the answer filter), generic and missing rDNS
h_expect "a DNSBL-listed client is refused" "550 5.7.1" \
	'rule=inbound\.dynamic_ip action=reject ip=127\.0\.1\.40 .*reason=.*listed in pbl\.test as 127\.0\.0\.10' \
	-- pf-mx 127.0.1.40 --helo listed.outside.test "${OUT[@]}"
h_expect "a DNSBL answer outside the filter does not list" 250 'rule=- action=accept ip=127\.0\.1\.41 ' \
	-- pf-mx 127.0.1.41 --helo other-answer.outside.test "${OUT[@]}"
h_expect "a generic reverse name is refused" "550 5.7.1" \
	'rule=inbound\.dynamic_ip action=reject ip=127\.0\.1\.50 .*reason=.*generic reverse name 127-0-1-50\.dyn\.pool\.example-isp\.test' \
	-- pf-mx 127.0.1.50 --helo pc.example-isp.test "${OUT[@]}"
h_expect "a client without reverse DNS is refused" "550 5.7.1" \
	'rule=inbound\.dynamic_ip action=reject ip=127\.0\.1\.60 .*reason=.*no reverse DNS name' \
	-- pf-mx 127.0.1.60 "${OUT[@]}"
h_expect "Sendmail: a generic reverse name is refused" "550 5.7.1" \
	'rule=inbound\.dynamic_ip .*ip=127\.0\.1\.50 ' \
	-- sm-mta 127.0.1.50 --helo pc.example-isp.test "${OUT[@]}"

# inbound.customer_direct flags the bot; it is then refused everywhere.
h_expect "a customer address on the MX is refused" "550 5.7.1" \
	'rule=inbound\.customer_direct action=reject ip=127\.0\.2\.70 ' \
	-- pf-mx 127.0.2.70 --from bot@spam.test --to bob@example.net
h_expect_log "... and quarantined" 'quarantine ip=127\.0\.2\.70 rule=inbound\.customer_direct hits=1 expires_in=86400s'
h_expect "the quarantined customer is refused on submission, even with AUTH" "550 5.7.1" \
	'role=outbound .*rule=outbound\.quarantined action=reject ip=127\.0\.2\.70 ' \
	-- pf-sub 127.0.2.70 --from alice@example.net --to friend@other.test "${ALICE[@]}"
h_expect "... and on Sendmail's MSA" "550 5.7.1" \
	'role=outbound .*rule=outbound\.quarantined action=reject ip=127\.0\.2\.70 ' \
	-- sm-msa 127.0.2.70 --from alice@example.net --to friend@other.test "${ALICE[@]}"
h_expect "a customer on Sendmail's MTA is refused and quarantined" "550 5.7.1" \
	'rule=inbound\.customer_direct action=reject ip=127\.0\.2\.71 ' \
	-- sm-mta 127.0.2.71 --from bot@spam.test --to bob@example.net
h_expect "... then refused on Postfix's submission" "550 5.7.1" \
	'role=outbound .*rule=outbound\.quarantined action=reject ip=127\.0\.2\.71 ' \
	-- pf-sub 127.0.2.71 --from alice@example.net --to friend@other.test "${ALICE[@]}"
h_expect "another customer is not affected" 250 'role=outbound .*rule=- action=accept ip=127\.0\.2\.72 ' \
	-- pf-sub 127.0.2.72 --from alice@example.net --to friend@other.test "${ALICE[@]}"

# Trusted relays are never flagged: make the trusted range a customer range too.
h_milter_start "DNSBL pbl.test=127.0.0.[10..11]" "CustomerNetworks 127.0.0.0/24"
h_expect "a trusted relay inside the customer range is not flagged" 250 \
	'rule=- action=accept ip=127\.0\.0\.2 ' \
	-- pf-mx 127.0.0.2 "${OUT[@]}"
h_expect_no_log "... and not quarantined" 'quarantine ip=127\.0\.0\.2'

# The quarantine expires after QuarantineTTL.
h_milter_start "QuarantineTTL 2s"
h_expect "a customer is quarantined for QuarantineTTL" "550 5.7.1" 'quarantine ip=127\.0\.2\.73 .*expires_in=2s' \
	-- pf-mx 127.0.2.73 --from bot@spam.test --to bob@example.net
h_expect "refused on submission meanwhile" "550 5.7.1" 'rule=outbound\.quarantined action=reject' \
	-- pf-sub 127.0.2.73 --from alice@example.net --to friend@other.test "${ALICE[@]}"
sleep 3	# real time: the quarantine record's expiry is wall-clock
h_expect "after QuarantineTTL the customer may submit again" 250 \
	'role=outbound .*rule=- action=accept ip=127\.0\.2\.73 ' \
	-- pf-sub 127.0.2.73 --from alice@example.net --to friend@other.test "${ALICE[@]}"

# Mode report: everything accepted, every refusal logged as would=reject.
h_milter_start "DNSBL pbl.test=127.0.0.[10..11]" "Mode report"
h_expect "Mode report: a bot on the MX is accepted" 250 \
	'rule=inbound\.customer_direct action=report would=reject ip=127\.0\.2\.74 ' \
	-- pf-mx 127.0.2.74 --from bot@spam.test --to bob@example.net
h_expect_no_log "Mode report: nothing is quarantined" 'quarantine ip=127\.0\.2\.74'
h_expect "Mode report: SPF fail accepted" 250 'rule=inbound\.spf_fail action=report would=reject' \
	-- pf-mx 127.0.1.32 --helo mail3.outside.test --from x@spf-fail.test --to bob@example.net
h_expect "Mode report: relaying accepted" 250 'rule=inbound\.relay action=report would=reject' \
	-- pf-mx 127.0.1.30 --helo mail.outside.test --from someone@outside.test --to friend@other.test
h_expect "Mode report: own domain, HELO and DNSBL accepted" 250 \
	'rule=inbound\.(dynamic_ip|helo_impersonation|own_domain) action=report would=reject ip=127\.0\.1\.40 ' \
	-- pf-mx 127.0.1.40 --helo example.net --from alice@example.net --to bob@example.net

h_done
