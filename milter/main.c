/*
 * NAME
 *	isolation-milter 8
 * SUMMARY
 *	SMTP isolation for Postfix and Sendmail
 * SYNOPSIS
 *	isolation-milter [-c file] [-f | -F] [-n | -d] [-V] [-h]
 * DESCRIPTION
 *	Reads the configuration and decides whom to run as: UserID, else
 *	(started as root) the user isolation-milter; started as root with
 *	neither, it refuses to start, and UserID root is allowed but warned
 *	about at every start. Then, still with the rights it was started
 *	with: locks the pid file (flock, held for the daemon's life, so a
 *	stale file from a crash never blocks a restart and a live one
 *	always does), refuses a socket another process answers on (a
 *	stale unix socket is removed), opens the socket with UMask and gives
 *	a unix socket to SocketGroup, becomes a daemon unless -f or -F,
 *	writes its pid, and drops to UserID: supplementary groups reduced to
 *	the target group, gid, uid, PR_SET_NO_NEW_PRIVS, and no core dumps
 *	unless CoreDumps yes. Only then are the state store and SPF
 *	started and libmilter's loop run in a thread of its own, so the
 *	code that reads SMTP input never runs as root unless UserID root.
 *
 *	Where the log goes: with -f to stderr only, for debugging; without
 *	it to syslog as the configuration says (SyslogFacility, the ident
 *	isolation-milter and the pid), and to stderr as well while the
 *	daemon starts, so that whoever started it sees why a start failed.
 *	Without -f or -F the daemon forks and detaches; with -F (for
 *	systemd) it stays in the foreground, its pid the one started, and
 *	stops writing to stderr once it runs. Under a service manager that
 *	gives NOTIFY_SOCKET (systemd's Type=notify) it says READY=1 once
 *	it listens, so that a start that fails is seen as failed.
 *
 *	-n checks the configuration; -d prints the configuration in effect
 *	(conf_dump(): every key, its value and where it came from, as a
 *	configuration file) after the same checks.
 *
 *	The pid file is removed at stop through its folder, which must
 *	therefore be writable by UserID (e.g. /run/isolation-milter, the
 *	systemd unit's RuntimeDirectory); when it is not, the file is
 *	emptied instead (the lock, not the file, tells a live daemon).
 *
 *	The main thread keeps SIGHUP, SIGTERM and SIGINT unblocked with
 *	handlers that only write to a pipe, while every other thread blocks
 *	them. Linux hands a process-directed signal to the main thread
 *	first when it can take it, so libmilter's own signal thread (which
 *	would stop the milter on SIGHUP) does not see them. SIGHUP reloads:
 *	the new file is checked first and replaces the running
 *	configuration only if valid. SIGTERM stops accepting sessions and
 *	waits a bounded time for those in flight; the MTA tempfails any
 *	that are cut (milter_default_action = tempfail). The bound holds
 *	even when libmilter's loop does not end: at a stop under load,
 *	libmilter's worker pool destroys its task mutex while a session
 *	that starts or ends at that moment still takes it, and that lock
 *	is never released (its unlock of a destroyed mutex fails), so
 *	smfi_main() and every worker wait forever. The daemon then exits
 *	without joining them, and without freeing what they may still hold.
 * DIAGNOSTICS
 *	Configuration errors go to stderr as "file:line: message" (and,
 *	without -n, -d or -f, to syslog), exit 1: -n, -d, the start and
 *	SIGHUP run the same checks, conf_load()'s. A reload that fails,
 *	running out of memory included, keeps the running configuration.
 *	Start-up failures go to stderr and (without -f) to syslog, exit 1
 *	(2 for usage errors). Warnings at start and at each reload: a
 *	configuration, SenderLoginMap, AlertTemplate or AlertContacts file
 *	writable by its group or others; an inet socket on an address that
 *	is not loopback; UserID root.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

#include "callbacks.h"
#include "conf.h"
#include "confref.h"
#include "daemon.h"
#include "log.h"
#include "metrics.h"
#include "runtime.h"
#include "session.h"

#define STOP_GRACE_SECONDS	10

/* How the daemon runs: detached, or in the foreground (-f, -F). */
enum run {
	RUN_DAEMON,		/* fork; the log to syslog */
	RUN_STDERR,		/* -f: the log to stderr only */
	RUN_SYSLOG,		/* -F: no fork; the log to syslog */
};

static int signal_pipe[2] = {-1, -1};
static atomic_int milter_done;

/* usage - the -h text */
static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: isolation-milter [-c file] [-f | -F] [-n | -d] [-V] [-h]\n"
	    "  -c file  configuration file (default %s)\n"
	    "  -f       stay in the foreground and log to stderr (debugging)\n"
	    "  -F       stay in the foreground and log to syslog as configured\n"
	    "           (SyslogFacility; for systemd, Type=simple)\n"
	    "  -n       check the configuration, print \"configuration OK\" and exit\n"
	    "  -d       print every key with its value and where it came from,\n"
	    "           as a configuration file, and exit; what the file changes:\n"
	    "           isolation-milter -d | grep -v '# default'\n"
	    "  -V       print the version and exit\n"
	    "  -h       print this help and exit\n"
	    "Signals: SIGHUP reloads the configuration (kept if the new one is\n"
	    "invalid), SIGTERM stops. See isolation-milter(8) and\n"
	    "isolation-milter.conf(5).\n", CONF_DEFAULT_FILE);
}

/* print_errors - every configuration problem, one per line; a daemon
 * started without -f also logs them (SyslogFacility's default: the file
 * could not say), for whoever reads syslog only */
static void
print_errors(const char *path, const struct strlist *errors, int to_syslog)
{
	size_t i;

	if (to_syslog)
		log_init("isolation-milter", LOG_TO_SYSLOG, LOG_MAIL);
	for (i = 0; i < errors->n; i++) {
		fprintf(stderr, "%s\n", errors->v[i]);
		if (to_syslog)
			log_msg(LOG_LEVEL_ERROR, "%s", errors->v[i]);
	}
	/* memory ran out even for the messages */
	if (errors->n == 0) {
		fprintf(stderr, "%s: out of memory\n", path);
		if (to_syslog)
			log_msg(LOG_LEVEL_ERROR, "%s: out of memory", path);
	}
	if (to_syslog)
		log_msg(LOG_LEVEL_ERROR, "%s is not valid: not starting", path);
}

/* on_signal - only tell the main loop */
static void
on_signal(int sig)
{
	unsigned char c = (unsigned char)sig;
	int saved = errno;

	if (write(signal_pipe[1], &c, 1) < 0)
		errno = saved;
	errno = saved;
}

/* signals_setup - handlers in the main thread, a pipe to the loop */
static void
signals_setup(void)
{
	struct sigaction sa;

	if (pipe(signal_pipe) < 0)
		fatalx("pipe: %s", strerror(errno));
	fcntl(signal_pipe[0], F_SETFD, FD_CLOEXEC);
	fcntl(signal_pipe[1], F_SETFD, FD_CLOEXEC);
	fcntl(signal_pipe[1], F_SETFL, O_NONBLOCK);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

/* milter_thread - libmilter's loop; tells the main loop when it ends */
static void *
milter_thread(void *arg)
{
	unsigned char c = 0;

	(void)arg;
	if (smfi_main() != MI_SUCCESS)
		log_warnx("the milter loop ended with an error");
	atomic_store(&milter_done, 1);
	if (write(signal_pipe[1], &c, 1) < 0)
		return NULL;
	return NULL;
}

/* start_milter_thread - run smfi_main with the signals blocked */
static pthread_t
start_milter_thread(void)
{
	sigset_t set, old;
	pthread_t tid;
	int rc;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	rc = pthread_create(&tid, NULL, milter_thread, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0)
		fatalx("pthread_create: %s", strerror(rc));
	return tid;
}

/* warn_writable - a file its group or others may change changes our policy */
static void
warn_writable(const char *prefix, const char *what, const char *path)
{
	struct stat st;
	const char *who;

	if (path == NULL || stat(path, &st) < 0 ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)) == 0)
		return;
	if ((st.st_mode & S_IWGRP) && (st.st_mode & S_IWOTH))
		who = "its group and by others";
	else if (st.st_mode & S_IWGRP)
		who = "its group";
	else
		who = "others";
	log_warnx("%s%s %s is writable by %s: whoever can write it can change "
	    "the policy (chmod go-w %s)", prefix, what, path, who, path);
}

/* warn_writable_files - the files a configuration was read from */
static void
warn_writable_files(const struct conf *conf, const char *prefix)
{
	warn_writable(prefix, "the configuration file", conf->path);
	warn_writable(prefix, "SenderLoginMap", conf->sender_login_map);
	warn_writable(prefix, "AlertTemplate", conf->alert_template_path);
	warn_writable(prefix, "AlertContacts", conf->alert_contacts_path);
}

/* same - two optional strings are equal */
static int
same(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* reload - SIGHUP: check the file, swap only if it is valid */
static void
reload(const char *path)
{
	struct strlist errors = {0};
	struct confref *old;
	struct conf *conf;
	size_t i;

	conf = conf_load(path, &errors);
	if (conf == NULL) {
		for (i = 0; i < errors.n; i++)
			log_msg(LOG_LEVEL_ERROR, "reload: %s", errors.v[i]);
		if (errors.n == 0)
			log_msg(LOG_LEVEL_ERROR, "reload: %s: out of memory", path);
		log_msg(LOG_LEVEL_ERROR,
		    "reload: %s is not valid; keeping the running configuration",
		    path);
		strlist_clear(&errors);
		metrics_reload(0);
		return;
	}
	old = confref_get();
	if (!same(old->conf->socket, conf->socket) ||
	    old->conf->socket_umask != conf->socket_umask ||
	    !same(old->conf->socket_group, conf->socket_group) ||
	    old->conf->milter_timeout_ms != conf->milter_timeout_ms ||
	    !same(old->conf->pidfile, conf->pidfile) ||
	    !same(old->conf->userid, conf->userid) ||
	    old->conf->core_dumps != conf->core_dumps ||
	    !same(old->conf->metrics_listen, conf->metrics_listen))
		log_warnx("reload: Socket, UMask, SocketGroup, MilterTimeout, "
		    "PidFile, UserID, CoreDumps and MetricsListen changes take "
		    "effect at the next restart");
	if (runtime_store_changed(old->conf, conf))
		log_warnx("reload: Redis settings take effect at the next restart");
	confref_put(old);
	if (confref_install(conf) < 0) {
		log_msg(LOG_LEVEL_ERROR, "reload: out of memory; keeping the "
		    "running configuration");
		conf_free(conf);
		metrics_reload(0);
		return;
	}
	metrics_reload(1);
	/* conf stays current until the next reload, made by this thread */
	log_set_level(conf->log_level);
	if (conf->local_domains.n == 0)
		log_warnx("reload: LocalDomains is empty: inbound.relay and inbound.own_domain are not evaluated");
	warn_writable_files(conf, "reload: ");
	log_msg(LOG_LEVEL_NOTICE, "reloaded configuration from %s", path);
}

/* open_socket - check, register with libmilter, bind, give to SocketGroup */
static int
open_socket(const struct conf *conf, const struct identity *id)
{
	struct sockspec sp;
	gid_t gid = id->gid;
	mode_t old;
	int rc;

	/* taken apart when the configuration was read */
	memset(&sp, 0, sizeof(sp));
	sp.family = conf->socket_family;
	sp.path = conf->socket_path;
	snprintf(sp.host, sizeof(sp.host), "%s", conf->socket_host);
	snprintf(sp.port, sizeof(sp.port), "%u", conf->socket_port);
	rc = sp.family == AF_UNIX ? socket_check_unix(conf->socket, sp.path) :
	    socket_check_inet(conf->socket, &sp);
	if (rc < 0)
		return -1;
	if (smfi_register(callbacks_desc) != MI_SUCCESS) {
		log_msg(LOG_LEVEL_ERROR, "smfi_register failed");
		return -1;
	}
	/* whole seconds, rounded up: libmilter counts in seconds */
	smfi_settimeout((int)((conf->milter_timeout_ms + 999) / 1000));
	if (smfi_setconn(conf->socket) != MI_SUCCESS) {
		log_msg(LOG_LEVEL_ERROR, "bad socket %s", conf->socket);
		return -1;
	}
	old = umask((mode_t)conf->socket_umask);
	rc = smfi_opensocket(1);
	umask(old);
	if (rc != MI_SUCCESS) {
		log_msg(LOG_LEVEL_ERROR, "cannot open socket %s: in use, or its "
		    "directory is missing or not writable", conf->socket);
		return -1;
	}
	if (sp.family != AF_UNIX || (conf->socket_group == NULL && geteuid() != 0))
		return 0;
	/* checked and resolved with the configuration */
	if (conf->socket_group != NULL)
		gid = conf->socket_gid;
	/* lchown: the folder may belong to UserID, never follow a link */
	if (lchown(sp.path, (uid_t)-1, gid) < 0) {
		log_msg(LOG_LEVEL_ERROR, "cannot give the socket %s to group %lu: "
		    "%s", sp.path, (unsigned long)gid, strerror(errno));
		return -1;
	}
	return 0;
}

/* wait_sessions - give sessions in flight until the deadline to finish;
 * how many are left */
static unsigned
wait_sessions(time_t until)
{
	struct timespec ts = {0, 100 * 1000 * 1000};
	unsigned n;

	while ((n = session_active()) > 0 && time(NULL) < until)
		nanosleep(&ts, NULL);
	if (n > 0)
		log_warnx("stopping with %u sessions in flight; the MTA tempfails them", n);
	return n;
}

/* main_loop - signals and the end of the milter thread */
static void
main_loop(const char *path)
{
	struct pollfd pfd = {signal_pipe[0], POLLIN, 0};
	unsigned char c;

	while (!atomic_load(&milter_done)) {
		if (poll(&pfd, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			fatalx("poll: %s", strerror(errno));
		}
		if (read(signal_pipe[0], &c, 1) != 1)
			continue;
		if (c == SIGHUP)
			reload(path);
		else if (c == SIGTERM || c == SIGINT) {
			log_msg(LOG_LEVEL_NOTICE, "stopping on signal %d", c);
			smfi_stop();
			return;
		}
	}
}

/* start - everything between the configuration and the milter loop */
static int
start(struct conf *conf, enum run run)
{
	struct identity id;

	if (identity_resolve(conf, &id) < 0)
		return -1;
	if (conf->pidfile != NULL && pidfile_open(conf->pidfile) < 0)
		return -1;
	if (open_socket(conf, &id) < 0)
		return -1;
	if (run == RUN_DAEMON) {
		daemonize();
		log_init("isolation-milter", LOG_TO_SYSLOG, conf->syslog_facility);
	}
	pidfile_write();
	if (identity_assume(&id, conf->core_dumps) < 0)
		return -1;
	log_info("running as %s (uid %lu, gid %lu)", id.name,
	    (unsigned long)getuid(), (unsigned long)getgid());
	pidfile_check_folder(&id);
	if (conf->local_domains.n == 0)
		log_warnx("LocalDomains is empty: inbound.relay and inbound.own_domain are not evaluated");
	warn_writable_files(conf, "");
	if (runtime_init(conf) < 0) {
		log_msg(LOG_LEVEL_ERROR, "cannot start the state store or SPF");
		runtime_shutdown();
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	const char *path = CONF_DEFAULT_FILE;
	int check = 0, dump = 0, ch, rc, stuck;
	enum run run = RUN_DAEMON;
	struct strlist errors = {0};
	struct conf *conf;
	pthread_t tid;
	struct timespec until = {0, 0};
	unsigned int major, minor, patch;

	while ((ch = getopt(argc, argv, "c:dfFnVh")) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'd':
			dump = 1;
			break;
		case 'f':
		case 'F':
			/* -f and -F exclude each other */
			if (run != RUN_DAEMON &&
			    run != (ch == 'f' ? RUN_STDERR : RUN_SYSLOG)) {
				usage(stderr);
				return 2;
			}
			run = ch == 'f' ? RUN_STDERR : RUN_SYSLOG;
			break;
		case 'n':
			check = 1;
			break;
		case 'V':
			smfi_version(&major, &minor, &patch);
			printf("%s %s (libmilter %u.%u.%u)\n", PACKAGE_NAME,
			    PACKAGE_VERSION, major, minor, patch);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc || (check && dump)) {
		usage(stderr);
		return 2;
	}

	/* -n, -d and the start run the same checks: those of conf_load() */
	if ((conf = conf_load(path, &errors)) == NULL) {
		print_errors(path, &errors, !check && !dump && run != RUN_STDERR);
		strlist_clear(&errors);
		return 1;
	}
	if (check) {
		printf("configuration OK\n");
		conf_free(conf);
		return 0;
	}
	if (dump) {
		rc = conf_dump(conf, stdout) < 0 || fflush(stdout) != 0 ? -1 : 0;
		conf_free(conf);
		if (rc < 0) {
			fprintf(stderr, "isolation-milter: cannot write the "
			    "configuration: %s\n", strerror(errno));
			return 1;
		}
		return 0;
	}
	if (run != RUN_STDERR && !conf->syslog) {
		fprintf(stderr, "%s: Syslog no without -f would discard every "
		    "log line\n", path);
		conf_free(conf);
		return 1;
	}
	/* while the daemon starts, to the terminal and to syslog */
	log_init("isolation-milter", run == RUN_STDERR ? LOG_TO_STDERR :
	    LOG_TO_STDERR | LOG_TO_SYSLOG, conf->syslog_facility);
	log_set_level(conf->log_level);
	if (start(conf, run) < 0) {
		pidfile_remove();
		conf_free(conf);
		return 1;
	}
	if (confref_install(conf) < 0) {
		log_msg(LOG_LEVEL_ERROR, "out of memory: not starting");
		runtime_shutdown();
		pidfile_remove();
		conf_free(conf);
		return 1;
	}
	/* -F: started; from now on the log is syslog's only */
	if (run == RUN_SYSLOG)
		log_init("isolation-milter", LOG_TO_SYSLOG, conf->syslog_facility);
	signals_setup();
	tid = start_milter_thread();
	log_msg(LOG_LEVEL_NOTICE, "%s %s started on %s", PACKAGE_NAME,
	    PACKAGE_VERSION, conf->socket);
	/* systemd's Type=notify: started only once it listens */
	service_notify("READY=1");

	main_loop(path);
	/* one deadline for the stop: libmilter's loop, then the sessions */
	until.tv_sec = time(NULL) + STOP_GRACE_SECONDS;
	stuck = pthread_timedjoin_np(tid, NULL, &until) != 0;
	if (stuck)
		log_warnx("libmilter's loop did not end within %d s of the stop "
		    "(its worker pool is stuck); exiting without it; the MTA "
		    "tempfails the sessions in flight", STOP_GRACE_SECONDS);
	/* a session still in a callback, or a stuck loop, may use the
	 * configuration and the store: freeing them under it would be a
	 * use after free, so exit without */
	if (stuck || wait_sessions(until.tv_sec) > 0) {
		pidfile_remove();
		log_msg(LOG_LEVEL_NOTICE, "stopped");
		_exit(0);
	}
	pidfile_remove();
	confref_shutdown();
	runtime_shutdown();
	log_msg(LOG_LEVEL_NOTICE, "stopped");
	return 0;
}
