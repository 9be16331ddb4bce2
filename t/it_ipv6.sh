#!/bin/bash
# it_ipv6 - an IPv6 bot rotating through its /64 stays quarantined
#
# The private Postfix also listens on [::1] (an MX and a submission
# service of its own, the same roles as on 127.0.0.1), and the test's
# customers are IPv6 addresses put on lo for the run, inside
# CustomerNetworks fd00:1::/48. The milter keys an IPv6 client by its
# /64 (IPv6Prefix 64, the default): a bot caught on the MX at
# fd00:1:0:2::10 quarantines fd00:1:0:2::/64 (the quarantine line names
# the key, the decision line the bot's own address); from
# fd00:1:0:2::99, the same /64, submission with AUTH is refused as
# quarantined, while fd00:1:0:3::10, another /64, is not; isolationctl
# finds the record by either address and by the prefix, and releasing
# the prefix lets the rotated address through. A RateLimit ip counter
# counts across the /64: three messages from three addresses of it, the
# fourth from a fourth address is over the limit, and a neighbouring
# /64 is not. The bot's HELO carries " from=<...>", which the record's
# evidence keeps escaped (no forged field); a long one is cut, marked.
. "${srcdir:-$(dirname "$0")/..}/t/lib/harness.sh"
h_require ip

CTL=${H_CTL_BIN:-$top_builddir/milter/isolationctl}
[ -x "$CTL" ] || h_skip "isolationctl not built: $CTL"
[ "$(sysctl -n net.ipv6.conf.lo.disable_ipv6 2>/dev/null)" = 0 ] ||
	h_skip "no IPv6 on lo"

# Ports of the IPv6 services: two of the harness's block that this test
# has no Redis for.
PF6_MX_PORT=$RD_PORT3
PF6_SUB_PORT=$RD_PORT4
BOT=fd00:1:0:2::10
BOT_ROTATED=fd00:1:0:2::99
BOT_NET=fd00:1:0:2::/64
OTHER=fd00:1:0:3::10
RATE=(fd00:1:0:3::11 fd00:1:0:3::12 fd00:1:0:3::13)
NEIGHBOUR=fd00:1:0:4::10
BOT2=fd00:1:0:5::10
I6_ADDRS=()
CONF=$H_DIR/milter.conf

# i6_cleanup - on exit: the addresses we put on lo, then the harness's
# own cleanup with the test's exit status
# shellcheck disable=SC2317 # runs from the EXIT trap
i6_cleanup() {
	local rc=$? a
	for a in "${I6_ADDRS[@]}"; do
		ip -6 addr del "$a/128" dev lo 2>/dev/null
	done
	(exit "$rc")
	h__cleanup
}
trap i6_cleanup EXIT

for a in "$BOT" "$BOT_ROTATED" "$OTHER" "${RATE[@]}" "$NEIGHBOUR" "$BOT2"; do
	ip -6 addr add "$a/128" dev lo nodad 2>"$H_DIR/setup.out" ||
		h_bail "ip -6 addr add $a: $(cat "$H_DIR/setup.out")"
	I6_ADDRS+=("$a")
done

# The client: one SMTP transaction to [::1]:PORT from a given address;
# the transcript on stdout, and last "REPLY CODE TEXT": the first error
# reply, else the reply to the final dot.
cat >"$H_DIR/smtp6.py" <<'EOF'
import argparse, smtplib, ssl, sys
p = argparse.ArgumentParser()
p.add_argument("--port", type=int, required=True)
p.add_argument("--bind", required=True)
p.add_argument("--helo", default="client.outside.test")
p.add_argument("--starttls", action="store_true")
p.add_argument("--auth")
p.add_argument("--from", dest="sender", required=True)
p.add_argument("--to", required=True)
a = p.parse_args()
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
def say(code, msg):
    text = msg.decode("utf-8", "replace") if isinstance(msg, bytes) else str(msg)
    print("REPLY %d %s" % (code, " ".join(text.split("\n"))), flush=True)
try:
    s = smtplib.SMTP("::1", a.port, local_hostname=a.helo,
                     source_address=(a.bind, 0), timeout=20)
    s.set_debuglevel(1)
    s.ehlo()
    if a.starttls:
        s.starttls(context=ctx)
        s.ehlo()
    if a.auth:
        user, _, password = a.auth.partition(":")
        s.login(user, password)
    for cmd in ("MAIL FROM:<%s>" % a.sender, "RCPT TO:<%s>" % a.to, "DATA"):
        code, msg = s.docmd(cmd)
        if code >= 400:
            say(code, msg)
            sys.exit(0)
    s.send(b"Subject: it_ipv6\r\n\r\nhello\r\n.\r\n")
    code, msg = s.getreply()
    say(code, msg)
    s.quit()
except smtplib.SMTPResponseException as e:
    say(e.smtp_code, e.smtp_error)
except (smtplib.SMTPException, OSError) as e:
    print("REPLY 000 *** %s" % e, flush=True)
EOF

# smtp6 SERVICE CLIENT_IP [ARG...] - one transaction over IPv6 (mx6 or
# sub6, STARTTLS and AUTH for sub6 when --auth is given); sets H_REPLY,
# transcript in H_DIR/last.txt
smtp6() {
	local svc=$1 ip=$2 port
	shift 2
	case $svc in
	mx6)	port=$PF6_MX_PORT ;;
	sub6)	port=$PF6_SUB_PORT; set -- --starttls "$@" ;;
	*)	h_bail "unknown service $svc" ;;
	esac
	timeout 60 python3 "$H_DIR/smtp6.py" --port "$port" --bind "$ip" "$@" \
		</dev/null >"$H_DIR/last.txt" 2>&1
	H_REPLY=$(sed -n 's/^REPLY //p' "$H_DIR/last.txt" | tail -n 1)
	H_REPLY=${H_REPLY:-000 no reply}
}

# log_wait REGEX - a new line of H_LOG matches, waited for up to H_LOG_WAIT s
log_wait() {
	local i
	for ((i = 0; i <= H_LOG_WAIT * 10; i++)); do
		h_log_since | grep -Eq -- "$1" && return 0
		sleep 0.1
	done
	return 1
}

# line_with A B - a regex for a line holding A and B, in either order
# (the decision line's field order is not this test's business)
line_with() {
	printf '(%s.*%s|%s.*%s)' "$1" "$2" "$2" "$1"
}

# expect6 NAME CODE [LOG_REGEX] -- SERVICE CLIENT_IP ARG... - one session
# over IPv6: the reply starts with CODE, and a new log line matches
expect6() {
	local name=$1 want=$2 re=
	shift 2
	if [ "$1" != -- ]; then
		re=$1
		shift
	fi
	shift
	h_mark
	smtp6 "$@"
	if [[ "$H_REPLY" != "$want"* ]]; then
		h_not_ok "$name" "reply '$H_REPLY', wanted '$want'"
	elif [ -n "$re" ] && ! log_wait "$re"; then
		h_not_ok "$name" "no new line matching /$re/ in $H_LOG"
	else
		h_ok "$name"
	fi
}

# expect_ctl NAME STATUS REGEX CTL-ARG... - isolationctl exits with
# STATUS and prints a line matching REGEX
expect_ctl() {
	local name=$1 want=$2 re=$3 rc
	shift 3
	"$CTL" -c "$CONF" "$@" >"$H_DIR/ctl.out" 2>&1
	rc=$?
	if [ "$rc" != "$want" ]; then
		h_not_ok "$name" "exit $rc, wanted $want: $(tr '\n' '|' <"$H_DIR/ctl.out")"
	elif ! grep -Eq -- "$re" "$H_DIR/ctl.out"; then
		h_not_ok "$name" "no line matching /$re/: $(tr '\n' '|' <"$H_DIR/ctl.out")"
	else
		h_ok "$name"
	fi
}

ALICE=(--auth alice@example.net:alice-secret --from alice@example.net)
PF_MAIN_EXTRA="inet_protocols = ipv4, ipv6
inet_interfaces = 127.0.0.1, [::1]"
PF_MASTER_EXTRA="[::1]:$PF6_MX_PORT inet n - n - - smtpd
  -o syslog_name=postfix/smtp6
  -o milter_macro_daemon_name=INBOUND
[::1]:$PF6_SUB_PORT inet n - n - - smtpd
  -o syslog_name=postfix/submission6
  -o milter_macro_daemon_name=ORIGINATING
  -o smtpd_tls_security_level=encrypt
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_tls_auth_only=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject"
export PF_MAIN_EXTRA PF_MASTER_EXTRA

h_milter_start "CustomerNetworks fd00:1::/48" "RateLimit ip messages 3/1h"
h_postfix_start
for p in "$PF6_MX_PORT" "$PF6_SUB_PORT"; do
	for ((i = 0; i < 50; i++)); do
		ss -Hltn "sport = :$p" 2>/dev/null | grep -q '\[::1\]' && break
		sleep 0.1
	done
	ss -Hltn "sport = :$p" 2>/dev/null | grep -q '\[::1\]' ||
		h_bail "Postfix does not listen on [::1]:$p: $(tail -n 5 "$H_DIR/postfix/maillog" | tr '\n' ' ')"
done

# --- the bot on the MX ------------------------------------------------------
expect6 "a bot at $BOT on the MX is refused (customer_direct)" "550" \
	"$(line_with "ip=$BOT " 'rule=inbound\.customer_direct action=reject')" -- \
	mx6 "$BOT" --helo 'bot from=<ceo@example.net>' --from x@spam.test \
	--to bob@example.net
if log_wait "quarantine ip=fd00:1:0:2::/64 rule=inbound\.customer_direct"; then
	h_ok "the quarantine names the bot's /64"
else
	h_not_ok "the quarantine names the bot's /64" "no quarantine line with the prefix"
fi
expect_ctl "isolationctl show ip $BOT: the /64's record" 0 \
	"^key: +fd00:1:0:2::/64$" show ip "$BOT"
expect_ctl "isolationctl show ip $BOT_ROTATED: the same record" 0 \
	"^key: +fd00:1:0:2::/64$" show ip "$BOT_ROTATED"
expect_ctl "isolationctl show ip $BOT_NET: the same record" 0 \
	"^key: +fd00:1:0:2::/64$" show ip "$BOT_NET"
expect_ctl "the evidence names the bot's own address" 0 \
	"^evidence: .* ip=$BOT port=" show ip "$BOT_NET"
# (escaped in the record, the tool escapes its backslash once more)
expect_ctl "the evidence keeps the HELO's ' from=' escaped" 0 \
	'^evidence: .* helo=bot\\x5cx20from=<ceo@example\.net> from=<x@spam\.test>' \
	show ip "$BOT_NET"
# A long HELO of many words: cut to its share, never inside an escape.
LONG_HELO="a b c d e f g h i j k l m n o p q r s t u v w x y z $(printf 'x%.0s' {1..150})"
expect6 "a bot with a 200-octet HELO is refused" "550" -- \
	mx6 "$BOT2" --helo "$LONG_HELO" --from x@spam.test --to bob@example.net
expect_ctl "its evidence cuts the HELO before an escape, marked; from= follows" 0 \
	'^evidence: .* helo=a\\x5cx20b\\x5cx20.*i\\x5cx20j\.\.\.\(cut\) from=<x@spam\.test>$' \
	show ip "$BOT2"
expect_ctl "a prefix wider than IPv6Prefix is refused" 2 \
	"wider than the /64" show ip fd00:1:0::/48
expect_ctl "another /64 is not quarantined" 1 "not quarantined" show ip "$OTHER"

# --- the bot rotates: same /64, submission with AUTH ------------------------
expect6 "$BOT_ROTATED (same /64) is refused as quarantined on submission" "550" \
	"$(line_with "ip=$BOT_ROTATED " 'rule=outbound\.quarantined action=reject')" -- \
	sub6 "$BOT_ROTATED" "${ALICE[@]}" --to friend@elsewhere.test
expect6 "$OTHER (another /64) submits" "250" \
	"$(line_with "ip=$OTHER " 'action=accept')" -- \
	sub6 "$OTHER" "${ALICE[@]}" --to friend@elsewhere.test

# --- a rate counter counts across the /64 -----------------------------------
# $OTHER's message counted 1; two more addresses of its /64 make 3.
expect6 "${RATE[0]}: message 2 of 3 in fd00:1:0:3::/64" "250" -- \
	sub6 "${RATE[0]}" "${ALICE[@]}" --to friend@elsewhere.test
expect6 "${RATE[1]}: message 3 of 3 in fd00:1:0:3::/64" "250" -- \
	sub6 "${RATE[1]}" "${ALICE[@]}" --to friend@elsewhere.test
expect6 "${RATE[2]}: a 4th address of the /64 is over the limit, the reply names the /64" "451" \
	"rule=outbound\.rate action=tempfail ip=${RATE[2]} .*address fd00:1:0:3::/64: more than 3 messages" -- \
	sub6 "${RATE[2]}" "${ALICE[@]}" --to friend@elsewhere.test
expect6 "$NEIGHBOUR (the next /64) has a counter of its own" "250" -- \
	sub6 "$NEIGHBOUR" "${ALICE[@]}" --to friend@elsewhere.test

# --- release by prefix --------------------------------------------------------
expect_ctl "isolationctl release ip $BOT_NET" 0 "released" release ip "$BOT_NET"
expect6 "released: $BOT_ROTATED submits" "250" -- \
	sub6 "$BOT_ROTATED" "${ALICE[@]}" --to friend@elsewhere.test
expect_ctl "isolationctl quarantine ip ADDRESS records its /64" 0 \
	"^key: +fd00:1:0:2::/64$" quarantine ip "$BOT_ROTATED" -t 1h -r "operator"
expect6 "quarantined by the operator: $BOT on submission is refused" "550" \
	"$(line_with "ip=$BOT " 'rule=outbound\.quarantined')" -- \
	sub6 "$BOT" "${ALICE[@]}" --to friend@elsewhere.test
h_done
