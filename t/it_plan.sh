#!/bin/bash
# it_plan - the differential test: the daemon and `isolationctl explain`
# follow one decision plan, so they agree on every verdict and on every
# lookup made or skipped.
#
# Each row of the table is one SMTP session through a real Postfix with
# the real milter (and real DNS: a private dnsmasq), then the same
# session through `isolationctl explain` with the same configuration, the
# same store, the message's From: (swaks writes the sender there), the
# listener ({daemon_name}, {daemon_port}) the daemon logged
# and the DNS facts the row's client has in the private DNS (--dynamic,
# --spf: explain is offline). From the daemon's log (LogLevel debug) the
# test takes, per stage, the plan ("plan stage=S needs=N") and the
# verdicts (decision lines: stage, rule, action); from explain's output
# the "needs" line and the verdicts of each stage. Both lists must be
# equal. Rows cover both roles, trusted relays, customers and their
# opted-out servers, the help desk, rules off and on report, Mode report,
# an earlier refusal that makes later lookups pointless, and the case that
# once disagreed: a customer on the MX with inbound.customer_direct on
# report is not refused as dynamic, though DNS lists it.
H_DNS=1
. "${srcdir:-$(dirname "$0")/..}/t/lib/harness.sh"

CTL=${H_CTL_BIN:-$top_builddir/milter/isolationctl}
[ -x "$CTL" ] || h_skip "isolationctl not built: $CTL"

h_dns_start \
	'HOST mail.outside.test 127.0.1.30' \
	'HOST mail2.outside.test 127.0.1.31' \
	'HOST listed.outside.test 127.0.1.40' \
	'HOST 127-0-1-50.dyn.pool.example-isp.test 127.0.1.50' \
	'HOST 127-0-2-60.dyn.pool.example-isp.test 127.0.2.60' \
	'HOST 127-0-2-61.dyn.pool.example-isp.test 127.0.2.61' \
	'HOST srv.customer.test 127.0.2.99' \
	'TXT outside.test "v=spf1 ip4:127.0.1.0/24 ip4:127.0.2.0/24 -all"' \
	'TXT spf-fail.test "v=spf1 ip4:192.0.2.0/24 -all"' \
	'DNSBL pbl.test 127.0.1.40 127.0.0.10' \
	'DNSBL pbl.test 127.0.2.60 127.0.0.10' \
	'DNSBL pbl.test 127.0.2.61 127.0.0.10'

BASE=("DNSBL pbl.test=127.0.0.[10..11]" "DNSTimeout 2s"
	"RateLimit login messages 100/1h" "RateLimit ip recipients 500/1h"
	"CustomerServers 127.0.2.99")

# The facts the private DNS gives each client, for explain: the DNSBL
# listing or dynamic reverse name (--dynamic) and the SPF result of the
# sender's domain (--spf), as the daemon finds them.
dns_facts() {
	local ip=$1 from=$2
	# listed, generic, or without a reverse name: all but these three
	case $ip in
	127.0.1.30 | 127.0.1.31 | 127.0.2.99) ;;
	*) printf '%s\n' --dynamic ;;
	esac
	case $from in
	*@outside.test) printf '%s\n' --spf pass ;;
	*@spf-fail.test) printf '%s\n' --spf fail ;;
	"" | *@*) printf '%s\n' --spf none ;;
	esac
}

# daemon_view - the plan and verdicts of the last session, from the log
daemon_view() {
	h_log_since | sed -nE \
		-e 's/.* plan stage=([a-z]+) needs=([a-z_,]+).*/\1 needs \2/p' \
		-e 's/.* stage=([a-z]+) rule=([a-z0-9_.-]+) action=(reject|tempfail|report) .*/\1 \2 \3/p'
}

# explain_view - the plan and verdicts of explain's output
explain_view() {
	awk '
		/^stage / { stage = $2; next }
		stage != "" && $1 == "needs" { print stage, "needs", $2; next }
		stage != "" && $1 ~ /^(inbound|outbound)\./ &&
		    ($2 == "report" || $2 == "reject" || $2 == "tempfail") {
			print stage, $1, $2
		}' "$H_DIR/explain.out"
}

# row NAME SERVICE IP HELO FROM RCPT [LOGIN] - one session both ways
row() {
	local name=$1 svc=$2 ip=$3 helo=$4 from=$5 rcpt=$6 login=${7-} conn daemon port
	local args=() facts=()
	args=(--helo "$helo" --from "$from" --to "$rcpt")
	if [ -n "$login" ]; then
		args+=(--auth PLAIN --auth-user "$login" --auth-password "${login%%@*}-secret")
	fi
	h_mark
	h_smtp "$svc" "$ip" "${args[@]}"
	# the session's last line: its end (accept at eom) or its refusal
	h__log_wait 'stage=eom rule=- action=accept|action=(reject|tempfail) ' || true
	sleep 0.2
	daemon_view >"$H_DIR/daemon.view"
	conn=$(h_log_since | grep -m1 -E ' connect ip=' || true)
	daemon=$(sed -nE 's/.* daemon=([^ ]+) .*/\1/p' <<<"$conn")
	port=$(sed -nE 's/.* port=([0-9]+) .*/\1/p' <<<"$conn")
	mapfile -t facts < <(dns_facts "$ip" "$from")
	"$CTL" -c "$H_DIR/milter.conf" explain --ip "$ip" --daemon "$daemon" \
		--port "$port" --helo "$helo" --from "${from:-<>}" --rcpt "$rcpt" \
		${login:+--auth "$login" --header-from "$from"} "${facts[@]}" \
		>"$H_DIR/explain.out" 2>&1
	explain_view >"$H_DIR/explain.view"
	if [ -z "$conn" ] || [ ! -s "$H_DIR/daemon.view" ]; then
		h_not_ok "$name" "no session in the daemon's log (reply: $H_REPLY)"
	elif ! grep -q ' needs ' "$H_DIR/daemon.view"; then
		h_not_ok "$name" "the daemon logged no plan (reply: $H_REPLY)"
	elif cmp -s "$H_DIR/daemon.view" "$H_DIR/explain.view"; then
		h_ok "$name: $(paste -sd';' "$H_DIR/daemon.view")"
	else
		h_not_ok "$name" "daemon and explain disagree (reply: $H_REPLY):
$(diff "$H_DIR/daemon.view" "$H_DIR/explain.view" | sed 's/^/#     /')
#   explain's output:
$(sed 's/^/#     /' "$H_DIR/explain.out")"
	fi
}

# --- the inbound role ---------------------------------------------------------
h_milter_start "${BASE[@]}"
h_postfix_start
OUTSIDE=(pf-mx 127.0.1.30 mail.outside.test someone@outside.test)
row "an outside server: DNS and SPF, accepted" "${OUTSIDE[@]}" bob@example.net
row "relaying: refused at RCPT after the quarantine read" "${OUTSIDE[@]}" friend@other.test
row "to the help desk: no quarantine read" "${OUTSIDE[@]}" postmaster@example.net
row "SPF fail" pf-mx 127.0.1.31 mail2.outside.test x@spf-fail.test bob@example.net
row "a DNSBL-listed client" pf-mx 127.0.1.40 listed.outside.test someone@outside.test bob@example.net
row "a generic reverse name" pf-mx 127.0.1.50 pc.example-isp.test someone@outside.test bob@example.net
row "HELO names us: refused before SPF is needed" pf-mx 127.0.1.30 mx.example.net \
	someone@outside.test bob@example.net
row "our domain from outside: refused before SPF is needed" pf-mx 127.0.1.30 \
	mail.outside.test alice@example.net bob@example.net
row "the trusted relay: nothing looked up" pf-mx 127.0.0.2 relay.example.net \
	alice@example.net bob@example.net
row "a customer on the MX: refused, nothing looked up" pf-mx 127.0.2.60 \
	pc.example-isp.test bot@outside.test bob@example.net
row "a customer's opted-out server: SPF, never DNS" pf-mx 127.0.2.99 \
	srv.customer.test someone@outside.test bob@example.net
row "the null sender: SPF of the HELO" pf-mx 127.0.1.30 mail.outside.test "" bob@example.net

# --- the outbound role ----------------------------------------------------------
SUB=(pf-sub 127.0.2.70 client.example-isp.test)
row "a login as itself: seen note and counters" "${SUB[@]}" alice@example.net \
	friend@other.test alice@example.net
row "a login as someone else: refused before the counter" "${SUB[@]}" bob@example.net \
	friend@other.test alice@example.net
row "port 25 of the MSA, no login: refused, nothing looked up" pf-out 127.0.2.71 \
	client.example-isp.test alice@example.net friend@other.test
row "port 25 of the MSA, an outsider" pf-out 127.0.1.30 mail.outside.test \
	someone@outside.test friend@other.test
row "the quarantined customer (caught above) on submission" pf-sub 127.0.2.60 \
	pc.example-isp.test alice@example.net friend@other.test alice@example.net
row "the quarantined customer to the help desk" pf-sub 127.0.2.60 \
	pc.example-isp.test alice@example.net abuse@example.net alice@example.net

# --- the case that once disagreed, reports, rules off ------------------------------
h_milter_start "${BASE[@]}" "Action.inbound.customer_direct report"
row "customer_direct on report: a listed customer is not refused as dynamic" pf-mx \
	127.0.2.61 pc.example-isp.test someone@outside.test bob@example.net
h_milter_start "${BASE[@]}" "Action.inbound.dynamic_ip off" "Action.inbound.relay report"
row "dynamic_ip off: no DNS; relay on report" pf-mx 127.0.1.40 listed.outside.test \
	someone@outside.test friend@other.test
h_milter_start "${BASE[@]}" "Mode report"
row "Mode report: every rule reports, every lookup is made" pf-mx 127.0.1.40 mx.example.net \
	x@spf-fail.test friend@other.test
row "Mode report: a customer on the MX" pf-mx 127.0.2.62 pc.example-isp.test \
	alice@example.net bob@example.net
row "Mode report: a login as someone else" "${SUB[@]}" bob@example.net \
	friend@other.test alice@example.net

h_done
