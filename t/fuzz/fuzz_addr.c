/*
 * NAME
 *	fuzz_addr 1
 * SUMMARY
 *	libFuzzer target: MAIL FROM and RCPT TO arguments
 * SYNOPSIS
 *	fuzz_addr [libFuzzer options] [corpus...]
 * DESCRIPTION
 *	Feeds the input, as one string, to addr_parse(). An address it
 *	accepts is formatted with addr_format(); that text must parse
 *	again to the same address (normalising twice changes nothing).
 * DIAGNOSTICS
 *	abort() when the second parse disagrees; the sanitizers report
 *	memory and undefined-behaviour errors.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "fuzz_input.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* LLVMFuzzerTestOneInput - one argument through the parser and back */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[ADDR_FORMAT_MAX], again[ADDR_FORMAT_MAX];
	struct fuzz_input in;
	struct addr a, b;
	const char *err = NULL;

	if (fuzz_input_init(&in, data, size) < 0)
		return 0;
	if (addr_parse(in.buf, &a, &err) != 0) {
		if (err == NULL)
			abort();	/* a refusal always says why */
	} else if (!a.null && addr_format(&a, text, sizeof(text)) == 0) {
		if (addr_parse(text, &b, &err) != 0) {
			fprintf(stderr, "formatted \"%s\" refused: %s\n", text,
			    err);
			abort();
		}
		if (addr_format(&b, again, sizeof(again)) != 0 ||
		    strcmp(text, again) != 0) {
			fprintf(stderr, "\"%s\" became \"%s\"\n", text, again);
			abort();
		}
	}
	fuzz_input_free(&in);
	return 0;
}
