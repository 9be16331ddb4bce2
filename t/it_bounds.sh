#!/bin/bash
# it_bounds - hostile sizes: the verdict stays on the line, memory stays bounded
#
# Real Postfix in front of the milter, with what a client controls made
# as large as Postfix lets through: a 255-octet HELO of many words, a
# MAIL FROM whose quoted local part is 480 spaces, a login longer than
# the milter keeps, 10,000 From: addresses (in one header, and as 10,000
# headers), 100 KB header lines. Each must give a clean answer and a
# whole decision line with rule= and action= before any client text,
# and the milter must answer the next session as before.
#
# Then a hand-made MTA (a few lines of Python speaking the milter protocol)
# sends what no real MTA here would: no "v" macro at all, a Sendmail "v",
# a renamed Postfix, and macros of 30 to 60 KB (libmilter itself drops a
# connection whose packet is over 64 KB), to show that {auth_authen} is
# xtext-decoded only for Sendmail and that over-long macros are refused
# or left unused, never cut and used. Last, -n on a DNSBL filter that
# matching could never match.
. "${srcdir:-$(dirname "$0")/..}/t/lib/harness.sh"

ALICE=(--auth PLAIN --auth-user alice@example.net --auth-password alice-secret)
ALICE_DIALOG=(--auth alice@example.net:alice-secret)
LONG_USER=$(printf 'l%.0s' {1..250})	# t/lib/postfix.sh has it in sasldb

# alive - the milter still runs and accepts alice's next message
alive() {
	if ! kill -0 "$H_MILTER_PID" 2>/dev/null; then
		h_not_ok "$1: the milter still runs" "pid $H_MILTER_PID is gone"
		return
	fi
	h_expect "$1: the milter answers the next session" 250 \
		"stage=eom rule=- action=accept ip=$2 " \
		-- pf-sub "$2" --from alice@example.net --to friend@other.test "${ALICE[@]}"
}

# whole - the last decision line of the log since the mark is whole
whole() {
	local line
	line=$(h_log_since | grep -E ' session=[0-9a-f]+ role=' | tail -n 1)
	if [[ "$line" =~ \ reason=\"[^\"]*\"$ ]]; then
		h_ok "$1: the decision line is whole (${#line} octets)"
	else
		h_not_ok "$1: the decision line is whole" "last line: ${line:0:300}..."
	fi
}

h_milter_start "LoginQuarantine off"
h_postfix_start

# A 255-octet HELO of many words ("w0 w1 ... "), each space 4 octets
# once escaped, and a quoted local part of 480 spaces.
HELO=$(python3 -c '
w = []
while len(" ".join(w + ["w%d" % len(w)])) <= 255:
	w.append("w%d" % len(w))
s = " ".join(w)
print(s + "x" * (255 - len(s)))')
SPACES=$(printf '%480s' '')
h_expect_dialog "MX: long HELO and 480-space sender, relaying refused" "550 5.7.1" \
	'stage=rcpt rule=inbound\.relay action=reject ip=127\.0\.1\.90 helo=w0\\x20w1\\x20.*\.\.\.\(cut\) auth=- from=<\\x22\\x20\\x20.*\.\.\.\(cut\) rcpt=<friend@other\.test> .*reason="550 5\.7\.1 ' \
	-- pf-mx 127.0.1.90 --helo "$HELO" "MAIL FROM:<\"$SPACES\"@outside.test>" \
	"RCPT TO:<friend@other.test>"
whole "MX: long HELO and sender"
h_expect_dialog "submission: long HELO and 480-space sender refused at MAIL" "553 5.7.1" \
	'stage=mail rule=outbound\.sender_mismatch action=reject ip=127\.0\.4\.90 helo=w0\\x20.*\.\.\.\(cut\) auth=alice@example\.net from=<\\x22\\x20.*\.\.\.\(cut\) .*reason="553 5\.7\.1 ' \
	-- pf-sub 127.0.4.90 "${ALICE_DIALOG[@]}" --helo "$HELO" \
	"MAIL FROM:<\"$SPACES\"@example.net>"
whole "submission: long HELO and sender"

# A login longer than the milter keeps: a tempfail, never a cut login.
h_expect "a 262-octet login is a tempfail at MAIL" "451 4.3.0" \
	'stage=mail rule=- action=tempfail ip=127\.0\.4\.91 .*reason="451 4\.3\.0 login longer than 255 octets' \
	-- pf-sub 127.0.4.91 --from "$LONG_USER@example.net" --to friend@other.test \
	--auth PLAIN --auth-user "$LONG_USER@example.net" --auth-password "$LONG_USER-secret"
h_expect_log "... with a warning naming the limit" \
	'warning: session=[0-9a-f]+ login longer than 255 octets \(l{64}\.\.\.\): tempfail'
alive "long login" 127.0.4.92

# 10,000 From: addresses in one header. Postfix passes the milter its
# first 60 KB or so (the count is printed); that is still more mailboxes
# than one header may name (HDRADDR_MAX): refused, and said why.
python3 - "$H_DIR/one-from.eml" <<'EOF'
import sys
addrs = ["u%d@example.net" % i for i in range(10000)]
lines, cur = [], "From:"
for i, a in enumerate(addrs):
	piece = " " + a + ("," if i < len(addrs) - 1 else "")
	if len(cur) + len(piece) > 76:
		lines.append(cur)
		cur = ""
	cur += piece
lines.append(cur)
open(sys.argv[1], "w").write("\n".join(lines) +
	"\nTo: friend@other.test\nSubject: many\n\nbody\n")
EOF
h_expect_dialog "10,000 addresses in one From: are refused" "550 5.7.1" \
	'stage=eom rule=outbound\.header_from_mismatch action=reject ip=127\.0\.4\.93 .*reason="550 5\.7\.1 .*unreadable From: header \(too many addresses\)' \
	-- pf-sub 127.0.4.93 "${ALICE_DIALOG[@]}" "MAIL FROM:<alice@example.net>" \
	"RCPT TO:<friend@other.test>" "DATA:$H_DIR/one-from.eml"
got=$(h_log_since | sed -n 's/.* From: header of \([0-9]*\) octets$/\1/p' | head -n 1)
echo "# Postfix passed ${got:-no} octets of the 10,000-address From: header"
alive "10,000 addresses in one header" 127.0.4.94

# 10,000 From: headers of one address each: the 101st address is over
# the limit, a tempfail with a warning; nothing more is kept.
python3 - "$H_DIR/many-from.eml" <<'EOF'
import sys
with open(sys.argv[1], "w") as f:
	for i in range(10000):
		f.write("From: u%d@example.net\n" % i)
	f.write("To: friend@other.test\nSubject: many\n\nbody\n")
EOF
h_expect_dialog "10,000 From: headers are a tempfail" "451 4.3.0" \
	'stage=eom rule=- action=tempfail ip=127\.0\.4\.95 .*reason="451 4\.3\.0 more than 100 From: and Sender: addresses' \
	-- pf-sub 127.0.4.95 "${ALICE_DIALOG[@]}" "MAIL FROM:<alice@example.net>" \
	"RCPT TO:<friend@other.test>" "DATA:$H_DIR/many-from.eml"
h_expect_log "... with a warning naming the limit" \
	'warning: session=[0-9a-f]+ over a limit at eom: more than 100 From: and Sender: addresses; tempfail'
n=$(h_log_since | grep -c ' From: header of ')
if [ "$n" -le 101 ]; then
	h_ok "... and no From: is looked at past the limit ($n parsed)"
else
	h_not_ok "... and no From: is looked at past the limit" "$n From: headers parsed"
fi
alive "10,000 From: headers" 127.0.4.96

# 100 KB header lines. A From: whose display name is 100 KB reaches the
# milter cut short by Postfix, an unterminated quoted string: refused.
# A From: and a Sender: of 40 KB each are over the 64 KiB the milter
# reads of them per message: a tempfail. A 100 KB Subject: is not the
# milter's business: accepted.
python3 - "$H_DIR" <<'EOF'
import sys
d, big, mid = sys.argv[1], "x" * 100 * 1024, "x" * 40 * 1024
rest = 'To: friend@other.test\nSubject: long\n\nbody\n'
open(d + "/long-from.eml", "w").write('From: "%s" <alice@example.net>\n%s' % (big, rest))
open(d + "/from-sender.eml", "w").write('From: "%s" <alice@example.net>\n'
	'Sender: "%s" <alice@example.net>\n%s' % (mid, mid, rest))
open(d + "/long-subject.eml", "w").write('From: alice@example.net\n'
	'To: friend@other.test\nSubject: %s\n\nbody\n' % big)
EOF
h_expect_dialog "a 100 KB From: line is refused" "550 5.7.1" \
	'stage=eom rule=outbound\.header_from_mismatch action=reject ip=127\.0\.4\.97 .*reason="550 5\.7\.1 .*unreadable From: header' \
	-- pf-sub 127.0.4.97 "${ALICE_DIALOG[@]}" "MAIL FROM:<alice@example.net>" \
	"RCPT TO:<friend@other.test>" "DATA:$H_DIR/long-from.eml"
got=$(h_log_since | sed -n 's/.* From: header of \([0-9]*\) octets$/\1/p' | head -n 1)
if [ -n "$got" ] && [ "$got" -gt 0 ] && [ "$got" -le 102400 ]; then
	h_ok "... Postfix passed $got octets of it (header_size_limit 102400)"
else
	h_not_ok "... Postfix passed at most header_size_limit of it" "From: of ${got:-no} octets"
fi
h_expect_dialog "a 40 KB From: and a 40 KB Sender: are a tempfail" "451 4.3.0" \
	'stage=eom rule=- action=tempfail ip=127\.0\.4\.87 .*reason="451 4\.3\.0 From: and Sender: headers longer than 65536 octets' \
	-- pf-sub 127.0.4.87 "${ALICE_DIALOG[@]}" "MAIL FROM:<alice@example.net>" \
	"RCPT TO:<friend@other.test>" "DATA:$H_DIR/from-sender.eml"
h_expect_log "... with a warning naming the limit" \
	'warning: session=[0-9a-f]+ over a limit at eom: From: and Sender: headers longer than 65536 octets; tempfail'
h_expect_dialog "a 100 KB Subject: line is accepted" 250 \
	'stage=eom rule=- action=accept ip=127\.0\.4\.98 ' \
	-- pf-sub 127.0.4.98 "${ALICE_DIALOG[@]}" "MAIL FROM:<alice@example.net>" \
	"RCPT TO:<friend@other.test>" "DATA:$H_DIR/long-subject.eml"
alive "100 KB header lines" 127.0.4.99

# The hand-made MTA: one session per call, the macros given as NAME=VALUE
# (VALUE @N: N octets of "m"); prints each stage's reply.
cat >"$H_DIR/fakemta.py" <<'EOF'
import socket, struct, sys

port, ip, mail, macros = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]

def value(v):
	return "m" * int(v[1:]) if v.startswith("@") else v

conn = {}
auth = {}
for m in macros:
	name, _, v = m.partition("=")
	(auth if name == "{auth_authen}" else conn)[name] = value(v)
s = socket.create_connection(("127.0.0.1", port), timeout=10)

def send(cmd, data=b""):
	s.sendall(struct.pack("!I", len(data) + 1) + cmd + data)

def recv():
	head = b""
	while len(head) < 4:
		head += s.recv(4 - len(head))
	n = struct.unpack("!I", head)[0]
	body = b""
	while len(body) < n:
		body += s.recv(n - len(body))
	return body[:1], body[1:]

def answer():
	while True:
		cmd, data = recv()
		if cmd != b"p":			# progress
			return cmd.decode() + " " + data.rstrip(b"\0").decode("utf-8", "replace")

def z(t):
	return t.encode() + b"\0"

def pairs(d):
	return b"".join(z(k) + z(v) for k, v in d.items())

send(b"O", struct.pack("!III", 6, 0x1FF, 0x1FFFFF))
cmd, data = recv()
proto = struct.unpack("!III", data[:12])[2]
send(b"D", b"C" + pairs(conn))
send(b"C", z("client.test") + b"4" + struct.pack("!H", 4000) + z(ip))
if not proto & 0x1000:			# SMFIP_NR_CONN: no reply asked
	print("connect", answer())
send(b"H", z("client.test"))
if not proto & 0x2000:
	print("helo", answer())
send(b"D", b"M" + pairs(auth))
send(b"M", z("<%s>" % mail))
r = answer()
print("mail", r)
if r.startswith("c"):
	send(b"R", z("<friend@other.test>"))
	print("rcpt", answer())
	send(b"L", z("From") + z(mail))
	if not proto & 0x80:
		answer()
	send(b"E")
	print("eom", answer())
send(b"Q")
s.close()
EOF

# fake NAME IP SENDER MACRO... - one session from the hand-made MTA
fake() {
	local name=$1
	shift
	h_mark
	timeout 30 python3 "$H_DIR/fakemta.py" "$H_MILTER_PORT" "$@" \
		>"$H_DIR/last.txt" 2>&1 || echo "# $name: $(tail -n 1 "$H_DIR/last.txt")"
}
SUB="{daemon_name}=ORIGINATING"
fake "no v" 127.0.4.130 dave+2Bx@example.net "$SUB" "{auth_authen}=dave+2Bx@example.net"
h_expect_log "MTA without v: {auth_authen} is not decoded" \
	'stage=eom rule=- action=accept ip=127\.0\.4\.130 .*auth=dave\+2Bx@example\.net '
fake "Sendmail v" 127.0.4.131 dave+x@example.net "$SUB" v=8.17.1 \
	"{auth_authen}=dave+2Bx@example.net"
h_expect_log "Sendmail's v (8.17.1): {auth_authen} is decoded" \
	'stage=eom rule=- action=accept ip=127\.0\.4\.131 .*auth=dave\+x@example\.net '
fake "renamed Postfix" 127.0.4.132 dave+2Bx@example.net "$SUB" \
	"v=ExampleMail 3.7.11" "{auth_authen}=dave+2Bx@example.net"
h_expect_log "a Postfix with another mail_name: not decoded" \
	'stage=eom rule=- action=accept ip=127\.0\.4\.132 .*auth=dave\+2Bx@example\.net '
fake "60 KB login" 127.0.4.133 alice@example.net "$SUB" v=8.17.1 \
	"{auth_authen}=@60000"
h_expect_log "a 60 KB {auth_authen} is a tempfail at MAIL" \
	'stage=mail rule=- action=tempfail ip=127\.0\.4\.133 .*reason="451 4\.3\.0 login longer than 255 octets'
fake "xtext login" 127.0.4.134 alice@example.net "$SUB" v=8.17.1 \
	"{auth_authen}=$(printf '+6C%.0s' {1..100})$(printf 'l%.0s' {1..160})@example.net"
h_expect_log "a 472-octet xtext login that decodes to 272 octets is a tempfail" \
	'stage=mail rule=- action=tempfail ip=127\.0\.4\.134 .*reason="451 4\.3\.0 login longer than 255 octets'
fake "30 KB j and daemon name" 127.0.4.135 alice@example.net j=@30000 \
	"{daemon_name}=@30000" "{auth_authen}=alice@example.net"
h_expect_log "a 30 KB j is not used, and said so" \
	'warning: session=[0-9a-f]+ j \(our host name\) longer than 255 octets: not used'
h_expect_log "... nor a 30 KB {daemon_name}" \
	'warning: session=[0-9a-f]+ \{daemon_name\} longer than 63 octets: not kept'
if kill -0 "$H_MILTER_PID" 2>/dev/null; then
	h_ok "the milter survived the hand-made MTA"
else
	h_not_ok "the milter survived the hand-made MTA" "pid $H_MILTER_PID is gone"
fi
alive "after the hand-made MTA" 127.0.4.100

# A DNSBL filter that matching could never match is refused by -n, with
# file and line: one parser for both.
printf 'Socket inet:%s@127.0.0.1\nDNSBL zen.test=127.0.0.0002\n' "$H_MILTER_PORT" \
	>"$H_DIR/dnsbl.conf"
if "$H_MILTER_BIN" -n -c "$H_DIR/dnsbl.conf" >"$H_DIR/check.txt" 2>&1; then
	h_not_ok "-n refuses DNSBL zen.test=127.0.0.0002" "$(cat "$H_DIR/check.txt")"
elif grep -q 'dnsbl\.conf:2: DNSBL: bad answer filter "127\.0\.0\.0002": a number with a leading zero' \
    "$H_DIR/check.txt"; then
	h_ok "-n refuses DNSBL zen.test=127.0.0.0002 with file:line"
else
	h_not_ok "-n refuses DNSBL zen.test=127.0.0.0002 with file:line" "$(cat "$H_DIR/check.txt")"
fi

h_done
