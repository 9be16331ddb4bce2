/*
 * NAME
 *	isolation-milter 8
 * SUMMARY
 *	SMTP isolation for Postfix and Sendmail
 * SYNOPSIS
 *	isolation-milter [-c file] [-f] [-n] [-V] [-h]
 * DESCRIPTION
 *	Reads the configuration, opens the milter socket (as root, so a
 *	privileged path or port works), becomes a daemon unless -f, writes
 *	the pid file, drops privileges to UserID and runs libmilter's loop
 *	in a thread of its own.
 *
 *	The main thread keeps SIGHUP, SIGTERM and SIGINT unblocked with
 *	handlers that only write to a pipe, while every other thread blocks
 *	them. Linux hands a process-directed signal to the main thread
 *	first when it can take it, so libmilter's own signal thread (which
 *	would stop the milter on SIGHUP) does not see them. SIGHUP reloads:
 *	the new file is checked first and replaces the running
 *	configuration only if valid. SIGTERM stops accepting sessions and
 *	waits a bounded time for those in flight; the MTA tempfails any
 *	that are cut (milter_default_action = tempfail).
 * DIAGNOSTICS
 *	Configuration errors go to stderr as "file:line: message", exit 1.
 *	Start-up failures go to stderr, exit 1 (2 for usage errors).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

#include "callbacks.h"
#include "conf.h"
#include "confref.h"
#include "log.h"
#include "runtime.h"
#include "session.h"

#define STOP_GRACE_SECONDS	10

static int signal_pipe[2] = {-1, -1};
static volatile sig_atomic_t milter_done;

/* usage - the -h text */
static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: isolation-milter [-c file] [-f] [-n] [-V] [-h]\n"
	    "  -c file  configuration file (default %s)\n"
	    "  -f       stay in the foreground and log to stderr\n"
	    "  -n       check the configuration, print \"configuration OK\" and exit\n"
	    "  -V       print the version and exit\n"
	    "  -h       print this help and exit\n"
	    "Signals: SIGHUP reloads the configuration (kept if the new one is\n"
	    "invalid), SIGTERM stops. See isolation-milter(8) and\n"
	    "isolation-milter.conf(5).\n", CONF_DEFAULT_FILE);
}

/* print_errors - every configuration problem, one per line */
static void
print_errors(const struct strlist *errors)
{
	size_t i;

	for (i = 0; i < errors->n; i++)
		fprintf(stderr, "%s\n", errors->v[i]);
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
	milter_done = 1;
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
		log_msg(LOG_LEVEL_ERROR,
		    "reload: %s is not valid; keeping the running configuration",
		    path);
		strlist_clear(&errors);
		return;
	}
	old = confref_get();
	if (strcmp(old->conf->socket, conf->socket) != 0 ||
	    (old->conf->userid == NULL) != (conf->userid == NULL) ||
	    (conf->userid && strcmp(old->conf->userid, conf->userid) != 0))
		log_warnx("reload: Socket and UserID changes take effect at the next restart");
	if (runtime_store_changed(old->conf, conf))
		log_warnx("reload: Redis settings take effect at the next restart");
	confref_put(old);
	log_set_level(conf->log_level);
	if (conf->local_domains.n == 0)
		log_warnx("reload: LocalDomains is empty: inbound.relay and inbound.own_domain are not evaluated");
	confref_install(conf);
	log_msg(LOG_LEVEL_NOTICE, "reloaded configuration from %s", path);
}

/* drop_privileges - become UserID (user or user:group) */
static int
drop_privileges(const char *userid)
{
	char user[256];
	const char *colon = strchr(userid, ':');
	struct passwd *pw;
	struct group *gr;
	gid_t gid;

	snprintf(user, sizeof(user), "%.*s",
	    (int)(colon ? (size_t)(colon - userid) : strlen(userid)), userid);
	if ((pw = getpwnam(user)) == NULL) {
		fprintf(stderr, "isolation-milter: no such user %s\n", user);
		return -1;
	}
	gid = pw->pw_gid;
	if (colon != NULL) {
		if ((gr = getgrnam(colon + 1)) == NULL) {
			fprintf(stderr, "isolation-milter: no such group %s\n",
			    colon + 1);
			return -1;
		}
		gid = gr->gr_gid;
	}
	if (getuid() == pw->pw_uid && geteuid() == pw->pw_uid)
		return 0;
	if (initgroups(user, gid) < 0 || setgid(gid) < 0 ||
	    setuid(pw->pw_uid) < 0) {
		fprintf(stderr, "isolation-milter: cannot become %s: %s\n",
		    userid, strerror(errno));
		return -1;
	}
	return 0;
}

/* write_pidfile - our pid, for init scripts */
static int
write_pidfile(const char *path)
{
	FILE *fp;

	if ((fp = fopen(path, "w")) == NULL) {
		log_warn("cannot write pid file %s", path);
		return -1;
	}
	fprintf(fp, "%ld\n", (long)getpid());
	fclose(fp);
	return 0;
}

/* daemonize - detach from the terminal */
static void
daemonize(void)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0) {
		fprintf(stderr, "isolation-milter: fork: %s\n", strerror(errno));
		exit(1);
	}
	if (pid > 0)
		_exit(0);
	setsid();
	if (chdir("/") < 0)
		exit(1);
	if ((fd = open("/dev/null", O_RDWR)) >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
}

/* open_socket - register with libmilter and bind, as root */
static int
open_socket(const struct conf *conf)
{
	mode_t old;
	int rc;

	if (smfi_register(callbacks_desc) != MI_SUCCESS) {
		fprintf(stderr, "isolation-milter: smfi_register failed\n");
		return -1;
	}
	if (smfi_setconn(conf->socket) != MI_SUCCESS) {
		fprintf(stderr, "isolation-milter: bad socket %s\n", conf->socket);
		return -1;
	}
	/* a unix socket must be usable by an MTA running as another user */
	old = umask(0111);
	rc = smfi_opensocket(1);
	umask(old);
	if (rc != MI_SUCCESS) {
		fprintf(stderr, "isolation-milter: cannot open socket %s: "
		    "in use, or its directory is missing or not writable\n",
		    conf->socket);
		return -1;
	}
	return 0;
}

/* wait_sessions - give sessions in flight a bounded time to finish */
static void
wait_sessions(void)
{
	time_t until = time(NULL) + STOP_GRACE_SECONDS;
	struct timespec ts = {0, 100 * 1000 * 1000};
	unsigned n;

	while ((n = session_active()) > 0 && time(NULL) < until)
		nanosleep(&ts, NULL);
	if (n > 0)
		log_warnx("stopping with %u sessions in flight; the MTA tempfails them", n);
}

/* main_loop - signals and the end of the milter thread */
static void
main_loop(const char *path)
{
	struct pollfd pfd = {signal_pipe[0], POLLIN, 0};
	unsigned char c;

	while (!milter_done) {
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

int
main(int argc, char **argv)
{
	const char *path = CONF_DEFAULT_FILE;
	int foreground = 0, check = 0, ch;
	struct strlist errors = {0};
	struct conf *conf;
	pthread_t tid;
	unsigned int major, minor, patch;

	while ((ch = getopt(argc, argv, "c:fnVh")) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'f':
			foreground = 1;
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
	if (optind != argc) {
		usage(stderr);
		return 2;
	}

	if ((conf = conf_load(path, &errors)) == NULL) {
		print_errors(&errors);
		strlist_clear(&errors);
		return 1;
	}
	if (check) {
		printf("configuration OK\n");
		conf_free(conf);
		return 0;
	}
	if (!foreground && !conf->syslog) {
		fprintf(stderr, "%s: Syslog no without -f would discard every "
		    "log line\n", path);
		conf_free(conf);
		return 1;
	}
	if (open_socket(conf) < 0) {
		conf_free(conf);
		return 1;
	}
	if (!foreground)
		daemonize();
	log_init("isolation-milter", foreground ? LOG_TO_STDERR : LOG_TO_SYSLOG,
	    conf->syslog_facility);
	log_set_level(conf->log_level);
	if (conf->pidfile != NULL)
		write_pidfile(conf->pidfile);
	if (conf->userid != NULL && drop_privileges(conf->userid) < 0) {
		log_msg(LOG_LEVEL_ERROR, "cannot drop privileges to %s", conf->userid);
		return 1;
	}
	if (conf->local_domains.n == 0)
		log_warnx("LocalDomains is empty: inbound.relay and inbound.own_domain are not evaluated");
	if (runtime_init(conf) < 0) {
		log_msg(LOG_LEVEL_ERROR, "cannot start the state store or SPF");
		runtime_shutdown();
		conf_free(conf);
		return 1;
	}
	confref_install(conf);
	signals_setup();
	tid = start_milter_thread();
	log_msg(LOG_LEVEL_NOTICE, "%s %s started on %s", PACKAGE_NAME,
	    PACKAGE_VERSION, conf->socket);

	main_loop(path);
	pthread_join(tid, NULL);
	wait_sessions();
	{
		struct confref *ref = confref_get();

		if (ref->conf->pidfile != NULL)
			unlink(ref->conf->pidfile);
		confref_put(ref);
	}
	confref_shutdown();
	runtime_shutdown();
	log_msg(LOG_LEVEL_NOTICE, "stopped");
	return 0;
}
