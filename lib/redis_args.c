/*
 * NAME
 *	redis_args 3
 * SUMMARY
 *	binary-safe Redis command arguments
 * SYNOPSIS
 *	#include "redis_args.h"
 * DESCRIPTION
 *	See redis_args.h.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redis_args.h"

/* redis_args_new - room for max arguments, the first skip left to the caller */
int
redis_args_new(struct redis_args *a, int max, int skip, size_t bytes,
    struct store_err *err)
{
	size_t size = (size_t)max * (sizeof(*a->v) + sizeof(*a->len)) + bytes;

	memset(a, 0, sizeof(*a));
	if ((a->v = malloc(size)) == NULL) {
		store_set_error(err, "redis: out of memory");
		return -1;
	}
	a->len = (size_t *)(a->v + max);
	a->at = (char *)(a->len + max);
	a->end = (char *)a->v + size;
	a->n = skip;
	return 0;
}

/* redis_args_ref - an argument that is the caller's bytes */
void
redis_args_ref(struct redis_args *a, const char *s, size_t len)
{
	a->v[a->n] = s;
	a->len[a->n++] = len;
}

/* redis_args_cat - an argument made of the strings given, NULL last */
void
redis_args_cat(struct redis_args *a, ...)
{
	const char *s;
	va_list ap;
	size_t len;

	a->v[a->n] = a->at;
	va_start(ap, a);
	while ((s = va_arg(ap, const char *)) != NULL) {
		len = strlen(s);
		if (len > (size_t)(a->end - a->at)) {
			a->overflow = 1;
			len = (size_t)(a->end - a->at);
		}
		memcpy(a->at, s, len);
		a->at += len;
	}
	va_end(ap);
	a->len[a->n] = (size_t)(a->at - a->v[a->n]);
	a->n++;
}

/* redis_args_num - a decimal argument */
void
redis_args_num(struct redis_args *a, const char *fmt, ...)
{
	char buf[32];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	redis_args_cat(a, buf, (const char *)NULL);
}
