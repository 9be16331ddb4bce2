#!/bin/bash
# it_dns_deadline - one DNSTimeout for all the DNS lookups of a stage
#
# The milter under a private Postfix, with a private dnsmasq (H_DNS=1: the
# test runs in its own mount namespace with a private resolv.conf). Three
# DNSBL zones and the reverse names of the clients 127.0.1.60 and .61
# never answer (TIMEOUT records: dnsmasq forwards them to a responder
# that drops every query). With DNSTimeout 2s the MAIL stage must answer
# within 2 s plus a margin of 1.5 s, where asking the zones, the PTR and
# SPF one after another, each with its own DNSTimeout, took 10 s:
# - the zones and the PTR time out together: logged as temporary
#   failures, the client not refused on a guess, SPF (checked meanwhile,
#   with the whole DNSTimeout) still passes;
# - a generic reverse name whose forward lookup never answers is still
#   generic (DynamicIPChecks with unconfirmed);
# - a sender domain whose SPF never answers: temperror (451), and the
#   stage still ends within the one DNSTimeout.
# Each time printed is from the connection to the reply to MAIL FROM
# (Postfix's own reverse lookup is off: smtpd_peername_lookup = no).
H_DNS=1
. "${srcdir:-$(dirname "$0")/..}/t/lib/harness.sh"

TIMEOUT_S=2
MARGIN_MS=1500

h_dns_start \
	'TIMEOUT z1.hang.test' \
	'TIMEOUT z2.hang.test' \
	'TIMEOUT z3.hang.test' \
	'TIMEOUT 60.1.0.127.in-addr.arpa' \
	'PTR 127.0.1.61 dyn-127-0-1-61.pool.isp.test' \
	'TIMEOUT dyn-127-0-1-61.pool.isp.test' \
	'TIMEOUT hangs.test' \
	'TXT outside.test "v=spf1 ip4:127.0.1.0/24 -all"'

PF_MAIN_EXTRA="smtpd_peername_lookup = no"
export PF_MAIN_EXTRA
h_milter_start "DNSTimeout ${TIMEOUT_S}s" \
	"DNSBL z1.hang.test" "DNSBL z2.hang.test" "DNSBL z3.hang.test" \
	"DynamicIPChecks dnsbl generic no_ptr unconfirmed"
h_postfix_start

# the setup itself: those names are never answered
h_mark
for name in 60.1.0.127.z1.hang.test 60.1.0.127.z3.hang.test \
	60.1.0.127.in-addr.arpa dyn-127-0-1-61.pool.isp.test; do
	got=$(H_DNS_QUERY_TIMEOUT=1 h_dns_query "$name" A | head -n 1)
	if [ "$got" = TIMEOUT ]; then
		h_ok "dnsmasq never answers $name"
	else
		h_not_ok "dnsmasq never answers $name" "got $got"
	fi
done

# timed_mail IP FROM - connect from IP, EHLO, MAIL FROM:<FROM>, RCPT; set
# T_MS (connection to the MAIL reply), T_MAIL and T_RCPT (the replies)
# shellcheck disable=SC2031 # h_node2_start sets PF_* in a subshell only
timed_mail() {
	local out
	out=$(timeout 60 python3 - "$PF_MX_PORT" "$1" "$2" <<'EOF'
import smtplib, sys, time
port, ip, sender = int(sys.argv[1]), sys.argv[2], sys.argv[3]
t0 = time.monotonic()
s = smtplib.SMTP("127.0.0.1", port, local_hostname="mail.outside.test",
                 source_address=(ip, 0), timeout=30)
s.ehlo()
code, msg = s.docmd("MAIL FROM:<%s>" % sender)
ms = int((time.monotonic() - t0) * 1000)
rcode, rmsg = s.docmd("RCPT TO:<bob@example.net>")
s.quit()
print("%d|%d %s|%d %s" % (ms, code, msg.decode(errors="replace").replace("\n", " "),
                          rcode, rmsg.decode(errors="replace").replace("\n", " ")))
EOF
	)
	IFS='|' read -r T_MS T_MAIL T_RCPT <<<"$out"
	echo "# $1 MAIL FROM:<$2>: ${T_MS:-?} ms to '$T_MAIL', then '$T_RCPT'"
}

# within NAME - the last MAIL reply came within DNSTimeout and the margin
within() {
	local most=$((TIMEOUT_S * 1000 + MARGIN_MS))
	if [[ $T_MS =~ ^[0-9]+$ ]] && [ "$T_MS" -lt "$most" ]; then
		h_ok "$1 ($T_MS ms, at most $most)"
	else
		h_not_ok "$1" "MAIL took ${T_MS:-?} ms, at most $most wanted"
	fi
}

# reply_is NAME PREFIX TEXT - a reply starts with PREFIX
reply_is() {
	if [[ $3 == "$2"* ]]; then
		h_ok "$1"
	else
		h_not_ok "$1" "reply '$3', wanted '$2...'"
	fi
}

# three zones and the PTR that never answer, at once
h_mark
timed_mail 127.0.1.60 x@outside.test
within "three hanging zones and a hanging PTR: one DNSTimeout"
if [[ $T_MS =~ ^[0-9]+$ ]] && [ "$T_MS" -ge $((TIMEOUT_S * 1000 - 100)) ]; then
	h_ok "... and the lookups were waited for until the deadline"
else
	h_not_ok "... and the lookups were waited for until the deadline" "MAIL took ${T_MS:-?} ms"
fi
reply_is "... the mail is not refused on a guess (MAIL)" 250 "$T_MAIL"
reply_is "... the mail is not refused on a guess (RCPT)" 250 "$T_RCPT"
for zone in z1 z2 z3; do
	h_expect_log "... DNSBL $zone.hang.test logged as a temporary failure" \
		"DNSBL $zone\\.hang\\.test: temporary failure \\(no answer before the deadline\\); not used"
done
h_expect_log "... the reverse DNS logged as a temporary failure" \
	'reverse DNS of 127\.0\.1\.60: temporary failure \(no answer before the deadline\); not used'
h_expect_log "... SPF checked meanwhile: pass" 'spf=pass domain of outside\.test designates 127\.0\.1\.60'
h_expect_no_log "... no rule fired" 'rule=inbound\.(dynamic_ip|spf_fail)'

# a generic name is generic whether or not its forward lookup answers
h_mark
timed_mail 127.0.1.61 x@outside.test
within "a generic reverse name whose forward lookup hangs"
reply_is "... refused as a dynamic address" "550" "$T_MAIL$T_RCPT"
h_expect_log "... for its generic name" \
	'rule=inbound\.dynamic_ip action=reject ip=127\.0\.1\.61 .*generic reverse name dyn-127-0-1-61\.pool\.isp\.test'
h_expect_log "... the forward lookup logged as failed" \
	'reverse name dyn-127-0-1-61\.pool\.isp\.test of 127\.0\.1\.61: forward lookup failed \(no answer before the deadline\)'

# SPF that never answers either: still one DNSTimeout for the stage
h_mark
timed_mail 127.0.1.60 x@hangs.test
within "hanging zones, PTR and SPF: one DNSTimeout"
reply_is "... SPF temperror: a temporary refusal" "451 4.7.24" "$T_MAIL$T_RCPT"
h_expect_log "... logged as spf=temperror" 'spf=temperror hangs\.test: DNS lookups took longer than [0-9]+ ms'

h_done
