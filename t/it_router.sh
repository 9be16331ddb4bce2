#!/bin/bash
# it_router - the router side: contrib/nftables on a router of its own
#
# A small network in namespaces: two customers, the bot (192.0.2.66,
# 2001:db8:2::66 and 2001:db8:2::99 in its /64) and customer2 (192.0.2.67,
# 2001:db8:3::67 in another /64), on a bridge of the router,
# which forwards to a server (198.51.100.25, 2001:db8:100::25) that
# answers on ports 25 and 587 with the port it was reached on and the
# client address it saw. The router loads contrib/nftables/isolation.nft;
# the hook, run as the notifier runs it (in the router, with only the
# ISO_* variables and a PATH without sbin), then quarantines, extends,
# releases and lets expire, and each step is checked on the wire (port
# 25 refused by a reset, or answered) and in the set (the element and
# its timeout). An IPv6 quarantine is of the bot's /64, as the milter
# keys it: both of the bot's addresses are refused, customer2's /64 is
# not. Hostile keys, TTLs and settings are refused with exit 2
# and leave the ruleset as it was; logins and other events change
# nothing; a failing nft gives exit 1. Last, redirect-25-to-587.nft:
# a customer's port 25 to anywhere lands on the server's port 587.
# Neither Postfix nor the milter is started.
. "${srcdir:-$(dirname "$0")/..}/t/lib/harness.sh"
h_require ip nft

NFT_DIR=$H_SRCDIR/contrib/nftables
HOOK=$NFT_DIR/isolation-nft-hook
[ -x "$HOOK" ] || h_bail "$HOOK is not executable"

# Namespaces of this run; the interfaces are created inside them, so
# their names only need to be unique there.
NS_BOT=iso-rt$$-bot
NS_C2=iso-rt$$-c2
NS_R=iso-rt$$-router
NS_SRV=iso-rt$$-server
R_NSES=()
R_LISTENER_PID=

BOT4=192.0.2.66
BOT6=2001:db8:2::66
BOT6B=2001:db8:2::99
BOT6_NET=2001:db8:2::/64
C2=192.0.2.67
C2_6=2001:db8:3::67
SRV4=198.51.100.25
SRV6=2001:db8:100::25

# r_cleanup - on exit: stop the listener, remove the namespaces, then
# the harness's own cleanup with the test's exit status
# shellcheck disable=SC2317 # runs from the EXIT trap
r_cleanup() {
	local rc=$? ns
	h_stop_pid "$R_LISTENER_PID"
	for ns in "${R_NSES[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	(exit "$rc")
	h__cleanup
}
trap r_cleanup EXIT

# --- helpers -------------------------------------------------------------

# r_in NS CMD... - run a command in namespace NS, quietly, or bail
r_in() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@" >"$H_DIR/setup.out" 2>&1 ||
		h_bail "in $ns: $*: $(tr '\n' ' ' <"$H_DIR/setup.out")"
}

# r_ip ARG... - ip(8), or bail
r_ip() {
	ip "$@" >"$H_DIR/setup.out" 2>&1 ||
		h_bail "ip $*: $(tr '\n' ' ' <"$H_DIR/setup.out")"
}

# hook VAR=VALUE... - run the hook in the router with only these
# variables; exit status in HOOK_RC, output in H_DIR/hook.out, hook.err
hook() {
	timeout 20 ip netns exec "$NS_R" env -i PATH=/usr/bin:/bin "$@" "$HOOK" \
		>"$H_DIR/hook.out" 2>"$H_DIR/hook.err" </dev/null
	HOOK_RC=$?
}

# hook_why - what to print when a check of the last hook run fails
hook_why() {
	printf '%s; stdout: %s; stderr: %s' "$1" \
		"$(tr '\n' '|' <"$H_DIR/hook.out")" "$(tr '\n' '|' <"$H_DIR/hook.err")"
}

# expect_hook NAME STATUS VAR=VALUE... - the hook exits with STATUS; a
# refusal (2) says why on stderr
expect_hook() {
	local name=$1 want=$2
	shift 2
	hook "$@"
	if [ "$HOOK_RC" != "$want" ]; then
		h_not_ok "$name" "$(hook_why "exit $HOOK_RC, wanted $want")"
	elif [ "$want" = 2 ] && ! grep -q '^isolation-nft-hook: ' "$H_DIR/hook.err"; then
		h_not_ok "$name" "$(hook_why "exit 2 without a message")"
	else
		h_ok "$name"
	fi
}

# ruleset - the router's ruleset without what changes by itself
# (counters, the time left of each element)
ruleset() {
	ip netns exec "$NS_R" nft -s list ruleset 2>&1 |
		sed -E 's/ expires [0-9a-z]+//g'
}

# elements SET - "ADDRESS TIMEOUT EXPIRES" for each element of SET (a
# prefix as ADDRESS/LEN)
elements() {
	ip netns exec "$NS_R" nft -j list set inet isolation "$1" 2>/dev/null |
		python3 -c '
import json, sys
def text(v):
    if isinstance(v, dict) and "prefix" in v:
        return "%s/%d" % (v["prefix"]["addr"], v["prefix"]["len"])
    return v
for obj in json.load(sys.stdin)["nftables"]:
    for e in obj.get("set", {}).get("elem", []):
        if isinstance(e, dict) and "elem" in e:
            e = e["elem"]
            print(text(e["val"]), e.get("timeout", 0), e.get("expires", 0))
        else:
            print(text(e), 0, 0)
'
}

# expect_elem NAME SET ADDRESS TTL - ADDRESS is in SET with a timeout of
# TTL seconds, and less than 15 s of it gone
expect_elem() {
	local name=$1 set=$2 key=$3 ttl=$4 line t e
	line=$(elements "$set" | awk -v k="$key" '$1 == k')
	read -r _ t e <<<"$line"
	if [ -z "$line" ]; then
		h_not_ok "$name" "$key not in $set: $(elements "$set" | tr '\n' ' ')"
	elif [ "$t" != "$ttl" ] || [ "$e" -gt "$ttl" ] || [ "$e" -lt $((ttl - 15)) ]; then
		h_not_ok "$name" "$set: '$line', wanted timeout $ttl, expires close to it"
	else
		h_ok "$name"
	fi
}

# expect_no_elem NAME SET ADDRESS - ADDRESS is not in SET
expect_no_elem() {
	local name=$1 set=$2 key=$3
	if elements "$set" | awk -v k="$key" '$1 == k { f = 1 } END { exit !f }'; then
		h_not_ok "$name" "$key is in $set: $(elements "$set" | tr '\n' ' ')"
	else
		h_ok "$name"
	fi
}

# probe NS HOST PORT [SOURCE] - one connection from NS (from address
# SOURCE); PROBE is the server's "port=P peer=ADDRESS", "refused",
# "timeout" or "error: ..."
probe() {
	PROBE=$(timeout 10 ip netns exec "$1" python3 "$H_DIR/probe.py" "$2" "$3" 3 \
		${4:+"$4"} 2>&1)
	PROBE=${PROBE:-timeout}
}

# expect_probe NAME NS HOST PORT REGEX [SOURCE] - the result of probe matches
expect_probe() {
	local name=$1 re=$5
	probe "$2" "$3" "$4" "${6:-}"
	if [[ "$PROBE" =~ $re ]]; then
		h_ok "$name"
	else
		h_not_ok "$name" "$2 ${6:+($6) }-> $3 port $4: '$PROBE', wanted /$re/"
	fi
}

# expect_unchanged NAME BEFORE - the ruleset is still BEFORE
expect_unchanged() {
	local now
	now=$(ruleset)
	if [ "$now" = "$2" ]; then
		h_ok "$1"
	else
		h_not_ok "$1" "ruleset changed: $(diff <(echo "$2") <(echo "$now") | tr '\n' '|')"
	fi
}

# --- the network ---------------------------------------------------------

# The server: answers every connection on 25 and 587 with one line.
cat >"$H_DIR/listen.py" <<'EOF'
import selectors, socket, sys
sel = selectors.DefaultSelector()
for port in (25, 587):
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind(("::", port))
    s.listen(16)
    sel.register(s, selectors.EVENT_READ)
open(sys.argv[1], "w").close()
while True:
    for key, _ in sel.select():
        c, peer = key.fileobj.accept()
        host = peer[0]
        if host.startswith("::ffff:") and "." in host:
            host = host[7:]
        port = c.getsockname()[1]
        c.sendall(("220 port=%d peer=%s\r\n" % (port, host)).encode())
        c.close()
EOF
# The client: connect, print the server's line, or what went wrong.
cat >"$H_DIR/probe.py" <<'EOF'
import socket, sys
host, port, secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
source = (sys.argv[4], 0) if len(sys.argv) > 4 else None
try:
    c = socket.create_connection((host, port), timeout=secs,
                                 source_address=source)
    line = c.makefile("rb").readline().decode().strip()
    print(line[4:] if line.startswith("220 ") else "error: " + line)
except ConnectionRefusedError:
    print("refused")
except (socket.timeout, TimeoutError):
    print("timeout")
except OSError as e:
    print("error: %s" % e)
EOF

for ns in "$NS_BOT" "$NS_C2" "$NS_R" "$NS_SRV"; do
	ip netns add "$ns" 2>"$H_DIR/setup.out" ||
		h_skip "no network namespaces here: $(cat "$H_DIR/setup.out")"
	R_NSES+=("$ns")
	# No duplicate address detection: addresses usable at once.
	r_in "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
		net.ipv6.conf.default.accept_dad=0
	r_ip -n "$ns" link set lo up
done
r_in "$NS_R" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1

# The router: a bridge for the customers, a link to the server.
r_ip -n "$NS_R" link add br0 type bridge
r_ip -n "$NS_BOT" link add eth0 type veth peer name bot netns "$NS_R"
r_ip -n "$NS_C2" link add eth0 type veth peer name c2 netns "$NS_R"
r_ip -n "$NS_SRV" link add eth0 type veth peer name srv netns "$NS_R"
r_ip -n "$NS_R" link set bot master br0
r_ip -n "$NS_R" link set c2 master br0
for dev in br0 bot c2 srv; do
	r_ip -n "$NS_R" link set "$dev" up
done
r_ip -n "$NS_R" addr add 192.0.2.1/24 dev br0
r_ip -n "$NS_R" addr add 2001:db8:2::1/64 dev br0 nodad
r_ip -n "$NS_R" addr add 2001:db8:3::1/64 dev br0 nodad
r_ip -n "$NS_R" addr add 198.51.100.1/24 dev srv
r_ip -n "$NS_R" addr add 2001:db8:100::1/64 dev srv nodad

# addr_up NS ADDR4/LEN GW4 [ADDR6/LEN GW6] - configure eth0 of NS
addr_up() {
	r_ip -n "$1" link set eth0 up
	r_ip -n "$1" addr add "$2" dev eth0
	r_ip -n "$1" route add default via "$3"
	if [ -n "${4:-}" ]; then
		r_ip -n "$1" addr add "$4" dev eth0 nodad
		r_ip -n "$1" -6 route add default via "$5"
	fi
}
addr_up "$NS_BOT" "$BOT4/24" 192.0.2.1 "$BOT6/64" 2001:db8:2::1
r_ip -n "$NS_BOT" addr add "$BOT6B/64" dev eth0 nodad
addr_up "$NS_C2" "$C2/24" 192.0.2.1 "$C2_6/64" 2001:db8:3::1
addr_up "$NS_SRV" "$SRV4/24" 198.51.100.1 "$SRV6/64" 2001:db8:100::1

ip netns exec "$NS_SRV" python3 "$H_DIR/listen.py" "$H_DIR/listening" \
	>"$H_DIR/listen.log" 2>&1 </dev/null &
R_LISTENER_PID=$!
for ((i = 0; i < 50; i++)); do
	[ -e "$H_DIR/listening" ] && break
	kill -0 "$R_LISTENER_PID" 2>/dev/null || break
	sleep 0.1
done
[ -e "$H_DIR/listening" ] ||
	h_bail "the server's listener did not start: $(tr '\n' ' ' <"$H_DIR/listen.log")"

# --- isolation.nft and the hook --------------------------------------------

if ip netns exec "$NS_R" nft -f "$NFT_DIR/isolation.nft" >"$H_DIR/nft.out" 2>&1; then
	h_ok "isolation.nft loads on the router"
else
	h_not_ok "isolation.nft loads on the router" "$(tr '\n' ' ' <"$H_DIR/nft.out")"
	h_done
fi

P25="^port=25 peer=$BOT4\$"
P587="^port=587 peer=$BOT4\$"
P25_6="^port=25 peer=$BOT6\$"
expect_probe "no quarantine: the bot reaches port 25" "$NS_BOT" "$SRV4" 25 "$P25"
expect_probe "no quarantine: the bot reaches port 25 over IPv6" \
	"$NS_BOT" "$SRV6" 25 "$P25_6" "$BOT6"

Q=(ISO_KIND=ip ISO_RULE=inbound.customer_direct ISO_REASON=inbound.customer_direct
	ISO_NODE=mx1 ISO_INCIDENT=1 ISO_EXPIRES=$(($(date +%s) + 3600)))
expect_hook "quarantine: the hook exits 0" 0 "${Q[@]}" ISO_EVENT=quarantine \
	ISO_KEY=$BOT4 ISO_TTL=3600
if grep -q "$BOT4" "$H_DIR/hook.out"; then h_ok "quarantine: the hook says what it did"
else h_not_ok "quarantine: the hook says what it did" "$(hook_why "no line on stdout")"; fi
expect_elem "quarantine: the bot is in quarantined4, timeout 3600s" quarantined4 "$BOT4" 3600
if [ -z "$(elements quarantined6)" ]; then h_ok "quarantine: quarantined6 stays empty"
else h_not_ok "quarantine: quarantined6 stays empty" "$(elements quarantined6 | tr '\n' ' ')"; fi
expect_probe "quarantined: the bot's port 25 is reset" "$NS_BOT" "$SRV4" 25 '^refused$'
expect_probe "quarantined: the bot still reaches port 587" "$NS_BOT" "$SRV4" 587 "$P587"
expect_probe "quarantined: customer2 still reaches port 25" "$NS_C2" "$SRV4" 25 \
	"^port=25 peer=$C2\$"
expect_probe "quarantined (IPv4): the bot's IPv6 port 25 is open" \
	"$NS_BOT" "$SRV6" 25 "$P25_6" "$BOT6"

expect_hook "hit with a longer TTL: exit 0" 0 "${Q[@]}" ISO_EVENT=hit \
	ISO_KEY=$BOT4 ISO_TTL=7200
expect_elem "hit: the element's timeout is now 7200s" quarantined4 "$BOT4" 7200
expect_probe "hit: the bot's port 25 is still reset" "$NS_BOT" "$SRV4" 25 '^refused$'
expect_hook "hit with a shorter TTL: exit 0" 0 "${Q[@]}" ISO_EVENT=hit \
	ISO_KEY=$BOT4 ISO_TTL=1800
expect_elem "hit: the timeout follows the quarantine down to 1800s" \
	quarantined4 "$BOT4" 1800

# Reloading the ruleset keeps the quarantines and does not double rules.
ip netns exec "$NS_R" nft -f "$NFT_DIR/isolation.nft" >"$H_DIR/nft.out" 2>&1
expect_elem "reloading isolation.nft keeps the element" quarantined4 "$BOT4" 1800
n=$(ip netns exec "$NS_R" nft list chain inet isolation forward | grep -c 'dport 25')
if [ "$n" = 2 ]; then h_ok "reloading isolation.nft leaves two rules"
else h_not_ok "reloading isolation.nft leaves two rules" "$n rules with dport 25"; fi
expect_probe "reloaded: the bot's port 25 is still reset" "$NS_BOT" "$SRV4" 25 '^refused$'

expect_hook "release: exit 0" 0 "${Q[@]}" ISO_EVENT=release ISO_KEY=$BOT4
expect_no_elem "release: the element is gone" quarantined4 "$BOT4"
expect_probe "released: the bot reaches port 25 again" "$NS_BOT" "$SRV4" 25 "$P25"
expect_hook "release of an address not in the set: exit 0" 0 "${Q[@]}" \
	ISO_EVENT=release ISO_KEY=$BOT4

expect_probe "no quarantine: customer2 reaches port 25 over IPv6" \
	"$NS_C2" "$SRV6" 25 "^port=25 peer=$C2_6\$"
# The milter's key of an IPv6 client: its /64 (IPv6Prefix).
expect_hook "IPv6 quarantine of the bot's /64: exit 0" 0 "${Q[@]}" \
	ISO_EVENT=quarantine ISO_KEY=$BOT6_NET ISO_TTL=600
expect_elem "IPv6 quarantine: the prefix is in quarantined6, timeout 600s" \
	quarantined6 "$BOT6_NET" 600
expect_no_elem "IPv6 quarantine: not in quarantined4" quarantined4 "$BOT6_NET"
expect_probe "IPv6 quarantined: the bot's IPv6 port 25 is reset" \
	"$NS_BOT" "$SRV6" 25 '^refused$' "$BOT6"
expect_probe "IPv6 quarantined: the bot's other address in its /64 is reset too" \
	"$NS_BOT" "$SRV6" 25 '^refused$' "$BOT6B"
expect_probe "IPv6 quarantined: customer2's /64 still reaches port 25" \
	"$NS_C2" "$SRV6" 25 "^port=25 peer=$C2_6\$"
expect_probe "IPv6 quarantined: the bot's IPv6 port 587 is open" \
	"$NS_BOT" "$SRV6" 587 "^port=587 peer=$BOT6\$" "$BOT6"
expect_probe "IPv6 quarantined: the bot's IPv4 port 25 is open" \
	"$NS_BOT" "$SRV4" 25 "$P25"
expect_hook "IPv6 hit with a longer TTL: exit 0" 0 "${Q[@]}" ISO_EVENT=hit \
	ISO_KEY=$BOT6_NET ISO_TTL=1200
expect_elem "IPv6 hit: the prefix's timeout is now 1200s" quarantined6 \
	"$BOT6_NET" 1200
expect_hook "IPv6 release: exit 0" 0 "${Q[@]}" ISO_EVENT=release \
	ISO_KEY=$BOT6_NET
expect_no_elem "IPv6 release: the prefix is gone" quarantined6 "$BOT6_NET"
expect_probe "IPv6 released: the bot's other address reaches port 25" \
	"$NS_BOT" "$SRV6" 25 "^port=25 peer=$BOT6B\$" "$BOT6B"
# IPv6Prefix 128: the key is the address itself, in the same set.
expect_hook "IPv6 quarantine of one address: exit 0" 0 "${Q[@]}" \
	ISO_EVENT=quarantine ISO_KEY=$BOT6 ISO_TTL=600
expect_elem "IPv6 address: the key is in quarantined6, timeout 600s" \
	quarantined6 "$BOT6" 600
expect_probe "IPv6 address quarantined: that address's port 25 is reset" \
	"$NS_BOT" "$SRV6" 25 '^refused$' "$BOT6"
expect_probe "IPv6 address quarantined: the bot's other address is open" \
	"$NS_BOT" "$SRV6" 25 "^port=25 peer=$BOT6B\$" "$BOT6B"
expect_hook "IPv6 address release: exit 0" 0 "${Q[@]}" ISO_EVENT=release \
	ISO_KEY=$BOT6
expect_no_elem "IPv6 address release: the element is gone" quarantined6 "$BOT6"

# Expiry: the element leaves the set by itself when the TTL runs out.
expect_hook "quarantine with 2 s left: exit 0" 0 "${Q[@]}" ISO_EVENT=quarantine \
	ISO_KEY=$BOT4 ISO_TTL=2
expect_probe "2 s left: the bot's port 25 is reset" "$NS_BOT" "$SRV4" 25 '^refused$'
for ((i = 0; i < 60; i++)); do
	elements quarantined4 | grep -q "^$BOT4 " || break
	sleep 0.1
done
expect_no_elem "expiry: the element times out by itself" quarantined4 "$BOT4"
expect_probe "expired: the bot reaches port 25 again" "$NS_BOT" "$SRV4" 25 "$P25"

expect_hook "ISO_TTL=0 (quarantine already over): exit 0" 0 "${Q[@]}" \
	ISO_EVENT=quarantine ISO_KEY=$BOT4 ISO_TTL=0
expect_no_elem "ISO_TTL=0: nothing added" quarantined4 "$BOT4"

# The values reach nft as words of their own.
cat >"$H_DIR/fake-nft" <<'EOF'
#!/bin/sh
for a; do printf '[%s]\n' "$a"; done
EOF
chmod +x "$H_DIR/fake-nft"
hook "${Q[@]}" ISO_EVENT=hit ISO_KEY=2001:db8::1 ISO_TTL=99 ISO_NFT="$H_DIR/fake-nft"
want='[add] [element] [inet] [isolation] [quarantined6] [{] [2001:db8::1] [}] [;]'
want+=' [delete] [element] [inet] [isolation] [quarantined6] [{] [2001:db8::1] [}] [;]'
want+=' [add] [element] [inet] [isolation] [quarantined6] [{] [2001:db8::1] [timeout] [99s] [}]'
got=$(grep '^\[' "$H_DIR/hook.out" | tr '\n' ' ')
if [ "$HOOK_RC" = 0 ] && [ "$got" = "$want " ]; then
	h_ok "ISO_NFT: nft gets the key and the timeout as words of their own"
else
	h_not_ok "ISO_NFT: nft gets the key and the timeout as words of their own" \
		"$(hook_why "exit $HOOK_RC")"
fi
hook "${Q[@]}" ISO_EVENT=release ISO_KEY=2001:db8:0:7::/64 ISO_NFT="$H_DIR/fake-nft"
want='[add] [element] [inet] [isolation] [quarantined6] [{] [2001:db8:0:7::/64] [}] [;]'
want+=' [delete] [element] [inet] [isolation] [quarantined6] [{] [2001:db8:0:7::/64] [}]'
got=$(grep '^\[' "$H_DIR/hook.out" | tr '\n' ' ')
if [ "$HOOK_RC" = 0 ] && [ "$got" = "$want " ]; then
	h_ok "ISO_NFT: an IPv6 prefix reaches nft as one word"
else
	h_not_ok "ISO_NFT: an IPv6 prefix reaches nft as one word" \
		"$(hook_why "exit $HOOK_RC")"
fi

# --- refusals ------------------------------------------------------------

# A quarantine in force, so that a flushed ruleset would show.
hook "${Q[@]}" ISO_EVENT=quarantine ISO_KEY=192.0.2.99 ISO_TTL=3600
[ "$HOOK_RC" = 0 ] || h_bail "$(hook_why "quarantine of 192.0.2.99 failed")"
BEFORE=$(ruleset)

# expect_refused NAME VAR=VALUE... - the hook exits 2, nothing changes
expect_refused() {
	local name=$1
	shift
	expect_hook "$name: exit 2" 2 "$@"
	expect_unchanged "$name: ruleset unchanged" "$BEFORE"
}

# shellcheck disable=SC2016 # a command substitution, kept literal
for key in "192.0.2.66; flush ruleset" "192.0.2.66 }" $'192.0.2.66\nflush ruleset' \
    $'192.0.2.66\n' "" "{ 192.0.2.66 }" "192.0.2.66,192.0.2.67" "192.0.2.0/24" \
    "192.0.2.256" "192.0.2.066" "2001:db8::1%eth0" "2001:db8::/129" \
    "2001:db8::/064" "2001:db8::/0" "2001:db8::/" "2001:db8::/64/64" \
    "2001:db8::/6 4" "2001:db8::/64 }" "2001:db8::/64; flush ruleset" \
    "2001:db8::%eth0/64" "/64" "192.0.2.66/32" \
    "1:2:3:4:5:6:7:8:9" '$(nft flush ruleset)' "mallory@example.net"; do
	shown=$(printf '%s' "$key" | tr '\n' '~')
	expect_refused "ISO_KEY '$shown'" "${Q[@]}" ISO_EVENT=quarantine \
		"ISO_KEY=$key" ISO_TTL=3600
done
expect_refused "ISO_KEY unset" "${Q[@]}" ISO_EVENT=quarantine ISO_TTL=3600
expect_refused "release with ISO_KEY '192.0.2.99 }'" "${Q[@]}" ISO_EVENT=release \
	"ISO_KEY=192.0.2.99 }"
for ttl in 1d -5 "" "3600 }" "3600; flush ruleset" $'3600\n' 0x10 1e3 " 3600" 36.5; do
	shown=$(printf '%s' "$ttl" | tr '\n' '~')
	expect_refused "ISO_TTL '$shown'" "${Q[@]}" ISO_EVENT=hit ISO_KEY=$BOT4 \
		"ISO_TTL=$ttl"
done
expect_refused "ISO_TTL unset" "${Q[@]}" ISO_EVENT=quarantine ISO_KEY=$BOT4
expect_refused "ISO_NFT_TABLE 'inet isolation; flush ruleset'" "${Q[@]}" \
	ISO_EVENT=quarantine ISO_KEY=$BOT4 ISO_TTL=60 \
	"ISO_NFT_TABLE=inet isolation; flush ruleset"
expect_refused "ISO_NFT_TABLE 'evil isolation'" "${Q[@]}" ISO_EVENT=quarantine \
	ISO_KEY=$BOT4 ISO_TTL=60 "ISO_NFT_TABLE=evil isolation"
expect_refused "ISO_NFT_SET4 'quarantined4 }'" "${Q[@]}" ISO_EVENT=quarantine \
	ISO_KEY=$BOT4 ISO_TTL=60 "ISO_NFT_SET4=quarantined4 }"

expect_hook "a login event: exit 0" 0 ISO_KIND=login ISO_EVENT=quarantine \
	"ISO_KEY=alice@example.net; flush ruleset" ISO_TTL=3600
expect_unchanged "a login event: ruleset unchanged" "$BEFORE"
expect_hook "an unknown event: exit 0" 0 ISO_KIND=ip ISO_EVENT=note \
	ISO_KEY=$BOT4 ISO_TTL=3600
expect_unchanged "an unknown event: ruleset unchanged" "$BEFORE"
expect_hook "no event at all: exit 0" 0
expect_hook "nft fails (no such table): exit 1" 1 "${Q[@]}" ISO_EVENT=quarantine \
	ISO_KEY=$BOT4 ISO_TTL=60 "ISO_NFT_TABLE=inet nosuch"
expect_unchanged "nft fails: ruleset unchanged" "$BEFORE"

# --- the real notifier drives the hook --------------------------------------
# isolationctl notify reads the quarantine and the release from the
# store and runs the hook in the router, as EventCommand does in
# production: the router follows the store.
CTL=${H_CTL_BIN:-$top_builddir/milter/isolationctl}
if [ -x "$CTL" ]; then
	cat >"$H_DIR/notify.conf" <<EOF
StateFile $H_DIR/notify.lmdb
CustomerNetworks 192.0.2.0/24
EventCommand $(command -v ip) netns exec $NS_R $HOOK
EOF
	"$CTL" -c "$H_DIR/notify.conf" quarantine ip "$BOT4" -t 1h -r "bot on the MX" \
		>"$H_DIR/ctl.out" 2>&1
	"$CTL" -c "$H_DIR/notify.conf" notify --once >"$H_DIR/notify.out" 2>&1
	line=$(elements quarantined4 | awk -v k="$BOT4" '$1 == k')
	read -r _ t _ <<<"$line"
	if [ -n "$line" ] && [ "$t" -ge 3590 ] && [ "$t" -le 3600 ]; then
		h_ok "notify: a quarantine in the store puts the bot in the router's set (${t}s)"
	else
		h_not_ok "notify: the quarantine reaches the router" \
			"element '$line'; notify: $(tail -n 3 "$H_DIR/notify.out" | tr '\n' '|')"
	fi
	expect_probe "notify: the bot's port 25 is refused at the router" "$NS_BOT" "$SRV4" 25 '^refused$'
	expect_probe "notify: the bot's port 587 works" "$NS_BOT" "$SRV4" 587 "$P587"
	"$CTL" -c "$H_DIR/notify.conf" release ip "$BOT4" >"$H_DIR/ctl.out" 2>&1
	"$CTL" -c "$H_DIR/notify.conf" notify --once >>"$H_DIR/notify.out" 2>&1
	expect_no_elem "notify: the release takes the bot out of the set" quarantined4 "$BOT4"
	expect_probe "notify: released, the bot's port 25 connects again" "$NS_BOT" "$SRV4" 25 "$P25"

	# IPv6: the operator names one address, the store keys its /64,
	# the router blocks the /64; the release names the prefix.
	"$CTL" -c "$H_DIR/notify.conf" quarantine ip "$BOT6B" -t 1h -r "bot rotating" \
		>"$H_DIR/ctl.out" 2>&1
	"$CTL" -c "$H_DIR/notify.conf" notify --once >>"$H_DIR/notify.out" 2>&1
	line=$(elements quarantined6 | awk -v k="$BOT6_NET" '$1 == k')
	read -r _ t _ <<<"$line"
	if [ -n "$line" ] && [ "$t" -ge 3590 ] && [ "$t" -le 3600 ]; then
		h_ok "notify: an IPv6 quarantine puts the bot's /64 in the router's set (${t}s)"
	else
		h_not_ok "notify: an IPv6 quarantine reaches the router as the /64" \
			"element '$line' in '$(elements quarantined6 | tr '\n' ' ')'; ctl: $(tr '\n' '|' <"$H_DIR/ctl.out"); notify: $(tail -n 3 "$H_DIR/notify.out" | tr '\n' '|')"
	fi
	expect_probe "notify: the bot's IPv6 port 25 is refused" "$NS_BOT" "$SRV6" 25 \
		'^refused$' "$BOT6"
	expect_probe "notify: customer2's /64 is not" "$NS_C2" "$SRV6" 25 \
		"^port=25 peer=$C2_6\$"
	"$CTL" -c "$H_DIR/notify.conf" release ip "$BOT6_NET" >"$H_DIR/ctl.out" 2>&1
	"$CTL" -c "$H_DIR/notify.conf" notify --once >>"$H_DIR/notify.out" 2>&1
	expect_no_elem "notify: the release of the prefix takes it out of the set" \
		quarantined6 "$BOT6_NET"
else
	h_not_ok "notify drives the hook" "isolationctl not built: $CTL"
fi

# --- redirect-25-to-587.nft ------------------------------------------------

sed -e "s|^define customer_ranges = .*|define customer_ranges = { 192.0.2.64/27 }|" \
	-e "s|^define submission_server = .*|define submission_server = $SRV4|" \
	"$NFT_DIR/redirect-25-to-587.nft" >"$H_DIR/redirect.nft"
if ! grep -q "^define submission_server = $SRV4\$" "$H_DIR/redirect.nft"; then
	h_not_ok "redirect-25-to-587.nft has the definitions to edit" \
		"no line 'define submission_server = ...'"
elif ip netns exec "$NS_R" nft -f "$H_DIR/redirect.nft" >"$H_DIR/nft.out" 2>&1; then
	h_ok "redirect-25-to-587.nft loads on the router"
else
	h_not_ok "redirect-25-to-587.nft loads on the router" "$(tr '\n' ' ' <"$H_DIR/nft.out")"
fi
expect_probe "redirect: customer2's port 25 elsewhere lands on the server's 587" \
	"$NS_C2" 198.51.100.99 25 "^port=587 peer=$C2\$"
expect_probe "redirect: customer2's port 25 to the server lands on 587" \
	"$NS_C2" "$SRV4" 25 "^port=587 peer=$C2\$"
ip netns exec "$NS_R" nft add element ip isolation_redirect customer_servers "{ $BOT4 }" \
	>"$H_DIR/nft.out" 2>&1
expect_probe "redirect: a customer server's port 25 goes out untouched" \
	"$NS_BOT" "$SRV4" 25 "$P25"
ip netns exec "$NS_R" nft -f "$H_DIR/redirect.nft" >"$H_DIR/nft.out" 2>&1
n=$(ip netns exec "$NS_R" nft list chain ip isolation_redirect prerouting | grep -c dnat)
if [ "$n" = 1 ]; then h_ok "reloading redirect-25-to-587.nft leaves one dnat rule"
else h_not_ok "reloading redirect-25-to-587.nft leaves one dnat rule" "$n dnat rules"; fi

h_done
