/*
 * NAME
 *	fuzz_xtext 1
 * SUMMARY
 *	libFuzzer target: Sendmail's xtext-encoded {auth_authen}
 * SYNOPSIS
 *	fuzz_xtext [libFuzzer options] [corpus...]
 * DESCRIPTION
 *	The first octet picks the output buffer's size (0 to 255 octets,
 *	malloc()ed to that size so that an overrun is seen); the rest is
 *	decoded with xtext_decode(). A decoded text is NUL-terminated
 *	within the buffer.
 * DIAGNOSTICS
 *	abort() on an unterminated result; the sanitizers report memory
 *	and undefined-behaviour errors.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xtext.h"
#include "fuzz_input.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* LLVMFuzzerTestOneInput - one encoded text into a small buffer */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in;
	size_t len;
	char *buf;

	if (fuzz_input_init(&in, data, size) < 0)
		return 0;
	len = fuzz_input_byte(&in);
	if ((buf = malloc(len ? len : 1)) != NULL) {
		if (xtext_decode(fuzz_input_rest(&in, NULL), buf, len) == 0 &&
		    memchr(buf, '\0', len) == NULL)
			abort();
		free(buf);
	}
	fuzz_input_free(&in);
	return 0;
}
