# dns.sh - a private DNS server and resolver for the integration tests
#
# SYNOPSIS
#	#!/bin/bash
#	H_DNS=1
#	. "${srcdir:-$(dirname "$0")/..}/t/lib/harness.sh"
#	h_dns_start 'TXT example.org "v=spf1 ip4:127.0.1.0/24 -all"' \
#		'HOST mail.example.org 127.0.1.25' \
#		'DNSBL zen.example.test 127.0.2.50 127.0.0.10'
#	h_dns_add 'PTR 127.0.1.30 other.example.org'
#	h_dns_query example.org TXT
#
# DESCRIPTION
#	A test that sets H_DNS=1 before sourcing t/lib/harness.sh gets a
#	real DNS server (dnsmasq) that every process of the test uses: the
#	milter, Postfix, Sendmail's daemon, swaks, getent. The host is not
#	changed. harness.sh sources this file before it makes H_DIR; the
#	script then re-executes itself (same pid, same arguments) inside
#	"unshare -m --propagation private". Once H_DIR exists, h__dns_setup
#	bind-mounts, in that mount namespace only, over
#	/etc/resolv.conf	"nameserver $H_DNS_IP" and
#				"options timeout:1 attempts:1";
#	/etc/hosts		localhost only, so that the names of the
#				127.0.x.y clients come from DNS;
#	/etc/nsswitch.conf	the host's, with "hosts: files dns".
#	The server address is H_DNS_IP: 127.0.0.53, or when something
#	already listens there on port 53 (systemd-resolved, another test),
#	a free 127.0.53.N. resolv.conf cannot name a port: it is always 53.
#
#	h_dns_start [RECORD...]  (re)start dnsmasq on H_DNS_IP:53 serving
#		exactly these records; waits until it answers. Each RECORD is
#		one word:
#		TXT NAME "TEXT" ["TEXT"...]  one TXT record of these strings
#			(no '"' inside; longer than 255 octets is split);
#			unquoted, the rest of the line is one string
#		A NAME IPV4	an A record, no PTR
#		PTR IPV4 NAME	a PTR record, no A
#		HOST NAME IPV4	an A record and its PTR
#		MX NAME PREF TARGET  an MX record
#		DNSBL ZONE IPV4 [ANSWER]  IPV4 is listed in ZONE: an A record
#			ANSWER (default 127.0.0.2) for the reversed address,
#			e.g. 50.2.0.127.ZONE for 127.0.2.50
#		TIMEOUT NAME	queries for NAME and below get no answer (the
#			client times out: a temporary DNS error)
#		SERVFAIL NAME	queries for NAME and below are answered
#			SERVFAIL (a temporary DNS error at once)
#		Every other name is NXDOMAIN, answered at once: nothing but
#		TIMEOUT and SERVFAIL names is forwarded. Those go to a small
#		responder of dns.sh's own on two loopback ports (one that
#		answers every query SERVFAIL, one that reads queries and
#		drops them), started with the first such record. Names that exist with other types answer NODATA,
#		except names given only by A or DNSBL, which answer NXDOMAIN
#		for the other types (dnsmasq's way with --dns-rr).
#		TTLs are 0 and dnsmasq's cache is off: a restart serves the
#		new records at once. No DNSSEC.
#	h_dns_add RECORD...  add records and restart (dnsmasq re-reads only
#		some files on SIGHUP).
#	h_dns_stop  stop dnsmasq and the responder (the harness's exit
#		trap calls it).
#	h_dns_query NAME TYPE  ask the nameserver of /etc/resolv.conf, as
#		every process of the test does; print the answer's RCODE
#		(NOERROR, NXDOMAIN, SERVFAIL, REFUSED, ...; TIMEOUT after
#		H_DNS_QUERY_TIMEOUT s, default 2), then one line per answer
#		record of that TYPE (A, PTR, MX, TXT, AAAA, CNAME, NS):
#		127.0.0.10; mail.example.org; 10 mail.example.org; TXT as
#		"quoted" "strings". A PTR NAME may be given as an IPv4.
#
#	Files: H_DIR/dns/dnsmasq.conf (the records as dnsmasq options),
#	H_DIR/dns.log (dnsmasq's output with every query), H_DIR/dns/
#	resolv.conf, hosts, nsswitch.conf (what is mounted),
#	H_DIR/dns/responder.py and responder.ports (the responder).
#
# ENVIRONMENT
#	H_DNS=1		opt in (read by harness.sh).
#	H_DNS_IP	the server address (default: picked as above).
#	H_DNS_NS	set by the re-execution: "PID OUTER_NAMESPACE".
#
# DIAGNOSTICS
#	A missing prerequisite (dnsmasq, unshare, mount, python3, a mount
#	namespace) skips the test (77; 99 with ISO_REQUIRE_INTEGRATION=1).
#	A bad RECORD, or a dnsmasq that does not answer within 10 s, stops
#	the test (99) with the tail of H_DIR/dns.log.
#
# BUGS
#	Needs root and bash; IPv4 only.

H_DNS_PID=
H_DNS_RECORDS=()
H_DNS_RESPONDER_PID=
H_DNS_SERVFAIL_PORT=
H_DNS_DROP_PORT=

# h__dns_python - print the python3 to use (Debian's, not a user's shim)
h__dns_python() {
	if [ -x /usr/bin/python3 ]; then
		echo /usr/bin/python3
	else
		command -v python3
	fi
}

# h__dns_reexec - run this test script again inside a private mount namespace
h__dns_reexec() {
	local ns x
	ns=$(readlink /proc/self/ns/mnt) || h_skip "no /proc/self/ns/mnt"
	if [ "${H_DNS_NS%% *}" = "$$" ]; then
		[ "${H_DNS_NS#* }" != "$ns" ] ||
			h_bail "dns.sh: still in the host's mount namespace after unshare"
		return 0
	fi
	unshare -m --propagation private true 2>/dev/null ||
		h_skip "cannot make a mount namespace (unshare -m)"
	# unshare without --fork execs bash in place: the pid stays, so does
	# automake's view of the test.
	export H_DNS_NS="$$ $ns"
	x=${-//[^x]/}
	exec unshare -m --propagation private -- "$BASH" ${x:+-x} "$0" "$@"
}

H_DNS_BIN=$(command -v dnsmasq || echo /usr/sbin/dnsmasq)
"$H_DNS_BIN" --version >/dev/null 2>&1 ||
	h_skip "dnsmasq not found (contrib/install-deps test)"
h_require unshare mount readlink
H_DNS_PYTHON=$(h__dns_python)
[ -n "$H_DNS_PYTHON" ] || h_skip "python3 not found"
h__dns_reexec "$@"

# h__dns_port53_free - succeed when nothing listens on IP port 53 (UDP or TCP)
h__dns_port53_free() {
	local ip=$1
	! ss -Hlnut 2>/dev/null | awk '{print $5}' |
		grep -qE "^(\\*|0\\.0\\.0\\.0|\\[::\\]|${ip//./\\.}):53\$"
}

# h__dns_pick_ip - set H_DNS_IP: 127.0.0.53 if free, else a free 127.0.53.N
h__dns_pick_ip() {
	local i ip
	[ -n "${H_DNS_IP:-}" ] && return 0
	for ((i = 0; i < 20; i++)); do
		ip=127.0.0.53
		[ "$i" -gt 0 ] && ip=127.0.53.$((RANDOM % 254 + 1))
		if h__dns_port53_free "$ip"; then
			H_DNS_IP=$ip
			return 0
		fi
	done
	h_bail "dns.sh: no free loopback address for port 53"
}

# h__dns_mount - bind-mount our FILE over the host's TARGET, in this namespace
h__dns_mount() {
	local file=$1 target=$2 out
	chmod 644 "$file"
	out=$(mount --bind "$file" "$target" 2>&1) ||
		h_skip "cannot bind-mount over $target: $out"
	cmp -s "$file" "$target" || h_bail "dns.sh: $target is not ours after the mount"
}

# h__dns_setup - write resolv.conf, hosts, nsswitch.conf; mount them over /etc
h__dns_setup() {
	local d=$H_DIR/dns
	{ mkdir -p "$d" && chmod 755 "$d"; } || h_bail "dns.sh: cannot make $d"
	h__dns_pick_ip
	printf 'nameserver %s\noptions timeout:1 attempts:1\n' "$H_DNS_IP" >"$d/resolv.conf"
	printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$d/hosts"
	h__dns_mount "$d/resolv.conf" /etc/resolv.conf
	h__dns_mount "$d/hosts" /etc/hosts
	if [ -f /etc/nsswitch.conf ]; then
		# nss modules such as resolve or mdns would go around resolv.conf.
		sed 's/^hosts:.*/hosts: files dns/' /etc/nsswitch.conf >"$d/nsswitch.conf"
		grep -q '^hosts:' "$d/nsswitch.conf" || echo 'hosts: files dns' >>"$d/nsswitch.conf"
		h__dns_mount "$d/nsswitch.conf" /etc/nsswitch.conf
	fi
	: >"$H_DIR/dns.log"
}

# h__dns_ip_ok - succeed when $1 is a dotted IPv4 address
h__dns_ip_ok() {
	local IFS=. o
	[[ $1 =~ ^[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$ ]] || return 1
	for o in $1; do
		[ "$((10#$o))" -le 255 ] || return 1
	done
}

# h__dns_rev - print IPv4 $1 reversed: 127.0.1.25 -> 25.1.0.127
h__dns_rev() {
	local IFS=.
	# shellcheck disable=SC2086 # split on dots
	set -- $1
	echo "$4.$3.$2.$1"
}

# h__dns_hex - print IPv4 $1 as the hex rdata of an A record
h__dns_hex() {
	local IFS=.
	# shellcheck disable=SC2086 # split on dots
	printf '%02x%02x%02x%02x\n' $1
}

# h__dns_txt - print TXT text $1 as dnsmasq's "s1","s2" (255-octet strings)
h__dns_txt() {
	local rest=$1 s out=() re='^"([^"]*)"[[:space:]]*(.*)$'
	if [ "${rest:0:1}" != '"' ]; then
		rest="\"$rest\""
	fi
	while [ -n "$rest" ]; do
		[[ $rest =~ $re ]] || return 1
		s=${BASH_REMATCH[1]} rest=${BASH_REMATCH[2]}
		while [ "${#s}" -gt 255 ]; do
			out+=("\"${s:0:255}\"")
			s=${s:255}
		done
		out+=("\"$s\"")
	done
	local IFS=,
	echo "${out[*]}"
}

# h__dns_record - print the dnsmasq option line of one RECORD, or fail
h__dns_record() {
	local type name rest a b c t
	read -r type name rest <<<"$1"
	name=${name%.}
	read -r a b c <<<"$rest"
	case $type in
	TXT)	[ -n "$name" ] && [ -n "$rest" ] && t=$(h__dns_txt "$rest") &&
			echo "txt-record=$name,$t" ;;
	A)	[ -z "$b" ] && h__dns_ip_ok "$a" &&
			echo "dns-rr=$name,1,$(h__dns_hex "$a")" ;;
	PTR)	[ -n "$a" ] && [ -z "$b" ] && h__dns_ip_ok "$name" &&
			echo "ptr-record=$(h__dns_rev "$name").in-addr.arpa,${a%.}" ;;
	HOST)	[ -z "$b" ] && h__dns_ip_ok "$a" &&
			echo "host-record=$name,$a" ;;
	MX)	[[ $a =~ ^[0-9]+$ ]] && [ -n "$b" ] && [ -z "$c" ] &&
			echo "mx-host=$name,${b%.},$a" ;;
	DNSBL)	[ -z "$c" ] && h__dns_ip_ok "$a" && h__dns_ip_ok "${b:-127.0.0.2}" &&
			echo "dns-rr=$(h__dns_rev "$a").$name,1,$(h__dns_hex "${b:-127.0.0.2}")" ;;
	TIMEOUT) [ -n "$name" ] && [ -z "$rest" ] &&
			echo "server=/$name/127.0.0.1#$H_DNS_DROP_PORT" ;;
	SERVFAIL) [ -n "$name" ] && [ -z "$rest" ] &&
			echo "server=/$name/127.0.0.1#$H_DNS_SERVFAIL_PORT" ;;
	*)	false ;;
	esac
}

# h__dns_responder - start the SERVFAIL and drop responder, once
h__dns_responder() {
	local i
	[ -n "$H_DNS_RESPONDER_PID" ] && return 0
	cat >"$H_DIR/dns/responder.py" <<'EOF'
import os, select, socket, sys
# one socket answers every query SERVFAIL, the other drops every query
servfail = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
servfail.bind(("127.0.0.1", 0))
drop = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
drop.bind(("127.0.0.1", 0))
with open(sys.argv[2] + ".new", "w") as f:
    f.write("%d %d\n" % (servfail.getsockname()[1], drop.getsockname()[1]))
os.rename(sys.argv[2] + ".new", sys.argv[2])
watch = int(sys.argv[1])
while True:
    try:
        os.kill(watch, 0)
    except OSError:
        sys.exit(0)
    for s in select.select([servfail, drop], [], [], 1)[0]:
        d, a = s.recvfrom(4096)
        if s is servfail and len(d) >= 12:
            # the query back, as a response (QR), RCODE 2, no records
            s.sendto(d[:2] + bytes([0x80 | (d[2] & 0x79), 0x82]) + d[4:6] +
                     bytes(6) + d[12:], a)
EOF
	rm -f "$H_DIR/dns/responder.ports"
	"$H_DNS_PYTHON" "$H_DIR/dns/responder.py" "$$" "$H_DIR/dns/responder.ports" &
	H_DNS_RESPONDER_PID=$!
	for ((i = 0; i < 50; i++)); do
		[ -s "$H_DIR/dns/responder.ports" ] && break
		sleep 0.1
	done
	read -r H_DNS_SERVFAIL_PORT H_DNS_DROP_PORT <"$H_DIR/dns/responder.ports" ||
		h_bail "dns.sh: the SERVFAIL and drop responder did not start"
}

# h__dns_conf - write H_DIR/dns/dnsmasq.conf from H_DNS_RECORDS
h__dns_conf() {
	local r line
	for r in "${H_DNS_RECORDS[@]}"; do
		case $r in
		TIMEOUT\ * | SERVFAIL\ *) h__dns_responder ;;
		esac
	done
	{
		echo "# written by t/lib/dns.sh from these records:"
		for r in "${H_DNS_RECORDS[@]}"; do
			echo "#   $r"
		done
		for r in "${H_DNS_RECORDS[@]}"; do
			line=$(h__dns_record "$r") ||
				h_bail "dns.sh: bad record '$r' (see t/lib/dns.sh)"
			printf '%s\n' "$line"
		done
	} >"$H_DIR/dns/dnsmasq.conf.new" || exit
	mv "$H_DIR/dns/dnsmasq.conf.new" "$H_DIR/dns/dnsmasq.conf"
}

# h__dns_answers - succeed when the server answers a query (any RCODE)
h__dns_answers() {
	local r
	r=$(H_DNS_QUERY_TIMEOUT=0.2 h_dns_query ready.dns-sh.invalid A | head -n 1)
	[ -n "$r" ] && [ "$r" != TIMEOUT ]
}

# h__dns_run - start dnsmasq with H_DNS_RECORDS; wait until it answers
h__dns_run() {
	local i
	[ -n "${H_DNS_IP:-}" ] || h_bail "h_dns_start: no DNS namespace (set H_DNS=1 before harness.sh)"
	h__dns_stop_server
	h__dns_conf
	h__dns_port53_free "$H_DNS_IP" ||
		h_bail "h_dns_start: $H_DNS_IP port 53 in use: $(ss -Hlnup "sport = :53" | awk '{print $4, $NF}')"
	echo "--- t/lib/dns.sh: dnsmasq with ${#H_DNS_RECORDS[@]} records" >>"$H_DIR/dns.log"
	# --local=/#/: every name is ours, so unknown names are NXDOMAIN
	# instead of REFUSED for want of an upstream server.
	"$H_DNS_BIN" --no-daemon --conf-file="$H_DIR/dns/dnsmasq.conf" \
		--no-resolv --no-hosts --bind-interfaces --listen-address="$H_DNS_IP" \
		--port=53 --local=/#/ --cache-size=0 --no-negcache --local-ttl=0 \
		--log-queries --log-facility=- >>"$H_DIR/dns.log" 2>&1 </dev/null &
	H_DNS_PID=$!
	for ((i = 0; i < 50; i++)); do
		h__dns_answers && return 0
		kill -0 "$H_DNS_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "# dnsmasq did not answer on $H_DNS_IP:53; dns.log:"
	tail -n 20 "$H_DIR/dns.log" | sed 's/^/#   /'
	h_bail "dnsmasq did not start"
}

# h_dns_start - serve exactly the given records
h_dns_start() {
	H_DNS_RECORDS=("$@")
	h__dns_run
}

# h_dns_add - serve these records too (restarts dnsmasq)
h_dns_add() {
	H_DNS_RECORDS+=("$@")
	h__dns_run
}

# h__dns_stop_server - stop dnsmasq by its pid
h__dns_stop_server() {
	h_stop_pid "$H_DNS_PID"
	H_DNS_PID=
}

# h_dns_stop - stop dnsmasq and the responder, each by its pid
h_dns_stop() {
	h__dns_stop_server
	h_stop_pid "$H_DNS_RESPONDER_PID"
	H_DNS_RESPONDER_PID=
}

# h_dns_query - ask resolv.conf's nameserver NAME TYPE; print RCODE, answers
h_dns_query() {
	local ns
	ns=$(awk '$1 == "nameserver" { print $2; exit }' /etc/resolv.conf)
	"$H_DNS_PYTHON" - "$ns" "$1" "$2" "${H_DNS_QUERY_TIMEOUT:-2}" <<'EOF'
import random, socket, struct, sys, time

TYPES = {"A": 1, "NS": 2, "CNAME": 5, "PTR": 12, "MX": 15, "TXT": 16, "AAAA": 28}
RCODES = {0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN",
          4: "NOTIMP", 5: "REFUSED"}
server, name, qtype, timeout = sys.argv[1], sys.argv[2], sys.argv[3].upper(), float(sys.argv[4])
if qtype == "PTR" and name.count(".") == 3 and name.replace(".", "").isdigit():
    name = ".".join(reversed(name.split("."))) + ".in-addr.arpa"


def name_at(msg, off):
    """Decode the (compressed) domain name at off; return it and the end."""
    labels, end = [], None
    while True:
        n = msg[off]
        if n >= 0xC0:
            end = off + 2 if end is None else end
            off = ((n & 0x3F) << 8) | msg[off + 1]
            continue
        off += 1
        if n == 0:
            break
        labels.append(msg[off:off + n].decode("ascii", "replace"))
        off += n
    return ".".join(labels), (off if end is None else end)


qid = random.randrange(65536)
query = struct.pack(">6H", qid, 0x0100, 1, 0, 0, 0)
for label in name.rstrip(".").split("."):
    query += bytes([len(label)]) + label.encode("ascii")
query += b"\0" + struct.pack(">2H", TYPES[qtype], 1)
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
deadline = time.monotonic() + timeout
msg = None
try:
    sock.sendto(query, (server, 53))
    while msg is None:
        sock.settimeout(max(deadline - time.monotonic(), 0.001))
        data = sock.recv(65535)
        if data[:2] == query[:2]:
            msg = data
except OSError:     # socket.timeout, or refused: nobody listens
    print("TIMEOUT")
    sys.exit(0)
flags, qdcount, ancount = struct.unpack(">3H", msg[2:8])
print(RCODES.get(flags & 15, "RCODE%d" % (flags & 15)))
off = 12
for _ in range(qdcount):
    off = name_at(msg, off)[1] + 4
for _ in range(ancount):
    off = name_at(msg, off)[1]
    rtype, _, _, rdlen = struct.unpack(">2HIH", msg[off:off + 10])
    off += 10
    rdata = msg[off:off + rdlen]
    if rtype != TYPES[qtype]:
        pass
    elif rtype == 1:
        print(socket.inet_ntoa(rdata))
    elif rtype == 28:
        print(socket.inet_ntop(socket.AF_INET6, rdata))
    elif rtype in (2, 5, 12):
        print(name_at(msg, off)[0])
    elif rtype == 15:
        print(struct.unpack(">H", rdata[:2])[0], name_at(msg, off + 2)[0])
    elif rtype == 16:
        parts, i = [], 0
        while i < rdlen:
            parts.append('"%s"' % rdata[i + 1:i + 1 + rdata[i]].decode("utf-8", "replace"))
            i += 1 + rdata[i]
        print(" ".join(parts))
    off += rdlen
EOF
}
