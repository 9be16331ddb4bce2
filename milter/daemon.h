/*
 * NAME
 *	daemon 3h
 * SUMMARY
 *	whom the daemon runs as, its pid file, and the checks of its socket
 * SYNOPSIS
 *	#include "daemon.h"
 * DESCRIPTION
 *	See daemon.c.
 */
#ifndef ISO_DAEMON_H
#define ISO_DAEMON_H

#include <sys/socket.h>
#include <sys/types.h>

#include "conf.h"

/* Whom the daemon runs as once the socket and the pid file are open. */
struct identity {
	char	name[256];	/* UserID as written, for messages */
	uid_t	uid;
	gid_t	gid;
};

/* The socket of the Socket key, taken apart. */
struct sockspec {
	int	family;		/* AF_UNIX, AF_INET or AF_INET6 */
	const char *path;	/* AF_UNIX */
	char	host[256];	/* AF_INET, AF_INET6: without [] */
	char	port[8];
};

int	identity_resolve(const struct conf *conf, struct identity *id);
int	identity_assume(const struct identity *id, int core_dumps);
int	pidfile_open(const char *path);
void	pidfile_write(void);
void	pidfile_check_folder(const struct identity *id);
void	pidfile_remove(void);
int	socket_check_unix(const char *spec, const char *path);
int	socket_check_inet(const char *spec, const struct sockspec *sp);
void	daemonize(void);
void	service_notify(const char *state);

#endif
