#!/usr/bin/env python3
"""milterclient - play the MTA's side of the milter protocol, briefly

SYNOPSIS
    milterclient.py SOCKET optneg
    milterclient.py SOCKET malformed

DESCRIPTION
    SOCKET is unix:PATH or inet:PORT@HOST, as in the Socket key.

    optneg: connect, send SMFIC_OPTNEG (protocol version 6, every
    action and protocol step offered), print "optneg: ok" when the
    milter answers with its own SMFIC_OPTNEG.

    malformed: the negotiation, a few well-formed SMFIC_MACRO packets
    that shape libmilter's heap, then SMFIC_MACRO packets for the
    connect and MAIL stages that carry an odd number of strings (a
    name without its value), then SMFIC_CONNECT and SMFIC_MAIL, as a
    local client that can write to the socket could; one line per
    step tells what came back ("reply to connect: c (continue)",
    "connection closed", ...).

    Every line is "step: outcome". The milter itself is never trusted to
    answer: each read waits 5 seconds at most.

EXIT STATUS
    0 the steps ran (whatever the milter answered), 3 connect failed with
    EACCES (the socket's mode kept us out), 4 connect failed otherwise,
    5 the negotiation failed.
"""
import errno
import socket
import struct
import sys

VERSION = 6
ALL_ACTIONS = 0x1FF
ALL_STEPS = 0x1FFFFF
NAMES = {b"c": "continue", b"a": "accept", b"r": "reject", b"t": "tempfail",
         b"y": "replycode", b"d": "discard", b"O": "optneg"}


def open_socket(spec):
    """connect to unix:PATH or inet:PORT@HOST"""
    kind, _, rest = spec.partition(":")
    if kind in ("unix", "local"):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(5)
        s.connect(rest)
        return s
    port, _, host = rest.partition("@")
    s = socket.create_connection((host.strip("[]"), int(port)), timeout=5)
    return s


def send(s, cmd, data=b""):
    """one packet: length, command, data"""
    s.sendall(struct.pack(">I", len(data) + 1) + cmd + data)


def recv_exact(s, n):
    """n octets, or None when the peer closed first"""
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def recv(s):
    """one packet as (command, data), or an outcome string"""
    try:
        head = recv_exact(s, 4)
        if head is None:
            return "connection closed"
        (n,) = struct.unpack(">I", head)
        body = recv_exact(s, n)
        if body is None or n == 0:
            return "connection closed"
        return body[:1], body[1:]
    except socket.timeout:
        return "no reply within 5 s"
    except OSError as e:
        return "error: " + (errno.errorcode.get(e.errno, str(e.errno)))


def outcome(r):
    """print form of a reply"""
    if isinstance(r, str):
        return r
    cmd, data = r
    text = data.rstrip(b"\0").decode("latin-1")
    return "%s (%s)%s" % (cmd.decode("latin-1"), NAMES.get(cmd, "?"),
                          " " + text if text else "")


def negotiate(s):
    """SMFIC_OPTNEG out, SMFIC_OPTNEG back"""
    send(s, b"O", struct.pack(">III", VERSION, ALL_ACTIONS, ALL_STEPS))
    r = recv(s)
    ok = not isinstance(r, str) and r[0] == b"O"
    print("optneg: " + ("ok" if ok else outcome(r)))
    return ok


def malformed(s):
    """macros with a name but no value, then the commands that read them"""
    # Well-formed macro packets of the connect stage first: each replaces
    # the one before, and the freed buffers (full of "A") are where the
    # next macro array is allocated, so what lies past its end is not a
    # lucky NULL.
    for k in range(4):
        send(s, b"D", b"C" + (b"A" * 7 + b"\0") * 2)
        send(s, b"D", b"C" + b"j\0mx.example\0" * (k % 3 + 1))
    # stage 'C' (connect): three strings, the last a name with no value
    send(s, b"D", b"C" + b"j\0mx\0{daemon_name}\0")
    send(s, b"C", b"bot.example.test\0" + b"4" + struct.pack(">H", 4711) +
         b"127.0.2.99\0")
    print("reply to connect: " + outcome(recv(s)))
    send(s, b"D", b"M" + b"{auth_authen}\0")
    send(s, b"M", b"<bot@spam.test>\0")
    print("reply to mail: " + outcome(recv(s)))


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in ("optneg", "malformed"):
        sys.stderr.write("usage: milterclient.py SOCKET optneg|malformed\n")
        return 2
    try:
        s = open_socket(sys.argv[1])
    except OSError as e:
        name = errno.errorcode.get(e.errno, str(e.errno))
        print("connect: " + name)
        return 3 if e.errno == errno.EACCES else 4
    print("connect: ok")
    try:
        if not negotiate(s):
            return 5
        if sys.argv[2] == "malformed":
            malformed(s)
    except OSError as e:
        print("send: " + errno.errorcode.get(e.errno, str(e.errno)))
    s.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
