/*
 * NAME
 *	fuzz_hdraddr 1
 * SUMMARY
 *	libFuzzer target: From: and Sender: field bodies
 * SYNOPSIS
 *	fuzz_hdraddr [libFuzzer options] [corpus...]
 * DESCRIPTION
 *	The first octet picks how many mailboxes the caller keeps (0 to
 *	HDRADDR_MAX + 1); the rest, as one string, goes to hdraddr_parse().
 *	The count it reports never exceeds that room.
 * DIAGNOSTICS
 *	abort() on a count past the room or a refusal without a reason;
 *	the sanitizers report memory and undefined-behaviour errors.
 */
#include <stdint.h>
#include <stdlib.h>

#include "hdraddr.h"
#include "fuzz_input.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* LLVMFuzzerTestOneInput - one field body */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct addr *out;
	struct fuzz_input in;
	const char *err = NULL;
	size_t max, n = 0;

	if (fuzz_input_init(&in, data, size) < 0)
		return 0;
	max = fuzz_input_byte(&in) % (HDRADDR_MAX + 2);
	/* exactly max entries, so a write past them is seen */
	if ((out = malloc((max ? max : 1) * sizeof(*out))) != NULL) {
		if (hdraddr_parse(fuzz_input_rest(&in, NULL), out, max, &n,
		    &err) == 0) {
			if (n > max)
				abort();
		} else if (err == NULL)
			abort();
		free(out);
	}
	fuzz_input_free(&in);
	return 0;
}
