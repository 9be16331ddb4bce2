#!/bin/bash
# it_dns_blackhole - the resolver does not answer, under load
#
# A private dnsmasq (H_DNS=1) that drops every query for the DNSBL zone,
# the reverse zone of the clients (1.0.127.in-addr.arpa) and the sender
# domain hangs.test (TIMEOUT records); outside.test answers its SPF
# record. DNSTimeout 2s. A load client sends 40 messages from
# outside.test and 40 from hangs.test, 8 sessions at a time, to the MX.
# Asserted: the sessions end within the deadline's bound (from connect to
# the final reply, all under 6 s: one stage's DNSTimeout, plus as much for
# a session queued behind libmilter's busy workers, plus a margin; the
# old lookups one after another took 8 s and more); how many ended under
# 3 s is printed, not asserted (it depends on the machine's load).
# Nothing is refused on a guess: no 5xx,
# no inbound.dynamic_ip or inbound.spf_fail line; outside.test's mail
# is accepted; hangs.test's gets SPFAction temperror's default, 451
# 4.7.24; with "SPFAction temperror report" it is accepted instead.
H_DNS=1
. "${srcdir:-$(dirname "$0")/..}/t/lib/harness.sh"
. "$H_SRCDIR/t/lib/load.sh"

h_dns_start \
	'TIMEOUT bl.hang.test' \
	'TIMEOUT 1.0.127.in-addr.arpa' \
	'TIMEOUT hangs.test' \
	'TXT outside.test "v=spf1 ip4:127.0.1.0/24 -all"'
PF_MAIN_EXTRA="smtpd_peername_lookup = no"
export PF_MAIN_EXTRA
# A stage ends within DNSTimeout; a session queued behind libmilter's
# busy workers (the first burst after a start) may wait one more.
MOST=6000
FAST=3000
h_milter_start "DNSTimeout 2s" "DNSBL bl.hang.test" \
	"DynamicIPChecks dnsbl generic no_ptr unconfirmed"
h_postfix_start

# run NAME FROM - 40 messages from FROM, 8 at a time; summary printed
run() {
	ld_run "$H_DIR/$1.txt" --port "$PF_MX_PORT" --count 40 --conc 8 \
		--tag "$1" --ip 127.0.1.% --from "$2"
	ld_summary "$H_DIR/$1.txt"
}

# expect_all NAME FILE CODE TEXT - every message of FILE got CODE, TEXT
expect_all() {
	local bad
	bad=$(awk -F'\t' -v c="$3" -v t="$4" '$2 != c || index($5, t) != 1' "$2" | head -n 3)
	if [ "$(wc -l <"$2")" = 40 ] && [ -z "$bad" ]; then
		h_ok "$1"
	else
		h_not_ok "$1" "$(wc -l <"$2") lines; $bad"
	fi
}

# expect_fast NAME FILE - no session of FILE took MOST ms or longer (how
# many took less than FAST ms is printed)
expect_fast() {
	local ms fast
	ms=$(ld_max_ms "$2")
	fast=$(awk -F'\t' -v f="$FAST" '$4 < f { n++ } END { print n + 0 }' "$2")
	if [ "$ms" -lt "$MOST" ]; then
		h_ok "$1 (longest $ms ms; $fast of 40 under $FAST ms)"
	else
		h_not_ok "$1" "longest $ms ms; $fast of 40 under $FAST ms"
	fi
}

h_mark
run pass someone@outside.test
expect_all "blackholed DNSBL and PTR: the 40 messages from outside.test accepted" \
	"$H_DIR/pass.txt" 250 ""
expect_fast "... each session within DNSTimeout and the margin" "$H_DIR/pass.txt"
h_expect_log "... the DNSBL's silence is logged as a temporary failure" \
	'DNSBL bl\.hang\.test: temporary failure'
h_expect_no_log "... nobody refused on a guess" 'rule=inbound\.(dynamic_ip|spf_fail)'

h_mark
run hang someone@hangs.test
expect_all "blackholed SPF too: the 40 messages from hangs.test get 451 4.7.24 (temperror)" \
	"$H_DIR/hang.txt" 451 "4.7.24"
expect_fast "... each session within DNSTimeout and the margin" "$H_DIR/hang.txt"
h_expect_no_log "... nobody refused on a guess" 'rule=inbound\.(dynamic_ip|spf_fail) action=reject'

h_milter_start "DNSTimeout 2s" "DNSBL bl.hang.test" \
	"DynamicIPChecks dnsbl generic no_ptr unconfirmed" "SPFAction temperror report"
h_mark
run hangrep someone@hangs.test
expect_all "SPFAction temperror report: the 40 messages from hangs.test accepted" \
	"$H_DIR/hangrep.txt" 250 ""
expect_fast "... each session within DNSTimeout and the margin" "$H_DIR/hangrep.txt"
if kill -0 "$H_MILTER_PID" 2>/dev/null; then
	h_ok "the milter is alive"
else
	h_not_ok "the milter is alive" "gone"
fi
h_done
