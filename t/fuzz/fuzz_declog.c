/*
 * NAME
 *	fuzz_declog 1
 * SUMMARY
 *	libFuzzer target: the decision line's escaping
 * SYNOPSIS
 *	fuzz_declog [libFuzzer options] [corpus...]
 * DESCRIPTION
 *	Input: five octets (role, stage, rule, action, the buffers' sizes),
 *	then NUL-separated session, ip, helo, auth, from, rcpt, queue and
 *	reply text. declog_escape() escapes each value into a buffer of
 *	the chosen size, and declog_format() writes the line into a
 *	DECLOG_LINE_MAX buffer and into a small one. Neither result holds
 *	a control character, the full line is never cut, and a value
 *	always ends within its buffer.
 * DIAGNOSTICS
 *	abort() when an invariant breaks; the sanitizers report memory and
 *	undefined-behaviour errors.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "declog.h"
#include "fuzz_input.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* clean - is s free of control characters? */
static int
clean(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
			return 0;
	return 1;
}

/* escape_into - one value into exactly len octets */
static void
escape_into(const char *s, int allow_space, size_t len)
{
	char *buf;

	if ((buf = malloc(len)) == NULL)
		return;
	if (declog_escape(s, allow_space, buf, len) != buf ||
	    memchr(buf, '\0', len) == NULL || !clean(buf))
		abort();
	free(buf);
}

/* format_into - the line into exactly len octets; its length */
static size_t
format_into(size_t len, const struct declog_ctx *ctx, const struct verdict *v)
{
	size_t n;
	char *buf;

	if ((buf = malloc(len)) == NULL)
		return 0;
	n = declog_format(buf, len, ctx, v);
	if (n >= len || memchr(buf, '\0', len) == NULL || !clean(buf)) {
		fprintf(stderr, "line of %zu octets in %zu: %.*s\n", n, len,
		    (int)len, buf);
		abort();
	}
	free(buf);
	return n;
}

/* LLVMFuzzerTestOneInput - one decision line */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct declog_ctx ctx;
	struct verdict v;
	struct fuzz_input in;
	const char *text;
	size_t small;

	if (fuzz_input_init(&in, data, size) < 0)
		return 0;
	memset(&ctx, 0, sizeof(ctx));
	memset(&v, 0, sizeof(v));
	ctx.role = (enum role)(fuzz_input_byte(&in) % 3);
	ctx.stage = (enum stage)(fuzz_input_byte(&in) % 5);
	v.rule = (enum rule_id)(fuzz_input_byte(&in) % (RULE_COUNT + 1));
	v.action = (enum action)(fuzz_input_byte(&in) % 5);
	v.would = ACTION_REJECT;
	small = 1 + fuzz_input_byte(&in);
	ctx.session = fuzz_input_string(&in);
	ctx.ip = fuzz_input_string(&in);
	ctx.helo = fuzz_input_string(&in);
	ctx.auth = fuzz_input_string(&in);
	ctx.from = fuzz_input_string(&in);
	ctx.rcpt = in.at < in.len ? fuzz_input_string(&in) : NULL;
	ctx.queue = in.at < in.len ? fuzz_input_string(&in) : NULL;
	text = fuzz_input_rest(&in, NULL);
	snprintf(v.code, sizeof(v.code), "550");
	snprintf(v.ecode, sizeof(v.ecode), "5.7.1");
	snprintf(v.text, sizeof(v.text), "%s", text);

	escape_into(ctx.helo, 0, small);
	escape_into(text, 1, small);
	escape_into(ctx.from, 0, 4 * strlen(ctx.from) + 1);
	(void)format_into(DECLOG_LINE_MAX, &ctx, &v);
	(void)format_into(small, &ctx, &v);
	fuzz_input_free(&in);
	return 0;
}
