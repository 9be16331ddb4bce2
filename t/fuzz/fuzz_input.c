/*
 * NAME
 *	fuzz_input 3
 * SUMMARY
 *	the fuzz targets' view of one input
 * SYNOPSIS
 *	#include "fuzz_input.h"
 * DESCRIPTION
 *	See fuzz_input.h. The copy is malloc()ed to the input's size plus
 *	its NUL, so AddressSanitizer sees a read past the end.
 * DIAGNOSTICS
 *	None.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_input.h"

/* fuzz_input_init - copy data, NUL-terminated; 0 or -1 */
int
fuzz_input_init(struct fuzz_input *in, const uint8_t *data, size_t size)
{
	if ((in->buf = malloc(size + 1)) == NULL)
		return -1;
	if (size > 0)
		memcpy(in->buf, data, size);
	in->buf[size] = '\0';
	in->len = size;
	in->at = 0;
	return 0;
}

/* fuzz_input_byte - the next octet, 0 when none is left */
unsigned char
fuzz_input_byte(struct fuzz_input *in)
{
	if (in->at >= in->len)
		return 0;
	return (unsigned char)in->buf[in->at++];
}

/* fuzz_input_string - the text up to the next NUL (or the end) */
const char *
fuzz_input_string(struct fuzz_input *in)
{
	const char *s = in->buf + in->at;

	in->at += strlen(s);
	if (in->at < in->len)
		in->at++;
	return s;
}

/* fuzz_input_rest - what is left, NUL-terminated, and its length */
const char *
fuzz_input_rest(struct fuzz_input *in, size_t *len_r)
{
	const char *s = in->buf + in->at;

	if (len_r != NULL)
		*len_r = in->len - in->at;
	in->at = in->len;
	return s;
}

/* fuzz_input_free - release the copy */
void
fuzz_input_free(struct fuzz_input *in)
{
	free(in->buf);
	in->buf = NULL;
}
