#!/usr/bin/env python3
"""smtpdialog - one SMTP session that sends the commands it is given

SYNOPSIS
    smtpdialog.py --port PORT [--bind IP] [--tls starttls|wrapper]
        [--auth USER:PASSWORD] [--helo NAME] COMMAND...

DESCRIPTION
    For the tests that swaks cannot express: several transactions in one
    session, RSET between them. After EHLO (STARTTLS or a TLS wrapper and
    AUTH when asked), each COMMAND is sent as it is, and its reply is
    printed on one line: "COMMAND => CODE TEXT". A COMMAND "DATA:FILE"
    sends DATA and then the message in FILE (dot-stuffed), and prints the
    reply to the final dot. The session ends with QUIT. Certificates are
    not verified: the servers are private test instances.

DIAGNOSTICS
    Exit status 0 when every command got a reply, 1 when the session
    broke (the error is printed as "*** ...").
"""
import argparse
import smtplib
import ssl
import sys


def reply_line(code, msg):
    """CODE TEXT, multi-line replies joined by spaces"""
    text = msg.decode("utf-8", "replace") if isinstance(msg, bytes) else str(msg)
    return "%d %s" % (code, " ".join(text.split("\n")))


def send_data(smtp, path):
    """DATA, then the message in path; the reply to the final dot"""
    code, msg = smtp.docmd("DATA")
    if code != 354:
        return code, msg
    with open(path, "rb") as f:
        body = f.read().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    lines = [b"." + l if l.startswith(b".") else l for l in body.split(b"\r\n")]
    smtp.send(b"\r\n".join(lines) + b".\r\n")
    return smtp.getreply()


def main():
    p = argparse.ArgumentParser(description="one scripted SMTP session")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--bind", default="127.0.0.1")
    p.add_argument("--tls", choices=["starttls", "wrapper"])
    p.add_argument("--auth")
    p.add_argument("--helo", default="client.outside.test")
    p.add_argument("--timeout", type=float, default=20)
    p.add_argument("commands", nargs="*")
    a = p.parse_args()

    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    try:
        if a.tls == "wrapper":
            smtp = smtplib.SMTP_SSL("127.0.0.1", a.port, local_hostname=a.helo,
                                    source_address=(a.bind, 0),
                                    timeout=a.timeout, context=ctx)
        else:
            smtp = smtplib.SMTP("127.0.0.1", a.port, local_hostname=a.helo,
                                source_address=(a.bind, 0), timeout=a.timeout)
        smtp.ehlo()
        if a.tls == "starttls":
            smtp.starttls(context=ctx)
            smtp.ehlo()
        if a.auth:
            user, _, password = a.auth.partition(":")
            smtp.login(user, password)
        for cmd in a.commands:
            if cmd.startswith("DATA:"):
                code, msg = send_data(smtp, cmd[5:])
            else:
                code, msg = smtp.docmd(cmd)
            print("%s => %s" % (cmd, reply_line(code, msg)), flush=True)
        smtp.quit()
    except (smtplib.SMTPException, OSError) as e:
        print("*** %s" % e, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
