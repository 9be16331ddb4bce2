# load.sh - SMTP load, a sink behind Postfix, and process samples for the
# reliability tests (t/it_kill.sh, t/it_redis_faults.sh, ...)
#
# SYNOPSIS
#	. "${srcdir:-$(dirname "$0")/..}/t/lib/harness.sh"
#	. "$H_SRCDIR/t/lib/load.sh"
#	ld_sink_start		# before h_postfix_start: Postfix relays to it
#	h_postfix_start
#	ld_run OUT --port "$PF_MX_PORT" --count 200 --conc 4 --tag k
#	ld_sink_ids		# the X-Load-Id values the sink received
#
# DESCRIPTION
#	ld_run OUT ARG...  run the load client (python3, threads): --count
#		messages, at most --conc sessions at a time, one session
#		per message (connect, EHLO, [STARTTLS, EHLO, AUTH PLAIN],
#		MAIL, RCPT, DATA with the header "X-Load-Id: TAG-N", QUIT).
#		Options: --port, --ip A.B.C.D (the client address; "%"
#		in it is replaced by 1 + N % 250), --from, --to, --tag,
#		--auth USER:PASSWORD (with --starttls), --rate N (at most
#		N sessions started per second), --timeout S (per reply,
#		default 60). One line per message in OUT, tab-separated:
#		ID CODE STAGE MS TEXT, where CODE is the first refusal
#		(STAGE the command that got it) or the reply to the final
#		"." (STAGE data), 000 when the client gave up (TEXT says
#		why), and MS the session's duration.
#	ld_count OUT CODE_REGEX  the number of lines whose CODE matches.
#	ld_max_ms OUT [CODE_REGEX]  the longest session (of that CODE).
#	ld_summary OUT  one "# " line: how many of each code, the longest.
#	ld_sink_start  start smtp-sink on 127.0.0.1:$LD_SINK_PORT (a free
#		port), dumping every message to H_DIR/sink.dump, and set
#		PF_MASTER_EXTRA and PF_MAIN_EXTRA so that the private
#		Postfix relays all its mail there (instead of discard:).
#		Call it before h_postfix_start; the exit trap stops it.
#	ld_sink_ids  print the X-Load-Id values in the sink's dump, sorted.
#	ld_wait_sink N SECS  wait until the sink holds N messages.
#	ld_sample PID  print "RSS_KB FDS THREADS" of a process.
#
# DIAGNOSTICS
#	A missing smtp-sink skips the test (77) through h_require.

LD_SINK_PID=
LD_SINK_PORT=

# ld__client - write the load client into H_DIR once; print its path
ld__client() {
	local f=$H_DIR/load.py
	[ -f "$f" ] && { echo "$f"; return 0; }
	cat >"$f" <<'EOF'
import argparse, base64, smtplib, socket, ssl, sys, threading, time

p = argparse.ArgumentParser()
p.add_argument("--port", type=int, required=True)
p.add_argument("--count", type=int, default=10)
p.add_argument("--conc", type=int, default=4)
p.add_argument("--ip", default="127.0.1.%")
p.add_argument("--from", dest="sender", default="someone@outside.test")
p.add_argument("--to", default="bob@example.net")
p.add_argument("--tag", default="m")
p.add_argument("--auth", default="")
p.add_argument("--starttls", action="store_true")
p.add_argument("--rate", type=float, default=0)
p.add_argument("--timeout", type=float, default=60)
a = p.parse_args()
lock = threading.Lock()
nxt = [0]
t_start = time.monotonic()
out = []


def one(n):
    ip = a.ip.replace("%", str(1 + n % 250))
    mid = "%s-%d" % (a.tag, n)
    t0 = time.monotonic()
    stage, code, text = "connect", 0, ""
    s = None
    try:
        s = smtplib.SMTP(timeout=a.timeout, local_hostname="load.outside.test",
                         source_address=(ip, 0))
        code, msg = s.connect("127.0.0.1", a.port)
        # starttls() names the server by the host given to SMTP(), none here
        s._host = "127.0.0.1"
        if code != 220:
            raise smtplib.SMTPResponseException(code, msg)
        stage = "ehlo"
        code, msg = s.ehlo()
        if code != 250:
            raise smtplib.SMTPResponseException(code, msg)
        if a.starttls:
            stage = "starttls"
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            code, msg = s.starttls(context=ctx)
            s.ehlo()
        if a.auth:
            stage = "auth"
            user, _, pw = a.auth.partition(":")
            tok = base64.b64encode(("\0%s\0%s" % (user, pw)).encode()).decode()
            code, msg = s.docmd("AUTH PLAIN " + tok)
            if code != 235:
                raise smtplib.SMTPResponseException(code, msg)
        for stage, cmd in (("mail", "MAIL FROM:<%s>" % a.sender),
                           ("rcpt", "RCPT TO:<%s>" % a.to)):
            code, msg = s.docmd(cmd)
            if code != 250:
                raise smtplib.SMTPResponseException(code, msg)
        stage = "data"
        code, msg = s.docmd("DATA")
        if code != 354:
            raise smtplib.SMTPResponseException(code, msg)
        body = ("From: <%s>\r\nTo: <%s>\r\nSubject: load %s\r\nX-Load-Id: %s\r\n"
                "\r\nmessage %s\r\n.\r\n" % (a.sender, a.to, mid, mid, mid))
        s.send(body.encode())
        code, msg = s.getreply()
        text = msg.decode("latin-1")
        try:
            s.docmd("QUIT")
        except Exception:
            pass
    except smtplib.SMTPResponseException as e:
        code, text = e.smtp_code, e.smtp_error.decode("latin-1") \
            if isinstance(e.smtp_error, bytes) else str(e.smtp_error)
    except Exception as e:
        code, text = 0, "%s: %s" % (type(e).__name__, e)
    finally:
        if s is not None:
            try:
                s.close()
            except Exception:
                pass
    ms = int((time.monotonic() - t0) * 1000)
    text = " ".join(text.split())
    with lock:
        out.append("%s\t%03d\t%s\t%d\t%s" % (mid, code, stage, ms, text))


def worker():
    while True:
        with lock:
            n = nxt[0]
            if n >= a.count:
                return
            nxt[0] += 1
        if a.rate > 0:
            wait = t_start + n / a.rate - time.monotonic()
            if wait > 0:
                time.sleep(wait)
        one(n)


ts = [threading.Thread(target=worker) for _ in range(a.conc)]
for t in ts:
    t.start()
for t in ts:
    t.join()
sys.stdout.write("\n".join(out) + ("\n" if out else ""))
EOF
	echo "$f"
}

# ld_run - run the load client with ARG..., one line per message into OUT
ld_run() {
	local out=$1
	shift
	python3 "$(ld__client)" "$@" >"$out" 2>"$out.err"
}

# ld_count - the number of messages in OUT whose code matches CODE_REGEX
ld_count() {
	awk -F'\t' -v re="^($2)\$" '$2 ~ re { n++ } END { print n + 0 }' "$1"
}

# ld_max_ms - the longest session in OUT (of the codes matching CODE_REGEX)
ld_max_ms() {
	awk -F'\t' -v re="^(${2:-...})\$" '$2 ~ re && $4 > m { m = $4 } END { print m + 0 }' "$1"
}

# ld_summary - one comment line: how many messages got each code, the longest
ld_summary() {
	echo "# ${1##*/}: $(awk -F'\t' '{ c[$2]++ } END { for (k in c) printf "%s x%d, ", k, c[k] }' "$1")longest $(ld_max_ms "$1") ms"
}

# ld__free_port - print a free loopback TCP port
ld__free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# ld_sink_start - smtp-sink on loopback; the private Postfix relays to it
ld_sink_start() {
	local i
	h_require smtp-sink
	LD_SINK_PORT=$(ld__free_port)
	mkdir -p "$H_DIR/sink" && chown nobody "$H_DIR/sink" || h_bail "cannot make $H_DIR/sink"
	smtp-sink -u nobody -D "$H_DIR/sink/dump" "127.0.0.1:$LD_SINK_PORT" 256 \
		</dev/null >"$H_DIR/sink.log" 2>&1 &
	LD_SINK_PID=$!
	for ((i = 0; i < 50; i++)); do
		h__port_free "$LD_SINK_PORT" || break
		sleep 0.1
	done
	h__port_free "$LD_SINK_PORT" && h_bail "smtp-sink did not start: $(cat "$H_DIR/sink.log")"
	PF_MASTER_EXTRA="smtp unix - - n - - smtp"
	PF_MAIN_EXTRA="${PF_MAIN_EXTRA:+$PF_MAIN_EXTRA
}relay_transport = smtp:[127.0.0.1]:$LD_SINK_PORT
default_transport = smtp:[127.0.0.1]:$LD_SINK_PORT
smtp_tls_security_level = none
smtp_destination_concurrency_limit = 20"
	export PF_MASTER_EXTRA PF_MAIN_EXTRA
	ld__trap
}

# ld__trap - stop the sink on exit, then what the harness stops
ld__trap() {
	# shellcheck disable=SC2317 # runs from the trap
	ld__cleanup() {
		local rc=$?
		h_stop_pid "$LD_SINK_PID"
		(exit "$rc")
		h__cleanup
	}
	trap ld__cleanup EXIT
}

# ld_sink_ids - the X-Load-Id values the sink received, sorted
ld_sink_ids() {
	cat "$H_DIR"/sink/dump* 2>/dev/null | tr -d '\r' |
		sed -n 's/^X-Load-Id: //p' | sort
}

# ld_wait_sink - wait up to SECS until the sink holds N messages
ld_wait_sink() {
	local n=$1 secs=$2 i
	for ((i = 0; i < secs * 5; i++)); do
		[ "$(ld_sink_ids | wc -l)" -ge "$n" ] && return 0
		sleep 0.2
	done
	return 1
}

# ld_sample - print "RSS_KB FDS THREADS" of process PID
ld_sample() {
	local pid=$1 rss thr fds
	rss=$(awk '$1 == "VmRSS:" { print $2 }' "/proc/$pid/status" 2>/dev/null)
	thr=$(awk '$1 == "Threads:" { print $2 }' "/proc/$pid/status" 2>/dev/null)
	fds=$(find "/proc/$pid/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
	echo "${rss:-0} $fds ${thr:-0}"
}
