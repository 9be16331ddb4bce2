/*
 * NAME
 *	fuzz_input 3
 * SUMMARY
 *	the fuzz targets' view of one input
 * SYNOPSIS
 *	#include "fuzz_input.h"
 * DESCRIPTION
 *	fuzz_input_init() copies libFuzzer's bytes; fuzz_input_byte() takes
 *	one octet from the front (0 when none is left) and
 *	fuzz_input_string() the text up to the next NUL, itself
 *	NUL-terminated (the rest when there is no NUL, "" at the end).
 *	fuzz_input_rest() is what is left, NUL-terminated. One input at a
 *	time: the targets are single-threaded.
 * DIAGNOSTICS
 *	fuzz_input_init() returns -1 when the copy cannot be made.
 */
#ifndef ISO_FUZZ_INPUT_H
#define ISO_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>

struct fuzz_input {
	char   *buf;		/* the bytes plus a NUL */
	size_t	len;
	size_t	at;		/* what is taken */
};

int	fuzz_input_init(struct fuzz_input *in, const uint8_t *data,
	    size_t size);
unsigned char fuzz_input_byte(struct fuzz_input *in);
const char *fuzz_input_string(struct fuzz_input *in);
const char *fuzz_input_rest(struct fuzz_input *in, size_t *len_r);
void	fuzz_input_free(struct fuzz_input *in);

#endif
