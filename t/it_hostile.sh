#!/bin/bash
# it_hostile - hostile milter-protocol input on a socket open to the peer
#
# A peer that can write to the milter's socket (here a loopback inet
# socket; root) sends what no MTA would: truncated packets, lengths of
# 2^31 and 2^32-1, a zero length, unknown commands, commands out of
# order, and every macro the milter reads ({daemon_name}, {daemon_port},
# {daemon_addr}, j, v, {auth_authen}, i) empty, missing, 64 KiB long
# and binary (every octet but NUL, CR LF and % included), each in a full
# session (connect, HELO, MAIL, RCPT, headers, body, end of message).
# After each case the daemon must be alive (same pid) and answer a
# negotiation; at the end a normal session through Postfix is accepted.
# Last, a macro packet with an odd number of strings: libmilter's own
# parser reads past its array (see it_harden.sh: the socket's mode keeps
# such a peer out); what happens is printed, not asserted.
. "${srcdir:-$(dirname "$0")/..}/t/lib/harness.sh"

h_milter_start
h_postfix_start
pid=$H_MILTER_PID
PEER=$H_DIR/peer.py
cat >"$PEER" <<'PY'
import socket, struct, sys

port, case = int(sys.argv[1]), sys.argv[2]
MACROS = {"C": ["j", "v", "{daemon_name}", "{daemon_port}", "{daemon_addr}"],
          "M": ["i", "{auth_authen}"], "R": ["i"], "E": ["i"]}
NORMAL = {"j": b"mx.example.test", "v": b"Postfix 3.7.11", "{daemon_name}": b"INBOUND",
          "{daemon_port}": b"25", "{daemon_addr}": b"127.0.0.1", "i": b"4ABCDEF",
          "{auth_authen}": b"alice@example.net"}
BINARY = bytes(range(1, 256)) + b"\r\n%s%n\r\n.\r\n" + bytes(range(255, 0, -1))


def pkt(cmd, data=b""):
    return struct.pack(">I", len(data) + 1) + cmd + data


s = socket.create_connection(("127.0.0.1", port), timeout=1)


def reply():
    try:
        h = b""
        while len(h) < 4:
            c = s.recv(4 - len(h))
            if not c:
                return "closed"
            h += c
        n = struct.unpack(">I", h)[0]
        b = b""
        while len(b) < n:
            c = s.recv(n - len(b))
            if not c:
                return "closed"
            b += c
        return b[:1].decode("latin-1")
    except socket.timeout:
        return "timeout"
    except OSError as e:
        return "error %s" % e


def send(b):
    try:
        s.sendall(b)
        return True
    except OSError:
        return False


def optneg():
    send(pkt(b"O", struct.pack(">III", 6, 0x1FF, 0)))
    return reply()


def session(name, value):
    """a full session; macro NAME gets VALUE (None: left out)"""
    got = []

    def macros(stage):
        out = b""
        for m in MACROS[stage]:
            v = NORMAL[m]
            if m == name:
                if value is None:
                    continue
                v = value
            out += m.encode() + b"\0" + v + b"\0"
        send(pkt(b"D", stage.encode() + out))

    macros("C")
    send(pkt(b"C", b"client.outside.test\0" + b"4" + struct.pack(">H", 4711) + b"127.0.1.77\0"))
    got.append(reply())
    send(pkt(b"H", b"client.outside.test\0"))
    got.append(reply())
    macros("M")
    send(pkt(b"M", b"<someone@outside.test>\0"))
    got.append(reply())
    macros("R")
    send(pkt(b"R", b"<bob@example.net>\0"))
    got.append(reply())
    send(pkt(b"L", b"From\0<someone@outside.test>\0"))
    got.append(reply())
    send(pkt(b"N"))
    got.append(reply())
    send(pkt(b"B", b"hello\r\n"))
    got.append(reply())
    macros("E")
    send(pkt(b"E"))
    got.append(reply())
    send(pkt(b"Q"))
    return " ".join(got)


print("optneg " + optneg())
if case.startswith("macro:"):
    _, name, kind = case.split(":")
    value = {"empty": b"", "missing": None, "64k": b"x" * 65536, "binary": BINARY}[kind]
    print(session(name, value))
elif case == "truncated":
    send(struct.pack(">I", 100) + b"C" + b"x" * 10)
elif case == "truncated-head":
    send(b"\0\0")
elif case == "len2^31":
    send(struct.pack(">I", 2 ** 31) + b"D" + b"C" * 1000)
    print(reply())
elif case == "len2^32-1":
    send(struct.pack(">I", 2 ** 32 - 1) + b"M" + b"x" * 1000)
    print(reply())
elif case == "len0":
    send(struct.pack(">I", 0))
    print(reply())
elif case == "unknown":
    send(pkt(b"Z", b"what\0"))
    send(pkt(b"\xff"))
    print(reply())
elif case == "order":
    send(pkt(b"E"))
    print(reply())
    send(pkt(b"R", b"<bob@example.net>\0"))
    print(reply())
    send(pkt(b"M", b"<x@outside.test>\0"))
    print(reply())
elif case == "nulless":
    send(pkt(b"C", b"no-nul-anywhere"))
    print(reply())
    send(pkt(b"M", b"<no-nul"))
    print(reply())
elif case == "odd":
    send(pkt(b"D", b"Cj\0mx\0{daemon_name}\0"))
    send(pkt(b"C", b"bot.example.test\0" + b"4" + struct.pack(">H", 4711) + b"127.0.1.99\0"))
    print(reply())
s.close()
PY

# alive NAME - the daemon is the same process and answers a negotiation
alive() {
	local out
	sleep 0.2
	out=$(timeout 10 python3 "$PEER" "$H_MILTER_PORT" none 2>&1)
	if kill -0 "$pid" 2>/dev/null && [ "$out" = "optneg O" ]; then
		h_ok "$1: the daemon survives and answers"
	else
		h_not_ok "$1: the daemon survives and answers" "negotiation: $out"
		h_bail "the daemon is gone: $(tail -n 5 "$H_DIR/milter.log" | tr '\n' ' ')"
	fi
}

h_mark
for c in truncated truncated-head len2^31 len2^32-1 len0 unknown order nulless; do
	out=$(timeout 20 python3 "$PEER" "$H_MILTER_PORT" "$c" 2>&1 | tr '\n' ' ')
	echo "# $c: $out"
	alive "$c"
done
for m in '{daemon_name}' '{daemon_port}' '{daemon_addr}' j v '{auth_authen}' i; do
	for k in empty missing 64k binary; do
		out=$(timeout 20 python3 "$PEER" "$H_MILTER_PORT" "macro:$m:$k" 2>&1 | tr '\n' ' ')
		echo "# macro $m $k: $out"
		alive "macro $m $k"
	done
done
if h_log_since | grep -qE $'[\x01-\x08\x0b\x0c\x0e-\x1f]'; then
	h_not_ok "no control octet of a macro reached the log" \
		"$(h_log_since | grep -nE $'[\x01-\x08\x0b\x0c\x0e-\x1f]' | head -n 1 | cut -c1-120)"
else
	h_ok "no control octet of a macro reached the log"
fi
h_expect "afterwards: a normal session through Postfix is accepted" 250 'action=accept' \
	-- pf-mx 127.0.1.78 --from someone@outside.test --to bob@example.net

out=$(timeout 20 python3 "$PEER" "$H_MILTER_PORT" odd 2>&1 | tr '\n' ' ')
sleep 1
if kill -0 "$pid" 2>/dev/null; then
	echo "# observed: a macro packet with an odd number of strings ($out): the daemon survived"
else
	wait "$pid"
	echo "# observed: a macro packet with an odd number of strings ($out): the daemon died" \
		"(status $?; libmilter's parser, see it_harden.sh)"
fi
h_done
