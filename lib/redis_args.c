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

/* decimal - n in decimal, minus sign first if neg, into buf (24 octets) */
static const char *
decimal(int neg, unsigned long long n, char *buf)
{
	char *p = buf + 23;

	*p = '\0';
	do
		*--p = (char)('0' + n % 10);
	while ((n /= 10) != 0);
	if (neg)
		*--p = '-';
	return p;
}

/* integer - one integer conversion with its argument, by hand; NULL for a
 * format that is not one */
static const char *
integer(const char *fmt, va_list ap, char *buf)
{
	long long v;

	if (strcmp(fmt, "%d") == 0)
		v = va_arg(ap, int);
	else if (strcmp(fmt, "%ld") == 0)
		v = va_arg(ap, long);
	else if (strcmp(fmt, "%lld") == 0)
		v = va_arg(ap, long long);
	else if (strcmp(fmt, "%u") == 0)
		return decimal(0, va_arg(ap, unsigned), buf);
	else if (strcmp(fmt, "%lu") == 0)
		return decimal(0, va_arg(ap, unsigned long), buf);
	else if (strcmp(fmt, "%zu") == 0)
		return decimal(0, va_arg(ap, size_t), buf);
	else
		return NULL;
	/* the magnitude of LLONG_MIN too */
	return v < 0 ? decimal(1, 0ULL - (unsigned long long)v, buf) :
	    decimal(0, (unsigned long long)v, buf);
}

/* redis_args_num - a decimal argument */
void
redis_args_num(struct redis_args *a, const char *fmt, ...)
{
	char buf[32];
	const char *text;
	va_list ap;

	/* several per store round trip: vsnprintf cost more than the rest
	 * of the command's building */
	va_start(ap, fmt);
	if ((text = integer(fmt, ap, buf)) == NULL) {
		vsnprintf(buf, sizeof(buf), fmt, ap);
		text = buf;
	}
	va_end(ap);
	redis_args_cat(a, text, (const char *)NULL);
}
