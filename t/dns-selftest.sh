#!/bin/bash
# dns-selftest.sh - check the private DNS of t/lib/dns.sh, without milter
#
# SYNOPSIS
#	t/dns-selftest.sh
#
# DESCRIPTION
#	Exercises t/lib/dns.sh through t/lib/harness.sh (H_DNS=1): the test
#	runs in its own mount namespace whose /etc/resolv.conf names the
#	private dnsmasq, while the host's stays as it was; dnsmasq serves
#	TXT, A, PTR, MX and DNSBL records, answers NXDOMAIN at once for the
#	rest, serves added records after h_dns_add, leaves TIMEOUT names
#	unanswered; glibc (getent) resolves through it; a private Postfix
#	without milter logs the PTR names of its clients, and "unknown" for
#	a client without PTR or whose PTR name has no address.
#	Root only; exits 77 (skip) when a prerequisite is missing.
#
# ENVIRONMENT
#	See t/lib/harness.sh and t/lib/dns.sh (ISO_KEEP=1 keeps the work
#	folder, with dns.log).

# shellcheck disable=SC2317 # the helpers below run through h_check()

# Before the harness re-executes this script in its namespace: the
# host's resolv.conf as it is now.
if [ -z "${DNS_SELFTEST_HOST_RESOLV+set}" ]; then
	DNS_SELFTEST_HOST_RESOLV=$(cksum </etc/resolv.conf 2>/dev/null)
	export DNS_SELFTEST_HOST_RESOLV
fi
H_DNS=1
# shellcheck source=t/lib/harness.sh
. "$(cd "$(dirname "$0")" && pwd)/lib/harness.sh"

LONG=$(printf 'x%.0s' {1..300})
SPF="v=spf1 ip4:127.0.1.0/24 -all"

# answers - h_dns_query NAME TYPE prints exactly the lines WANT...
answers() {
	local name=$1 type=$2 got want
	shift 2
	got=$(h_dns_query "$name" "$type")
	want=$(printf '%s\n' "$@")
	[ "$got" = "$want" ] && return 0
	echo "#   $name $type: got '${got//$'\n'/|}', wanted '${want//$'\n'/|}'"
	return 1
}

# fast - run a command; fail when it takes $1 seconds or more
fast() {
	local limit=$1 t0 ms
	shift
	t0=$EPOCHREALTIME
	"$@"
	ms=$(((${EPOCHREALTIME/./} - ${t0/./}) / 1000))
	echo "#   $* took ${ms} ms"
	[ "$ms" -lt "$((limit * 1000))" ]
}

# getent_is - getent DB KEY prints WANT (whitespace squeezed)
getent_is() {
	local got
	got=$(getent "$1" "$2" | tr -s ' \t' ' ')
	[ "$got" = "$3" ] && return 0
	echo "#   getent $1 $2: got '$got', wanted '$3'"
	return 1
}

# not_found - getent DB NAME finds nothing (exit 2)
not_found() {
	getent "$1" "$2" >/dev/null
	[ $? = 2 ]
}

# hosts_localhost - every name in /etc/hosts is a localhost one
hosts_localhost() {
	awk '!/^#/ { for (i = 2; i <= NF; i++) print $i }' /etc/hosts |
		grep -qvE '^(localhost|ip6-localhost|ip6-loopback)$' && return 1
	[ "$(getent ahostsv4 localhost | awk '{ print $1; exit }')" = 127.0.0.1 ]
}

# no_answer - h_dns_query NAME TYPE times out after H_DNS_QUERY_TIMEOUT
no_answer() {
	[ "$(H_DNS_QUERY_TIMEOUT=1.5 h_dns_query "$1" "$2")" = TIMEOUT ]
}

# outer_resolv_same - the namespace we came from still sees the host's file
outer_resolv_same() {
	local outer=${H_DNS_NS#* } pid
	for pid in "$PPID" 1; do
		[ "$(readlink "/proc/$pid/ns/mnt")" = "$outer" ] || continue
		[ "$(cksum <"/proc/$pid/root/etc/resolv.conf")" = "$DNS_SELFTEST_HOST_RESOLV" ] &&
			return 0
		echo "#   the host's resolv.conf changed"
		return 1
	done
	echo "#   no process left in the outer mount namespace to look through"
	return 1
}

# ours - /etc/resolv.conf in here is the private one
ours() {
	[ "$(cat /etc/resolv.conf)" = "nameserver $H_DNS_IP
options timeout:1 attempts:1" ]
}

# port53_closed - nothing listens on H_DNS_IP:53 any more
port53_closed() {
	[ -z "$(ss -Hlnut "src $H_DNS_IP:53")" ]
}

h_check "the test runs in its own mount namespace" \
	test "$(readlink /proc/self/ns/mnt)" != "${H_DNS_NS#* }"
h_check "/etc/resolv.conf in here names $H_DNS_IP" ours
h_check "the host's /etc/resolv.conf is unchanged" outer_resolv_same
h_check "/etc/hosts in here keeps localhost only" hosts_localhost

t0=$EPOCHREALTIME
h_dns_start "TXT example.org \"$SPF\"" \
	'TXT two.example.org "one, with a comma" "two"' \
	"TXT long.example.org $LONG" \
	'HOST mail.example.org 127.0.1.25' \
	'A a-only.example.org 127.0.1.27' \
	'PTR 127.0.1.28 ptr-only.example.org' \
	'MX example.org 10 mail.example.org' \
	'DNSBL zen.example.test 127.0.2.50 127.0.0.10' \
	'DNSBL zen.example.test 127.0.2.51' \
	'TIMEOUT slow.example.org'
echo "# h_dns_start took $(((${EPOCHREALTIME/./} - ${t0/./}) / 1000)) ms"

h_check "TXT answered" answers example.org TXT NOERROR "\"$SPF\""
h_check "TXT of two strings, one with a comma" \
	answers two.example.org TXT NOERROR '"one, with a comma" "two"'
h_check "TXT longer than 255 is split" \
	answers long.example.org TXT NOERROR "\"${LONG:0:255}\" \"${LONG:255}\""
h_check "MX answered" answers example.org MX NOERROR "10 mail.example.org"
h_check "a name with other types only: NODATA" answers example.org A NOERROR
h_check "HOST: A answered" answers mail.example.org A NOERROR 127.0.1.25
h_check "HOST: PTR answered" answers 127.0.1.25 PTR NOERROR mail.example.org
h_check "A has no PTR" answers 127.0.1.27 PTR NXDOMAIN
h_check "PTR has no A" answers ptr-only.example.org A NXDOMAIN
h_check "PTR answered" answers 127.0.1.28 PTR NOERROR ptr-only.example.org
h_check "DNSBL: a listed address answers 127.0.0.10" \
	answers 50.2.0.127.zen.example.test A NOERROR 127.0.0.10
h_check "DNSBL: the default answer is 127.0.0.2" \
	answers 51.2.0.127.zen.example.test A NOERROR 127.0.0.2
h_check "DNSBL: an unlisted address is NXDOMAIN" \
	answers 52.2.0.127.zen.example.test A NXDOMAIN
h_check "an unknown name is NXDOMAIN in < 1 s" \
	fast 1 answers nothere.example.org A NXDOMAIN
h_check "an unknown outside name is NXDOMAIN, not forwarded" \
	fast 1 answers www.debian.org A NXDOMAIN
h_check "glibc: the PTR of a 127.0.x.y client" \
	getent_is hosts 127.0.1.25 "127.0.1.25 mail.example.org"
h_check "glibc: the A of a HOST record" \
	getent_is ahostsv4 mail.example.org "127.0.1.25 STREAM mail.example.org
127.0.1.25 DGRAM 
127.0.1.25 RAW "
h_check "glibc: an A-only name (AAAA NXDOMAIN) resolves" \
	getent_is hosts a-only.example.org "127.0.1.27 a-only.example.org"
h_check "glibc: an unknown name fails in < 1 s" \
	fast 1 not_found hosts nothere.example.org
h_check "TIMEOUT: no answer" no_answer x.slow.example.org TXT
h_check "glibc: a TIMEOUT name gives up after 1 s (timeout:1 attempts:1)" \
	fast 2 not_found ahostsv4 slow.example.org

h_dns_add 'PTR 127.0.1.30 late.example.org'
h_check "h_dns_add: the new record is served at once" \
	answers 127.0.1.30 PTR NOERROR late.example.org
h_check "h_dns_add: the old records stay" \
	answers 127.0.1.25 PTR NOERROR mail.example.org

# Postfix resolves its clients through the same resolv.conf.
H_PF_MILTER='' h_postfix_start
H_LOG=$H_DIR/postfix/maillog
h_expect "Postfix: a client with PTR and A is named" 250 \
	'postfix/smtp/smtpd\[[0-9]+\]: connect from mail\.example\.org\[127\.0\.1\.25\]' \
	-- pf-mx 127.0.1.25 --from someone@example.org --to bob@example.net
h_expect "Postfix: a client without PTR is unknown" 250 \
	'postfix/smtp/smtpd\[[0-9]+\]: connect from unknown\[127\.0\.1\.26\]' \
	-- pf-mx 127.0.1.26 --from someone@example.org --to bob@example.net
h_expect "Postfix: a PTR name without A is unknown" 250 \
	'connect from unknown\[127\.0\.1\.30\]' \
	-- pf-mx 127.0.1.30 --from someone@example.org --to bob@example.net
h_expect_log "Postfix: ... and says why" \
	'hostname late\.example\.org does not resolve to address 127\.0\.1\.30'
h_postfix_stop

h_dns_stop
h_check "h_dns_stop: nothing listens on $H_DNS_IP:53" port53_closed
h_check "the host's /etc/resolv.conf is still unchanged" outer_resolv_same

h_done
