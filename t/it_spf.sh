#!/bin/bash
# it_spf - SPF records as RFC 7208 reads them, through the real daemon
#
# The milter, a private Postfix and a private dnsmasq (H_DNS=1: the test
# runs in its own mount namespace with a private resolv.conf). Every
# sender domain below has its own SPF record; the clients 127.0.1.x have
# forward-confirmed names (so that no other rule fires) and send mail
# for bob@example.net through Postfix's MX service:
# - records that RFC 7208 calls invalid, each ending in "-all", give
#   permerror - accepted with the default SPFAction (permerror report) -
#   and never the 550 5.7.23 of their -all;
# - a valid -all record still refuses;
# - prefix lengths of 0;
# - a name of a ptr or mx expansion whose A lookup fails (SERVFAIL) is
#   skipped: the rest of the record still decides.
# ("SERVFAIL NAME" records: t/lib/dns.sh answers NAME's queries SERVFAIL.)
# - a sender domain that never answers is a temperror within DNSTimeout,
#   also within a new one that a reload (SIGHUP) sets.
H_DNS=1
. "${srcdir:-$(dirname "$0")/..}/t/lib/harness.sh"

h_dns_start \
	'HOST mail.outside.test 127.0.1.30' \
	'HOST mail2.outside.test 127.0.1.31' \
	'HOST mail3.outside.test 127.0.1.32' \
	'PTR 127.0.1.33 broken.ptr.test' \
	'SERVFAIL broken.ptr.test' \
	'SERVFAIL dead.mxfail.test' \
	'TXT valid.test "v=spf1 ip4:192.0.2.0/24 -all"' \
	'TXT addr.test "v=spf1 a:192.0.2.3 -all"' \
	'TXT twoexp.test "v=spf1 -all exp=a.test exp=b.test"' \
	'TXT tworedir.test "v=spf1 redirect=valid.test redirect=valid.test"' \
	'TXT bigdigits.test "v=spf1 exists:%{d2147483648}.x.test -all"' \
	'TXT negdigits.test "v=spf1 exists:%{l-1}.x.test -all"' \
	'TXT badmod.test "v=spf1 -all foo=%x"' \
	'TXT utf8.test "v=spf1 a:bücher.test -all"' \
	'TXT eleven.test "v=spf1 a a a a a a a a a a a -all"' \
	'TXT voids.test "v=spf1 a:v1.test a:v2.test a:v3.test -all"' \
	'TXT incbroken.test "v=spf1 include:addr.test -all"' \
	'TXT any4.test "v=spf1 ip4:192.0.2.1/0 -all"' \
	'TXT deny4.test "v=spf1 -ip4:0.0.0.0/0 +all"' \
	'TXT a0.test "v=spf1 a:mail.outside.test/0 -all"' \
	'TXT redirall.test "v=spf1 redirect=any4.test -all"' \
	'TXT ptrfail.test "v=spf1 ptr:outside.test ip4:127.0.1.33 -all"' \
	'TXT mxfail.test "v=spf1 mx -all"' \
	'MX mxfail.test 10 dead.mxfail.test' \
	'MX mxfail.test 20 mail.outside.test' \
	'TIMEOUT hangs.test' \
	'TXT bigexp.test "v=spf1 -all exp=why.bigexp.test"' \
	'TXT why.bigexp.test "%{d} %{d} %{d} %{d} %{d} %{d} %{d} %{d} %{d} %{d} %{d} %{d} %{d} %{d} %{d} %{d} %{d} %{d} %{ir} %{ir}"'

# the setup itself: the SERVFAIL and the records as served
h_mark
if [ "$(h_dns_query broken.ptr.test A | head -n 1)" = SERVFAIL ]; then
	h_ok "dnsmasq answers SERVFAIL for broken.ptr.test"
else
	h_not_ok "dnsmasq answers SERVFAIL for broken.ptr.test" \
		"got $(h_dns_query broken.ptr.test A | tr '\n' ' ')"
fi
if h_dns_query utf8.test TXT | grep -q 'b.*cher'; then
	h_ok "dnsmasq serves the record with a non-ASCII octet"
else
	h_not_ok "dnsmasq serves the record with a non-ASCII octet" \
		"got $(h_dns_query utf8.test TXT | tr '\n' ' ')"
fi

h_milter_start "DNSTimeout 3s"
h_postfix_start

# mail3.outside.test (127.0.1.32) is listed by none of the records
SENT=(--helo mail3.outside.test --to bob@example.net)

h_expect "a valid -all record still refuses" "550 5.7.23" \
	'rule=inbound\.spf_fail action=reject ip=127\.0\.1\.32 .*from=<x@valid\.test> reason="550 5\.7\.23 .*SPF fail' \
	-- pf-mx 127.0.1.32 --from x@valid.test "${SENT[@]}"

# invalid records: permerror, reported, accepted - never their -all
for case in \
	'addr:an address where a domain belongs:term 1 .*a:192\.0\.2\.3' \
	'twoexp:exp= twice:exp= given twice' \
	'tworedir:redirect= twice:redirect= given twice' \
	'bigdigits:a transformer of 2147483648:1 to 128 parts' \
	'negdigits:a transformer of -1:in a macro' \
	'badmod:an unknown modifier of bad syntax:followed by .x.' \
	'utf8:a non-ASCII octet:non-ASCII octet 0xc3' \
	'eleven:11 DNS lookups in the record:11 terms that query DNS' \
	'voids:three void lookups:more than 2 void DNS lookups' \
	'incbroken:an include of an invalid record:addr\.test: invalid SPF record'; do
	dom=${case%%:*} rest=${case#*:}
	what=${rest%%:*} why=${rest#*:}
	h_expect "$what with -all: permerror, accepted" 250 \
		"rule=inbound\.spf_fail action=report would=reject ip=127\.0\.1\.32 .*from=<x@$dom\.test> reason=\"550 5\.7\.24 " \
		-- pf-mx 127.0.1.32 --from "x@$dom.test" "${SENT[@]}"
	h_expect_log "... logged as spf=permerror, with why" "spf=permerror $dom\.test: .*$why"
	h_expect_no_log "... never an SPF fail" "from=<x@$dom\.test> .*SPF fail"
done

# prefix lengths of 0
h_expect "ip4:N/0 passes any IPv4 client" 250 'spf=pass domain of any4\.test designates 127\.0\.1\.32' \
	-- pf-mx 127.0.1.32 --from x@any4.test "${SENT[@]}"
h_expect "-ip4:0.0.0.0/0 fails any IPv4 client" "550 5.7.23" \
	'rule=inbound\.spf_fail action=reject ip=127\.0\.1\.32 .*from=<x@deny4\.test>' \
	-- pf-mx 127.0.1.32 --from x@deny4.test "${SENT[@]}"
h_expect "a:host/0 passes any client when the host has an address" 250 \
	'spf=pass domain of a0\.test designates 127\.0\.1\.32' \
	-- pf-mx 127.0.1.32 --from x@a0.test "${SENT[@]}"
h_expect "redirect= is ignored when the record has -all" "550 5.7.23" \
	'rule=inbound\.spf_fail action=reject ip=127\.0\.1\.32 .*from=<x@redirall\.test>' \
	-- pf-mx 127.0.1.32 --from x@redirall.test "${SENT[@]}"

# a DNS failure on one name of a ptr or mx expansion skips that name
h_expect "ptr: the PTR name's SERVFAIL is skipped, ip4: lists the client" 250 \
	'spf=pass domain of ptrfail\.test designates 127\.0\.1\.33' \
	-- pf-mx 127.0.1.33 --from x@ptrfail.test --helo broken.ptr.test --to bob@example.net
h_expect_no_log "... no temperror" 'spf=temperror'
h_expect "mx: the first MX host's SERVFAIL is skipped, the second matches" 250 \
	'spf=pass domain of mxfail\.test designates 127\.0\.1\.30' \
	-- pf-mx 127.0.1.30 --from x@mxfail.test --helo mail.outside.test --to bob@example.net
h_expect "mx: the SERVFAIL skipped, no other host matches: fail" "550 5.7.23" \
	'rule=inbound\.spf_fail action=reject ip=127\.0\.1\.31 .*from=<x@mxfail\.test>' \
	-- pf-mx 127.0.1.31 --from x@mxfail.test --helo mail2.outside.test --to bob@example.net

# an explanation of many macros changes nothing
h_expect "an explanation of many macros: still fail" "550 5.7.23" \
	'rule=inbound\.spf_fail action=reject ip=127\.0\.1\.32 .*from=<x@bigexp\.test>' \
	-- pf-mx 127.0.1.32 --from x@bigexp.test "${SENT[@]}"
h_expect_log "... its explanation skipped (20 macros)" \
	'explanation at why\.bigexp\.test not used: explanation with 20 macros'

# a sender domain that never answers: temperror within DNSTimeout (3 s),
# then within the DNSTimeout a reload sets (1 s), the SPF checker the same
# spent_ms - milliseconds since $1 (an EPOCHREALTIME)
spent_ms() {
	echo $(((${EPOCHREALTIME/./} - ${1/./}) / 1000))
}
for timeout in 3 1; do
	if [ "$timeout" = 1 ]; then
		h_mark
		sed -i 's/^DNSTimeout .*/DNSTimeout 1s/' "$H_DIR/milter.conf"
		h_milter_reload
		h_expect_log "reload: DNSTimeout 1s" 'reloaded configuration'
	fi
	t0=$EPOCHREALTIME
	h_expect "DNSTimeout ${timeout}s: a sender domain that never answers is a temperror" \
		"451 4.7.24" "spf=temperror hangs\.test: DNS lookups took longer than [0-9]+ ms" \
		-- pf-mx 127.0.1.32 --from x@hangs.test "${SENT[@]}"
	ms=$(spent_ms "$t0")
	echo "# DNSTimeout ${timeout}s: the session took $ms ms"
	# room for a loaded host; after the reload, under the old 3 s
	hi=$((timeout == 1 ? 2500 : timeout * 2000))
	if [ "$ms" -ge $((timeout * 1000 - 200)) ] && [ "$ms" -lt "$hi" ]; then
		h_ok "... within DNSTimeout ${timeout}s ($ms ms)"
	else
		h_not_ok "... within DNSTimeout ${timeout}s" "the session took $ms ms"
	fi
done

# the operator may refuse permerror instead
h_milter_start "DNSTimeout 3s" "SPFAction permerror reject"
h_expect "SPFAction permerror reject: a broken record is refused 5.7.24" "550 5.7.24" \
	'rule=inbound\.spf_fail action=reject ip=127\.0\.1\.32 .*from=<x@addr\.test> reason="550 5\.7\.24 .*SPF permerror' \
	-- pf-mx 127.0.1.32 --from x@addr.test "${SENT[@]}"

h_done
