#!/bin/bash
# it_hostile - hostile milter-protocol input on a socket open to the peer
#
# A peer that can write to the milter's socket (here a loopback inet
# socket; root) sends what no MTA would: truncated packets, lengths of
# 2^31 and 2^32-1, a zero length, unknown commands, commands out of
# order, and every macro the milter reads ({daemon_name}, {daemon_port},
# {daemon_addr}, j, v, {auth_authen}, i) empty, missing, 64 KiB long
# and binary (every octet but NUL, CR LF and % included), each in a full
# session (connect, HELO, MAIL, RCPT, headers, body, end of message; the
# normal macros are an unauthenticated inbound session's, so that every
# stage is reached unless the hostile value itself stops it).
# After each case the daemon must be alive (same pid) and answer a
# negotiation; at the end a normal session through Postfix is accepted.
# The peer never sleeps: it waits for a reply only where one must come,
# and each case ends when the daemon closes the connection.
# Last, a macro packet with an odd number of strings, to a second daemon
# started for it: libmilter's own parser reads past its array (see
# it_harden.sh: the socket's mode keeps such a peer out); what happens
# is printed, not asserted, and the first daemon must still serve.
# shellcheck source=t/lib/harness.sh
. "${srcdir:-$(dirname "$0")/..}/t/lib/harness.sh"

# shellcheck disable=SC2119 # the base configuration, no line of its own
h_milter_start
h_postfix_start
PEER=$H_DIR/peer.py
cat >"$PEER" <<'PY'
"""peer.py PORT PID CASE... - each CASE on a connection of its own, then
"alive CASE" when process PID (0: not looked at) lives and a new
connection gets its negotiation answered, else "dead CASE: why" and
stop; other lines tell what came back."""
import os
import socket
import struct
import sys

MACROS = {"C": ["j", "v", "{daemon_name}", "{daemon_port}", "{daemon_addr}"],
          "M": ["i", "{auth_authen}"], "R": ["i"], "E": ["i"]}
NORMAL = {"j": b"mx.example.test", "v": b"Postfix 3.7.11", "{daemon_name}": b"INBOUND",
          "{daemon_port}": b"25", "{daemon_addr}": b"127.0.0.1", "i": b"4ABCDEF",
          "{auth_authen}": None}
BINARY = bytes(range(1, 256)) + b"\r\n%s%n\r\n.\r\n" + bytes(range(255, 0, -1))
CONNECT = b"4" + struct.pack(">H", 4711)


def pkt(cmd, data=b""):
    return struct.pack(">I", len(data) + 1) + cmd + data


class Peer:
    """one connection. A reply is awaited only while the milter has
    answered each command with "continue" (or the negotiation), as an
    MTA would: after any other answer, or to a command libmilter ignores
    (out of order, unknown), none comes. The rest is sent without
    waiting; then our side shuts its writing, and what the milter still
    sends is read up to its close. Nothing waits for a reply that may
    not come: the timeout only guards against a hung daemon."""

    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.waiting = True
        self.got = []

    def reply(self):
        """one packet's command letter, or what happened instead"""
        try:
            h = b""
            while len(h) < 4:
                c = self.s.recv(4 - len(h))
                if not c:
                    return "closed"
                h += c
            n = struct.unpack(">I", h)[0]
            b = b""
            while len(b) < n:
                c = self.s.recv(n - len(b))
                if not c:
                    return "closed"
                b += c
            return b[:1].decode("latin-1")
        except socket.timeout:
            return "timeout"
        except OSError as e:
            return "error %s" % e

    def tell(self, b):
        """send B, to which no reply comes"""
        try:
            self.s.sendall(b)
            return True
        except OSError:
            self.got.append("unsent")
            self.waiting = False
            return False

    def ask(self, b, want="c"):
        """send B; await its reply while all were as wanted, else go on"""
        if not self.tell(b):
            return
        if self.waiting:
            r = self.reply()
            self.got.append(r)
            self.waiting = r == want
        else:
            self.got.append("-")

    def optneg(self):
        self.ask(pkt(b"O", struct.pack(">III", 6, 0x1FF, 0)), "O")
        return self.waiting

    def finish(self):
        """stop writing, read what is left up to the milter's close"""
        try:
            self.s.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        late = []
        while True:
            r = self.reply()
            late.append(r)
            if len(r) != 1:
                break
        self.s.close()
        return " ".join(self.got) + " | then: " + " ".join(late)

    def session(self, name, value):
        """a full session; macro NAME gets VALUE (None: left out)"""

        def macros(stage):
            out = b""
            for m in MACROS[stage]:
                v = value if m == name else NORMAL[m]
                if v is not None:
                    out += m.encode() + b"\0" + v + b"\0"
            self.tell(pkt(b"D", stage.encode() + out))

        macros("C")
        self.ask(pkt(b"C", b"client.outside.test\0" + CONNECT + b"127.0.1.77\0"))
        self.ask(pkt(b"H", b"client.outside.test\0"))
        macros("M")
        self.ask(pkt(b"M", b"<someone@outside.test>\0"))
        macros("R")
        self.ask(pkt(b"R", b"<bob@example.net>\0"))
        self.ask(pkt(b"L", b"From\0<someone@outside.test>\0"))
        self.ask(pkt(b"N"))
        self.ask(pkt(b"B", b"hello\r\n"))
        macros("E")
        self.ask(pkt(b"E"))
        self.tell(pkt(b"Q"))


def run(port, case):
    p = Peer(port)
    p.optneg()
    if case.startswith("macro:"):
        _, name, kind = case.split(":")
        value = {"empty": b"", "missing": None, "64k": b"x" * 65536, "binary": BINARY}[kind]
        p.session(name, value)
    elif case == "truncated":
        p.tell(struct.pack(">I", 100) + b"C" + b"x" * 10)
    elif case == "truncated-head":
        p.tell(b"\0\0")
    elif case == "len2^31":
        p.ask(struct.pack(">I", 2 ** 31) + b"D" + b"C" * 1000)
    elif case == "len2^32-1":
        p.ask(struct.pack(">I", 2 ** 32 - 1) + b"M" + b"x" * 1000)
    elif case == "len0":
        p.tell(struct.pack(">I", 0))
    elif case == "unknown":
        p.tell(pkt(b"Z", b"what\0"))
        p.tell(pkt(b"\xff"))
    elif case == "order":
        p.tell(pkt(b"E"))
        p.tell(pkt(b"R", b"<bob@example.net>\0"))
        p.ask(pkt(b"M", b"<x@outside.test>\0"))
    elif case == "nulless":
        p.tell(pkt(b"C", b"no-nul-anywhere"))
        p.tell(pkt(b"M", b"<no-nul"))
    elif case == "quiet":
        pass
    elif case == "odd":
        p.tell(pkt(b"D", b"Cj\0mx\0{daemon_name}\0"))
        p.ask(pkt(b"C", b"bot.example.test\0" + CONNECT + b"127.0.1.99\0"))
    else:
        raise ValueError("unknown case " + case)
    return p.finish()


def alive(port, pid):
    """why the daemon is not alive, or None"""
    if pid:
        try:
            os.kill(pid, 0)
        except OSError as e:
            return "pid %d: %s" % (pid, e)
    try:
        p = Peer(port)
    except OSError as e:
        return "connect: %s" % e
    ok = p.optneg()
    p.s.close()
    return None if ok else "negotiation: " + " ".join(p.got)


def main():
    port, pid = int(sys.argv[1]), int(sys.argv[2])
    for case in sys.argv[3:]:
        name = case.replace(":", " ")
        try:
            print("%s: %s" % (name, run(port, case)), flush=True)
        except OSError as e:
            print("%s: %s" % (name, e), flush=True)
        # no pause: the case ended when the daemon closed its connection
        why = alive(port, pid)
        if why:
            print("dead %s: %s" % (name, why), flush=True)
            return 1
        print("alive " + name, flush=True)
    return 0


sys.exit(main())
PY

# cases PORT PID CASE... - run the cases in one peer; a test each: after
# it the daemon survives and answers; a case without a result fails
cases() {
	local port=$1 pid=$2 line c
	local -A seen=()
	shift 2
	while IFS= read -r line; do
		case $line in
		"alive "*)
			seen[${line#alive }]=1
			h_ok "${line#alive }: the daemon survives and answers" ;;
		"dead "*)
			line=${line#dead }
			seen[${line%%: *}]=1
			h_not_ok "${line%%: *}: the daemon survives and answers" "${line#*: }"
			h_bail "the daemon is gone: $(tail -n 5 "$H_DIR/milter.log" | tr '\n' ' ')" ;;
		*)	echo "# $line" ;;
		esac
	done < <(timeout 300 python3 "$PEER" "$port" "$pid" "$@" 2>&1)
	for c; do
		c=${c//:/ }
		[ -n "${seen[$c]:-}" ] ||
			h_not_ok "$c: the daemon survives and answers" "the peer gave no result"
	done
}

h_mark
list=(truncated truncated-head len2^31 len2^32-1 len0 unknown order nulless)
for m in '{daemon_name}' '{daemon_port}' '{daemon_addr}' j v '{auth_authen}' i; do
	for k in empty missing 64k binary; do
		list+=("macro:$m:$k")
	done
done
cases "$H_MILTER_PORT" "$H_MILTER_PID" "${list[@]}"
if h_log_since | grep -qE $'[\x01-\x08\x0b\x0c\x0e-\x1f]'; then
	h_not_ok "no control octet of a macro reached the log" \
		"$(h_log_since | grep -nE $'[\x01-\x08\x0b\x0c\x0e-\x1f]' | head -n 1 | cut -c1-120)"
else
	h_ok "no control octet of a macro reached the log"
fi
h_expect "afterwards: a normal session through Postfix is accepted" 250 'action=accept' \
	-- pf-mx 127.0.1.78 --from someone@outside.test --to bob@example.net

# The odd macro packet goes to a daemon of its own, which it may kill:
# the first keeps serving. Started in H_DIR without core dumps, so no
# core file lands in the build tree.
h__milter_conf "$H_DIR/odd.conf" "$H_MILTER2_PORT" "CoreDumps no"
(cd "$H_DIR" && ulimit -c 0 && exec "$H_MILTER_BIN" -f -c "$H_DIR/odd.conf") \
	>>"$H_DIR/odd.log" 2>&1 </dev/null &
odd=$!
h__wait_listen "$H_MILTER2_PORT" 10 "$odd" || h_bail "the second daemon did not start"
# Its own alive check asks only the socket: a daemon that died of the
# packet closed the connection by exiting, but kill -0 would still see
# the zombie until it is waited for.
out=$(timeout 60 python3 "$PEER" "$H_MILTER2_PORT" 0 odd 2>&1 | tr '\n' ' ')
if grep -q 'alive odd' <<<"$out"; then
	echo "# observed: a macro packet with an odd number of strings ($out): the daemon survived"
	h_stop_pid "$odd" "inet:$H_MILTER2_PORT@127.0.0.1"
else
	wait "$odd"
	echo "# observed: a macro packet with an odd number of strings ($out): the daemon died" \
		"(status $?; libmilter's parser, see it_harden.sh)"
fi
# "quiet": a negotiation, nothing else
if timeout 60 python3 "$PEER" "$H_MILTER_PORT" "$H_MILTER_PID" quiet | grep -qx 'alive quiet'; then
	h_ok "the first daemon still serves"
else
	h_not_ok "the first daemon still serves" "no answer on 127.0.0.1:$H_MILTER_PORT"
fi
h_done
