/*
 * NAME
 *	fuzz_sendermap 1
 * SUMMARY
 *	libFuzzer target: the sender-login map (SenderLoginMap)
 * SYNOPSIS
 *	fuzz_sendermap [libFuzzer options] [corpus...]
 * DESCRIPTION
 *	Input: a flags octet (LoginIsAddress, the subaddress delimiter,
 *	LocalDomains), a login, NUL, a MAIL FROM argument, NUL, then the
 *	map's text. The text goes to sendermap_parse() as the file would;
 *	a map it builds answers sendermap_owns() and sendermap_owned() for
 *	the login and the address.
 * DIAGNOSTICS
 *	abort() when neither a map nor an error comes back, or the owned
 *	list is not NUL-terminated; the sanitizers report memory and
 *	undefined-behaviour errors.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sendermap.h"
#include "strlist.h"
#include "fuzz_input.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const delimiters[] = {"+", "", "-", "+-"};

/* LLVMFuzzerTestOneInput - one map and one question */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *domains[] = {"example.net", "example.org"};
	struct strlist errors = {0}, local = {0};
	struct sendermap_opts o;
	struct sendermap *map;
	struct fuzz_input in;
	const char *login, *from, *err;
	struct addr a;
	unsigned char flags;
	char *owned;
	size_t i, len;

	if (fuzz_input_init(&in, data, size) < 0)
		return 0;
	flags = fuzz_input_byte(&in);
	login = fuzz_input_string(&in);
	from = fuzz_input_string(&in);
	map = sendermap_parse("senders", fuzz_input_rest(&in, NULL), &errors);
	if (map == NULL && errors.n == 0)
		abort();
	if (map != NULL) {
		if (flags & 4)
			for (i = 0; i < 2; i++)
				(void)strlist_add(&local, domains[i]);
		o.login_is_address = flags & 1;
		o.subaddress_delimiter = delimiters[(flags >> 1) & 3];
		o.local_domains = &local;
		if (addr_parse(from, &a, &err) == 0)
			(void)sendermap_owns(map, &o, login, &a);
		/* exactly len octets, so a write past them is seen */
		len = (flags >> 3) % 2 ? 512 : 1 + (flags >> 4);
		if ((owned = malloc(len)) != NULL) {
			(void)sendermap_owned(map, &o, login, owned, len);
			if (memchr(owned, '\0', len) == NULL)
				abort();
			free(owned);
		}
		strlist_clear(&local);
		sendermap_free(map);
	}
	strlist_clear(&errors);
	fuzz_input_free(&in);
	return 0;
}
