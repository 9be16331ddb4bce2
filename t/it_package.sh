#!/bin/bash
# it_package - the Debian package: built from a clean copy of the tree,
# checked by lintian, installed into a fresh Debian 12 root, run, upgraded,
# removed and purged
#
# The binary package is built with dpkg-buildpackage -b from the tree's
# files as they are (tracked and new ones, no build products). lintian
# must report no error, and every warning it gives must be explained in
# debian/README.source. A minimal Debian 12 root (debootstrap, cached as
# a tarball) is unpacked in a private folder under /var/tmp; the package
# goes in with dpkg -i, its dependencies with apt-get -f install. Then:
# files, owners, modes and conffiles; the system user; -n on the
# installed configuration; the unit's own commands run as the unit's
# User= (no systemd in the root: what systemd would add is the
# RuntimeDirectory, made here by hand), the daemon's uid read from
# /proc, its syslog lines (facility mail) caught on the root's /dev/log,
# a milter session played on its socket (a quarantined address refused
# at RCPT, another accepted), and ExecReload; the daemon started as root
# drops itself to isolation-milter. An upgrade to a repacked newer version
# keeps the postmaster's changed configuration, the state file and its
# quarantine; remove keeps configuration and state; purge removes them.
#
# The daemon's unit tests already ran in this "make check": the package
# is built with DEB_BUILD_OPTIONS=nocheck unless ISO_PKG_CHECK=1.
#
# ENVIRONMENT
#	ISO_PKG_CACHE  folder of what outlives a run (default
#		/var/cache/isolation-milter-test): bookworm.tgz, the
#		debootstrap root (made on the first run, a minute or two,
#		from the Debian mirror of /etc/apt/sources.list*, or
#		ISO_DEBIAN_MIRROR), and archives/, the .debs apt fetched.
#	ISO_PKG_CHECK=1  run the unit tests in the package build too.
#	ISO_KEEP=1  keep the build folder and the root, for a look.
# shellcheck disable=SC2317 # helpers run through h_check()
# shellcheck disable=SC2016 # h_check's "eval '...'" expands when it runs
# shellcheck source=t/lib/harness.sh
. "${srcdir:-$(dirname "$0")/..}/t/lib/harness.sh"

h_require dpkg-buildpackage dh lintian debootstrap dpkg-deb chroot tar flock
PKG=isolation-milter
CACHE=${ISO_PKG_CACHE:-/var/cache/isolation-milter-test}
CONF=/etc/isolation-milter/isolation-milter.conf
PORT=$H_MILTER_PORT
# what a failed check shows: the daemon's syslog lines
H_LOG=$H_DIR/syslog.txt
PK_PIDS=()
ROOT=

# pk_cleanup - on exit: our daemons in the root, the root itself, then the harness's
pk_cleanup() {
	local rc=$? p
	for p in "${PK_PIDS[@]}"; do
		kill -9 "$p" 2>/dev/null
	done
	if [ -n "$ROOT" ] && [ -d "$ROOT" ]; then
		if [ "${ISO_KEEP:-0}" = 1 ]; then
			echo "# kept the root $ROOT"
		else
			# nothing is mounted in the root; never cross into a mount anyway
			rm -rf --one-file-system "$ROOT"
		fi
	fi
	(exit "$rc")
	h__cleanup
}
trap pk_cleanup EXIT

# in_root CMD... - run CMD as root in the root, with a clean environment
in_root() {
	env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
		DEBIAN_FRONTEND=noninteractive chroot "$ROOT" "$@"
}

# as_user CMD... - run CMD in the root as isolation-milter, as User= would
as_user() {
	env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
		chroot --userspec="$UID_:$GID_" --groups="$GID_" "$ROOT" "$@"
}

# stat_of PATH - "owner:group mode" of PATH in the root
stat_of() {
	in_root stat -c '%U:%G %a' "$1" 2>&1
}

# mirror - the Debian mirror apt uses here (bookworm, main)
mirror() {
	local m=${ISO_DEBIAN_MIRROR:-}
	if [ -z "$m" ]; then
		m=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '
			/^$/ { if (uri != "" && bw) { print uri; exit } uri = ""; bw = 0 }
			/^URIs:/ { uri = $2 }
			/^Suites:/ { for (i = 2; i <= NF; i++) if ($i == "bookworm") bw = 1 }
			END { if (uri != "" && bw) print uri }' | head -n 1)
	fi
	if [ -z "$m" ]; then
		m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
			awk '$1 == "deb" { for (i = 2; i < NF; i++) if ($(i + 1) == "bookworm") { print $i; exit } }' |
			head -n 1)
	fi
	echo "${m:-http://deb.debian.org/debian}"
}

# root_tarball - make CACHE/bookworm.tgz once (debootstrap), under a lock
root_tarball() {
	local tmp m
	mkdir -p "$CACHE/archives" || return 1
	(
		flock 9 || exit 1
		[ -s "$CACHE/bookworm.tgz" ] && exit 0
		m=$(mirror)
		tmp=$CACHE/bookworm.new
		rm -rf --one-file-system "$tmp"
		echo "# first run: debootstrap bookworm from $m (cached in $CACHE)"
		debootstrap --variant=minbase bookworm "$tmp" "$m" \
			>"$CACHE/debootstrap.log" 2>&1 || {
			tail -n 20 "$CACHE/debootstrap.log" | sed 's/^/#   /'
			exit 1
		}
		chroot "$tmp" apt-get clean
		tar -C "$tmp" -czf "$CACHE/bookworm.tgz.new" . &&
			mv "$CACHE/bookworm.tgz.new" "$CACHE/bookworm.tgz"
		rc=$?
		rm -rf --one-file-system "$tmp"
		exit "$rc"
	) 9>"$CACHE/bookworm.lock"
}

# source_copy DIR - the tree's files, without build products, into DIR
source_copy() {
	local dir=$1
	mkdir -p "$dir" || return 1
	if git -C "$H_SRCDIR" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		# tracked and new files as they are now in the work tree
		(cd "$H_SRCDIR" && git ls-files -z -c -o --exclude-standard |
			xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
			tar --null -T - -cf -) | tar -C "$dir" -xf -
	else
		tar -C "$H_SRCDIR" --exclude=./build --exclude='./*.deb' -cf - . |
			tar -C "$dir" -xf -
	fi
}

# build - dpkg-buildpackage -b in H_DIR/src; the .deb in DEB
build() {
	local opts="parallel=2 nocheck"
	[ "${ISO_PKG_CHECK:-0}" = 1 ] && opts="parallel=2"
	source_copy "$H_DIR/src" || return 1
	# not the outer make's jobserver or test variables
	(cd "$H_DIR/src" && env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$H_DIR" \
		LANG=C.UTF-8 DEB_BUILD_OPTIONS="$opts" \
		dpkg-buildpackage -us -uc -b) >"$H_DIR/build.log" 2>&1 || {
		tail -n 30 "$H_DIR/build.log" | sed 's/^/#   /'
		return 1
	}
	for DEB in "$H_DIR/${PKG}"_*_*.deb; do
		[ -f "$DEB" ] && return 0
	done
	return 1
}

# lintian_clean - no error; every warning named in debian/README.source
lintian_clean() {
	local tag rc=0
	lintian --pedantic "$DEB" >"$H_DIR/lintian.txt" 2>&1
	sed 's/^/# lintian: /' "$H_DIR/lintian.txt"
	if grep -q '^E:' "$H_DIR/lintian.txt"; then
		rc=1
	fi
	while read -r tag; do
		grep -qw -- "$tag" "$H_DIR/src/debian/README.source" && continue
		echo "#   warning $tag is not explained in debian/README.source"
		rc=1
	done < <(sed -n 's/^W: [^ ]* \([^ ]*\).*/\1/p' "$H_DIR/lintian.txt" | sort -u)
	return "$rc"
}

# root_setup - unpack the cached root into a private folder under /var/tmp,
# with this host's apt sources and lists and the cached .debs
root_setup() {
	local f
	ROOT=$(mktemp -d /var/tmp/iso-pkg.XXXXXX) || return 1
	chmod 755 "$ROOT"
	tar -C "$ROOT" -xzf "$CACHE/bookworm.tgz" || return 1
	# the lists the package was built against, no apt-get update
	if ls /var/lib/apt/lists/*_Packages* >/dev/null 2>&1; then
		rm -f "$ROOT/etc/apt/sources.list"
		for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
		    /etc/apt/sources.list.d/*.sources; do
			[ -f "$f" ] && cp "$f" "$ROOT$f"
		done
		cp /var/lib/apt/lists/*_Packages* /var/lib/apt/lists/*Release* \
			"$ROOT/var/lib/apt/lists/" 2>/dev/null
	else
		in_root apt-get update -q >"$H_DIR/apt-update.log" 2>&1 || return 1
	fi
	cp "$CACHE"/archives/*.deb "$ROOT/var/cache/apt/archives/" 2>/dev/null
	cp /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null
	return 0
}

# install_deb FILE - dpkg -i, then apt-get -f install for the dependencies
install_deb() {
	cp "$1" "$ROOT/tmp/" || return 1
	in_root dpkg -i "/tmp/${1##*/}" >"$H_DIR/dpkg.log" 2>&1
	in_root apt-get -f install -y -q --no-install-recommends \
		>>"$H_DIR/dpkg.log" 2>&1 || {
		tail -n 20 "$H_DIR/dpkg.log" | sed 's/^/#   /'
		return 1
	}
	cp -n "$ROOT"/var/cache/apt/archives/*.deb "$CACHE/archives/" 2>/dev/null
	in_root dpkg-query -W -f='${Status}\n' "$PKG" | grep -qx 'install ok installed'
}

# unit_value KEY - the value of KEY= in the installed unit (the first one)
unit_value() {
	sed -n "s/^$1=//p" "$ROOT/lib/systemd/system/$PKG.service" | head -n 1
}

# syslog_start - catch what is sent to the root's /dev/log in H_DIR/syslog.txt
syslog_start() {
	rm -f "$ROOT/dev/log"
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "ab", buffering=0) as out:
    while True:
        out.write(s.recv(65536).rstrip(b"\0\n") + b"\n")
' "$ROOT/dev/log" "$H_DIR/syslog.txt" &
	PK_PIDS+=("$!")
	disown
	for _ in $(seq 50); do
		[ -S "$ROOT/dev/log" ] && break
		sleep 0.1
	done
	chmod 666 "$ROOT/dev/log"
}

# syslog_mail REGEX - a line matching REGEX came to syslog with facility mail
syslog_mail() {
	local pri i
	# the daemon listens before it says so: wait for the line
	for ((i = 0; i < 50; i++)); do
		pri=$(grep -E -- "$1" "$H_DIR/syslog.txt" 2>/dev/null |
			sed -n 's/^<\([0-9]*\)>.*/\1/p' | head -n 1)
		[ -n "$pri" ] && break
		sleep 0.1
	done
	[ -n "$pri" ] && [ $((pri / 8)) = 2 ] && return 0
	echo "#   no line /$1/ with facility mail (2) in syslog:"
	sed 's/^/#     /' "$H_DIR/syslog.txt"
	return 1
}

# run_dir - /run/isolation-milter as the unit's RuntimeDirectory makes it
run_dir() {
	mkdir -p "$ROOT/run/$PKG" && chown "$UID_:$GID_" "$ROOT/run/$PKG" &&
		chmod 755 "$ROOT/run/$PKG"
}

# daemon_up - wait until the pid file names a live daemon listening on
# PORT; its pid in DPID
daemon_up() {
	local i
	DPID=
	for ((i = 0; i < 100; i++)); do
		DPID=$(cat "$ROOT/run/$PKG/$PKG.pid" 2>/dev/null)
		if [ -n "$DPID" ] && ! h__port_free "$PORT" &&
		    ss -Hltnp "sport = :$PORT" | grep -q "pid=$DPID,"; then
			PK_PIDS+=("$DPID")
			return 0
		fi
		sleep 0.1
	done
	echo "#   no daemon on port $PORT (pid file: '${DPID}')"
	tail -n 5 "$H_DIR/syslog.txt" 2>/dev/null | sed 's/^/#     /'
	return 1
}

# daemon_stop - SIGTERM to DPID, wait until it is gone
daemon_stop() {
	local i
	[ -n "$DPID" ] || return 0
	kill -TERM "$DPID" 2>/dev/null
	for ((i = 0; i < 150; i++)); do
		kill -0 "$DPID" 2>/dev/null || { DPID=; return 0; }
		sleep 0.1
	done
	kill -9 "$DPID" 2>/dev/null
	DPID=
	return 1
}

# uid_is PID UID - /proc/PID/status: every uid and gid is the user's, no capability
uid_is() {
	local st=/proc/$1/status
	h_is "$2	$2	$2	$2" "$(awk '$1 == "Uid:" { print $2 "\t" $3 "\t" $4 "\t" $5 }' "$st")" &&
		h_is "$GID_	$GID_	$GID_	$GID_" "$(awk '$1 == "Gid:" { print $2 "\t" $3 "\t" $4 "\t" $5 }' "$st")" &&
		h_is 0000000000000000 "$(awk '$1 == "CapEff:" { print $2 }' "$st")" &&
		h_is "$ROOT" "$(readlink "/proc/$1/root")"
}

# session IP RCPT - one milter session from IP; each stage's reply in H_DIR/session.txt
session() {
	python3 - "$PORT" "$1" "$2" >"$H_DIR/session.txt" 2>&1 <<'EOF'
import socket, struct, sys

port, ip, rcpt = int(sys.argv[1]), sys.argv[2], sys.argv[3]
s = socket.create_connection(("127.0.0.1", port), timeout=10)

def send(cmd, data=b""):
    s.sendall(struct.pack(">I", len(data) + 1) + cmd + data)

def recv():
    """one packet (progress packets skipped): command, raw data"""
    def exact(n):
        b = b""
        while len(b) < n:
            c = s.recv(n - len(b))
            if not c:
                raise EOFError("the milter closed the connection")
            b += c
        return b
    while True:
        (n,) = struct.unpack(">I", exact(4))
        b = exact(n)
        if b[:1] != b"p":
            return b[:1].decode(), b[1:]

send(b"O", struct.pack(">III", 6, 0x1FF, 0x1FFFFF))
cmd, data = recv()
if cmd != "O" or len(data) < 12:
    sys.exit("no option negotiation: %s" % cmd)
print("optneg: O")
# what the milter asked to be left out (SMFIP_NO*) or not answered (SMFIP_NR_*)
proto = struct.unpack(">III", data[:12])[2]
stages = [
    ("connect", 0x1, 0x1000, b"C",
     b"C{daemon_name}\0MTA\0{daemon_port}\0" b"25\0j\0mx.example.test\0",
     b"client.example.test\0" b"4" + struct.pack(">H", 4711) + ip.encode() + b"\0"),
    ("helo", 0x2, 0x2000, b"H", None, b"client.example.test\0"),
    ("mail", 0x4, 0x4000, b"M", b"M{mail_addr}\0x@sender.invalid\0",
     b"<x@sender.invalid>\0"),
    ("rcpt", 0x8, 0x8000, b"R", b"R{rcpt_addr}\0" + rcpt.encode() + b"\0",
     b"<" + rcpt.encode() + b">\0"),
]
for name, skip, noreply, cmd, macros, data in stages:
    if proto & skip:
        continue
    if macros:
        send(b"D", macros)
    send(cmd, data)
    if proto & noreply:
        continue
    r, text = recv()
    print("%s: %s %s" % (name, r, text.rstrip(b"\0").decode("latin-1")))
    if r != "c":
        break
send(b"Q")
EOF
}

# --- the package --------------------------------------------------------
h_check "the package builds (dpkg-buildpackage -b, from a clean copy)" build
[ -f "${DEB:-}" ] || h_bail "no package was built: $H_DIR/build.log"
echo "# built ${DEB##*/}"
h_check "lintian: no error, every warning explained in README.source" lintian_clean
h_check "the root of Debian 12 is cached" root_tarball
[ -s "$CACHE/bookworm.tgz" ] || h_bail "no Debian 12 root: $CACHE/debootstrap.log"
root_setup || h_bail "cannot unpack the Debian 12 root"
h_check "dpkg -i and apt-get -f install in a fresh Debian 12" install_deb "$DEB"
in_root dpkg-query -W -f='${Status}\n' "$PKG" | grep -qx 'install ok installed' ||
	h_bail "the package is not installed: $H_DIR/dpkg.log"

# --- what it installed --------------------------------------------------
UID_=$(in_root id -u "$PKG" 2>/dev/null)
GID_=$(in_root id -g "$PKG" 2>/dev/null)
h_check "system user and group isolation-milter" eval '
	[ -n "$UID_" ] && [ "$UID_" -lt 1000 ] &&
	h_is "$PKG" "$(in_root id -gn "$PKG")" &&
	in_root getent passwd "$PKG" | grep -q ":/var/lib/$PKG:/usr/sbin/nologin\$"'
h_check "daemon and isolationctl in /usr/sbin, root 0755" eval '
	h_is "root:root 755" "$(stat_of /usr/sbin/isolation-milter)" &&
	h_is "root:root 755" "$(stat_of /usr/sbin/isolationctl)"'
h_check "configuration root:isolation-milter 0640" eval '
	h_is "root:$PKG 640" "$(stat_of $CONF)" &&
	h_is "root:$PKG 640" "$(stat_of /etc/isolation-milter/alert.txt)"'
h_check "both are conffiles" eval '
	in_root dpkg-query -W -f="\${Conffiles}\n" "$PKG" >"$H_DIR/conffiles" &&
	h_has "$H_DIR/conffiles" "^ $CONF " &&
	h_has "$H_DIR/conffiles" "^ /etc/isolation-milter/alert.txt "'
h_check "state folder isolation-milter 0750" \
	h_is "$PKG:$PKG 750" "$(stat_of /var/lib/$PKG)"
h_check "man pages" eval '
	for m in man8/isolation-milter.8 man8/isolationctl.8 man5/isolation-milter.conf.5; do
		[ -f "$ROOT/usr/share/man/$m.gz" ] || { echo "#   no $m"; exit 1; }
	done'
h_check "units: the milter enabled, the notifier installed but not enabled" eval '
	[ -f "$ROOT/lib/systemd/system/isolation-notify.service" ] &&
	[ -L "$ROOT/etc/systemd/system/multi-user.target.wants/$PKG.service" ] &&
	[ ! -e "$ROOT/etc/systemd/system/multi-user.target.wants/isolation-notify.service" ]'
h_check "the unit runs as the user, no capabilities, -F (foreground, syslog), Type=notify" eval '
	h_is "$PKG" "$(unit_value User)" && h_is "" "$(unit_value CapabilityBoundingSet)" &&
	unit_value ExecStart | grep -q -- " -F " && h_is notify "$(unit_value Type)"'
if command -v systemd-analyze >/dev/null 2>&1; then
	EXPOSURE=$(systemd-analyze security --offline=true \
		"$ROOT/lib/systemd/system/$PKG.service" 2>/dev/null |
		sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
	echo "# systemd-analyze security: exposure ${EXPOSURE:-?}"
	h_check "systemd-analyze security: exposure at most 2.0" \
		awk -v e="${EXPOSURE:-99}" 'BEGIN { exit !(e <= 2.0) }'
fi

# --- the installed daemon -----------------------------------------------
h_check "-n accepts the installed configuration" eval '
	in_root /usr/sbin/isolation-milter -n -c $CONF | grep -qx "configuration OK"'

# The postmaster's changes: a port of this test, the pid file, no DNS.
cat >>"$ROOT$CONF" <<EOF
# changed by the postmaster
Socket inet:$PORT@127.0.0.1
PidFile /run/$PKG/$PKG.pid
SPF no
Action.inbound.dynamic_ip off
EOF
# shellcheck disable=SC2034 # used in h_check's eval
PRE=$(unit_value ExecStartPre)
# shellcheck disable=SC2034
START=$(unit_value ExecStart)
run_dir
syslog_start
# shellcheck disable=SC2086 # the unit's command lines, split as systemd does
h_check "the unit's ExecStartPre, as its user" eval 'as_user $PRE >"$H_DIR/pre.txt" 2>&1 &&
	h_has "$H_DIR/pre.txt" "^configuration OK\$"'
# shellcheck disable=SC2086
as_user $START >"$H_DIR/start.txt" 2>&1 &
# (-F: the daemon stays in the foreground, as Type=notify wants)
h_check "the daemon listens, pid file written" daemon_up
h_check "it runs as isolation-milter, no capabilities (/proc/PID/status)" uid_is "$DPID" "$UID_"
h_check "it logs to syslog, facility mail" syslog_mail "started on inet:$PORT@"
# 0660 whatever the umask: the operator's tool may open it through the group
h_check "StateFile created by the daemon, its user's, 0660" \
	h_is "$PKG:$PKG 660" "$(stat_of /var/lib/$PKG/state.lmdb)"
h_check "isolationctl quarantines an address in the shared state" eval '
	in_root isolationctl -c $CONF quarantine ip 192.0.2.66 -t 1h -r "package test" \
		>"$H_DIR/ctl.txt" 2>&1 || { sed "s/^/#   /" "$H_DIR/ctl.txt"; false; }'
h_check "isolationctl without -c finds the daemon's configuration" eval '
	in_root isolationctl list ip >"$H_DIR/list0.txt" 2>&1 &&
	h_has "$H_DIR/list0.txt" "192\\.0\\.2\\.66"'
session 192.0.2.66 bob@example.net
h_check "milter session: the quarantined address is refused at RCPT" \
	h_has "$H_DIR/session.txt" '^rcpt: (y 5[0-9][0-9] |r)'
session 192.0.2.10 bob@example.net
h_check "milter session: another address goes on" h_has "$H_DIR/session.txt" '^rcpt: c'
# shellcheck disable=SC2034
RELOAD=$(unit_value ExecReload)
h_check "the unit's ExecReload, as its user: the daemon reloads" eval '
	[ -x "$ROOT${RELOAD%% *}" ] && as_user ${RELOAD//\$MAINPID/$DPID} &&
	syslog_mail "reloaded configuration from $CONF"'
h_check "SIGTERM stops it; the pid file is removed" eval '
	daemon_stop && [ ! -e "$ROOT/run/$PKG/$PKG.pid" ]'

# Started as root, as an init script would: it drops itself.
h_check "started as root, it drops to isolation-milter" eval '
	in_root /usr/sbin/isolation-milter -c $CONF && daemon_up && uid_is "$DPID" "$UID_"'
daemon_stop

# --- upgrade ------------------------------------------------------------
# A newer version whose shipped configuration and template changed: the
# postmaster's configuration is kept (confold, the new one beside it),
# the unchanged template is replaced, and both stay readable by the group.
upgrade_deb() {
	local d=$H_DIR/up
	rm -rf "$d"
	dpkg-deb -R "$DEB" "$d" &&
		sed -i 's/^Version: \(.*\)/Version: \1+up1/' "$d/DEBIAN/control" &&
		echo "# shipped by the next version" >>"$d$CONF" &&
		echo "(the next version)" >>"$d/etc/isolation-milter/alert.txt" &&
		dpkg-deb --root-owner-group -b "$d" "$H_DIR/${PKG}_up.deb" >/dev/null
}
h_check "a newer version repacked" upgrade_deb
h_check "the upgrade installs (dpkg -i --force-confold)" eval '
	cp "$H_DIR/${PKG}_up.deb" "$ROOT/tmp/" &&
	in_root dpkg -i --force-confold "/tmp/${PKG}_up.deb" >"$H_DIR/up.log" 2>&1 ||
	{ tail -n 10 "$H_DIR/up.log" | sed "s/^/#   /"; false; }'
h_check "the changed configuration is kept, the new one beside it" eval '
	h_has "$ROOT$CONF" "^Socket inet:$PORT@127.0.0.1\$" &&
	h_has "$ROOT$CONF.dpkg-dist" "^# shipped by the next version"'
h_check "the unchanged template is replaced" \
	h_has "$ROOT/etc/isolation-milter/alert.txt" '^\(the next version\)'
h_check "owners and modes after the upgrade" eval '
	h_is "root:$PKG 640" "$(stat_of $CONF)" &&
	h_is "root:$PKG 640" "$(stat_of /etc/isolation-milter/alert.txt)" &&
	h_is "$PKG:$PKG 750" "$(stat_of /var/lib/$PKG)" &&
	h_is "$PKG:$PKG 660" "$(stat_of /var/lib/$PKG/state.lmdb)"'
h_check "the quarantine outlives the upgrade" eval '
	in_root isolationctl -c $CONF list ip >"$H_DIR/list.txt" 2>&1 &&
	h_has "$H_DIR/list.txt" "192\\.0\\.2\\.66"'
# shellcheck disable=SC2086
as_user $START >"$H_DIR/start2.txt" 2>&1 &
h_check "after the upgrade the daemon starts and refuses the quarantined address" eval '
	daemon_up && session 192.0.2.66 bob@example.net &&
	h_has "$H_DIR/session.txt" "^rcpt: (y 5[0-9][0-9] |r)"'
daemon_stop

# --- remove, purge ------------------------------------------------------
h_check "remove: programs gone, configuration and state kept" eval '
	in_root dpkg -r "$PKG" >"$H_DIR/remove.log" 2>&1 &&
	[ ! -e "$ROOT/usr/sbin/isolation-milter" ] && [ -f "$ROOT$CONF" ] &&
	[ -f "$ROOT/var/lib/$PKG/state.lmdb" ]'
h_check "purge: configuration, state and unit links gone" eval '
	in_root dpkg --purge "$PKG" >"$H_DIR/purge.log" 2>&1 &&
	[ ! -e "$ROOT/etc/isolation-milter" ] && [ ! -e "$ROOT/var/lib/$PKG" ] &&
	[ ! -e "$ROOT/run/$PKG" ] &&
	[ ! -e "$ROOT/etc/systemd/system/multi-user.target.wants/$PKG.service" ]'
h_check "purge keeps the system user, and no file is left that it owns" eval '
	in_root getent passwd "$PKG" >/dev/null &&
	h_is "" "$(find "$ROOT" -xdev -uid "$UID_" -not -path "$ROOT/dev/*" 2>/dev/null)"'

h_done
