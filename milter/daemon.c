/*
 * NAME
 *	daemon 3
 * SUMMARY
 *	whom the daemon runs as, its pid file, and the checks of its socket
 * SYNOPSIS
 *	#include "daemon.h"
 * DESCRIPTION
 *	What main.c does before libmilter runs, apart from libmilter
 *	itself: identity_resolve() decides whom to run as (UserID, which
 *	the configuration has checked and resolved to ids, else the user
 *	isolation-milter when started as root, else a refusal),
 *	identity_assume() drops to it for good; the pid file is opened and
 *	flock()ed for the daemon's life (pidfile_open), written after a
 *	daemonize(), and removed at stop if it is still ours; the socket
 *	checks refuse a socket another process answers on, remove a stale
 *	unix socket, and warn about an inet socket that is not on loopback.
 * DIAGNOSTICS
 *	Functions that can fail return -1 after saying why (stderr, and the
 *	log once it is open).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stddef.h>
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
#include <unistd.h>

#include "daemon.h"
#include "log.h"
#include "xalloc.h"

#define DEFAULT_USER		"isolation-milter"

static int pidfile_fd = -1;
static char *pidfile_path;
static dev_t pidfile_dev;
static ino_t pidfile_ino;

/* identity_resolve - whom to run as: UserID, else isolation-milter as root */
int
identity_resolve(const struct conf *conf, struct identity *id)
{
	const char *spec = conf->userid;
	struct passwd *pw;

	if (spec != NULL) {
		/* checked and resolved with the configuration */
		id->uid = conf->user_uid;
		id->gid = conf->user_gid;
	} else if (geteuid() != 0) {
		id->uid = geteuid();
		id->gid = getegid();
		snprintf(id->name, sizeof(id->name), "uid %lu",
		    (unsigned long)id->uid);
		return 0;
	} else if ((pw = getpwnam(DEFAULT_USER)) == NULL) {
		log_msg(LOG_LEVEL_ERROR, "running as root: set UserID to an "
		    "unprivileged user (useradd --system %s), or UserID root to "
		    "stay root", DEFAULT_USER);
		return -1;
	} else {
		spec = DEFAULT_USER;
		id->uid = pw->pw_uid;
		id->gid = pw->pw_gid;
	}
	snprintf(id->name, sizeof(id->name), "%s", spec);
	if (geteuid() != 0 && id->uid != geteuid()) {
		log_msg(LOG_LEVEL_ERROR, "UserID %s: only root can become another "
		    "user (started as uid %lu)", spec, (unsigned long)geteuid());
		return -1;
	}
	if (id->uid == 0)
		log_warnx("UserID %s: the milter runs as root, and so does the "
		    "code that parses SMTP input and SPF records; set UserID to "
		    "an unprivileged user", spec);
	return 0;
}

/* raise_fd_limit - every session holds a descriptor to the MTA (and a
 * store or DNS one while it waits): take all the hard limit allows */
static void
raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur >= rl.rlim_max)
		return;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		log_warn("cannot raise the descriptor limit");
}

/* identity_assume - become id, keep no way back, and no core files */
int
identity_assume(const struct identity *id, int core_dumps)
{
	struct rlimit none = {0, 0};

	if (geteuid() == 0 &&
	    (setgroups(1, &id->gid) < 0 || setgid(id->gid) < 0 ||
	    setuid(id->uid) < 0)) {
		log_msg(LOG_LEVEL_ERROR, "cannot become %s: %s", id->name,
		    strerror(errno));
		return -1;
	}
	if (id->uid != 0 && (setuid(0) == 0 || geteuid() == 0)) {
		log_msg(LOG_LEVEL_ERROR, "cannot drop root privileges to %s",
		    id->name);
		return -1;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		log_msg(LOG_LEVEL_ERROR, "prctl(PR_SET_NO_NEW_PRIVS): %s",
		    strerror(errno));
		return -1;
	}
	/* a core file holds mail, logins and the Redis password */
	if (prctl(PR_SET_DUMPABLE, core_dumps ? 1 : 0, 0, 0, 0) < 0 ||
	    (!core_dumps && setrlimit(RLIMIT_CORE, &none) < 0)) {
		log_msg(LOG_LEVEL_ERROR, "cannot set CoreDumps: %s",
		    strerror(errno));
		return -1;
	}
	raise_fd_limit();
	return 0;
}

/* pidfile_open - open or create the pid file and lock it for our life */
int
pidfile_open(const char *path)
{
	char buf[32] = "", *cwd;
	struct stat st;
	int fd;

	if ((fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    0644)) < 0) {
		log_msg(LOG_LEVEL_ERROR, "cannot open the pid file %s: %s", path,
		    errno == ELOOP ? "it is a symbolic link" : strerror(errno));
		return -1;
	}
	/* its folder may belong to UserID: take no link planted there */
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1) {
		log_msg(LOG_LEVEL_ERROR, "the pid file %s is not a plain file",
		    path);
		close(fd);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK) {
			/* the content is only shown, and only its digits */
			if (pread(fd, buf, sizeof(buf) - 1, 0) > 0)
				buf[strspn(buf, "0123456789")] = '\0';
			log_msg(LOG_LEVEL_ERROR, "another instance (pid %s) holds "
			    "the pid file %s: not starting", buf[0] ? buf : "?",
			    path);
		} else
			log_msg(LOG_LEVEL_ERROR, "cannot lock the pid file %s: %s",
			    path, strerror(errno));
		close(fd);
		return -1;
	}
	pidfile_fd = fd;
	/* removed at stop, after a daemon's chdir("/") */
	if (path[0] != '/' && (cwd = getcwd(NULL, 0)) != NULL) {
		pidfile_path = xmalloc(strlen(cwd) + strlen(path) + 2);
		sprintf(pidfile_path, "%s/%s", cwd, path);
		free(cwd);
	} else
		pidfile_path = xstrdup(path);
	pidfile_dev = st.st_dev;
	pidfile_ino = st.st_ino;
	return 0;
}

/* pidfile_write - our pid, for init scripts, into the locked file */
void
pidfile_write(void)
{
	char buf[32];
	int n;

	if (pidfile_fd < 0)
		return;
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (ftruncate(pidfile_fd, 0) < 0 ||
	    pwrite(pidfile_fd, buf, (size_t)n, 0) != n)
		log_warn("cannot write the pid file %s", pidfile_path);
}

/* pidfile_check_folder - after the drop: can the pid file be removed at stop? */
void
pidfile_check_folder(const struct identity *id)
{
	char *dir, *slash;

	if (pidfile_path == NULL)
		return;
	dir = xstrdup(pidfile_path);
	if ((slash = strrchr(dir, '/')) != NULL)
		*(slash == dir ? slash + 1 : slash) = '\0';
	if (access(slash ? dir : ".", W_OK | X_OK) < 0)
		log_warnx("the pid file's folder %s is not writable by %s: the "
		    "pid file will be emptied, not removed, at stop (give the "
		    "pid file a folder of its own owned by %s)",
		    slash ? dir : ".", id->name, id->name);
	free(dir);
}

/* pidfile_remove - at stop: remove the pid file if it is still ours */
void
pidfile_remove(void)
{
	struct stat st;

	if (pidfile_fd < 0)
		return;
	if (stat(pidfile_path, &st) == 0 && st.st_dev == pidfile_dev &&
	    st.st_ino == pidfile_ino && unlink(pidfile_path) < 0 &&
	    ftruncate(pidfile_fd, 0) < 0)
		log_warn("cannot remove or empty the pid file %s", pidfile_path);
	close(pidfile_fd);
	pidfile_fd = -1;
	free(pidfile_path);
	pidfile_path = NULL;
}

/* is_loopback - an address only this host can reach */
static int
is_loopback(const struct sockaddr *sa)
{
	const struct in6_addr *a6;

	if (sa->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)(const void *)sa)->
		    sin_addr.s_addr) >> 24) == 127;
	a6 = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
	return IN6_IS_ADDR_LOOPBACK(a6) ||
	    (IN6_IS_ADDR_V4MAPPED(a6) && a6->s6_addr[12] == 127);
}

/* socket_check_unix - refuse a live unix socket; a stale one may go */
int
socket_check_unix(const char *spec, const char *path)
{
	struct sockaddr_un sun;
	struct stat st;
	int fd, rc, err;

	if (lstat(path, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		log_msg(LOG_LEVEL_ERROR, "cannot open socket %s: %s", spec,
		    strerror(errno));
		return -1;
	}
	if (!S_ISSOCK(st.st_mode)) {
		log_msg(LOG_LEVEL_ERROR, "cannot open socket %s: %s exists and "
		    "is not a socket (not removing it)", spec, path);
		return -1;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		log_msg(LOG_LEVEL_ERROR, "cannot open socket %s: the path is "
		    "too long", spec);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) < 0) {
		log_msg(LOG_LEVEL_ERROR, "socket: %s", strerror(errno));
		return -1;
	}
	rc = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
	err = errno;
	close(fd);
	if (rc == 0 || err == EAGAIN) {
		log_msg(LOG_LEVEL_ERROR, "another instance answers on %s: not "
		    "taking it over", spec);
		return -1;
	}
	if (err != ECONNREFUSED) {
		log_msg(LOG_LEVEL_ERROR, "cannot tell whether another instance "
		    "answers on %s: %s", spec, strerror(err));
		return -1;
	}
	log_info("removing the stale socket %s (nothing answers on it)", path);
	return 0;
}

/* socket_check_inet - refuse an address in use; warn when not loopback */
int
socket_check_inet(const char *spec, const struct sockspec *sp)
{
	struct addrinfo hints, *res;
	int fd, one = 1, rc = 0;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = sp->family;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV | AI_PASSIVE;
	/* a name that does not resolve: libmilter says so when it binds */
	if (getaddrinfo(sp->host, sp->port, &hints, &res) != 0)
		return 0;
	if (!is_loopback(res->ai_addr))
		log_warnx("%s is not a loopback address: every host that reaches "
		    "it can play the MTA (forge {auth_authen}, get logins "
		    "quarantined); firewall it, or use a loopback or unix socket",
		    spec);
	if ((fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) >= 0) {
		/* as libmilter binds: a port in TIME_WAIT is free */
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, res->ai_addr, res->ai_addrlen) < 0 &&
		    errno == EADDRINUSE) {
			log_msg(LOG_LEVEL_ERROR, "another instance answers on %s "
			    "(the address is in use): not starting", spec);
			rc = -1;
		}
		close(fd);
	}
	freeaddrinfo(res);
	return rc;
}

/* daemonize - detach from the terminal */
void
daemonize(void)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0) {
		log_msg(LOG_LEVEL_ERROR, "fork: %s", strerror(errno));
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

/* service_notify - tell the service manager (systemd's NOTIFY_SOCKET,
 * Type=notify) a state such as "READY=1"; nothing without one */
void
service_notify(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sun;
	socklen_t len;
	int fd;

	if (path == NULL || (*path != '/' && *path != '@') ||
	    strlen(path) >= sizeof(sun.sun_path))
		return;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path));
	if (*path == '@')		/* an abstract socket */
		sun.sun_path[0] = '\0';
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
	    strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return;
	if (sendto(fd, state, strlen(state), MSG_NOSIGNAL,
	    (struct sockaddr *)&sun, len) < 0)
		log_warn("cannot tell the service manager %s", state);
	close(fd);
}
