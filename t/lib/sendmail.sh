# sendmail.sh - run a private Sendmail for the integration tests
#
# SYNOPSIS
#	. t/lib/sendmail.sh
#
#	sm_setup DIR
#	sm_start DIR MTA_PORT MSA_PORT MILTER_SOCKET
#	sm_stop DIR
#
# DESCRIPTION
#	A real Sendmail 8.17 from Debian's packages, on loopback ports, with
#	the two daemons of etc/sendmail/isolation-milter.mc: the MTA
#	(Name=MTA, the inbound MX) and the MSA (Name=MSA, M=Ea, SMTP AUTH
#	PLAIN and LOGIN against a private sasldb). Nothing on the host is
#	installed or changed: the Debian packages conflict with Postfix, so
#	they are unpacked into a cache folder, and Sendmail runs in its own
#	UTS and mount namespaces.
#
#	sm_setup DIR: once per machine, fetches sendmail-bin, sendmail-base
#	and sendmail-cf with apt-get download and unpacks them into
#	$ISO_CACHE/sendmail (default /var/cache/isolation-milter-test);
#	later calls reuse them. Then builds DIR: sendmail.mc (the private
#	instance's defines, then etc/sendmail/isolation-milter.mc as the
#	postmaster gets it, the daemons bound to 127.0.0.1), sendmail.cf,
#	a sasldb with the users below, a queue folder. Idempotent.
#
#	sm_start DIR MTA_PORT MSA_PORT MILTER_SOCKET: rebuilds DIR/sendmail.cf
#	for these ports and this milter socket (e.g. inet:8895@127.0.0.1;
#	"none" builds a Sendmail without the milter), starts it as a
#	foreground daemon (sendmail -bD, so that its pid is known), waits up
#	to SM_START_TIMEOUT seconds (default 10) until both ports greet
#	with 220. Mail to example.net is accepted by the MTA and stays in
#	DIR/queue (queue-only mode, no delivery, no DNS); authenticated
#	clients of the MSA may relay anywhere.
#
#	sm_stop DIR: stops that Sendmail, the connections it forked and its
#	log listener, each by its recorded pid.
#
#	SASL users: alice@example.net/alice-secret, bob@example.net/
#	bob-secret, dave+x@example.net/dave-secret (a login that Sendmail
#	xtext-encodes), and the bare login carol/carol-secret.
#
#	Clients bind to a loopback address other than 127.0.0.1 (swaks
#	--local-interface 127.0.0.9): Sendmail lets its own address relay
#	anywhere. As in a stock Sendmail, the MTA offers AUTH too.
#
#	Sendmail logs only to syslog, and there is none here: each instance
#	gets a private /dev (a tmpfs in its mount namespace) whose /dev/log
#	points to DIR/log.sock, where a small python3 listener writes every
#	line to DIR/maillog. Its own output (-bD) goes to DIR/sendmail.out.
#
#	Inside the mount namespace, DIR/sasl is mounted over the first
#	folder of libsasl2's configuration path (/etc/sasl2, /etc/sasl,
#	/usr/lib/<multiarch>/sasl2, /usr/lib/sasl2) that exists; on
#	Debian 12 that is /usr/lib/sasl2, where Debian's Sendmail keeps its
#	Sendmail.conf.
#
# ENVIRONMENT
#	ISO_CACHE	where the unpacked packages are kept; read when the file
#		is sourced.
#	SM_START_TIMEOUT	seconds sm_start waits for the 220 greetings.
#
# DIAGNOSTICS
#	Functions return 1 with a message on standard error; sm_start also
#	prints the tail of DIR/maillog and DIR/sendmail.out.
#
# BUGS
#	Needs root (namespaces, mounts, Sendmail's own checks) and bash.

SM_SRCDIR=${SM_SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
SM_CACHE=${ISO_CACHE:-/var/cache/isolation-milter-test}/sendmail
SM_ROOT=$SM_CACHE/root
SM_BIN=$SM_ROOT/usr/libexec/sendmail/sendmail
SM_CFDIR=$SM_ROOT/usr/share/sendmail/cf
SM_HOSTNAME=mx.example.test
SM_PKGS="sendmail-bin sendmail-base sendmail-cf"
# The configuration path compiled into Debian 12's libsasl2 (its
# "safesasl" log lines name each folder it tries); the third folder also
# holds the SASL plugins.
SM_SASL_PATH="/etc/sasl2 /etc/sasl /usr/lib/*-linux-gnu*/sasl2 /usr/lib/sasl2"

# sm_err - report a failure on standard error
sm_err() {
	echo "sendmail.sh: $*" >&2
	return 1
}

# sm_python - the python3 that runs the log listener
sm_python() {
	if [ -x /usr/bin/python3 ]; then
		echo /usr/bin/python3
	else
		command -v python3
	fi
}

# sm_check_host - make sure the packages and tools Sendmail needs exist
sm_check_host() {
	local p missing=
	for p in m4 libwrap0 liblockfile1 libsasl2-modules libsasl2-modules-db sasl2-bin; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed' || missing="$missing $p"
	done
	[ -z "$missing" ] ||
		sm_err "missing packages:$missing (run contrib/install-deps test)" || return 1
	for p in unshare mount flock apt-get dpkg-deb saslpasswd2; do
		command -v "$p" >/dev/null || sm_err "missing command: $p" || return 1
	done
	[ -n "$(sm_python)" ] || sm_err "missing command: python3" || return 1
	[ "$(id -u)" = 0 ] || sm_err "must run as root"
}

# sm_unpack - download and unpack the Sendmail packages into the cache
sm_unpack() {
	local tmp deb
	[ -x "$SM_BIN" ] && [ -f "$SM_CACHE/unpacked" ] && return 0
	tmp=$(mktemp -d "$SM_CACHE/tmp.XXXXXX") || return 1
	# apt-get download writes into the current folder; the _apt sandbox
	# warning for root-owned folders is harmless.
	# shellcheck disable=SC2086
	if ! (cd "$tmp" && apt-get download $SM_PKGS >download.log 2>&1); then
		# A fresh machine may have no package lists yet.
		apt-get update -q >/dev/null 2>&1
		# shellcheck disable=SC2086
		(cd "$tmp" && apt-get download $SM_PKGS >download.log 2>&1) || {
			cat "$tmp/download.log" >&2
			rm -rf "$tmp"
			sm_err "apt-get download $SM_PKGS failed"
			return 1
		}
	fi
	mkdir "$tmp/root"
	for deb in "$tmp"/*.deb; do
		dpkg-deb -x "$deb" "$tmp/root" || { rm -rf "$tmp"; sm_err "cannot unpack $deb"; return 1; }
	done
	rm -rf "$SM_ROOT"
	mv "$tmp/root" "$SM_ROOT" && mkdir -p "$SM_CACHE/debs" && mv "$tmp"/*.deb "$SM_CACHE/debs/"
	rm -rf "$tmp"
	if ldd "$SM_BIN" | grep 'not found' >&2; then
		sm_err "$SM_BIN: missing shared libraries"
		return 1
	fi
	touch "$SM_CACHE/unpacked"
}

# sm_write_mc - write DIR/sendmail.mc: private defines, then the snippet
sm_write_mc() {
	local dir=$1
	{
		cat <<EOF
divert(-1)
# The private test instance of Sendmail: every file in $dir,
# no DNS (hosts from $dir/hosts), queue-only delivery; the load
# average never closes its ports (RefuseLA, 12 by default: a busy
# machine made a test's sessions fail with "connection refused").
define(\`MAIL_SETTINGS_DIR', \`$dir/')
divert(0)dnl
OSTYPE(\`linux')dnl
define(\`confDOMAIN_NAME', \`$SM_HOSTNAME')dnl
define(\`confSERVICE_SWITCH_FILE', \`$dir/service.switch')dnl
define(\`confHOSTS_FILE', \`$dir/hosts')dnl
define(\`confBIND_OPTS', \`-DNSRCH -DEFNAMES')dnl
define(\`confDONT_PROBE_INTERFACES', \`True')dnl
define(\`QUEUE_DIR', \`$dir/queue')dnl
define(\`confPID_FILE', \`$dir/sendmail.pid')dnl
define(\`STATUS_FILE', \`$dir/sendmail.st')dnl
define(\`ALIAS_FILE', \`$dir/aliases')dnl
define(\`HELP_FILE', \`$SM_ROOT/etc/mail/helpfile')dnl
define(\`confDELIVERY_MODE', \`queueonly')dnl
define(\`confREFUSE_LA', \`999')dnl
define(\`confLOG_LEVEL', \`14')dnl
define(\`confMILTER_LOG_LEVEL', \`14')dnl
define(\`confAUTH_MECHANISMS', \`PLAIN LOGIN')dnl
TRUST_AUTH_MECH(\`PLAIN LOGIN')dnl
FEATURE(\`accept_unresolvable_domains')dnl
RELAY_DOMAIN(\`example.net')dnl
EOF
		# Loopback only, whatever the ports become.
		sed -e 's/Port=smtp,/Port=smtp, Addr=127.0.0.1,/' \
		    -e 's/Port=submission,/Port=submission, Addr=127.0.0.1,/' \
		    "$SM_SRCDIR/etc/sendmail/isolation-milter.mc"
		cat <<EOF
MAILER(\`local')dnl
MAILER(\`smtp')dnl
EOF
	} >"$dir/sendmail.mc"
}

# sm_m4 - build a .cf from a .mc with the unpacked cf tree
sm_m4() {
	if ! m4 -D_CF_DIR_="$SM_CFDIR/" "$SM_CFDIR/m4/cf.m4" "$1" >"$2.tmp"; then
		rm -f "$2.tmp"
		sm_err "m4 failed on $1"
		return 1
	fi
	mv "$2.tmp" "$2"
}

# sm_setup - unpack Sendmail once per machine, build the config in DIR
sm_setup() {
	local dir=$1 u
	[ -n "$dir" ] || { sm_err "usage: sm_setup DIR"; return 1; }
	sm_check_host || return 1
	mkdir -p "$SM_CACHE" "$dir" || return 1
	dir=$(cd "$dir" && pwd)
	# Concurrent test scripts share the cache.
	(
		flock 9 || exit 1
		sm_unpack
	) 9>"$SM_CACHE/lock" || return 1

	# Sendmail refuses group- or world-writable folders on its paths.
	chmod go-w "$dir"
	mkdir -p "$dir/queue" "$dir/sasl" && chmod 700 "$dir/queue" || return 1
	printf 'hosts\tfiles\naliases\tfiles\n' >"$dir/service.switch"
	printf '127.0.0.1\tlocalhost %s\n' "$SM_HOSTNAME" >"$dir/hosts"
	printf 'postmaster: root\nMAILER-DAEMON: postmaster\n' >"$dir/aliases"
	: >"$dir/sendmail.st"
	cat >"$dir/sasl/Sendmail.conf" <<EOF
pwcheck_method: auxprop
auxprop_plugin: sasldb
sasldb_path: $dir/sasl/sasldb2
mech_list: PLAIN LOGIN
EOF
	# Logins with a domain are user@realm; a bare login gets Sendmail's
	# realm, its host name ($j).
	rm -f "$dir/sasl/sasldb2"
	for u in alice bob dave+x; do
		echo "${u%+*}-secret" |
			saslpasswd2 -p -c -f "$dir/sasl/sasldb2" -u example.net "$u" || return 1
	done
	echo carol-secret |
		saslpasswd2 -p -c -f "$dir/sasl/sasldb2" -u "$SM_HOSTNAME" carol || return 1
	chmod 640 "$dir/sasl/sasldb2"

	sm_write_mc "$dir" && sm_m4 "$dir/sendmail.mc" "$dir/sendmail.cf"
}

# sm_write_logger - the syslog listener that fills DIR/maillog
sm_write_logger() {
	cat >"$1/syslog.py" <<'EOF'
# Receive syslog datagrams on argv[1], append them to argv[2].
import os, socket, sys
path, log = sys.argv[1], sys.argv[2]
try:
    os.unlink(path)
except FileNotFoundError:
    pass
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(path)
with open(log, "a", buffering=1) as out:
    while True:
        out.write(sock.recv(65536).decode("utf-8", "replace").rstrip("\n") + "\n")
EOF
}

# sm_write_inner - the script that runs inside Sendmail's namespaces
sm_write_inner() {
	local dir=$1 d
	{
		echo "set -e"
		echo "hostname $SM_HOSTNAME"
		# A private /dev whose log is ours; the device nodes Sendmail uses.
		echo "mount -t tmpfs -o mode=0755,size=64k sm-dev /dev"
		echo "mknod -m 666 /dev/null c 1 3"
		echo "mknod -m 666 /dev/zero c 1 5"
		echo "mknod -m 666 /dev/random c 1 8"
		echo "mknod -m 666 /dev/urandom c 1 9"
		echo "ln -s /proc/self/fd /dev/fd"
		echo "ln -s '$dir/log.sock' /dev/log"
		# libsasl2 reads the first Sendmail.conf on its path.
		for d in $SM_SASL_PATH; do
			[ -d "$d" ] || continue
			case $d in
			*-linux-gnu*)
				# The plugin folder: hide only a Sendmail.conf there.
				[ -f "$d/Sendmail.conf" ] || continue
				echo "mount --bind '$dir/sasl/Sendmail.conf' '$d/Sendmail.conf'"
				;;
			*)	echo "mount --bind '$dir/sasl' '$d'" ;;
			esac
			break
		done
		echo "exec '$SM_BIN' -C '$dir/sendmail.cf' -bD"
	} >"$dir/inner.sh"
}

# sm_greets - true when 127.0.0.1:PORT answers with a 220 greeting
sm_greets() {
	local line
	(
		exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
		IFS= read -r -t 2 line <&3 || exit 1
		printf 'QUIT\r\n' >&3
		case $line in 220*) exit 0 ;; *) exit 1 ;; esac
	) 2>/dev/null
}

# sm_alive - true while PID runs (a zombie counts as gone)
sm_alive() {
	local state
	[ -r "/proc/$1/stat" ] || return 1
	state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[ -n "$state" ] && [ "$state" != Z ]
}

# sm_in_ns - pids of the processes in mount namespace NS
sm_in_ns() {
	stat -c '%N' /proc/[0-9]*/ns/mnt 2>/dev/null |
		awk -v ns="'$1'" '$3 == ns { split($1, f, "/"); print f[3] }'
}

# sm_kill - stop PID with SIGTERM, then SIGKILL after 5 s
sm_kill() {
	local pid=$1 i
	sm_alive "$pid" || return 0
	kill "$pid" 2>/dev/null
	for i in $(seq 50); do
		sm_alive "$pid" || break
		sleep 0.1
	done
	sm_alive "$pid" && kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

# sm_start - build the .cf for these ports, start Sendmail, wait for 220
sm_start() {
	local dir=$1 mta=$2 msa=$3 milter=$4 i pid
	[ $# -eq 4 ] || { sm_err "usage: sm_start DIR MTA_PORT MSA_PORT MILTER_SOCKET"; return 1; }
	[ -f "$dir/sendmail.mc" ] || { sm_err "$dir: run sm_setup first"; return 1; }
	dir=$(cd "$dir" && pwd)
	[ -f "$dir/sendmail.pid.run" ] && sm_alive "$(cat "$dir/sendmail.pid.run")" &&
		{ sm_err "$dir: already running"; return 1; }

	# A listener left on a port would answer for us.
	for i in "$mta" "$msa"; do
		if (exec 3<>"/dev/tcp/127.0.0.1/$i") 2>/dev/null; then
			sm_err "127.0.0.1:$i is already in use"
			return 1
		fi
	done

	if [ "$milter" = none ]; then
		sed -e '/^INPUT_MAIL_FILTER(/d' "$dir/sendmail.mc"
	else
		sed -e "s|inet:8895@127.0.0.1|$milter|" "$dir/sendmail.mc"
	fi | sed -e "s/Port=smtp,/Port=$mta,/" -e "s/Port=submission,/Port=$msa,/" \
		>"$dir/sendmail-run.mc"
	sm_m4 "$dir/sendmail-run.mc" "$dir/sendmail.cf" || return 1

	sm_write_logger "$dir"
	sm_write_inner "$dir"
	rm -f "$dir/log.sock"
	"$(sm_python)" "$dir/syslog.py" "$dir/log.sock" "$dir/maillog" &
	echo $! >"$dir/syslog.pid"
	for i in $(seq 50); do
		[ -S "$dir/log.sock" ] && break
		sleep 0.1
	done

	# unshare execs sh, which execs sendmail: $! is Sendmail's pid.
	unshare -u -m --propagation private sh "$dir/inner.sh" \
		>"$dir/sendmail.out" 2>&1 </dev/null &
	pid=$!
	echo "$pid" >"$dir/sendmail.pid.run"

	for i in $(seq $((${SM_START_TIMEOUT:-10} * 10))); do
		if sm_greets "$mta" && sm_greets "$msa"; then
			return 0
		fi
		sm_alive "$pid" || break
		sleep 0.1
	done
	sm_err "Sendmail in $dir did not greet on 127.0.0.1:$mta and :$msa"
	echo "--- $dir/sendmail.out" >&2
	tail -n 20 "$dir/sendmail.out" >&2
	echo "--- $dir/maillog" >&2
	tail -n 20 "$dir/maillog" >&2
	sm_stop "$dir"
	return 1
}

# sm_stop - stop the Sendmail started in DIR, its children, its logger
sm_stop() {
	local dir=$1 pid ns p
	[ -n "$dir" ] || { sm_err "usage: sm_stop DIR"; return 1; }
	if [ -f "$dir/sendmail.pid.run" ]; then
		pid=$(cat "$dir/sendmail.pid.run")
		# The sessions in flight are the daemon's children; they share
		# its private mount namespace, and nothing else does. Stop the
		# daemon first so that it forks no more.
		ns=$(readlink "/proc/$pid/ns/mnt" 2>/dev/null)
		sm_kill "$pid"
		if [ -n "$ns" ] && [ "$ns" != "$(readlink /proc/$$/ns/mnt)" ]; then
			for p in $(sm_in_ns "$ns"); do
				sm_kill "$p"
			done
		fi
		rm -f "$dir/sendmail.pid.run"
	fi
	if [ -f "$dir/syslog.pid" ]; then
		sm_kill "$(cat "$dir/syslog.pid")"
		rm -f "$dir/syslog.pid" "$dir/log.sock"
	fi
	return 0
}
