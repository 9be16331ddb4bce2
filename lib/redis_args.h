/*
 * NAME
 *	redis_args 3h
 * SUMMARY
 *	binary-safe Redis command arguments
 * SYNOPSIS
 *	#include "redis_args.h"
 *
 *	int redis_args_new(struct redis_args *a, int max, int skip,
 *	    size_t bytes, struct store_err *err);
 *	void redis_args_ref(struct redis_args *a, const char *s, size_t len);
 *	void redis_args_cat(struct redis_args *a, ...);
 *	void redis_args_num(struct redis_args *a, const char *fmt, ...);
 * DESCRIPTION
 *	Builds the argv and argvlen that redisCommandArgv() takes, so that
 *	keys and values travel as bytes and nothing is ever formatted into
 *	a command string. redis_args_new() makes room for max arguments and
 *	bytes octets of built ones in one allocation (free(a->v) releases
 *	it), leaving the first skip for the caller (EVALSHA and the
 *	script's name). redis_args_ref() adds the caller's bytes as they
 *	are; redis_args_cat() adds the concatenation of C strings (NULL
 *	last); redis_args_num() a printf-formatted number.
 * DIAGNOSTICS
 *	redis_args_new() returns -1 with "redis: out of memory" in err.
 *	Built bytes past the room given set a->overflow: the command must
 *	not be sent.
 */
#ifndef ISO_REDIS_ARGS_H
#define ISO_REDIS_ARGS_H

#include <stddef.h>

#include "store.h"

/* one command's arguments; the bytes of those built here follow */
struct redis_args {
	int	n;
	const char **v;
	size_t	*len;
	char	*at;
	char	*end;
	int	overflow;		/* a bound was wrong: do not send */
};

int	redis_args_new(struct redis_args *a, int max, int skip, size_t bytes,
	    struct store_err *err);
void	redis_args_ref(struct redis_args *a, const char *s, size_t len);
void	redis_args_cat(struct redis_args *a, ...);
void	redis_args_num(struct redis_args *a, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
